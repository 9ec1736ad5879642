/**
 * All-or-nothing file replacement: write a private temp file beside the target, fsync it,
 * rename it over the target, fsync the directory. A crash or a full disk at any point leaves
 * either the old file or the new one, never a mixture; the temp file is removed on failure
 * (and any left by a crash is swept when the store opens, by its `.tmp` suffix).
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { AppError } from '../app-error';
import { offlineErrors } from './offline-errors';
import { isDiskFull, isTransientLock, type StoreFs, type WritableFile } from './store-fs';

export const TEMP_SUFFIX = '.tmp';

const RENAME_RETRIES = 8;

export async function writeFileAtomic(fs: StoreFs, target: string, data: Uint8Array): Promise<void> {
  const temp = `${target}.${randomBytes(6).toString('hex')}${TEMP_SUFFIX}`;
  let file: WritableFile | undefined;
  try {
    file = await fs.createExclusive(temp);
    let offset = 0;
    while (offset < data.byteLength) {
      const { bytesWritten } = await file.write(data, offset, data.byteLength - offset, offset);
      if (bytesWritten <= 0) throw Object.assign(new Error('The disk accepted no more bytes.'), { code: 'ENOSPC' });
      offset += bytesWritten;
    }
    await file.sync();
    const closing = file;
    file = undefined;
    await closing.close();
    await renameWithRetry(fs, temp, target);
  } catch (error) {
    await file?.close().catch(() => undefined);
    await fs.unlink(temp).catch(() => undefined);
    throw asWriteError(error);
  }
  try {
    await fs.syncDir(path.dirname(target));
  } catch (error) {
    throw asWriteError(error);
  }
}

/** Antivirus and indexers on Windows briefly hold files open, which makes a rename fail. */
async function renameWithRetry(fs: StoreFs, from: string, to: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await fs.rename(from, to);
      return;
    } catch (error) {
      if (process.platform !== 'win32' || !isTransientLock(error) || attempt >= RENAME_RETRIES) throw error;
      await new Promise((resolve) => setTimeout(resolve, 25 * (attempt + 1)));
    }
  }
}

export function asWriteError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  return isDiskFull(error) ? offlineErrors.diskFull(error) : offlineErrors.writeFailed(error);
}
