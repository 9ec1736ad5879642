import { copyFileSync, existsSync, readFileSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AppError } from '../../../electron/app-error';
import { openEncryptedStore, storeDirectory, wipeUserOfflineData, type StoreOptions } from '../../../electron/offline/encrypted-store';
import { TestKeyProvider, type KeyProvider } from '../../../electron/offline/key-provider';
import { nodeStoreFs, type StoreFs } from '../../../electron/offline/store-fs';
import { diskContains, makeTempRoot, manualClock, objectFiles, tempFiles, walkFiles } from './store-test-kit';

const DAY = 24 * 60 * 60 * 1000;
const USER = '555000111222';
const UBRN = '000049381726';
const MARKER = 'MARKER-plaintext-4f1c9e';

let cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups) cleanup();
  cleanups = [];
});

function tempRoot(): string {
  const { root, cleanup } = makeTempRoot('store');
  cleanups.push(cleanup);
  return root;
}

function options(root: string, extra: Partial<StoreOptions> = {}): StoreOptions {
  return { root, userId: USER, environment: 'local', keyProvider: new TestKeyProvider(), ...extra };
}

async function expectAppError(promise: Promise<unknown>, code: string): Promise<AppError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(AppError);
  expect((error as AppError).code).toBe(code);
  // One sentence a user can act on: says what happened, then what to do.
  expect((error as AppError).message).toMatch(/^[A-Z].+; .+\.$/);
  return error as AppError;
}

/** The object file that appeared when `key` was written. */
async function fileWrittenFor(root: string, write: () => Promise<void>): Promise<string> {
  const dir = storeDirectory({ root, userId: USER, environment: 'local' });
  const before = new Set(existsSync(path.join(dir, 'objects')) ? objectFiles(dir) : []);
  await write();
  const added = objectFiles(dir).filter((file) => !before.has(file));
  expect(added).toHaveLength(1);
  return added[0] as string;
}

describe('round trip', () => {
  it('returns exactly what was stored, with its description, across a reopen', async () => {
    const root = tempRoot();
    const clock = manualClock();
    const store = await openEncryptedStore(options(root, { now: clock.now }));
    expect(store.stats()).toEqual({ objects: 0, bytes: 0, discarded: 0, evicted: 0, expired: 0, indexRebuilt: false });
    const everyByte = Uint8Array.from({ length: 256 * 40 }, (_, i) => i % 256);
    await store.put(`attachment/${UBRN}/att-1`, everyByte, { contentType: 'application/pdf', pages: 3 });
    await store.put(`referral/${UBRN}`, Buffer.from('{"a":1}'));
    await store.put('empty', new Uint8Array(0));

    const got = await store.get(`attachment/${UBRN}/att-1`);
    expect(got?.bytes).toEqual(everyByte);
    expect(got?.meta).toEqual({ contentType: 'application/pdf', pages: 3 });
    expect(got?.storedAt).toBe(clock.now());
    expect((await store.get('empty'))?.bytes).toEqual(new Uint8Array(0));
    expect(await store.has(`referral/${UBRN}`)).toBe(true);
    expect(await store.get('missing')).toBeNull();
    expect((await store.list('attachment/')).map((entry) => entry.key)).toEqual([`attachment/${UBRN}/att-1`]);
    expect(store.sizeBytes()).toBeGreaterThan(everyByte.length);

    const reopened = await openEncryptedStore(options(root, { now: clock.now }));
    expect((await reopened.get(`attachment/${UBRN}/att-1`))?.bytes).toEqual(everyByte);
    expect(reopened.stats()).toMatchObject({ objects: 3, discarded: 0, indexRebuilt: false });
    expect(await reopened.delete(`referral/${UBRN}`)).toBe(true);
    expect(await reopened.delete(`referral/${UBRN}`)).toBe(false);
    expect(await reopened.get(`referral/${UBRN}`)).toBeNull();
    expect(objectFiles(storeDirectory({ root, userId: USER, environment: 'local' }))).toHaveLength(2);
  });

  it('writes a fresh IV every time: the same bytes never give the same file', async () => {
    const root = tempRoot();
    const store = await openEncryptedStore(options(root));
    const file = await fileWrittenFor(root, () => store.put('k', Buffer.from(MARKER)));
    const first = readFileSync(file);
    await store.put('k', Buffer.from(MARKER));
    const second = readFileSync(file);
    expect(second.length).toBe(first.length);
    expect(second.subarray(5, 17).equals(first.subarray(5, 17))).toBe(false);
    expect(second.equals(first)).toBe(false);
  });

  it('refuses invalid keys and options with a clear error', async () => {
    const root = tempRoot();
    const store = await openEncryptedStore(options(root));
    await expectAppError(store.put('', new Uint8Array(1)), 'OFFLINE_INVALID_KEY');
    await expectAppError(store.get('x'.repeat(600)), 'OFFLINE_INVALID_KEY');
    await expectAppError(store.put('k', 'text' as unknown as Uint8Array), 'OFFLINE_INVALID_VALUE');
    await expectAppError(openEncryptedStore(options(root, { userId: '' })), 'OFFLINE_INVALID_OPTIONS');
    await expectAppError(openEncryptedStore(options(root, { name: '../escape' })), 'OFFLINE_INVALID_OPTIONS');
    await expectAppError(openEncryptedStore(options(root, { maxBytes: -1 })), 'OFFLINE_INVALID_OPTIONS');
  });
});

