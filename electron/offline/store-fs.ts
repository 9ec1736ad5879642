/**
 * The few file-system operations the offline store uses, behind one seam, so a test can
 * make the disk "fill up" half-way through a write (and so the store never reaches for
 * anything it did not declare).
 */
import { promises as fsp } from 'node:fs';

export interface WritableFile {
  write(data: Uint8Array, offset: number, length: number, position: number): Promise<{ bytesWritten: number }>;
  sync(): Promise<void>;
  close(): Promise<void>;
}

export interface StoreFs {
  /** Create a new file readable only by this account; fails if it exists. */
  createExclusive(file: string): Promise<WritableFile>;
  readFile(file: string): Promise<Uint8Array>;
  rename(from: string, to: string): Promise<void>;
  unlink(file: string): Promise<void>;
  readdir(dir: string): Promise<string[]>;
  /** Create a directory and its parents, private to this account. */
  mkdirp(dir: string): Promise<void>;
  removeTree(dir: string): Promise<void>;
  /** Remove a directory only if it is empty; a no-op otherwise. */
  removeEmptyDir(dir: string): Promise<void>;
  /** `stamp` changes whenever the file is replaced (inode and modification time), so a stale index can tell. */
  stat(file: string): Promise<{ size: number; stamp: string }>;
  /** Make a rename inside `dir` durable. */
  syncDir(dir: string): Promise<void>;
}

function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

export const nodeStoreFs: StoreFs = {
  createExclusive: (file) => fsp.open(file, 'wx', 0o600),
  readFile: (file) => fsp.readFile(file),
  rename: (from, to) => fsp.rename(from, to),
  unlink: (file) => fsp.unlink(file),
  readdir: (dir) => fsp.readdir(dir),
  mkdirp: async (dir) => {
    await fsp.mkdir(dir, { recursive: true, mode: 0o700 });
  },
  removeTree: (dir) => fsp.rm(dir, { recursive: true, force: true, maxRetries: 5 }),
  removeEmptyDir: async (dir) => {
    try {
      await fsp.rmdir(dir);
    } catch (error) {
      if (!['ENOTEMPTY', 'EEXIST', 'ENOENT'].includes(errorCode(error) ?? '')) throw error;
    }
  },
  stat: async (file) => {
    const stat = await fsp.stat(file, { bigint: true });
    return { size: Number(stat.size), stamp: `${stat.ino}-${stat.mtimeNs}` };
  },
  syncDir: async (dir) => {
    let handle: fsp.FileHandle | undefined;
    try {
      handle = await fsp.open(dir, 'r');
      await handle.sync();
    } catch (error) {
      // Windows cannot open or fsync a directory; NTFS journals the rename itself.
      if (!['EISDIR', 'EPERM', 'EACCES', 'EINVAL', 'EBADF'].includes(errorCode(error) ?? '')) throw error;
    } finally {
      await handle?.close();
    }
  },
};

export function isMissing(error: unknown): boolean {
  return errorCode(error) === 'ENOENT';
}

export function isDiskFull(error: unknown): boolean {
  const code = errorCode(error);
  return code === 'ENOSPC' || code === 'EDQUOT';
}

export function isTransientLock(error: unknown): boolean {
  const code = errorCode(error);
  return code === 'EPERM' || code === 'EACCES' || code === 'EBUSY';
}
