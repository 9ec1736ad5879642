/**
 * Bad answers from the network, end to end: the app runs in the `sandbox` environment
 * (no sign-in) against a hostile e-RS on loopback (tests/helpers/hostile-ers.ts), and
 * Chromium drives it. Every bad answer — malformed JSON, JSON over the client's limit
 * (streamed, and declared up front), a wrong resource type, FHIR missing required fields,
 * a worklist entry whose patient is not in `contained`, a referral that is not the one
 * asked for, files over the size limit and files whose bytes disagree with their type —
 * must end as one clear message in the place of what could not be shown, and the rest of
 * the app must carry on: another list or referral opens, the good letter beside a bad
 * file still draws.
 *
 * The number of distinct bad answers actually served is written to
 * test-results/security/bad-network-inputs.json for the summary `npm test` prints.
 */
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_MAX_FILE_BYTES, DEFAULT_MAX_JSON_BYTES } from '../../electron/ers/http';
import { startAppHost, type RunningAppHost } from '../helpers/app-host';
import { launchChromium, type BrowserSession } from '../helpers/chromium';
import {
  FILE_HOSTILITIES,
  REFERRAL_HOSTILITIES,
  startHostileErs,
  type FileHostility,
  type HostileErs,
  type ListHostility,
  type ReferralHostility,
} from '../helpers/hostile-ers';
import { startPdsLoopback, type PdsLoopback } from '../helpers/pds-loopback';
import { pdsPatient } from '../../local-env/src/pds/records';
import { writeFigures } from '../unit/security/security-figures';

let hostile: HostileErs;
let pds: PdsLoopback;
let running: RunningAppHost;
let chrome: BrowserSession;
let page: Page;

/** Each message seen on screen, with the correlation ids of the exchanges behind it. */
interface Observation {
  case: string;
  message: string;
  regionText: string;
  correlationIds: string[];
}
const observations: Observation[] = [];

const JSON_MB = Math.round(DEFAULT_MAX_JSON_BYTES / (1024 * 1024));
const FILE_MB = Math.round(DEFAULT_MAX_FILE_BYTES / (1024 * 1024));

const LIST_MESSAGES: Record<ListHostility, RegExp> = {
  'malformed-json': /^e-RS sent a worklist the app could not read safely \(not JSON\)\./,
  'huge-json': new RegExp(`^e-RS sent a worklist larger than the app accepts \\(${JSON_MB} MB\\)\\.`),
  'huge-json-declared': new RegExp(`^e-RS sent a worklist larger than the app accepts \\(${JSON_MB} MB\\)\\.`),
  'wrong-resource-type': /^e-RS sent a worklist the app could not read safely \(a Bundle where a List was expected\)\./,
  'missing-required-fields': /^e-RS sent a worklist the app could not read safely \(List: missing or wrong entry\.0\.item[^)]*\)\./,
  'patient-not-contained': /^e-RS sent a worklist the app could not read safely \(entry 1 patient: a Patient it refers to is missing\)\./,
};

const REFERRAL_MESSAGES: Record<ReferralHostility, RegExp> = {
  'malformed-json': /^e-RS sent a referral the app could not read safely \(not JSON\)\./,
  'huge-json': new RegExp(`^e-RS sent a referral larger than the app accepts \\(${JSON_MB} MB\\)\\.`),
  'huge-json-declared': new RegExp(`^e-RS sent a referral larger than the app accepts \\(${JSON_MB} MB\\)\\.`),
  'wrong-resource-type': /^e-RS sent a referral the app could not read safely \(a Patient where a ReferralRequest was expected\)\./,
  'missing-required-fields':
    /^e-RS sent a referral the app could not read safely \(ReferralRequest: missing or wrong (meta|subject)[^)]*\)\./,
  'another-referral': /^e-RS sent a referral the app could not read safely \(the referral is not the one asked for\)\./,
  'actions-wrong-resource-type':
    /^e-RS sent a list of allowed actions the app could not read safely \(a List where a Bundle was expected\)\./,
};

const FILE_MESSAGES: Record<FileHostility, RegExp> = {
  'over-size-limit': new RegExp(`^e-RS sent an attachment larger than the app accepts \\(${FILE_MB} MB\\)\\.`),
  'over-size-limit-declared': new RegExp(`^e-RS sent an attachment larger than the app accepts \\(${FILE_MB} MB\\)\\.`),
  'pdf-label-png-bytes':
    /^This attachment could not be shown: it is labelled as a PDF document but its contents are a PNG image\. Ask the referrer to send it again\.$/,
  'jpeg-label-executable-bytes':
    /^This attachment could not be shown: it is labelled as a JPEG image but its contents are something else\. Ask the referrer to send it again\.$/,
};

