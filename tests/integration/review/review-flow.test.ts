import { readFileSync, statSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AttachmentView, ReferralView, WorklistRow } from '../../../contract';
import { TestKeyProvider } from '../../../electron/offline/key-provider';
import { OfflineSession, partitionName } from '../../../electron/offline/offline-session';
import { openAuditLog } from '../../../electron/review/audit-log';
import { CONSULTANT_UID } from '../../../local-env/src/users';
import { renderDocument } from '../../../local-env/src/documents/render';
import { signInDirect, startDirectApp, type DirectApp } from '../../helpers/app-direct';

let direct: DirectApp;
let referralRows: WorklistRow[];
let triageRows: WorklistRow[];
let adviceRows: WorklistRow[];

beforeAll(async () => {
  direct = await startDirectApp();
  await signInDirect(direct, CONSULTANT_UID, 'R69');
  referralRows = (await direct.call('worklist.fetch', { kind: 'referrals' })).rows;
  triageRows = (await direct.call('worklist.fetch', { kind: 'triage' })).rows;
  adviceRows = (await direct.call('worklist.fetch', { kind: 'advice' })).rows;
}, 60_000);

afterAll(async () => {
  await direct.close();
});

const emulator = () => {
  const e = direct.local?.emulator;
  if (!e) throw new Error('no emulator');
  return e;
};

/** Finds a referral on a list with an available attachment of a content type. */
async function referralWithAttachment(
  rows: WorklistRow[],
  contentType: RegExp,
): Promise<{ referral: ReferralView; attachment: AttachmentView }> {
  for (const row of rows) {
    const { referral } = await direct.call('referral.open', { ubrn: row.ubrn });
    const attachment = referral.attachments.find((a) => a.available && a.id && contentType.test(a.contentType));
    if (attachment) return { referral, attachment };
  }
  throw new Error(`no seeded referral has an available ${contentType} attachment`);
}

