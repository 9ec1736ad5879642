/**
 * Files handed to "another application" are plain patient documents: the app removes them
 * at the idle lock, at sign-out and when it quits, and at start anything an earlier run
 * left. The whole app against the local environment, with the files in a real folder.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../electron/log/logger';
import { startLocalEnvironment, type LocalEnvironment } from '../../../local-env/src/index';
import { CONSULTANT_UID } from '../../../local-env/src/users';
import { completeBrowserSignIn, signInDirect, startDirectApp, type DirectApp } from '../../helpers/app-direct';

let env: LocalEnvironment;
let root: string;
const userDataDir = () => path.join(root, 'user');
const filesDir = () => path.join(root, 'external');

beforeAll(async () => {
  root = mkdtempSync(path.join(os.tmpdir(), 'external-files-'));
  env = await startLocalEnvironment({ dataDir: path.join(root, 'local-env'), log: silentLogger });
}, 60_000);

afterAll(async () => {
  await env.close();
  rmSync(root, { recursive: true, force: true });
});

async function start(): Promise<DirectApp> {
  return startDirectApp({ userDataDir: userDataDir(), localEnvironment: env, appOptions: { externalFilesDir: filesDir() } });
}

/** Opens the first available PDF attachment of the referrals worklist with "another application". */
async function openOne(app: DirectApp): Promise<string> {
  for (const row of (await app.call('worklist.fetch', { kind: 'referrals' })).rows) {
    const { referral } = await app.call('referral.open', { ubrn: row.ubrn });
    const pdf = referral.attachments.find((a) => a.available && a.id && a.contentType === 'application/pdf');
    if (!pdf?.id) continue;
    await app.call('attachment.openExternally', { source: 'referral', ubrn: row.ubrn, attachmentId: pdf.id });
    const file = app.openedFiles.at(-1) ?? '';
    expect(existsSync(file)).toBe(true);
    expect(file.startsWith(filesDir())).toBe(true);
    return file;
  }
  throw new Error('no referral on the worklist has an available PDF');
}

async function gone(file: string, timeoutMs = 5_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (existsSync(file)) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return true;
}

/** The per-file folders the opener made (f-*), under its private directory. */
function filesLeft(): string[] {
  if (!existsSync(filesDir())) return [];
  return readdirSync(filesDir()).flatMap((dir) => readdirSync(path.join(filesDir(), dir)).filter((name) => name.startsWith('f-')));
}

describe('files opened with another application leave with the session', () => {
  it('are removed at the idle lock, at sign-out and when the app quits', async () => {
    const app = await start();
    await signInDirect(app, CONSULTANT_UID, 'R69');

    const beforeLock = await openOne(app);
    app.app.session.lock(); // what the idle timer calls
    expect(await gone(beforeLock)).toBe(true);

    // The same user signs in again at the lock screen and carries on.
    const before = app.opened.length;
    await app.call('session.signIn', {});
    await completeBrowserSignIn(app.opened[before] ?? '', { uid: CONSULTANT_UID });
    await app.waitForPhase('signed-in');
    const beforeSignOut = await openOne(app);
    await app.call('session.signOut', {});
    expect(await gone(beforeSignOut)).toBe(true);

    await signInDirect(app, CONSULTANT_UID, 'R69');
    const beforeQuit = await openOne(app);
    await app.app.dispose();
    expect(existsSync(beforeQuit)).toBe(false);
    expect(filesLeft()).toEqual([]);
  }, 120_000);

  it('are removed at start when an earlier run ended without quitting', async () => {
    // What a crash leaves: a per-file folder with a document in the opener's directory.
    const uid = typeof process.getuid === 'function' ? String(process.getuid()) : null;
    const first = await start();
    await signInDirect(first, CONSULTANT_UID, 'R69');
    const left = await openOne(first);
    const privateDir = path.dirname(path.dirname(left));
    if (uid) expect(path.basename(privateDir)).toBe(`ers-triage-${uid}`);
    mkdirSync(path.join(privateDir, 'f-crashed'), { recursive: true });
    writeFileSync(path.join(privateDir, 'f-crashed', 'letter.pdf'), '%PDF-1.7\n');
    // No dispose: the process "died". A new app starts on the same folders.
    const second = await start();
    expect(await gone(path.join(privateDir, 'f-crashed', 'letter.pdf'))).toBe(true);
    expect(await gone(left)).toBe(true);
    await second.app.dispose();
    await first.app.dispose();
  }, 120_000);
});