/** What must never reach the screen: internals, raw data, and identifiers of the bad answer. */
const INTERNALS =
  /undefined|\bnull\b|\[object|NaN|Error\b|stack|\bat [\w.]+ \(|[{}<>]|resourceType|\\u|ECONN|fetch failed|999 ?\d{3} ?\d{4}|Something went wrong/;

function checkClear(message: string, pattern: RegExp): void {
  expect(message).toMatch(pattern);
  expect(message).not.toMatch(INTERNALS);
  expect(message.length).toBeLessThan(400);
  // What happened, then what to do: a capitalised start, a full stop at the end.
  expect(message).toMatch(/^[A-Ze][^]*\.$/);
}

async function visibleAlerts(): Promise<string[]> {
  return page.locator('[role="alert"]:visible').allInnerTexts();
}

/** Waits for the one error region, checks its sentence, and records it with the exchanges since `from`. */
async function observe(caseName: string, region: Locator, messageOf: Locator, pattern: RegExp, from: number): Promise<void> {
  await region.waitFor({ timeout: 20_000 });
  const message = ((await messageOf.innerText()) ?? '').trim();
  checkClear(message, pattern);
  expect(await region.count()).toBe(1);
  // Exactly one message on screen: the failure did not spill into other parts of the page.
  expect(await visibleAlerts()).toHaveLength(1);
  const correlationIds = hostile.requests.slice(from).flatMap((r) => (r.correlationId ? [r.correlationId] : []));
  observations.push({ case: caseName, message, regionText: await region.innerText(), correlationIds });
}

async function go(hash: string): Promise<void> {
  await page.evaluate((target) => {
    window.location.hash = target;
  }, hash);
}

/** A good referral opens whole: heading, summary, its letter drawn by the PDF viewer, and no message. */
async function expectGoodReferral(ubrn: string): Promise<void> {
  await go(`#/referral/${ubrn}`);
  // This referral's own screen: the previous one's stays up for a moment after the address changes.
  await expect.poll(() => page.getByTestId('item-heading').textContent(), { timeout: 20_000 }).toContain(ubrn);
  await page.getByTestId('review-summary').waitFor({ timeout: 20_000 });
  expect(await page.getByTestId('item-heading').innerText()).toContain(ubrn);
  await page.getByTestId('pdf-viewer').waitFor({ timeout: 20_000 });
  await expect.poll(() => page.getByTestId('page-status').textContent(), { timeout: 20_000 }).toBe('Page 1 of 1');
  expect(await page.getByTestId('review-error').count()).toBe(0);
  expect(await visibleAlerts()).toEqual([]);
}

async function expectListRows(kind: 'referrals' | 'triage' | 'advice', count: number): Promise<void> {
  await page.getByTestId(`worklist-tab-${kind}`).click();
  await page.waitForURL(new RegExp(`#/worklists/${kind}$`));
  await expect.poll(() => page.getByTestId('worklist-row').count(), { timeout: 20_000 }).toBe(count);
  await expect.poll(() => page.getByTestId('worklist-error').count()).toBe(0);
}

beforeAll(async () => {
  hostile = await startHostileErs({ maxJsonBytes: DEFAULT_MAX_JSON_BYTES, maxFileBytes: DEFAULT_MAX_FILE_BYTES });
  // This is about e-RS's bad answers: PDS (NHS's public sandbox in this environment, not
  // reachable here) is a well-behaved stand-in that knows every patient.
  pds = await startPdsLoopback();
  pds.fallback = (id) => ({
    status: 200,
    body: pdsPatient(
      { nhsNumber: id, givenName: 'Ada', familyName: 'Fenwick', birthDate: '1970-05-05', gender: 'female', postcode: 'ZX1 1AA' },
      null,
      { referenceDate: '2026-01-01' },
    ),
  });
  running = await startAppHost({ env: { ERS_ENVIRONMENT: 'sandbox', ERS_BASE_URL: hostile.baseUrl, PDS_BASE_URL: pds.baseUrl } });
  chrome = await launchChromium();
  page = chrome.page;
  await page.goto(running.host.url);
  await page.getByTestId('worklist-row').first().waitFor({ timeout: 20_000 });
}, 60_000);

afterAll(async () => {
  const served = hostile ? hostile.badAnswersServed() : [];
  writeFigures('bad-network-inputs', {
    badInputsTried: served.length,
    messagesShown: observations.length,
    byKind: served.map((s) => `${s.operation} ${s.hostility}`),
  });
  await chrome?.close();
  await running?.close();
  await hostile?.close();
  await pds?.close();
});

describe('bad answers from a hostile e-RS, in the sandbox environment', () => {
  const referralRows = () => hostile.goodReferrals.filter((r) => r.kind === 'referrals').length + 1 + REFERRAL_HOSTILITIES.length;

  it('shows the good worklists first (the hostile server is well-formed by default)', async () => {
    await expectListRows('referrals', referralRows());
    await expectListRows('triage', hostile.goodReferrals.filter((r) => r.kind === 'triage').length);
    await expectListRows('advice', hostile.adviceUbrns.length);
  });

  it('a bad worklist answer is one message in the list; the advice list still opens, and the list comes back', async () => {
    for (const kind of Object.keys(LIST_MESSAGES) as ListHostility[]) {
      await page.getByTestId('worklist-tab-referrals').click();
      await page.waitForURL(/#\/worklists\/referrals$/);
      hostile.setList('A008', kind);
      const from = hostile.requests.length;
      await page.getByTestId('worklist-refresh').click();
      await observe(
        `A008 ${kind}`,
        page.getByTestId('worklist-error'),
        page.getByTestId('worklist-error').locator('p').first(),
        LIST_MESSAGES[kind],
        from,
      );
      hostile.setList('A008', null);
      await expectListRows('advice', hostile.adviceUbrns.length);
      await expectListRows('referrals', referralRows());
    }
  }, 60_000);

  it('a bad advice worklist answer is one message there; the referral list still opens', async () => {
    await page.getByTestId('worklist-tab-advice').click();
    await page.waitForURL(/#\/worklists\/advice$/);
    hostile.setList('A023', 'malformed-json');
    const from = hostile.requests.length;
    await page.getByTestId('worklist-refresh').click();
    const pattern = /^e-RS sent an advice and guidance worklist the app could not read safely \(not JSON\)\./;
    await observe(
      'A023 malformed-json',
      page.getByTestId('worklist-error'),
      page.getByTestId('worklist-error').locator('p').first(),
      pattern,
      from,
    );
    hostile.setList('A023', null);
    await expectListRows('referrals', referralRows());
    await expectListRows('advice', hostile.adviceUbrns.length);
  });

  it('a bad referral answer is one message in the referral; the next referral opens whole', async () => {
    const good = hostile.goodReferrals[0];
    if (!good) throw new Error('no good referral');
    for (const kind of REFERRAL_HOSTILITIES) {
      const ubrn = hostile.referralFor(kind);
      const from = hostile.requests.length;
      await go(`#/referral/${ubrn}`);
      const region = page.getByTestId('review-error');
      await observe(`referral ${kind}`, region, region.locator('p').first(), REFERRAL_MESSAGES[kind], from);
      // Nothing of the bad referral is shown: no summary, no viewer, no decision.
      expect(await page.getByTestId('review-summary').count()).toBe(0);
      expect(await page.getByTestId('viewer-pane').count()).toBe(0);
      await expectGoodReferral(good.ubrn);
    }
  }, 60_000);

  it('a bad file is one message in the viewer; the good letter beside it still draws', async () => {
    await go(`#/referral/${hostile.attachmentsReferral}`);
    await expect.poll(() => page.getByTestId('item-heading').textContent(), { timeout: 20_000 }).toContain(hostile.attachmentsReferral);
    await page.getByTestId('review-summary').waitFor({ timeout: 20_000 });
    await page.getByTestId('pdf-viewer').waitFor({ timeout: 20_000 });
    for (const kind of FILE_HOSTILITIES) {
      const attachment = hostile.attachmentFor(kind);
      const from = hostile.requests.length;
      await page.getByTestId('attachment-item').filter({ hasText: attachment.title }).first().click();
      // From the main process (too large) or from the viewer's own check (bytes against label).
      const region = page.locator('[data-testid="viewer-error"], [data-testid="viewer-failure"]');
      await observe(`file ${kind}`, region, region.locator('xpath=self::p | ./p').first(), FILE_MESSAGES[kind], from);
      expect(await page.getByTestId('pdf-viewer').count()).toBe(0);
      // The rest of the referral is untouched.
      expect(await page.getByTestId('review-summary').count()).toBe(1);
      expect(await page.getByTestId('review-error').count()).toBe(0);

      await page.getByTestId('attachment-item').filter({ hasText: hostile.goodAttachment.title }).first().click();
      await page.getByTestId('pdf-viewer').waitFor({ timeout: 20_000 });
      await expect.poll(() => page.getByTestId('page-status').textContent(), { timeout: 20_000 }).toBe('Page 1 of 1');
      expect(await visibleAlerts()).toEqual([]);
    }
  }, 60_000);

  it('nothing broke in the page: no uncaught errors, and the app still answers', async () => {
    expect(chrome.consoleErrors).toEqual([]);
    await go('#/worklists/referrals');
    await expectListRows('referrals', referralRows());
    // Bad answers are not outages: the app never decided e-RS was unreachable.
    expect(await page.getByTestId('worklist-offline').count()).toBe(0);
    const unknown = hostile.requests.filter((r) => r.operation === 'unknown').map((r) => `${r.method} ${r.path}`);
    expect(unknown).toEqual([]);
    // Every kind of bad answer was served, so each message above was the app's answer to it.
    const served = new Set(hostile.badAnswersServed().map((s) => s.hostility));
    for (const kind of [...Object.keys(LIST_MESSAGES), ...REFERRAL_HOSTILITIES, ...FILE_HOSTILITIES])
      expect(served.has(kind), kind).toBe(true);
  });

  it('a message that asks the user to quote a reference shows that reference with it', () => {
    // The error's correlation id travels to the renderer with the message (ApiErrorShape),
    // and e-RS's support desk finds the exchange by it; a message asking for "the reference
    // shown with this message" must show it.
    const asking = observations.filter((o) => /quote the reference shown with this message/.test(o.message));
    expect(asking.length).toBeGreaterThan(0);
    const missing = asking.filter((o) => !o.correlationIds.some((id) => o.regionText.includes(id))).map((o) => o.case);
    expect(missing).toEqual([]);
  });
});
