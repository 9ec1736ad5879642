/**
 * What the app keeps about people between runs: the audit of decisions (user, role, ODS,
 * UBRN, action) and the remembered roles (with the names of the clinicians an admin acts
 * for). Both are sealed with a data key the operating system wraps, expire with the
 * retention period and go with the offline wipe; the plaintext files of earlier versions
 * are deleted at start. Real folders throughout.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createRememberedRoles, LEGACY_ROLES_FILE } from '../../../electron/auth/remembered-roles';
import { silentLogger } from '../../../electron/log/logger';
import { storeDirectory, userDirectory, wipeUserOfflineData } from '../../../electron/offline/encrypted-store';
import { TestKeyProvider } from '../../../electron/offline/key-provider';
import { OfflineSession, partitionName } from '../../../electron/offline/offline-session';
import { openAuditLog, PLAINTEXT_AUDIT_FILE } from '../../../electron/review/audit-log';
import { startLocalEnvironment, type LocalEnvironment } from '../../../local-env/src/index';
import { ADMIN_UID, CONSULTANT_UID, SECOND_CONSULTANT_UID, SYNTHETIC_USERS } from '../../../local-env/src/users';
import { signInDirect, startDirectApp, type DirectApp } from '../../helpers/app-direct';
import { makeTempRoot, manualClock, walkFiles, diskContains } from '../../unit/offline/store-test-kit';

const DAY = 24 * 3600_000;
const nameOf = (uid: string) => SYNTHETIC_USERS.find((u) => u.uid === uid)?.displayName ?? '';
/** How earlier versions keyed last-roles.json: an unsalted hash of the staff id. */
const oldRoleKey = (uid: string) => createHash('sha256').update(`ers-triage-role:${uid}`).digest('hex').slice(0, 32);

