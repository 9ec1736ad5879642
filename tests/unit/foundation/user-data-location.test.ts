/** The move of per-user data out of the roaming profile, on real folders. */
import { createHash } from 'node:crypto';
import * as fsp from 'node:fs/promises';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { localUserDataDir, MOVING_MARKER, moveUserData } from '../../../electron/user-data-location';

let root: string;
let from: string;
let to: string;
beforeEach(() => {
  root = mkdtempSync(path.join(os.tmpdir(), 'user-data-move-'));
  from = path.join(root, 'Roaming', 'e-RS Triage');
  to = path.join(root, 'Local', 'e-RS Triage');
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

/** What a user's folder holds after some use: cache blobs, logs, audit, outbox, drafts, session. */
function seed(dir: string): Map<string, string> {
  const files = new Map<string, string>([
    ['logs/app.log', 'log line\n'.repeat(500)],
    ['audit/decisions.jsonl', '{"ubrn":"000000070000"}\n'],
    ['session/state.json', '{"user":"555"}'],
    ['offline/local/u1/outbox/0001.json', '{"channel":"referral.accept"}'],
    ['offline/local/u1/drafts/000000070001.json', '{"text":"draft"}'],
    ['offline/local/u1/blobs/ab/abcdef', 'x'.repeat(200_000)],
    ['offline/local/u1/blobs/cd/cdef01', 'y'.repeat(1_000)],
    ['Local Storage/leveldb/000003.log', 'chromium'],
  ]);
  for (const [name, content] of files) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), content);
  }
  return files;
}

function listFiles(dir: string, prefix = ''): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? listFiles(path.join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`],
  );
}

function expectAllMoved(files: Map<string, string>): void {
  for (const [name, content] of files) expect(readFileSync(path.join(to, name), 'utf8'), name).toBe(content);
  expect(listFiles(to).sort()).toEqual([...files.keys()].sort());
  expect(existsSync(from)).toBe(false);
}

/** File operations that fail a rename across volumes, and stop for good after `stopAfter` copies. */
function acrossVolumes(stopAfter = Infinity) {
  let copies = 0;
  return {
    rename: async (a: string, b: string) => {
      // Renames within the new folder (temporary name to final name) are on one volume.
      if (!a.startsWith(to)) throw Object.assign(new Error('cross-device link not permitted'), { code: 'EXDEV' });
      return fsp.rename(a, b);
    },
    copyFile: async (a: string, b: string) => {
      if (copies >= stopAfter) throw Object.assign(new Error('power cut'), { code: 'EIO' });
      copies += 1;
      return fsp.copyFile(a, b);
    },
    unlink: fsp.unlink,
  };
}

describe('where per-user data lives', () => {
  it("is LocalAppData on Windows, and Electron's own folder elsewhere", () => {
    expect(localUserDataDir('win32', { LOCALAPPDATA: 'C:\\Users\\a\\AppData\\Local' }, 'C:\\Users\\a', 'e-RS Triage')).toBe(
      'C:\\Users\\a\\AppData\\Local\\e-RS Triage',
    );
    expect(localUserDataDir('win32', {}, 'C:\\Users\\a', 'e-RS Triage')).toBe('C:\\Users\\a\\AppData\\Local\\e-RS Triage');
    expect(localUserDataDir('linux', { LOCALAPPDATA: 'x' }, '/home/a', 'e-RS Triage')).toBeNull();
  });
});

describe('moving it out of the roaming profile', () => {
  it('moves every file by rename on one volume, and removes the old folder', async () => {
    const files = seed(from);
    const result = await moveUserData(from, to);
    // logs, audit, session, offline and Local Storage: five folders, each renamed whole.
    expect(result).toEqual({ status: 'moved', renamed: 5, copied: 0 });
    expectAllMoved(files);
    expect(existsSync(path.join(to, MOVING_MARKER))).toBe(false);
  });

  it('copies, checks and then removes each file across volumes (a redirected AppData)', async () => {
    const files = seed(from);
    const result = await moveUserData(from, to, { fs: acrossVolumes() });
    expect(result).toEqual({ status: 'moved', renamed: 0, copied: files.size });
    expectAllMoved(files);
  });

  it('resumes a move interrupted part-way without losing or changing a file', async () => {
    const files = seed(from);
    await expect(moveUserData(from, to, { fs: acrossVolumes(3) })).rejects.toThrow(/power cut/);
    // Part in each place, the marker left behind, and every file still somewhere whole.
    expect(existsSync(path.join(to, MOVING_MARKER))).toBe(true);
    for (const [name, content] of files) {
      const where = [from, to].map((d) => path.join(d, name)).filter((p) => existsSync(p));
      expect(where.length, name).toBeGreaterThan(0);
      for (const p of where) expect(readFileSync(p, 'utf8')).toBe(content);
    }
    await expect(moveUserData(from, to, { fs: acrossVolumes(4) })).rejects.toThrow(/power cut/);
    const result = await moveUserData(from, to, { fs: acrossVolumes() });
    expect(result.status).toBe('moved');
    expectAllMoved(files);
  });

  it('replaces a half-written copy left by a crash, and keeps a finished one', async () => {
    const files = seed(from);
    mkdirSync(path.join(to, 'logs'), { recursive: true });
    writeFileSync(path.join(to, MOVING_MARKER), from);
    writeFileSync(path.join(to, 'logs', 'app.log.moving'), 'log li');
    writeFileSync(path.join(to, 'logs', 'app.log'), files.get('logs/app.log') ?? '');
    const result = await moveUserData(from, to, { fs: acrossVolumes() });
    expect(result.status).toBe('moved');
    expectAllMoved(files);
  });

  it('does nothing when there is nothing to move, or it has moved already', async () => {
    expect(await moveUserData(from, to)).toEqual({ status: 'nothing-to-move' });
    const files = seed(from);
    await moveUserData(from, to);
    expect(await moveUserData(from, to)).toEqual({ status: 'nothing-to-move' });
    expectAllMoved(files);
  });

  it("ignores Chromium's single-instance lock files in either folder", async () => {
    const files = seed(from);
    writeFileSync(path.join(from, 'lockfile'), '');
    mkdirSync(to, { recursive: true });
    writeFileSync(path.join(to, 'lockfile'), '');
    expect((await moveUserData(from, to)).status).toBe('moved');
    for (const [name, content] of files) expect(readFileSync(path.join(to, name), 'utf8')).toBe(content);
  });

  it('leaves both alone when the new folder is already in use and the old one came back', async () => {
    seed(from);
    const mine = seed(to);
    writeFileSync(path.join(to, 'session', 'state.json'), '{"user":"newer"}');
    expect(await moveUserData(from, to)).toEqual({ status: 'both-in-use' });
    expect(readFileSync(path.join(to, 'session', 'state.json'), 'utf8')).toBe('{"user":"newer"}');
    expect(listFiles(from).length).toBe(mine.size);
  });

  it('keeps large files byte for byte', async () => {
    mkdirSync(path.join(from, 'offline'), { recursive: true });
    const big = Buffer.alloc(5 * 1024 * 1024);
    for (let i = 0; i < big.length; i += 4096) big[i] = i % 251;
    writeFileSync(path.join(from, 'offline', 'big.bin'), big);
    await moveUserData(from, to, { fs: acrossVolumes() });
    const digest = (b: Buffer) => createHash('sha256').update(b).digest('hex');
    expect(digest(readFileSync(path.join(to, 'offline', 'big.bin')))).toBe(digest(big));
    expect(statSync(path.join(to, 'offline', 'big.bin')).size).toBe(big.length);
  });
});
