import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { OfflineStatus } from '../../../contract';
import { startLocalEnvironment, type LocalEnvironment } from '../../../local-env/src/index';
import { silentLogger } from '../../../electron/log/logger';
import { CONSULTANT_UID } from '../../../local-env/src/users';
import { signInDirect, startDirectApp, type DirectApp } from '../../helpers/app-direct';
import { withShownTime } from '../../helpers/shown-time';

let env: LocalEnvironment;
let root: string;
const userDataDir = () => path.join(root, 'user');

beforeAll(async () => {
  root = mkdtempSync(path.join(os.tmpdir(), 'offline-mode-'));
  env = await startLocalEnvironment({ dataDir: path.join(root, 'local-env'), log: silentLogger });
});

afterAll(async () => {
  await env.close();
  rmSync(root, { recursive: true, force: true });
});

async function until<T>(what: string, read: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 60_000): Promise<T> {
  return vi.waitFor(
    async () => {
      const value = await read();
      expect(ok(value), `${what}: ${JSON.stringify(value).slice(0, 400)}`).toBe(true);
      return value;
    },
    { timeout: timeoutMs, interval: 50 },
  );
}

describe('offline review: cache, stale marking and the durable outbox', () => {
  let app: DirectApp;
  let ubrn = '';
  let pdfId = '';
  let tiffId = '';
  let reasons: { code: string; display: string }[] = [];

  it('prefetches the worklists after sign-in, with progress', async () => {
    app = await startDirectApp({ userDataDir: userDataDir(), localEnvironment: env });
    await signInDirect(app, CONSULTANT_UID, 'R69');
    for (const kind of ['referrals', 'triage', 'advice'] as const) await app.call('worklist.fetch', { kind });
    const status = await until(
      'prefetch to finish',
      () => app.call('offline.status', {}),
      (s: OfflineStatus) => s.prefetch?.phase === 'done',
      120_000,
    );
    expect(status.prefetch?.total).toBeGreaterThan(0);
    expect(status.prefetch?.done).toBeGreaterThan(0);
    expect(app.events.some((e) => e.event === 'offline.changed')).toBe(true);

    // A referral on the list with both a PDF and a TIFF to review offline.
    for (const row of (await app.call('worklist.fetch', { kind: 'referrals' })).rows) {
      const { referral } = await app.call('referral.open', { ubrn: row.ubrn });
      const pdf = referral.attachments.find((a) => a.available && a.contentType === 'application/pdf');
      const tiff = referral.attachments.find((a) => a.available && a.contentType === 'image/tiff');
      if (pdf?.id && tiff?.id) {
        ubrn = row.ubrn;
        pdfId = pdf.id;
        tiffId = tiff.id;
        break;
      }
    }
    expect(ubrn).not.toBe('');
    // The rejection reasons are kept too, so a rejection can be written offline.
    reasons = await app.call('referral.rejectionReasons', {});
    expect(reasons.length).toBeGreaterThan(0);
  }, 180_000);

  it('shows the referral, its PDF and its TIFF from the cache when e-RS is down, marked stale', async () => {
    await env.stopErs();
    await expect(fetch(env.ersBaseUrl)).rejects.toThrow();
    const worklist = await app.call('worklist.fetch', { kind: 'referrals', refresh: true });
    expect(worklist.stale).toBe(true);
    expect(worklist.rows.length).toBeGreaterThan(0);
    const screen = await app.call('referral.open', { ubrn });
    expect(screen.stale).toBe(true);
    const pdf = await app.call('referral.attachment', { ubrn, attachmentId: pdfId });
    expect(pdf.kind === 'file' && new TextDecoder().decode(pdf.bytes.subarray(0, 5))).toBe('%PDF-');
    const tiff = await app.call('referral.attachment', { ubrn, attachmentId: tiffId });
    expect(tiff.kind === 'file' && tiff.bytes[0] === 0x49 && tiff.bytes[1] === 0x49).toBe(true);
    // The A&G overview PDF the prefetcher kept opens offline too.
    const advice = (await app.call('worklist.fetch', { kind: 'advice' })).rows[0];
    if (advice) {
      const overview = await app.call('advice.overview', { ubrn: advice.ubrn });
      expect(overview.kind === 'file' && new TextDecoder().decode(overview.bytes.subarray(0, 5))).toBe('%PDF-');
    }
    const status = await app.call('offline.status', {});
    expect(status.online).toBe(false);
    expect(status.banner).toMatch(withShownTime(String.raw`^Offline since {time}, showing data from {time}$`));
  });

  it('queues a reject on disk while offline, keeps it across a restart, and sends it exactly once on reconnect', async () => {
    const { referral } = await app.call('referral.open', { ubrn });
    const offlineReasons = await app.call('referral.rejectionReasons', {});
    expect(offlineReasons).toEqual(reasons);
    const outcome = await app.call('referral.reject', {
      ubrn,
      version: referral.version,
      reasonCode: reasons[0]?.code ?? '',
      comments: 'Please refer to the community service.',
    });
    expect(outcome.status).toBe('queued');
    const queued = await app.call('offline.status', {});
    expect(queued.outbox.map((i) => [i.operation, i.ubrn, i.state])).toEqual([['referral.reject', ubrn, 'queued']]);

    // Restart the app while e-RS is still down.
    await app.app.dispose();
    app = await startDirectApp({ userDataDir: userDataDir(), localEnvironment: env });
    await signInDirect(app, CONSULTANT_UID, 'R69');
    const after = await until(
      'the outbox to load',
      () => app.call('offline.status', {}),
      (s) => s.outbox.length > 0,
      10_000,
    );
    expect(after.outbox.map((i) => [i.operation, i.ubrn])).toEqual([['referral.reject', ubrn]]);
    expect(env.emulator.referral(ubrn)?.status.code).not.toBe('REJECTED');

    await env.startErs();
    await app.call('worklist.fetch', { kind: 'referrals', refresh: true }).catch(() => undefined);
    await until(
      'the outbox to empty',
      () => app.call('offline.status', {}),
      (s) => s.outbox.length === 0,
      60_000,
    );
    expect(env.emulator.referral(ubrn)?.status.code).toBe('REJECTED');
    const rejects = env.emulator.operations().filter((o) => o.operation === 'A014' && o.path.includes(ubrn));
    expect(rejects).toHaveLength(1);

    // Said, audited and no longer "offline": the notice names how many went out, the audit
    // gets a 'sent' line for the queued one (same outbox id, e-RS's reference), the banner goes.
    const online = await until(
      'the sent notice',
      () => app.call('offline.status', {}),
      (s) => s.sent !== null,
      10_000,
    );
    expect(online).toMatchObject({ online: true, banner: null, sent: { count: 1, message: '1 queued decision was sent to e-RS.' } });
    expect(app.events.some((e) => e.event === 'offline.changed' && (e.payload as OfflineStatus).sent?.count === 1)).toBe(true);
    const audit = ((await app.app.auditEntries()) as unknown as Record<string, unknown>[]).filter(
      (entry) => entry.ubrn === ubrn && entry.action === 'reject',
    );
    expect(audit.map((entry) => entry.result)).toEqual(['queued', 'sent']);
    expect(audit[1]).toMatchObject({
      outboxId: audit[0]?.outboxId,
      userId: CONSULTANT_UID,
      businessFunction: 'SERVICE_PROVIDER_CLINICIAN',
      organisationOds: 'R69',
      detail: reasons[0]?.code,
    });
    expect(typeof audit[0]?.outboxId).toBe('string');
    expect(audit[1]?.correlationId).toBe(rejects[0]?.correlationId);
    // Fresh data replaces the offline copy.
    expect((await app.call('worklist.fetch', { kind: 'referrals' })).stale).toBe(false);
    expect((await app.call('referral.open', { ubrn })).stale).toBe(false);
    await app.close();
  }, 120_000);
});