describe('the audit log and the remembered roles, through the whole app', () => {
  let env: LocalEnvironment;
  let root: string;
  let cleanup: () => void;
  let app: DirectApp | null = null;

  beforeAll(async () => {
    ({ root, cleanup } = makeTempRoot('at-rest'));
    env = await startLocalEnvironment({ dataDir: path.join(root, 'local-env'), log: silentLogger });
  }, 60_000);
  afterAll(async () => {
    await app?.close();
    await env.close();
    cleanup();
  });

  it('deletes the plaintext files of earlier versions at start', async () => {
    const userDataDir = path.join(root, 'upgraded');
    mkdirSync(path.join(userDataDir, 'audit'), { recursive: true });
    mkdirSync(path.join(userDataDir, 'session'), { recursive: true });
    const oldAudit = path.join(userDataDir, PLAINTEXT_AUDIT_FILE);
    const oldRoles = path.join(userDataDir, 'session', LEGACY_ROLES_FILE);
    writeFileSync(
      oldAudit,
      `${JSON.stringify({ time: '2025-01-01T00:00:00Z', userId: CONSULTANT_UID, ubrn: '000000070000', action: 'accept' })}\n`,
    );
    writeFileSync(
      oldRoles,
      JSON.stringify({
        [oldRoleKey(CONSULTANT_UID)]: {
          lastRoleId: 'x',
          options: [{ actsFor: [{ userId: CONSULTANT_UID, name: nameOf(CONSULTANT_UID) }] }],
        },
      }),
    );

    app = await startDirectApp({ userDataDir, localEnvironment: env });
    expect(existsSync(oldAudit)).toBe(false);
    expect(existsSync(path.dirname(oldAudit))).toBe(false);
    expect(existsSync(oldRoles)).toBe(false);
    expect(diskContains(userDataDir, CONSULTANT_UID)).toBe(false);
    await app.close();
    app = null;
  });

  it("keeps no UBRN, user id, name or unsalted id hash in plaintext anywhere in the app's folder", async () => {
    const userDataDir = path.join(root, 'fresh');
    app = await startDirectApp({ userDataDir, localEnvironment: env });
    // The admin's roles name the clinicians they act for; remembered at sign-in.
    await signInDirect(app, ADMIN_UID, 'R69', CONSULTANT_UID);
    await app.call('session.signOut', {});
    // The consultant decides; the decision is audited.
    await signInDirect(app, CONSULTANT_UID, 'R69');
    const row = (await app.call('worklist.fetch', { kind: 'referrals' })).rows[0];
    if (!row) throw new Error('empty worklist');
    const { referral } = await app.call('referral.open', { ubrn: row.ubrn });
    expect((await app.call('referral.accept', { ubrn: row.ubrn, version: referral.version })).status).toBe('sent');
    await app.app.dispose();

    // It is all there, for this desktop account's key...
    const audit = await openAuditLog({
      root: OfflineSession.root(userDataDir),
      userId: CONSULTANT_UID,
      // The audit is kept in the role's own partition (the role the decision was made in).
      partition: partitionName({ businessFunction: 'SERVICE_PROVIDER_CLINICIAN', organisationOds: 'R69', onBehalfOfUserId: null }),
      environment: 'local',
      keyProvider: new TestKeyProvider(),
      retentionMs: 7 * DAY,
    });
    expect((await audit.entries()).at(-1)).toMatchObject({ ubrn: row.ubrn, userId: CONSULTANT_UID, action: 'accept', result: 'sent' });
    const roles = createRememberedRoles({
      dir: path.join(userDataDir, 'session'),
      environment: 'local',
      keyProvider: () => new TestKeyProvider(),
      retentionMs: 7 * DAY,
    });
    const remembered = await roles.read(ADMIN_UID);
    expect(remembered?.options.flatMap((o) => o.actsFor.map((c) => c.name))).toEqual(
      expect.arrayContaining([nameOf(CONSULTANT_UID), nameOf(SECOND_CONSULTANT_UID)]),
    );

    // ...and none of it is readable without it.
    expect(walkFiles(userDataDir).length).toBeGreaterThan(5);
    const secrets = [
      row.ubrn,
      CONSULTANT_UID,
      ADMIN_UID,
      SECOND_CONSULTANT_UID,
      nameOf(CONSULTANT_UID),
      nameOf(ADMIN_UID),
      nameOf(SECOND_CONSULTANT_UID),
      'Okoye',
      'Lindqvist',
    ];
    for (const secret of secrets) expect(diskContains(userDataDir, secret), secret).toBe(false);
    for (const uid of [CONSULTANT_UID, ADMIN_UID])
      expect(diskContains(userDataDir, oldRoleKey(uid)), `unsalted hash of ${uid}`).toBe(false);
    expect(existsSync(path.join(userDataDir, 'audit'))).toBe(false);
    expect(existsSync(path.join(userDataDir, 'session', LEGACY_ROLES_FILE))).toBe(false);
    app = null;
  }, 120_000);
});

describe('the audit log on its own', () => {
  let root: string;
  let cleanup: () => void;
  beforeEach(() => ({ root, cleanup } = makeTempRoot('audit')));
  afterEach(() => cleanup());
  const entry = {
    userId: CONSULTANT_UID,
    businessFunction: 'SERVICE_PROVIDER_CLINICIAN',
    organisationOds: 'R69',
    onBehalfOfUserId: null,
    ubrn: '000000070000',
    action: 'accept' as const,
    detail: null,
    correlationId: 'c-1',
    result: 'sent' as const,
    errorCode: null,
  };

  it('expires entries with the retention period', async () => {
    const clock = manualClock();
    const options = {
      root,
      userId: CONSULTANT_UID,
      environment: 'local',
      keyProvider: new TestKeyProvider(),
      retentionMs: 3 * DAY,
      now: clock.now,
    };
    const audit = await openAuditLog(options);
    await audit.record(entry);
    clock.advance(2 * DAY);
    await audit.record({ ...entry, ubrn: '000000070001' });
    expect((await audit.entries()).map((e) => e.ubrn)).toEqual(['000000070000', '000000070001']);
    clock.advance(1.5 * DAY);
    const reopened = await openAuditLog(options);
    expect((await reopened.entries()).map((e) => e.ubrn)).toEqual(['000000070001']);
    // The expired entry's file is gone from the disk, not only hidden.
    const objects = readdirSync(
      path.join(storeDirectory({ root, userId: CONSULTANT_UID, environment: 'local', name: 'audit' }), 'objects'),
    );
    expect(objects).toHaveLength(1);
  });

  it('goes with the offline wipe at sign-out', async () => {
    const options = { root, userId: CONSULTANT_UID, environment: 'local', keyProvider: new TestKeyProvider(), retentionMs: 3 * DAY };
    await (await openAuditLog(options)).record(entry);
    expect(existsSync(userDirectory(root, CONSULTANT_UID, 'local'))).toBe(true);
    await wipeUserOfflineData({ root, userId: CONSULTANT_UID, environment: 'local' });
    expect(existsSync(userDirectory(root, CONSULTANT_UID, 'local'))).toBe(false);
    expect(await (await openAuditLog(options)).entries()).toEqual([]);
  });

  it('cannot be read by another desktop account', async () => {
    await (
      await openAuditLog({ root, userId: CONSULTANT_UID, environment: 'local', keyProvider: new TestKeyProvider(), retentionMs: DAY })
    ).record(entry);
    const other = openAuditLog({
      root,
      userId: CONSULTANT_UID,
      environment: 'local',
      keyProvider: new TestKeyProvider({ label: 'another account' }),
      retentionMs: DAY,
    });
    await expect(other).rejects.toThrow();
  });
});