describe('the review screens against the local e-RS', () => {
  it('opens a referral with its allowed actions and attachments', async () => {
    const row = referralRows[0];
    if (!row) throw new Error('empty worklist');
    const screen = await direct.call('referral.open', { ubrn: row.ubrn });
    expect(screen.referral.ubrn).toBe(row.ubrn);
    expect(screen.referral.nhsNumber).toBe(row.nhsNumber);
    expect(screen.referral.allowedActions).not.toBeNull();
    expect(screen.stale).toBe(false);
  });

  it('fetches a PDF letter as bytes, and the clinical information summary', async () => {
    const { referral, attachment } = await referralWithAttachment(referralRows, /pdf/);
    const content = await direct.call('referral.attachment', { ubrn: referral.ubrn, attachmentId: attachment.id ?? '' });
    expect(content.kind).toBe('file');
    if (content.kind === 'file') expect(new TextDecoder().decode(content.bytes.subarray(0, 5))).toBe('%PDF-');
    const summary = await direct.call('referral.clinicalInfo', { ubrn: referral.ubrn });
    expect(summary.kind === 'file' && new TextDecoder().decode(summary.bytes.subarray(0, 5))).toBe('%PDF-');
  });

  it('converts a DOCX attachment to a safe document in the main process', async () => {
    const { referral, attachment } = await referralWithAttachment([...referralRows, ...triageRows], /wordprocessingml/);
    const content = await direct.call('referral.attachment', { ubrn: referral.ubrn, attachmentId: attachment.id ?? '' });
    expect(content.kind).toBe('document');
    if (content.kind === 'document') expect(content.document.blocks.length).toBeGreaterThan(2);
  });

  it('hands an attachment to another application as a private file with a safe name, never running it', async () => {
    const { referral, attachment } = await referralWithAttachment(referralRows, /pdf/);
    const result = await direct.call('attachment.openExternally', {
      source: 'referral',
      ubrn: referral.ubrn,
      attachmentId: attachment.id ?? '',
    });
    const file = direct.openedFiles.at(-1) ?? '';
    expect(file.endsWith(result.fileName)).toBe(true);
    expect(result.fileName).toMatch(/\.pdf$/);
    expect(readFileSync(file).subarray(0, 5).toString()).toBe('%PDF-');
    if (process.platform !== 'win32') expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('refuses an unavailable attachment with e-RS reason', async () => {
    // The NHS example "WithUnavailableAttachments" is seeded at this UBRN.
    const { referral } = await direct.call('referral.open', { ubrn: '000000070012' });
    const unavailable = referral.attachments.filter((a) => !a.available);
    expect(unavailable.length).toBeGreaterThan(0);
    for (const attachment of unavailable) {
      const result = await direct.raw('referral.attachment', { ubrn: referral.ubrn, attachmentId: attachment.id });
      expect(result).toMatchObject({ ok: false, error: { code: 'ATTACHMENT_UNAVAILABLE', message: attachment.unavailableReason } });
    }
  });

  it('accepts a referral: e-RS state changes and the decision is audited without clinical text', async () => {
    const row = referralRows.find((r) => r.ubrn !== referralRows[0]?.ubrn) ?? referralRows[0];
    if (!row) throw new Error('empty worklist');
    const { referral } = await direct.call('referral.open', { ubrn: row.ubrn });
    const before = emulator().referral(row.ubrn)?.version;
    const outcome = await direct.call('referral.accept', { ubrn: row.ubrn, version: referral.version });
    expect(outcome.status).toBe('sent');
    expect(emulator().referral(row.ubrn)?.version).toBe((before ?? 0) + 1);
    const after = await direct.call('worklist.fetch', { kind: 'referrals' });
    expect(after.rows.some((r) => r.ubrn === row.ubrn)).toBe(false);
    // The audit is the user's, encrypted in their offline folder (read here with the test key).
    const audit = await (
      await openAuditLog({
        root: OfflineSession.root(direct.userDataDir),
        userId: CONSULTANT_UID,
        // The audit is kept in the role's own partition (the role the decision was made in).
        partition: partitionName({ businessFunction: 'SERVICE_PROVIDER_CLINICIAN', organisationOds: 'R69', onBehalfOfUserId: null }),
        environment: 'local',
        keyProvider: new TestKeyProvider(),
        retentionMs: 7 * 24 * 3600_000,
      })
    ).entries();
    expect(audit.at(-1)).toMatchObject({
      ubrn: row.ubrn,
      action: 'accept',
      result: 'sent',
      userId: CONSULTANT_UID,
      businessFunction: 'SERVICE_PROVIDER_CLINICIAN',
      organisationOds: 'R69',
    });
    expect(typeof audit.at(-1)?.correlationId).toBe('string');
  });

  it('rejects a referral with a reason e-RS accepts', async () => {
    const reasons = await direct.call('referral.rejectionReasons', {});
    expect(reasons.length).toBeGreaterThan(0);
    const row = (await direct.call('worklist.fetch', { kind: 'referrals' })).rows[1];
    if (!row) throw new Error('worklist too short');
    const { referral } = await direct.call('referral.open', { ubrn: row.ubrn });
    const outcome = await direct.call('referral.reject', {
      ubrn: row.ubrn,
      version: referral.version,
      reasonCode: reasons[0]?.code ?? '',
      comments: 'Please refer to the community service first.',
    });
    expect(outcome.status).toBe('sent');
    expect(emulator().referral(row.ubrn)?.status.code).toBe('REJECTED');
  });

  it('records a triage outcome with an attachment uploaded through A020', async () => {
    const row = triageRows[0];
    if (!row) throw new Error('no triage requests');
    const { referral } = await direct.call('referral.open', { ubrn: row.ubrn });
    const pdf = await renderDocument({ kind: 'pdf-clinical-info', seed: 7, title: 'Triage note' });
    const binariesBefore = emulator()
      .operations()
      .filter((o) => o.operation === 'A020').length;
    const outcome = await direct.call('referral.recordTriageOutcome', {
      ubrn: row.ubrn,
      version: referral.version,
      outcome: 'ACCEPT_REFER_BOOK_LATER',
      comments: 'Book into the next available clinic.',
      priority: 'URGENT',
      attachment: { fileName: 'triage-note.pdf', contentType: 'application/pdf', bytes: pdf },
    });
    expect(outcome.status).toBe('sent');
    expect(
      emulator()
        .operations()
        .filter((o) => o.operation === 'A020').length,
    ).toBe(binariesBefore + 1);
    const state = emulator().referral(row.ubrn);
    expect(state?.review?.outcome).toBe('ACCEPT_REFER_BOOK_LATER');
    expect(state?.priority).toBe('URGENT');
  });

  it('replies to an A&G request with an attachment, and the reply joins the conversation', async () => {
    const row = adviceRows[0];
    if (!row) throw new Error('no A&G requests');
    const before = await direct.call('advice.open', { ubrn: row.ubrn });
    const bytes = new TextEncoder().encode('Synthetic guidance leaflet.\n');
    const outcome = await direct.call('advice.reply', {
      ubrn: row.ubrn,
      outcome: 'RETURN_TO_REFERRER_WITH_ADVICE',
      intendedRecommendation: 'ADVICE_ONLY_NO_REFERRAL_RECOMMENDED',
      guidance: 'Start a trial of treatment and review in six weeks.',
      priority: 'ROUTINE',
      attachment: { fileName: 'leaflet.txt', contentType: 'text/plain', bytes },
    });
    expect(outcome.status).toBe('sent');
    const after = await direct.call('advice.open', { ubrn: row.ubrn });
    expect(after.conversation.messages.length).toBe(before.conversation.messages.length + 1);
    const last = after.conversation.messages.at(-1);
    expect(last?.text).toContain('trial of treatment');
    expect(last?.attachments.length).toBe(1);
  });

  it('turns a 412 into a conflict with what changed, and the resend with the new version succeeds', async () => {
    const row = (await direct.call('worklist.fetch', { kind: 'referrals' })).rows[2];
    if (!row) throw new Error('worklist too short');
    const { referral } = await direct.call('referral.open', { ubrn: row.ubrn });
    await emulator().touchReferral(row.ubrn);
    const outcome = await direct.call('referral.accept', { ubrn: row.ubrn, version: referral.version });
    expect(outcome.status).toBe('conflict');
    if (outcome.status !== 'conflict') return;
    expect(outcome.referral.version).not.toBe(referral.version);
    expect(outcome.changes.find((c) => c.field === 'Version')).toEqual({
      field: 'Version',
      before: referral.version,
      after: outcome.referral.version,
    });
    const resent = await direct.call('referral.accept', { ubrn: row.ubrn, version: outcome.referral.version });
    expect(resent.status).toBe('sent');
  });

  it('a conflict lists only real changes: allowed actions e-RS would not give for a version that moved on are not one', async () => {
    const row = (await direct.call('worklist.fetch', { kind: 'referrals' })).rows[3];
    if (!row) throw new Error('worklist too short');
    const read = (ubrn: string) =>
      emulator()
        .operations()
        .some((o) => o.operation === 'A005' && o.path.includes(ubrn));
    emulator().clearOperations();
    // The screen's read straddles a change made elsewhere: A005 answers for this version, and
    // A029, held back, is asked about it after the change (e-RS refuses it, so the actions are not known).
    emulator().setFaults({ latencyMs: 1500, onlyOperations: ['A029'] });
    let screen: Awaited<ReturnType<typeof direct.call<'referral.open'>>>;
    try {
      const opening = direct.call('referral.open', { ubrn: row.ubrn });
      await expect.poll(() => read(row.ubrn), { timeout: 10_000 }).toBe(true);
      await emulator().touchReferral(row.ubrn);
      screen = await opening;
    } finally {
      emulator().setFaults({ latencyMs: 0, onlyOperations: null });
    }
    expect(screen.referral.allowedActions).toBeNull();
    const outcome = await direct.call('referral.accept', { ubrn: row.ubrn, version: screen.referral.version });
    expect(outcome.status).toBe('conflict');
    if (outcome.status !== 'conflict') return;
    expect(outcome.referral.allowedActions).not.toBeNull();
    expect(outcome.changes.map((c) => c.field)).toEqual(['Version']);
  });

  it('keeps drafts across a restart of the app', async () => {
    await direct.call('draft.save', { itemId: 'r-000000070000', form: { reason: 'X', comments: 'half-written', urgent: true } });
    const userDataDir = direct.userDataDir;
    const second = await startDirectApp({ userDataDir });
    try {
      await signInDirect(second, CONSULTANT_UID, 'R69');
      const draft = await second.call('draft.load', { itemId: 'r-000000070000' });
      expect(draft?.form).toEqual({ reason: 'X', comments: 'half-written', urgent: true });
      await second.call('draft.discard', { itemId: 'r-000000070000' });
      expect(await second.call('draft.load', { itemId: 'r-000000070000' })).toBeNull();
    } finally {
      await second.app.dispose();
    }
  });

  it('refuses decisions from a user who is not signed in', async () => {
    const fresh = await startDirectApp();
    try {
      const result = await fresh.raw('referral.accept', { ubrn: '000000070000', version: '1' });
      expect(result).toMatchObject({ ok: false, error: { code: 'NOT_SIGNED_IN' } });
    } finally {
      await fresh.close();
    }
  });
});
