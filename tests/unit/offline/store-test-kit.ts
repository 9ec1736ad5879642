/**
 * Shared pieces for the offline store tests, unit and integration alike: temp roots, walking
 * the files on disk, a disk that fills up, a store to test with, and synthetic UBRNs and bytes.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openEncryptedStore, type EncryptedStore } from '../../../electron/offline/encrypted-store';
import { TestKeyProvider } from '../../../electron/offline/key-provider';
import { nodeStoreFs, type StoreFs } from '../../../electron/offline/store-fs';

export function makeTempRoot(label: string): { root: string; cleanup: () => void } {
  const root = mkdtempSync(path.join(os.tmpdir(), `offline-${label}-`));
  return { root, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

/** Every file under `dir`, as absolute paths. */
export function walkFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) out.push(...walkFiles(full));
    else out.push(full);
  }
  return out.sort();
}

export function objectFiles(storeDir: string): string[] {
  return walkFiles(path.join(storeDir, 'objects')).filter((file) => file.endsWith('.obj'));
}

export function tempFiles(dir: string): string[] {
  return walkFiles(dir).filter((file) => file.endsWith('.tmp'));
}

/**
 * True if `needle` occurs in any file's bytes or in any path under `dir` (relative to it: the
 * temporary folder's own random name is not the app's). Ciphertext is random bytes, so a
 * needle of a few bytes turns up in it by chance: search contents for five bytes or more.
 */
export function diskContains(dir: string, needle: Uint8Array | string): boolean {
  const bytes = typeof needle === 'string' ? Buffer.from(needle, 'utf8') : Buffer.from(needle);
  const text = typeof needle === 'string' ? needle : null;
  return walkFiles(dir).some((file) => (text !== null && path.relative(dir, file).includes(text)) || readFileSync(file).includes(bytes));
}

/** True if `text` occurs in the path, relative to `dir`, of any file or folder under it. */
export function pathsContain(dir: string, text: string): boolean {
  const under = (at: string): boolean =>
    readdirSync(at).some((name) => {
      const full = path.join(at, name);
      return path.relative(dir, full).includes(text) || (statSync(full).isDirectory() && under(full));
    });
  return under(dir);
}

/**
 * A real file system whose disk "fills up" on demand: once armed, the chosen write
 * (counted across files) stores half its bytes and then fails with ENOSPC, as a real full
 * disk does mid-write. Chosen over a tiny tmpfs because a test cannot mount one portably
 * (CI runners and Windows have no unprivileged mount).
 */
export function fillingDisk(): {
  fs: StoreFs;
  failWrite: (nth: number) => void;
  failAllWrites: () => void;
  reset: () => void;
  failures: () => number;
} {
  let countdown = -1;
  let always = false;
  let failures = 0;
  const fs: StoreFs = {
    ...nodeStoreFs,
    async createExclusive(file) {
      const real = await nodeStoreFs.createExclusive(file);
      const fail = always || (countdown > 0 && --countdown === 0);
      if (!fail) return real;
      return {
        async write(data, offset, length, position) {
          const half = Math.floor(length / 2);
          if (half > 0) await real.write(data, offset, half, position);
          failures++;
          throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28 });
        },
        sync: () => real.sync(),
        close: () => real.close(),
      };
    },
  };
  return {
    fs,
    failWrite: (nth) => {
      countdown = nth;
    },
    failAllWrites: () => {
      always = true;
    },
    reset: () => {
      countdown = -1;
      always = false;
    },
    failures: () => failures,
  };
}

/** A clock the test moves by hand. */
export function manualClock(start = Date.UTC(2026, 0, 5, 9, 0, 0)): { now: () => number; advance: (ms: number) => void } {
  let time = start;
  return { now: () => time, advance: (ms) => void (time += ms) };
}

export function ubrnOf(index: number): string {
  return String(70_000 + index).padStart(12, '0');
}

/** Deterministic bytes that differ per seed, so a mixed-up file is caught. */
export function bytesFor(seed: string, size: number): Uint8Array {
  const out = new Uint8Array(size);
  let block = createHash('sha256').update(seed).digest();
  for (let offset = 0; offset < size; offset += block.length) {
    out.set(block.subarray(0, Math.min(block.length, size - offset)), offset);
    block = createHash('sha256').update(block).digest();
  }
  return out;
}

export function openStore(root: string, now?: () => number): Promise<EncryptedStore> {
  return openEncryptedStore({
    root,
    userId: '555000111222',
    environment: 'local',
    keyProvider: new TestKeyProvider(),
    indexWriteIntervalMs: 50,
    ...(now ? { now } : {}),
  });
}