describe('the remembered roles on their own', () => {
  let root: string;
  let cleanup: () => void;
  beforeEach(() => ({ root, cleanup } = makeTempRoot('roles')));
  afterEach(() => cleanup());
  const option = {
    id: 'r1|SERVICE_PROVIDER_CLINICIAN_ADMIN',
    businessFunction: 'SERVICE_PROVIDER_CLINICIAN_ADMIN' as const,
    label: 'Clinician admin',
    organisationOds: 'R69',
    organisationName: 'Riverside',
    actsFor: [{ userId: CONSULTANT_UID, name: nameOf(CONSULTANT_UID) }],
  };

  it('keys each user by a keyed hash: two installations name the same user differently, and never by the old unsalted hash', async () => {
    const names: string[][] = [];
    for (const install of ['one', 'two']) {
      const dir = path.join(root, install);
      const roles = createRememberedRoles({ dir, environment: 'local', keyProvider: () => new TestKeyProvider(), retentionMs: DAY });
      await roles.update(ADMIN_UID, (e) => ({ ...e, lastRoleId: option.id, options: [option] }));
      names.push(
        walkFiles(dir)
          .map((file) => path.basename(file))
          .filter((name) => name.endsWith('.obj')),
      );
      expect(diskContains(dir, ADMIN_UID)).toBe(false);
      expect(diskContains(dir, oldRoleKey(ADMIN_UID))).toBe(false);
      expect(diskContains(dir, nameOf(CONSULTANT_UID))).toBe(false);
    }
    expect(names[0]).toHaveLength(1);
    expect(names[1]).toHaveLength(1);
    expect(names[0]).not.toEqual(names[1]);
  });

  it('remembers the last role and the roles offered, and forgets them after the retention period', async () => {
    const clock = manualClock();
    const make = () =>
      createRememberedRoles({
        dir: root,
        environment: 'local',
        keyProvider: () => new TestKeyProvider(),
        retentionMs: 7 * DAY,
        now: clock.now,
      });
    await make().update(ADMIN_UID, (e) => ({ ...e, options: [option] }));
    await make().update(ADMIN_UID, (e) => ({ ...e, lastRoleId: option.id }));
    expect(await make().read(ADMIN_UID)).toEqual({ lastRoleId: option.id, options: [option] });
    expect(await make().read(CONSULTANT_UID)).toBeNull();
    clock.advance(8 * DAY);
    expect(await make().read(ADMIN_UID)).toBeNull();
  });

  it('remembers nothing, and writes nothing, where the OS cannot protect the key', async () => {
    const roles = createRememberedRoles({
      dir: root,
      environment: 'local',
      keyProvider: () => new TestKeyProvider({ available: false }),
      retentionMs: DAY,
    });
    await roles.update(ADMIN_UID, (e) => ({ ...e, options: [option] }));
    expect(await roles.read(ADMIN_UID)).toBeNull();
    expect(walkFiles(root)).toEqual([]);
  });
});