describe('nothing readable on disk', () => {
  it('keeps no plaintext, no UBRN and no user id in any file or path', async () => {
    const root = tempRoot();
    const store = await openEncryptedStore(options(root));
    await store.put(`referral/${UBRN}`, Buffer.from(`{"note":"${MARKER}"}`), { title: `${MARKER} title` });
    await store.put(`attachment/${UBRN}/letter.pdf`, Buffer.from(`%PDF-1.7 ${MARKER}`));
    await store.get(`referral/${UBRN}`);
    await store.flush();

    const files = walkFiles(root);
    expect(files.length).toBeGreaterThanOrEqual(4); // key, index, two objects
    expect(diskContains(root, MARKER)).toBe(false);
    expect(diskContains(root, UBRN)).toBe(false);
    expect(diskContains(root, USER)).toBe(false);
    expect(diskContains(root, 'letter.pdf')).toBe(false);
    for (const file of files)
      expect(path.relative(root, file)).toMatch(/^[0-9a-f]{32}[/\\]cache[/\\](key\.json|index\.bin|objects[/\\][0-9a-f]{32}\.obj)$/);
  });

  it('gives each user and environment its own directory and key: one cannot list or read another', async () => {
    const root = tempRoot();
    const alice = await openEncryptedStore(options(root, { userId: 'alice-1' }));
    const bob = await openEncryptedStore(options(root, { userId: 'bob-2' }));
    const aliceSandbox = await openEncryptedStore(options(root, { userId: 'alice-1', environment: 'sandbox' }));
    await alice.put('shared-name', Buffer.from('alice'));
    expect(await bob.get('shared-name')).toBeNull();
    expect(await aliceSandbox.list()).toEqual([]);
    const dirs = new Set(['alice-1', 'bob-2'].map((userId) => storeDirectory({ root, userId, environment: 'local' })));
    dirs.add(storeDirectory({ root, userId: 'alice-1', environment: 'sandbox' }));
    expect(dirs.size).toBe(3);
    const keyFiles = [...dirs].map(
      (dir) => JSON.parse(readFileSync(path.join(dir, 'key.json'), 'utf8')) as { wrappedKey: string; storeId: string },
    );
    expect(new Set(keyFiles.map((file) => file.wrappedKey)).size).toBe(3);
    expect(new Set(keyFiles.map((file) => file.storeId)).size).toBe(3);
  });
});

