/**
 * Offline data belongs to the role it was fetched in. e-RS shows each role (business
 * function, organisation, clinician acted for) its own referrals, so with e-RS down,
 * signing in again at another organisation must show nothing the first one kept: not its
 * worklist, not its referrals, not its drafts, not its queued decisions. Going back to the
 * first role shows what that role kept.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../electron/log/logger';
import { anyPartitionHolds, openEncryptedStore, wipeUserOfflineData } from '../../../electron/offline/encrypted-store';
import { TestKeyProvider } from '../../../electron/offline/key-provider';
import { openOutbox } from '../../../electron/offline/outbox';
import { partitionName } from '../../../electron/offline/offline-session';
import { startLocalEnvironment, type LocalEnvironment } from '../../../local-env/src/index';
import { CONSULTANT_UID } from '../../../local-env/src/users';
import { signInDirect, startDirectApp, type DirectApp } from '../../helpers/app-direct';
import { diskContains, makeTempRoot, pathsContain, walkFiles } from '../../unit/offline/store-test-kit';

let root: string;
let env: LocalEnvironment;
let app: DirectApp;

beforeAll(async () => {
  root = mkdtempSync(path.join(os.tmpdir(), 'role-partitions-'));
  env = await startLocalEnvironment({ dataDir: path.join(root, 'env'), log: silentLogger });
  app = await startDirectApp({ userDataDir: path.join(root, 'user'), localEnvironment: env });
}, 60_000);

afterAll(async () => {
  await app?.app.dispose();
  await env?.close();
  rmSync(root, { recursive: true, force: true });
});

const ubrnsOf = (rows: { ubrn: string }[]) => new Set(rows.map((r) => r.ubrn));

describe('offline data is partitioned by role and organisation', () => {
  it('shows nothing of R69 at R68 while e-RS is down, and R69 its own again', async () => {
    // Online, at each trust in turn: what each role sees is kept.
    await signInDirect(app, CONSULTANT_UID, 'R68');
    const r68 = ubrnsOf((await app.call('worklist.fetch', { kind: 'referrals' })).rows);
    await app.call('session.signOut', {});

    await signInDirect(app, CONSULTANT_UID, 'R69');
    const r69Rows = (await app.call('worklist.fetch', { kind: 'referrals' })).rows;
    const r69 = ubrnsOf(r69Rows);
    const first = r69Rows.find((row) => !r68.has(row.ubrn));
    if (!first) throw new Error('no R69 referral to open');
    const opened = await app.call('referral.open', { ubrn: first.ubrn });
    await app.call('draft.save', { itemId: `referral-${first.ubrn}`, form: { 'reject.comments': 'Synthetic draft written at R69.' } });
    const reasons = await app.call('referral.rejectionReasons', {});
    expect(r69.size).toBeGreaterThan(0);
    expect([...r69].every((ubrn) => !r68.has(ubrn))).toBe(true);

    // e-RS goes down; a decision is queued at R69; the user signs out.
    await env.stopErs();
    expect((await app.call('worklist.fetch', { kind: 'referrals', refresh: true })).stale).toBe(true);
    const queued = await app.call('referral.reject', {
      ubrn: first.ubrn,
      version: opened.referral.version,
      reasonCode: reasons[0]?.code ?? '',
      comments: 'Synthetic.',
    });
    expect(queued.status).toBe('queued');
    await app.call('session.signOut', {});

    // Signed in again with e-RS still down (the roles come from the last sign-in), at R68.
    await signInDirect(app, CONSULTANT_UID, 'R68');
    const there = await app.call('worklist.fetch', { kind: 'referrals' });
    expect(there.stale).toBe(true);
    expect(there.rows.length).toBeGreaterThan(0);
    expect(there.rows.filter((row) => r69.has(row.ubrn))).toEqual([]);
    expect(ubrnsOf(there.rows)).toEqual(r68);
    const elsewhere = await app.raw('referral.open', { ubrn: first.ubrn });
    expect(elsewhere.ok).toBe(false);
    expect(await app.call('draft.load', { itemId: `referral-${first.ubrn}` })).toBeNull();
    expect((await app.call('offline.status', {})).outbox).toEqual([]);
    // Nothing R69 kept is reachable through any A&G or triage list either.
    for (const kind of ['triage', 'advice'] as const) {
      const read = await app.raw('worklist.fetch', { kind });
      if (read.ok) expect((read.value as { rows: { ubrn: string }[] }).rows.filter((row) => r69.has(row.ubrn))).toEqual([]);
    }
    await app.call('session.signOut', {});

    // Back at R69, still offline: its own data, draft and queued decision are all there.
    await signInDirect(app, CONSULTANT_UID, 'R69');
    const back = await app.call('worklist.fetch', { kind: 'referrals' });
    expect(back.stale).toBe(true);
    expect(ubrnsOf(back.rows)).toEqual(r69);
    expect((await app.call('referral.open', { ubrn: first.ubrn })).referral.ubrn).toBe(first.ubrn);
    expect((await app.call('draft.load', { itemId: `referral-${first.ubrn}` }))?.form['reject.comments']).toBe(
      'Synthetic draft written at R69.',
    );
    expect((await app.call('offline.status', {})).outbox.map((item) => item.ubrn)).toEqual([first.ubrn]);
  }, 120_000);
});

describe('the store keeps each partition apart', () => {
  const at = (ods: string, onBehalfOfUserId: string | null = null) =>
    partitionName({ businessFunction: 'SERVICE_PROVIDER_CLINICIAN_ADMIN', organisationOds: ods, onBehalfOfUserId });

  it('a key written in one role is not there in another, names nothing on disk, and the wipe takes every role', async () => {
    const temp = makeTempRoot('partitions');
    try {
      const base = { root: temp.root, userId: '555000000102', environment: 'local', keyProvider: new TestKeyProvider() };
      const forOkoye = await openEncryptedStore({ ...base, partition: at('R69', '555000000101') });
      await forOkoye.put('worklist/referrals', new TextEncoder().encode('[]'));
      await forOkoye.flush();
      const forLindqvist = await openEncryptedStore({ ...base, partition: at('R69', '555000000104') });
      expect(await forLindqvist.get('worklist/referrals')).toBeNull();
      const elsewhere = await openEncryptedStore({ ...base, partition: at('R68', '555000000101') });
      expect(await elsewhere.get('worklist/referrals')).toBeNull();
      expect(await (await openEncryptedStore({ ...base, partition: at('R69', '555000000101') })).get('worklist/referrals')).not.toBeNull();
      // A three-letter ODS code is looked for in the names of files and folders; in contents,
      // as JSON would hold it (three bytes turn up in ciphertext by chance: once on CI).
      for (const secret of ['555000000101', '555000000104', '"R69"', '"R68"', 'SERVICE_PROVIDER'])
        expect(diskContains(temp.root, secret), secret).toBe(false);
      for (const code of ['R69', 'R68']) expect(pathsContain(temp.root, code), code).toBe(false);

      // A decision waiting in any role keeps the data from the sign-out wipe.
      expect(await anyPartitionHolds({ ...base, name: 'outbox' })).toBe(false);
      const outbox = await openOutbox({ ...base, partition: at('R68', '555000000101') });
      await outbox.enqueue({ operation: 'referral.accept', input: { ubrn: '000000000001' }, referralVersion: '1' });
      expect(await anyPartitionHolds({ ...base, name: 'outbox' })).toBe(true);
      await wipeUserOfflineData(base);
      expect(walkFiles(temp.root)).toEqual([]);
    } finally {
      temp.cleanup();
    }
  });
});
