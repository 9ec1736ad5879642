import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { startLocalEnvironment, type LocalEnvironment } from '../../../local-env/src/index';
import { CONSULTANT_UID } from '../../../local-env/src/users';
import { silentLogger } from '../../../electron/log/logger';
import { OfflineSession } from '../../../electron/offline/offline-session';
import { signInDirect, startDirectApp, type DirectApp } from '../../helpers/app-direct';

let root: string;
let env: LocalEnvironment;
let app: DirectApp;

beforeAll(async () => {
  root = mkdtempSync(path.join(os.tmpdir(), 'outbox-actor-'));
  env = await startLocalEnvironment({ dataDir: path.join(root, 'env'), log: silentLogger });
  app = await startDirectApp({ userDataDir: path.join(root, 'user'), localEnvironment: env });
}, 60_000);

afterAll(async () => {
  await app?.app.dispose();
  await env?.close();
  rmSync(root, { recursive: true, force: true });
});

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  await vi.waitFor(async () => expect(await check(), what).toBe(true), { timeout: timeoutMs, interval: 50 });
}

/** Every outbox drain the app starts, so a test can wait until they have all finished. */
const drains: Promise<void>[] = [];
const drain = OfflineSession.prototype.drain;
vi.spyOn(OfflineSession.prototype, 'drain').mockImplementation(function (this: OfflineSession) {
  const running = drain.call(this);
  drains.push(running);
  return running;
});
afterEach(() => {
  drains.length = 0;
});

describe('a queued decision goes out only in the role it was made in', () => {
  it('waits while another role is chosen, and is sent once when the role comes back', async () => {
    await signInDirect(app, CONSULTANT_UID, 'R69');
    const row = (await app.call('worklist.fetch', { kind: 'referrals' })).rows[0];
    if (!row) throw new Error('empty worklist');
    const { referral } = await app.call('referral.open', { ubrn: row.ubrn });
    const reason = (await app.call('referral.rejectionReasons', {}))[0]?.code ?? '';
    await env.stopErs();
    // The app notices the outage on its next read, as it would on screen.
    expect((await app.call('worklist.fetch', { kind: 'referrals', refresh: true })).stale).toBe(true);
    const outcome = await app.call('referral.reject', {
      ubrn: row.ubrn,
      version: referral.version,
      reasonCode: reason,
      comments: 'Synthetic test.',
    });
    expect(outcome.status).toBe('queued');

    // Same user, another trust: the decision made at R69 must not go out as R68.
    const roles = app.app.session.get().roles;
    await app.call('session.chooseRole', { roleId: roles.find((r) => r.organisationOds === 'R68')?.id ?? '' });
    await env.startErs();
    const drainsBefore = drains.length;
    await until('the app to see e-RS again', async () => (await app.call('offline.status', {})).online);
    // Back online, the app drains the outbox at once. Once that drain has finished, the
    // decision either went out in the wrong role or it waits: nothing is left to happen.
    await until('the outbox drain on reconnecting', async () => drains.length > drainsBefore);
    await Promise.all(drains);
    const waiting = (await app.call('offline.status', {})).outbox;
    expect(waiting).toEqual([]);
    expect(env.emulator.operations().filter((o) => o.operation === 'A014')).toHaveLength(0);

    await app.call('session.chooseRole', { roleId: roles.find((r) => r.organisationOds === 'R69')?.id ?? '' });
    await until('the outbox to empty', async () => (await app.call('offline.status', {})).outbox.length === 0);
    const rejects = env.emulator.operations().filter((o) => o.operation === 'A014' && o.path.includes(row.ubrn));
    expect(rejects.map((o) => o.status)).toEqual([200]);
  }, 90_000);
});