describe('tampered, truncated, swapped and foreign files are discarded, never returned', () => {
  it.each([
    ['the magic', 0],
    ['the IV', 7],
    ['the ciphertext', 'middle'],
    ['the authentication tag', 'last'],
  ] as const)('a flipped byte in %s', async (_what, where) => {
    const root = tempRoot();
    const store = await openEncryptedStore(options(root));
    const file = await fileWrittenFor(root, () => store.put(`referral/${UBRN}`, Buffer.from(`{"note":"${MARKER}"}`)));
    await store.put('other', Buffer.from('still fine'));
    const bytes = readFileSync(file);
    const at = where === 'middle' ? Math.floor(bytes.length / 2) : where === 'last' ? bytes.length - 1 : where;
    bytes[at] = (bytes[at] as number) ^ 0x01;
    writeFileSync(file, bytes);

    expect(await store.get(`referral/${UBRN}`)).toBeNull();
    expect(existsSync(file)).toBe(false);
    expect(store.stats().discarded).toBe(1);
    expect(await store.has(`referral/${UBRN}`)).toBe(false);
    expect(Buffer.from((await store.get('other'))?.bytes ?? []).toString()).toBe('still fine');
  });

  it('a truncated file, whether found on reading or at the next open', async () => {
    const root = tempRoot();
    const store = await openEncryptedStore(options(root));
    const first = await fileWrittenFor(root, () => store.put('a', Buffer.alloc(4000, 7)));
    const second = await fileWrittenFor(root, () => store.put('b', Buffer.alloc(4000, 8)));
    truncateSync(first, 2000);
    expect(await store.get('a')).toBeNull();
    expect(existsSync(first)).toBe(false);

    truncateSync(second, 10);
    const reopened = await openEncryptedStore(options(root));
    expect(reopened.stats().discarded).toBe(1);
    expect(existsSync(second)).toBe(false);
    expect(await reopened.get('b')).toBeNull();
    expect(await reopened.list()).toEqual([]);
  });

  it("a file copied over another key's file (a swap) fails, and the original still reads", async () => {
    const root = tempRoot();
    const store = await openEncryptedStore(options(root));
    const fileA = await fileWrittenFor(root, () => store.put(`referral/${UBRN}`, Buffer.from('decision for A')));
    const fileB = await fileWrittenFor(root, () => store.put('referral/000000000002', Buffer.from('decision for B')));
    copyFileSync(fileA, fileB);
    expect(await store.get('referral/000000000002')).toBeNull();
    expect(store.stats().discarded).toBe(1);
    expect(Buffer.from((await store.get(`referral/${UBRN}`))?.bytes ?? []).toString()).toBe('decision for A');
  });

  it("a file from another user's store, under the name this store uses, fails", async () => {
    const root = tempRoot();
    const mine = await openEncryptedStore(options(root));
    const theirs = await openEncryptedStore(options(root, { userId: 'someone-else' }));
    const myFile = await fileWrittenFor(root, () => mine.put(`referral/${UBRN}`, Buffer.from('mine')));
    const theirDir = storeDirectory({ root, userId: 'someone-else', environment: 'local' });
    await theirs.put(`referral/${UBRN}`, Buffer.from(`theirs ${MARKER}`));
    const [theirFile] = objectFiles(theirDir);
    copyFileSync(theirFile as string, myFile);
    expect(await mine.get(`referral/${UBRN}`)).toBeNull();
    expect(mine.stats().discarded).toBe(1);
    // And a foreign file dropped in under a new name is discarded when the store opens.
    copyFileSync(theirFile as string, path.join(path.dirname(myFile), `${'ab'.repeat(16)}.obj`));
    const reopened = await openEncryptedStore(options(root));
    expect(reopened.stats().discarded).toBe(1);
    expect(objectFiles(storeDirectory({ root, userId: USER, environment: 'local' }))).toEqual([]);
    expect(Buffer.from((await theirs.get(`referral/${UBRN}`))?.bytes ?? []).toString()).toBe(`theirs ${MARKER}`);
  });
});

