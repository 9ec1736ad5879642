/**
 * Where each user's data lives, and moving it there from where earlier versions kept it.
 * On Windows that is the non-roaming profile, %LOCALAPPDATA%\e-RS Triage: the offline cache
 * (up to gigabytes), logs, the audit log, drafts, the outbox and session state belong to
 * this computer, and in Electron's default (%APPDATA%, the roaming profile) they would be
 * copied to a file server at every sign-out and back at every sign-in, or redirected there.
 *
 * The move runs once, before anything opens a file in either place, and never loses a file:
 * each entry is renamed where the two folders share a volume; otherwise copied to a temporary
 * name, checked byte for byte (SHA-256) against its source, renamed into place, and only then
 * removed from the old folder. A marker in the new folder says a move is under way, so one
 * interrupted by a crash or a power cut is resumed at the next start; the source stays the
 * truth until the move is done.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import * as fsp from 'node:fs/promises';
import path from 'node:path';

/** Chromium's single-instance lock files: per folder and per run, never data to move. */
const NOT_DATA: ReadonlySet<string> = new Set(['SingletonLock', 'SingletonCookie', 'SingletonSocket', 'lockfile']);
export const MOVING_MARKER = '.moving-from-roaming-profile';
const TEMP_SUFFIX = '.moving';

/** The per-user data folder: LocalAppData on Windows; null elsewhere (keep Electron's). */
export function localUserDataDir(platform: NodeJS.Platform, env: NodeJS.ProcessEnv, home: string, appName: string): string | null {
  if (platform !== 'win32') return null;
  const local = env.LOCALAPPDATA ?? path.win32.join(home, 'AppData', 'Local');
  return path.win32.join(local, appName);
}

export type MoveResult =
  | { status: 'nothing-to-move' }
  /** `renamed`: files and folders moved whole; `copied`: files copied and checked (across volumes). */
  | { status: 'moved'; renamed: number; copied: number }
  /** The new folder was already in use and the old one came back (a roaming profile restored it): both left alone. */
  | { status: 'both-in-use' };

export interface FileOperations {
  rename(from: string, to: string): Promise<void>;
  copyFile(from: string, to: string): Promise<void>;
  unlink(file: string): Promise<void>;
}

export interface MoveOptions {
  /** Tests: the file operations, to fail a rename across volumes or stop part-way. */
  fs?: FileOperations;
}

async function exists(p: string): Promise<boolean> {
  try {
    await fsp.lstat(p);
    return true;
  } catch {
    return false;
  }
}

async function sha256(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function holdsData(dir: string): Promise<boolean> {
  try {
    return (await fsp.readdir(dir)).some((name) => !NOT_DATA.has(name) && name !== MOVING_MARKER);
  } catch {
    return false;
  }
}

const acrossVolumes = (error: unknown): boolean =>
  ['EXDEV', 'EPERM', 'EACCES', 'EBUSY'].includes((error as NodeJS.ErrnoException).code ?? '');

export async function moveUserData(from: string, to: string, options: MoveOptions = {}): Promise<MoveResult> {
  const fs: FileOperations = options.fs ?? fsp;
  if (path.resolve(from) === path.resolve(to) || !(await holdsData(from))) return { status: 'nothing-to-move' };
  const marker = path.join(to, MOVING_MARKER);
  if (!(await exists(marker)) && (await holdsData(to))) return { status: 'both-in-use' };
  await fsp.mkdir(to, { recursive: true });
  await fsp.writeFile(marker, `${from}\n`);

  let renamed = 0;
  let copied = 0;
  async function copyVerified(source: string, target: string): Promise<void> {
    const temporary = `${target}${TEMP_SUFFIX}`;
    await fs.copyFile(source, temporary);
    const [a, b] = await Promise.all([sha256(source), sha256(temporary)]);
    if (a !== b) throw new Error(`the copy of ${source} differs from it`);
    await fs.rename(temporary, target);
    copied += 1;
  }
  async function moveTree(source: string, target: string): Promise<void> {
    for (const entry of await fsp.readdir(source, { withFileTypes: true })) {
      if (NOT_DATA.has(entry.name) || entry.name.endsWith(TEMP_SUFFIX)) continue;
      const s = path.join(source, entry.name);
      const t = path.join(target, entry.name);
      if (!(await exists(t))) {
        try {
          await fs.rename(s, t);
          renamed += 1;
          continue;
        } catch (error) {
          if (!acrossVolumes(error)) throw error;
        }
      }
      if (entry.isDirectory()) {
        await fsp.mkdir(t, { recursive: true });
        await moveTree(s, t);
        await fsp.rmdir(s).catch(() => undefined);
      } else if (entry.isFile()) {
        // A target that is already there came from this move (the marker says so): keep it
        // if it is the same, otherwise the source, still the truth, replaces it.
        if (!(await exists(t)) || (await sha256(s)) !== (await sha256(t))) await copyVerified(s, t);
        await fs.unlink(s);
      }
      // Anything else (a symbolic link, a socket) is not the app's data: left where it is.
    }
  }
  await moveTree(from, to);
  // Leftovers of an interrupted copy whose source has gone since.
  await removeTemporaries(to);
  await fsp.rm(from, { recursive: true, force: true });
  await fsp.unlink(marker);
  return { status: 'moved', renamed, copied };
}

async function removeTemporaries(dir: string): Promise<void> {
  for (const entry of await fsp.readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) await removeTemporaries(p);
    else if (entry.name.endsWith(TEMP_SUFFIX)) await fsp.unlink(p).catch(() => undefined);
  }
}
