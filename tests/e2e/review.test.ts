import { PDFDocument } from 'pdf-lib';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ReferralView, WorklistRow } from '../../contract';
import { renderDocument } from '../../local-env/src/documents/render';
import { seriousViolations } from '../helpers/axe';
import { e2eDesk } from '../helpers/e2e-desk';

const desk = e2eDesk({ signedIn: true });
let referrals: WorklistRow[];
const used = new Set<string>();

beforeAll(async () => {
  referrals = await desk.running.app.ers.fetchWorklist('referrals');
}, 60_000);

const emulator = () => {
  const e = desk.running.local?.emulator;
  if (!e) throw new Error('no emulator');
  return e;
};

/** A referral on the review list with an available attachment of this type, not used yet. */
async function referralWith(contentType: string): Promise<{ referral: ReferralView; attachmentTitle: string; attachmentId: string }> {
  for (const row of referrals) {
    if (used.has(row.ubrn)) continue;
    const referral = await desk.running.app.ers.openReferral({ ubrn: row.ubrn });
    const attachment = referral.attachments.find((a) => a.available && a.contentType === contentType && a.id);
    if (attachment?.id) return { referral, attachmentTitle: attachment.title, attachmentId: attachment.id };
  }
  throw new Error(`no referral with an available ${contentType}`);
}

/** The heading of the review screen at `path` (#/referral/<ubrn>… or #/advice/<id>…). */
function headingFor(path: string): string {
  const [, kind, id] = /^#\/(referral|advice)\/([^?]+)/.exec(path) ?? [];
  return kind === 'advice' ? `Advice request ${id}` : `Referral ${id}`;
}

/**
 * Opens an item and waits until its own screen has loaded: the previous item's heading is
 * still on screen for a moment after the address changes, so any heading will not do.
 */
async function openItem(page: Page, path: string): Promise<void> {
  await page.evaluate((hash) => {
    window.location.hash = hash;
  }, path);
  await expect.poll(() => page.getByTestId('item-heading').textContent(), { timeout: 15_000 }).toBe(headingFor(path));
  await page.getByTestId('review-loading').waitFor({ state: 'detached' });
}

/** What the status line says after `act`: its next words, not what it said before (a notice from the last decision, say). */
async function statusAfter(page: Page, act: () => Promise<void>): Promise<string> {
  const status = page.getByTestId('decision-status');
  const before = (await status.textContent()) ?? '';
  await act();
  let now = '';
  await expect
    .poll(
      async () => {
        now = (await status.textContent()) ?? '';
        return now !== '' && now !== before;
      },
      { timeout: 15_000 },
    )
    .toBe(true);
  return now;
}

async function confirmAndWait(page: Page): Promise<string> {
  await page.getByTestId('confirm-dialog').waitFor();
  return statusAfter(page, async () => {
    await page.getByTestId('confirm-send').click();
    await page.getByTestId('confirm-dialog').waitFor({ state: 'detached' });
  });
}

/** True when the canvas has drawn something other than white. */
async function canvasHasInk(page: Page): Promise<boolean> {
  return page.evaluate(() => {
    const canvas = document.querySelector<HTMLCanvasElement>('[data-testid="viewer-pane"] canvas');
    if (!canvas || canvas.width === 0) return false;
    const context = canvas.getContext('2d');
    if (!context) return false;
    const { data } = context.getImageData(0, 0, canvas.width, canvas.height);
    for (let i = 0; i < data.length; i += 4 * 97)
      if ((data[i] ?? 255) < 200 || (data[i + 1] ?? 255) < 200 || (data[i + 2] ?? 255) < 200) return true;
    return false;
  });
}