/** Wraps a provider and keeps what passed through, so the test can look for the raw key on disk. */
class RecordingProvider implements KeyProvider {
  readonly rawKeys: Uint8Array[] = [];
  readonly wrapped: Uint8Array[] = [];
  readonly #inner = new TestKeyProvider();
  available(): boolean {
    return true;
  }
  async wrap(key: Uint8Array): Promise<Uint8Array> {
    this.rawKeys.push(Uint8Array.from(key));
    const blob = await this.#inner.wrap(key);
    this.wrapped.push(blob);
    return blob;
  }
  unwrap(blob: Uint8Array): Promise<Uint8Array> {
    return this.#inner.unwrap(blob);
  }
}

describe('the data key is wrapped through the key provider', () => {
  it('keeps only the wrapped form on disk', async () => {
    const root = tempRoot();
    const provider = new RecordingProvider();
    const store = await openEncryptedStore(options(root, { keyProvider: provider }));
    await store.put('k', Buffer.from(MARKER));
    expect(provider.rawKeys).toHaveLength(1);
    const raw = Buffer.from(provider.rawKeys[0] as Uint8Array);
    expect(raw.length).toBe(32);
    const keyFile = JSON.parse(
      readFileSync(path.join(storeDirectory({ root, userId: USER, environment: 'local' }), 'key.json'), 'utf8'),
    ) as { wrappedKey: string };
    expect(Buffer.from(keyFile.wrappedKey, 'base64').equals(Buffer.from(provider.wrapped[0] as Uint8Array))).toBe(true);
    for (const form of [raw, Buffer.from(raw.toString('hex')), Buffer.from(raw.toString('base64'))])
      expect(diskContains(root, form)).toBe(false);
    // Reopening unwraps the same key rather than making a new one.
    const reopened = await openEncryptedStore(options(root, { keyProvider: provider }));
    expect(provider.rawKeys).toHaveLength(1);
    expect(Buffer.from((await reopened.get('k'))?.bytes ?? []).toString()).toBe(MARKER);
  });

  it('a different provider (another desktop account) cannot open the store, and nothing is deleted', async () => {
    const root = tempRoot();
    const store = await openEncryptedStore(options(root));
    await store.put('k', Buffer.from(MARKER));
    const before = walkFiles(root).map((file) => [file, readFileSync(file).toString('base64')]);
    await expectAppError(
      openEncryptedStore(options(root, { keyProvider: new TestKeyProvider({ label: 'another-account' }) })),
      'OFFLINE_KEY_REJECTED',
    );
    expect(walkFiles(root).map((file) => [file, readFileSync(file).toString('base64')])).toEqual(before);
    const again = await openEncryptedStore(options(root));
    expect(Buffer.from((await again.get('k'))?.bytes ?? []).toString()).toBe(MARKER);
  });

  it('refuses to open when the operating system cannot protect the key', async () => {
    const root = tempRoot();
    await expectAppError(
      openEncryptedStore(options(root, { keyProvider: new TestKeyProvider({ available: false }) })),
      'OFFLINE_KEY_UNAVAILABLE',
    );
    expect(walkFiles(root).filter((file) => file.endsWith('key.json'))).toEqual([]);
  });

  it('a damaged key file makes a new key; the old objects cannot be read and are discarded', async () => {
    const root = tempRoot();
    const store = await openEncryptedStore(options(root));
    await store.put('a', Buffer.from('one'));
    await store.put('b', Buffer.from('two'));
    writeFileSync(path.join(storeDirectory({ root, userId: USER, environment: 'local' }), 'key.json'), '{"format":');
    const reopened = await openEncryptedStore(options(root));
    expect(reopened.stats()).toMatchObject({ objects: 0, discarded: 2, indexRebuilt: true });
    await reopened.put('c', Buffer.from('three'));
    expect(Buffer.from((await reopened.get('c'))?.bytes ?? []).toString()).toBe('three');
  });
});

