import { afterEach, describe, expect, it } from 'vitest';
import { AppError } from '../../../electron/app-error';
import { openEncryptedStore } from '../../../electron/offline/encrypted-store';
import { openDrafts, type DraftsOptions } from '../../../electron/offline/drafts';
import { TestKeyProvider } from '../../../electron/offline/key-provider';
import { diskContains, makeTempRoot, manualClock } from './store-test-kit';

const DAY = 24 * 60 * 60 * 1000;
const MARKER = 'MARKER-draft-reason-77ab';

let cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups) cleanup();
  cleanups = [];
});

function setup(): { root: string; clock: ReturnType<typeof manualClock>; options: () => DraftsOptions } {
  const { root, cleanup } = makeTempRoot('drafts');
  cleanups.push(cleanup);
  const clock = manualClock();
  return {
    root,
    clock,
    options: () => ({ root, userId: 'consultant-7', environment: 'local', keyProvider: new TestKeyProvider(), now: clock.now }),
  };
}

describe('drafts', () => {
  it('survive a restart, encrypted, one per item, and can be discarded', async () => {
    const { root, clock, options } = setup();
    const drafts = await openDrafts(options());
    await drafts.save('000000000011', { decision: 'reject', reason: MARKER, notifyGp: true });
    clock.advance(5000);
    await drafts.save('000000000011', { decision: 'reject', reason: `${MARKER} (edited)`, notifyGp: false });
    await drafts.save('ag-123', { reply: 'Please start metformin' });

    expect(diskContains(root, MARKER)).toBe(false);
    expect(diskContains(root, '000000000011')).toBe(false);

    const restarted = await openDrafts(options());
    expect(await restarted.load('000000000011')).toEqual({
      itemId: '000000000011',
      form: { decision: 'reject', reason: `${MARKER} (edited)`, notifyGp: false },
      savedAt: clock.now(),
    });
    expect((await restarted.list()).map((entry) => entry.itemId)).toEqual(['000000000011', 'ag-123']);
    await restarted.discard('ag-123');
    expect(await restarted.load('ag-123')).toBeNull();
    expect(await restarted.load('never-saved')).toBeNull();
  });

  it('expire with the retention period, like other patient data', async () => {
    const { clock, options } = setup();
    const drafts = await openDrafts(options());
    await drafts.save('000000000011', { reason: 'x' });
    clock.advance(7 * DAY);
    expect(await (await openDrafts(options())).load('000000000011')).toBeNull();
  });

  it('are never evicted by a full attachment cache', async () => {
    const { options } = setup();
    const drafts = await openDrafts(options());
    await drafts.save('000000000011', { reason: 'keep me' });
    const cache = await openEncryptedStore({ ...options(), maxBytes: 2000 });
    for (let i = 0; i < 5; i++) await cache.put(`attachment/${i}`, Buffer.alloc(1500, i));
    expect(cache.stats().evicted).toBe(4);
    expect((await drafts.load('000000000011'))?.form).toEqual({ reason: 'keep me' });
  });

  it('refuse bad ids and oversized or non-form content with a clear error', async () => {
    const { options } = setup();
    const drafts = await openDrafts(options());
    for (const attempt of [
      () => drafts.save('../etc', { a: 1 }),
      () => drafts.save('ok-id', ['not', 'a', 'form'] as unknown as Record<string, string>),
      () => drafts.save('ok-id', { text: 'x'.repeat(300 * 1024) }),
      () => drafts.load(''),
    ]) {
      const error = await attempt().then(
        () => null,
        (caught: unknown) => caught,
      );
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).message).toMatch(/; .+\.$/);
    }
    expect(await drafts.list()).toEqual([]);
  });
});
