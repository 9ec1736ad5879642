import { afterEach, describe, expect, it } from 'vitest';
import { AppError } from '../../../electron/app-error';
import { openSavedTexts, type SavedTextsOptions } from '../../../electron/offline/saved-texts';
import { openEncryptedStore, partitionStoreDirectories } from '../../../electron/offline/encrypted-store';
import { partitionName } from '../../../electron/offline/offline-session';
import { TestKeyProvider } from '../../../electron/offline/key-provider';
import { SAVED_TEXTS_PER_USER } from '../../../contract';
import { diskContains, makeTempRoot, manualClock } from './store-test-kit';

const DAY = 24 * 60 * 60 * 1000;
const MARKER = 'MARKER-saved-text-31cd';

let cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups) cleanup();
  cleanups = [];
});

function setup(userId = 'consultant-7'): {
  root: string;
  clock: ReturnType<typeof manualClock>;
  options: (user?: string) => SavedTextsOptions;
} {
  const { root, cleanup } = makeTempRoot('saved-texts');
  cleanups.push(cleanup);
  const clock = manualClock();
  return {
    root,
    clock,
    options: (user = userId) => ({ root, userId: user, environment: 'local', keyProvider: new TestKeyProvider(), now: clock.now }),
  };
}

describe('saved texts', () => {
  it('are kept encrypted through a restart, newest first, and can be changed and deleted', async () => {
    const { root, clock, options } = setup();
    const texts = await openSavedTexts(options());
    const msk = await texts.save({ kind: 'reject', title: 'Community MSK first', text: `Please refer to community MSK first. ${MARKER}` });
    clock.advance(1000);
    await texts.save({ kind: 'triage', title: 'Book routine', text: 'Book into the next routine clinic.' });
    expect(diskContains(root, MARKER)).toBe(false);
    expect(diskContains(root, 'Community MSK first')).toBe(false);

    const restarted = await openSavedTexts(options());
    expect((await restarted.list()).map((t) => t.title)).toEqual(['Book routine', 'Community MSK first']);

    clock.advance(1000);
    await restarted.save({ id: msk.id, kind: 'reject', title: 'Community MSK first', text: 'Changed wording.' });
    const list = await restarted.list();
    expect(list).toHaveLength(2);
    expect(list[0]).toMatchObject({ id: msk.id, text: 'Changed wording.' });

    await restarted.delete(msk.id);
    expect((await restarted.list()).map((t) => t.title)).toEqual(['Book routine']);
  });

  it('do not expire with the cache: still there after the retention period', async () => {
    const { clock, options } = setup();
    const texts = await openSavedTexts(options());
    await texts.save({ kind: 'reply', title: 'Bloods first', text: 'Please send recent bloods.' });
    clock.advance(90 * DAY);
    const later = await openSavedTexts(options());
    expect((await later.list()).map((t) => t.title)).toEqual(['Bloods first']);
  });

  it("are each user's own", async () => {
    const { options } = setup();
    await (await openSavedTexts(options('consultant-7'))).save({ kind: 'reject', title: 'Mine', text: 'Mine.' });
    expect(await (await openSavedTexts(options('consultant-8'))).list()).toEqual([]);
  });

  it('refuse to change one that was deleted, and stop at the limit with a sentence', async () => {
    const { options } = setup();
    const texts = await openSavedTexts(options());
    await expect(texts.save({ id: 'no-such-text', kind: 'reject', title: 'Gone', text: 'Gone.' })).rejects.toBeInstanceOf(AppError);
    for (let i = 0; i < SAVED_TEXTS_PER_USER; i += 1) await texts.save({ kind: 'reject', title: `Text ${i}`, text: `Text ${i}.` });
    await expect(texts.save({ kind: 'reject', title: 'One more', text: 'One more.' })).rejects.toThrow(/Delete one you no longer use/);
  });

  it('move the texts an earlier version kept per role into the user’s own, once, keeping their ids and order', async () => {
    const { root, clock, options } = setup();
    const role = (ods: string) =>
      partitionName({ businessFunction: 'SERVICE_PROVIDER_CLINICIAN', organisationOds: ods, onBehalfOfUserId: null });
    // As the earlier version wrote them: one store per role, { kind, title, text } each.
    const write = async (ods: string, id: string, body: Record<string, string>) => {
      const old = await openEncryptedStore({
        ...options(),
        partition: role(ods),
        name: 'saved-texts',
        maxBytes: Infinity,
        retentionMs: Infinity,
      });
      await old.put(`text/${id}`, Buffer.from(JSON.stringify(body), 'utf8'));
      await old.flush();
    };
    await write('R69', 'a1', { kind: 'reject', title: 'Older at R69', text: 'Written at R69.' });
    clock.advance(1000);
    await write('R68', 'b1', { kind: 'reply', title: 'Newer at R68', text: 'Written at R68.' });
    clock.advance(1000);
    await write('R68', 'b2', { kind: 'nonsense', title: 'Unreadable', text: 'Not a kind the app knows.' });
    expect(await partitionStoreDirectories({ ...options(), name: 'saved-texts' })).toHaveLength(2);

    clock.advance(60_000);
    const texts = await openSavedTexts(options());
    expect((await texts.list()).map((t) => [t.id, t.title])).toEqual([
      ['b1', 'Newer at R68'],
      ['a1', 'Older at R69'],
    ]);
    // The per-role stores are gone; opening again neither loses nor doubles anything.
    expect(await partitionStoreDirectories({ ...options(), name: 'saved-texts' })).toEqual([]);
    expect((await (await openSavedTexts(options())).list()).map((t) => t.id)).toEqual(['b1', 'a1']);
    expect(diskContains(root, 'Written at R69')).toBe(false);
  });
});