describe('the index', () => {
  it('is rebuilt from the files when lost or damaged', async () => {
    const root = tempRoot();
    const dir = storeDirectory({ root, userId: USER, environment: 'local' });
    const store = await openEncryptedStore(options(root));
    for (let i = 0; i < 5; i++) await store.put(`item/${i}`, Buffer.from(`value ${i}`), { n: i });

    unlinkSync(path.join(dir, 'index.bin'));
    const afterLoss = await openEncryptedStore(options(root));
    expect(afterLoss.stats()).toMatchObject({ objects: 5, indexRebuilt: true, discarded: 0 });
    expect((await afterLoss.list('item/')).map((entry) => entry.meta)).toEqual([0, 1, 2, 3, 4].map((n) => ({ n })));

    const index = readFileSync(path.join(dir, 'index.bin'));
    index[20] = (index[20] as number) ^ 0xff;
    writeFileSync(path.join(dir, 'index.bin'), index);
    const afterDamage = await openEncryptedStore(options(root));
    expect(afterDamage.stats()).toMatchObject({ objects: 5, indexRebuilt: true, discarded: 0 });
    expect(Buffer.from((await afterDamage.get('item/3'))?.bytes ?? []).toString()).toBe('value 3');
  });

  it('catches up with objects written or rewritten just before a crash that lost the index update', async () => {
    const root = tempRoot();
    const dir = storeDirectory({ root, userId: USER, environment: 'local' });
    const store = await openEncryptedStore(options(root, { indexWriteIntervalMs: 0 }));
    await store.put('old', Buffer.from('old'));
    await store.put('same-size', Buffer.from('aaaa'), { etag: 'v1' });
    const staleIndex = readFileSync(path.join(dir, 'index.bin'));
    await store.put('new', Buffer.from('new'));
    await store.put('old', Buffer.from('old, rewritten and longer'));
    await store.put('same-size', Buffer.from('bbbb'), { etag: 'v2' });
    writeFileSync(path.join(dir, 'index.bin'), staleIndex);
    writeFileSync(path.join(dir, 'objects', 'leftover.obj.0123abcd.tmp'), 'half a write');

    const reopened = await openEncryptedStore(options(root));
    expect(reopened.stats()).toMatchObject({ objects: 3, indexRebuilt: false, discarded: 0 });
    expect(Buffer.from((await reopened.get('new'))?.bytes ?? []).toString()).toBe('new');
    expect(Buffer.from((await reopened.get('old'))?.bytes ?? []).toString()).toBe('old, rewritten and longer');
    expect((await reopened.list('same-size')).map((entry) => entry.meta)).toEqual([{ etag: 'v2' }]);
    expect(tempFiles(root)).toEqual([]);
  });

  it('is written at most once per interval while objects stream in, and a crash before it caught up loses nothing', async () => {
    const root = tempRoot();
    let indexWrites = 0;
    const countingFs: StoreFs = {
      ...nodeStoreFs,
      createExclusive: (file) => {
        if (path.basename(file).startsWith('index.bin')) indexWrites++;
        return nodeStoreFs.createExclusive(file);
      },
    };
    const store = await openEncryptedStore(options(root, { fs: countingFs, indexWriteIntervalMs: 60_000 }));
    const writesAtOpen = indexWrites;
    for (let i = 0; i < 20; i++) await store.put(`attachment/${i}`, Buffer.alloc(100, i), { n: i });
    expect(indexWrites - writesAtOpen).toBe(0);

    // No flush: as if the app were killed here.
    const reopened = await openEncryptedStore(options(root));
    expect(reopened.stats()).toMatchObject({ objects: 20, indexRebuilt: false, discarded: 0 });
    expect((await reopened.get('attachment/19'))?.meta).toEqual({ n: 19 });

    await store.flush();
    expect(indexWrites - writesAtOpen).toBe(1);
  });
});