describe('reviewing a referral with its attachments inline, and recording decisions', () => {
  it('renders the PDF letter (drawn pixels, the right page count), then a TIFF and a DOCX', async () => {
    const { page } = desk;
    const { referral, attachmentTitle, attachmentId } = await referralWith('application/pdf');
    const pdfBytes = (await desk.running.app.ers.getAttachment({ attachmentId })).bytes;
    const pages = (await PDFDocument.load(pdfBytes)).getPageCount();
    await openItem(page, `#/referral/${referral.ubrn}`);
    await page.getByTestId('attachment-item').filter({ hasText: attachmentTitle }).first().click();
    await page.getByTestId('pdf-viewer').waitFor();
    await expect.poll(() => page.getByTestId('page-status').textContent(), { timeout: 20_000 }).toBe(`Page 1 of ${pages}`);
    await expect.poll(() => canvasHasInk(page), { timeout: 20_000 }).toBe(true);
    await page.screenshot({ path: 'test-results/referral-pdf.png' });
    expect(await seriousViolations(page)).toEqual([]);

    const tiff = await referralWith('image/tiff');
    await openItem(page, `#/referral/${tiff.referral.ubrn}`);
    await page.getByTestId('attachment-item').filter({ hasText: tiff.attachmentTitle }).first().click();
    await page.getByTestId('tiff-viewer').waitFor();
    await expect.poll(() => page.getByTestId('page-status').textContent(), { timeout: 20_000 }).toMatch(/^Page 1 of \d+$/);
    await page.screenshot({ path: 'test-results/referral-tiff.png' });

    const docx = await referralWith('application/vnd.openxmlformats-officedocument.wordprocessingml.document');
    await openItem(page, `#/referral/${docx.referral.ubrn}`);
    await page.getByTestId('attachment-item').filter({ hasText: docx.attachmentTitle }).first().click();
    await page.getByTestId('rich-document-viewer').waitFor();
    expect(await page.locator('[data-testid="rich-document-viewer"] a, [data-testid="rich-document-viewer"] script').count()).toBe(0);
    expect(desk.chrome.consoleErrors).toEqual([]);
  }, 90_000);

  it('accepts one referral: e-RS records it', async () => {
    const { page } = desk;
    const row = referrals.find((r) => !used.has(r.ubrn) && r.reviewStatus !== '');
    if (!row) throw new Error('no referral to accept');
    used.add(row.ubrn);
    const before = emulator().referral(row.ubrn)?.version ?? 0;
    await openItem(page, `#/referral/${row.ubrn}`);
    await page.getByTestId('decision-accept').click();
    expect(await confirmAndWait(page)).toMatch(/accepted/i);
    expect(emulator().referral(row.ubrn)?.review?.outcome).toBe('ACCEPTED');
    expect(emulator().referral(row.ubrn)?.version).toBe(before + 1);
  });

  it('rejects one with a reason: e-RS records the reason and comments', async () => {
    const { page } = desk;
    const row = referrals.find((r) => !used.has(r.ubrn));
    if (!row) throw new Error('no referral to reject');
    used.add(row.ubrn);
    await openItem(page, `#/referral/${row.ubrn}`);
    await page.getByTestId('decision-reject').click();
    await page.getByTestId('reject-reason').selectOption({ index: 1 });
    const reason = await page.getByTestId('reject-reason').inputValue();
    await page.getByTestId('reject-comments').fill('Please refer to the community musculoskeletal service first.');
    await page.getByTestId('reject-submit').click();
    expect(await confirmAndWait(page)).toMatch(/rejected/i);
    const state = emulator().referral(row.ubrn);
    expect(state?.status.code).toBe('REJECTED');
    expect(JSON.stringify(state?.status)).toContain(reason);
  });

  it('records a triage outcome with an attachment on a RAS request', async () => {
    const { page } = desk;
    const triage = await desk.running.app.ers.fetchWorklist('triage');
    const row = triage.find((r) => !used.has(r.ubrn));
    if (!row) throw new Error('no triage request');
    used.add(row.ubrn);
    const uploadsBefore = emulator()
      .operations()
      .filter((o) => o.operation === 'A020').length;
    await openItem(page, `#/referral/${row.ubrn}?list=triage`);
    await page.getByTestId('decision-triage').click();
    await page.getByTestId('triage-outcome-ACCEPT_REFER_BOOK_LATER').check();
    await page.getByTestId('triage-comments').fill('Book into the next urgent clinic.');
    const note = await renderDocument({ kind: 'pdf-clinical-info', seed: 11, title: 'Triage note' });
    await page
      .getByTestId('triage-file')
      .setInputFiles({ name: 'triage-note.pdf', mimeType: 'application/pdf', buffer: Buffer.from(note) });
    await page.getByTestId('triage-file-chosen').waitFor();
    await page.getByTestId('triage-submit').click();
    expect(await confirmAndWait(page)).toMatch(/triage|recorded/i);
    expect(emulator().referral(row.ubrn)?.review?.outcome).toBe('ACCEPT_REFER_BOOK_LATER');
    expect(
      emulator()
        .operations()
        .filter((o) => o.operation === 'A020').length,
    ).toBe(uploadsBefore + 1);
  });

  it('replies to an A&G request with an attachment: the reply joins the conversation', async () => {
    const { page } = desk;
    const advice = await desk.running.app.ers.fetchWorklist('advice');
    const row = advice[0];
    if (!row) throw new Error('no A&G request');
    const before = (
      await desk.running.app.ers.getConversation({
        ubrn: row.ubrn,
        version: (await desk.running.app.ers.getAdviceRequest({ ubrn: row.ubrn })).version,
      })
    ).messages.length;
    await openItem(page, `#/advice/${row.id}`);
    await page.getByTestId('advice-thread').waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByTestId('advice-reply').click();
    await page.getByTestId('reply-outcome-RETURN_TO_REFERRER_WITH_ADVICE').check();
    await page.getByTestId('reply-recommendation').selectOption({ index: 1 });
    await page.getByTestId('reply-guidance').fill('Trial of treatment for six weeks, then review.');
    await page
      .getByTestId('reply-file')
      .setInputFiles({ name: 'leaflet.txt', mimeType: 'text/plain', buffer: Buffer.from('Synthetic patient leaflet.\n') });
    await page.getByTestId('reply-submit').click();
    expect(await confirmAndWait(page)).toMatch(/advice|sent/i);
    const request = await desk.running.app.ers.getAdviceRequest({ ubrn: row.ubrn });
    const after = await desk.running.app.ers.getConversation({ ubrn: row.ubrn, version: request.version });
    expect(after.messages.length).toBe(before + 1);
    expect(after.messages.at(-1)?.text).toContain('Trial of treatment');
    expect(after.messages.at(-1)?.attachments).toHaveLength(1);
  });

  it('a referral changed behind the app: the send gets 412, the conflict shows, and the resend completes', async () => {
    const { page } = desk;
    const row = referrals.find((r) => !used.has(r.ubrn));
    if (!row) throw new Error('no referral left');
    used.add(row.ubrn);
    await openItem(page, `#/referral/${row.ubrn}`);
    await page.getByTestId('review-summary').waitFor();
    await emulator().touchReferral(row.ubrn);
    await page.getByTestId('decision-accept').click();
    await page.getByTestId('confirm-dialog').waitFor();
    await page.getByTestId('confirm-send').click();
    await page.getByTestId('conflict-panel').waitFor({ timeout: 15_000 });
    // Only the version moved: the panel says an update was recorded, and shows no version number.
    // Waited for on the panel's words, so a miss shows what the panel said changed instead.
    await expect
      .poll(async () => (await page.getByTestId('conflict-panel').innerText()).replace(/\s+/g, ' '))
      .toContain('e-RS recorded an update to this referral, but nothing shown on this screen changed.');
    await page.getByTestId('conflict-updated-only').waitFor();
    expect(await page.getByTestId('conflict-panel').textContent()).not.toMatch(/version/i);
    expect(await seriousViolations(page)).toEqual([]);
    // "Send again" under the list of changes is the confirmation: it sends with the new version.
    expect(await statusAfter(page, () => page.getByTestId('conflict-resend').click())).toMatch(/accepted/i);
    const accepts = emulator()
      .operations()
      .filter((o) => o.operation === 'A013' && o.path.includes(row.ubrn));
    expect(accepts.map((o) => o.status)).toEqual([412, 200]);
    expect(emulator().referral(row.ubrn)?.review?.outcome).toBe('ACCEPTED');
  });
});
