/**
 * A full disk while the store writes. Simulated by injecting the store's file-system seam
 * (store-test-kit.ts `fillingDisk`): the chosen write lands half its bytes and then fails
 * with ENOSPC, as a real full disk does. A tiny tmpfs would need mount privileges that CI
 * runners and Windows do not give a test.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AppError } from '../../../electron/app-error';
import { openEncryptedStore, storeDirectory, type StoreOptions } from '../../../electron/offline/encrypted-store';
import { TestKeyProvider } from '../../../electron/offline/key-provider';
import { openOutbox } from '../../../electron/offline/outbox';
import { fillingDisk, makeTempRoot, objectFiles, tempFiles } from './store-test-kit';

let cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups) cleanup();
  cleanups = [];
});

function setup(): { root: string; disk: ReturnType<typeof fillingDisk>; options: (extra?: Partial<StoreOptions>) => StoreOptions } {
  const { root, cleanup } = makeTempRoot('diskfull');
  cleanups.push(cleanup);
  const disk = fillingDisk();
  return {
    root,
    disk,
    options: (extra = {}) => ({
      root,
      userId: 'u1',
      environment: 'local',
      keyProvider: new TestKeyProvider(),
      fs: disk.fs,
      indexWriteIntervalMs: 0,
      ...extra,
    }),
  };
}

async function rejection(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

const text = (bytes: Uint8Array | undefined) => Buffer.from(bytes ?? []).toString();

describe('disk full while writing', () => {
  it('a new object: a typed error with a clear sentence, no partial file, the index untouched', async () => {
    const { root, disk, options } = setup();
    const dir = storeDirectory({ root, userId: 'u1', environment: 'local' });
    const store = await openEncryptedStore(options());
    await store.put('kept', Buffer.from('kept value'));
    const indexBefore = readFileSync(path.join(dir, 'index.bin'));

    disk.failWrite(1);
    const error = await rejection(store.put('new', Buffer.alloc(64 * 1024, 3)));
    expect(disk.failures()).toBe(1);
    expect(error.code).toBe('OFFLINE_DISK_FULL');
    expect(error.message).toBe(
      'The disk on this computer is full, so this could not be saved for offline use; free some disk space and try again.',
    );
    expect(tempFiles(root)).toEqual([]);
    expect(objectFiles(dir)).toHaveLength(1);
    expect(readFileSync(path.join(dir, 'index.bin')).equals(indexBefore)).toBe(true);
    expect(await store.has('new')).toBe(false);
    expect(text((await store.get('kept'))?.bytes)).toBe('kept value');

    const reopened = await openEncryptedStore(options());
    expect(reopened.stats()).toMatchObject({ objects: 1, indexRebuilt: false, discarded: 0 });
    expect(await reopened.get('new')).toBeNull();
  });

  it('overwriting an object: the old value survives whole', async () => {
    const { root, disk, options } = setup();
    const store = await openEncryptedStore(options());
    await store.put('doc', Buffer.from('version one'));
    disk.failWrite(1);
    expect((await rejection(store.put('doc', Buffer.alloc(10_000, 9)))).code).toBe('OFFLINE_DISK_FULL');
    expect(text((await store.get('doc'))?.bytes)).toBe('version one');
    expect(tempFiles(root)).toEqual([]);
    expect(text((await (await openEncryptedStore(options())).get('doc'))?.bytes)).toBe('version one');
  });

  it('the index update after a written object: the object is kept, the old index stays whole, and the next open catches up', async () => {
    const { root, disk, options } = setup();
    const store = await openEncryptedStore(options());
    await store.put('first', Buffer.from('1'));
    disk.failWrite(2); // the object write succeeds, the index write after it fails
    await store.put('second', Buffer.from('2'));
    expect(disk.failures()).toBe(1);
    expect(tempFiles(root)).toEqual([]);
    expect(text((await store.get('second'))?.bytes)).toBe('2');

    const reopened = await openEncryptedStore(options());
    expect(reopened.stats()).toMatchObject({ objects: 2, indexRebuilt: false, discarded: 0 });
    expect(text((await reopened.get('second'))?.bytes)).toBe('2');
  });

  it('the outbox: enqueue fails plainly, nothing half-queued, and works again once there is space', async () => {
    const { root, disk, options } = setup();
    const outbox = await openOutbox(options());
    const first = await outbox.enqueue({ operation: 'referral.reject', input: { ubrn: '000000000001' }, referralVersion: '2' });
    disk.failAllWrites();
    expect(
      (await rejection(outbox.enqueue({ operation: 'referral.reject', input: { ubrn: '000000000002' }, referralVersion: '4' }))).code,
    ).toBe('OFFLINE_DISK_FULL');
    expect((await outbox.list()).map((item) => item.id)).toEqual([first.id]);
    expect(tempFiles(root)).toEqual([]);

    disk.reset();
    const third = await outbox.enqueue({ operation: 'referral.accept', input: { ubrn: '000000000003' }, referralVersion: '1' });
    const reopened = await openOutbox(options());
    expect((await reopened.list()).map((item) => [item.id, item.state])).toEqual([
      [first.id, 'queued'],
      [third.id, 'queued'],
    ]);
  });
});