describe('limits', () => {
  it('evicts the least recently used objects to stay under the size cap, remembering use across a reopen', async () => {
    const root = tempRoot();
    const clock = manualClock();
    const blob = Buffer.alloc(1000, 1);
    // Each sealed object is a little over 1000 bytes: the cap holds three.
    const cap = 3 * 1100;
    const store = await openEncryptedStore(options(root, { now: clock.now, maxBytes: cap }));
    for (const key of ['a', 'b', 'c']) {
      await store.put(key, blob);
      clock.advance(1000);
    }
    await store.get('a');
    clock.advance(1000);
    await store.put('d', blob);
    expect((await store.list()).map((entry) => entry.key)).toEqual(['a', 'c', 'd']);
    expect(store.stats().evicted).toBe(1);
    expect(store.sizeBytes()).toBeLessThanOrEqual(cap);
    expect(objectFiles(storeDirectory({ root, userId: USER, environment: 'local' }))).toHaveLength(3);

    clock.advance(1000);
    await store.get('c');
    await store.flush();
    const reopened = await openEncryptedStore(options(root, { now: clock.now, maxBytes: cap }));
    clock.advance(1000);
    await reopened.put('e', blob);
    expect((await reopened.list()).map((entry) => entry.key)).toEqual(['c', 'd', 'e']);

    await expectAppError(reopened.put('huge', Buffer.alloc(cap)), 'OFFLINE_TOO_LARGE');
    await reopened.setLimits({ maxBytes: 1100 });
    expect((await reopened.list()).map((entry) => entry.key)).toEqual(['e']);
  });

  it('deletes objects older than the retention period, on sweep, on reading and on opening', async () => {
    const root = tempRoot();
    const clock = manualClock();
    const dir = storeDirectory({ root, userId: USER, environment: 'local' });
    const store = await openEncryptedStore(options(root, { now: clock.now }));
    await store.put('monday', Buffer.from('1'));
    clock.advance(3 * DAY);
    await store.put('thursday', Buffer.from('2'));
    clock.advance(4 * DAY - 1);
    expect(await store.sweep()).toBe(0);
    clock.advance(1);
    expect(await store.has('monday')).toBe(false);
    expect(await store.sweep()).toBe(1);
    expect(objectFiles(dir)).toHaveLength(1);
    expect(store.stats().expired).toBe(1);

    await store.put('saturday', Buffer.from('3'));
    clock.advance(3 * DAY);
    expect(await store.get('thursday')).toBeNull();
    expect(objectFiles(dir)).toHaveLength(1);

    clock.advance(7 * DAY);
    const reopened = await openEncryptedStore(options(root, { now: clock.now }));
    expect(reopened.stats()).toMatchObject({ objects: 0, expired: 1 });
    expect(objectFiles(dir)).toEqual([]);

    await reopened.put('short', Buffer.from('4'));
    clock.advance(2 * DAY);
    await reopened.setLimits({ retentionMs: DAY });
    expect(await reopened.list()).toEqual([]);
  });
});

describe('wipe', () => {
  it('removes every file of the store, key included, and closes it', async () => {
    const root = tempRoot();
    const store = await openEncryptedStore(options(root));
    await store.put('k', Buffer.from('v'));
    await store.wipe();
    expect(walkFiles(root)).toEqual([]);
    await expectAppError(store.get('k'), 'OFFLINE_STORE_CLOSED');
    await expectAppError(store.put('k', Buffer.from('v')), 'OFFLINE_STORE_CLOSED');
  });

  it("wipes all of a user's stores in an environment without needing the key, and no one else's", async () => {
    const root = tempRoot();
    const cache = await openEncryptedStore(options(root));
    const drafts = await openEncryptedStore(options(root, { name: 'drafts' }));
    const other = await openEncryptedStore(options(root, { userId: 'other' }));
    await cache.put('k', Buffer.from('v'));
    await drafts.put('k', Buffer.from('v'));
    await other.put('k', Buffer.from('kept'));
    await wipeUserOfflineData({ root, userId: USER, environment: 'local' });
    expect(walkFiles(root).every((file) => file.startsWith(storeDirectory({ root, userId: 'other', environment: 'local' })))).toBe(true);
    expect(Buffer.from((await other.get('k'))?.bytes ?? []).toString()).toBe('kept');
  });
});
