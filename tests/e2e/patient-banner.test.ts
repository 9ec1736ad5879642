/**
 * The patient banner end to end, in Chromium against the local environment's e-RS and PDS
 * emulators: every state on a real review screen, axe with no serious or critical
 * violation in each, and a screenshot of each to test-results/screenshots/banner-<state>.png.
 * Then the worklist's names, ages and search by name, the bad NHS number flagged in the
 * list, a confirmation naming the patient, and the banner offline, from the kept copy.
 */
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorklistRow } from '../../contract';
import type { PdsScenarios } from '../../local-env/src/pds';
import { seriousViolations } from '../helpers/axe';
import { startAppHost, type RunningAppHost } from '../helpers/app-host';
import { launchChromium, type BrowserSession } from '../helpers/chromium';
import { signInToApp } from '../helpers/sign-in';
import { withShownTime } from '../helpers/shown-time';

let running: RunningAppHost;
let chrome: BrowserSession;
let page: Page;
let referrals: WorklistRow[];
let advice: WorklistRow[];
let scenarios: PdsScenarios;

const SHOTS = path.join('test-results', 'screenshots');
const digits = (formatted: string) => formatted.replace(/\s/g, '');
const local = () => {
  if (!running.local) throw new Error('no local environment');
  return running.local;
};

beforeAll(async () => {
  running = await startAppHost();
  chrome = await launchChromium();
  page = chrome.page;
  await page.goto(running.host.url);
  await signInToApp(page, running, 'Dr Amara Okoye', /\(R69\)/);
  referrals = await running.app.ers.fetchWorklist('referrals');
  advice = await running.app.ers.fetchWorklist('advice');
  scenarios = local().pds.scenarios();
}, 60_000);

afterAll(async () => {
  await chrome?.close();
  await running?.close();
});

async function go(hash: string): Promise<void> {
  await page.evaluate((target) => {
    window.location.hash = target;
  }, hash);
  await page.getByTestId('item-heading').waitFor();
}

/** Opens an item, waits for its banner to reach `state`, checks axe, and saves the screenshot. */
async function bannerIn(hash: string, state: string, shot = state): Promise<string> {
  await go(hash);
  const banner = page.locator(`[data-testid="patient-banner"][data-state="${state}"]`);
  await banner.waitFor({ timeout: 30_000 });
  expect(await seriousViolations(page)).toEqual([]);
  await page.screenshot({ path: path.join(SHOTS, `banner-${shot}.png`) });
  return (await banner.innerText()).replace(/\s+/g, ' ').trim();
}

function referralOf(nhs: string): WorklistRow {
  const row = referrals.find((r) => digits(r.nhsNumber) === nhs);
  if (!row) throw new Error('no referral on the list for this patient');
  return row;
}

function adviceOf(ubrn: string): WorklistRow {
  const row = advice.find((r) => r.ubrn === ubrn);
  if (!row) throw new Error(`no A&G request ${ubrn} on the list`);
  return row;
}

/** A valid NHS number in the 999 range that no seed patient has (PDS has never heard of it). */
function unknownValidNumber(): string {
  const taken = new Set(
    local()
      .emulator.seedPatients()
      .map((p) => p.nhsNumber),
  );
  for (let serial = 999_000; ; serial -= 1) {
    const nine = `999${String(serial).padStart(6, '0')}`;
    let sum = 0;
    for (let i = 0; i < 9; i += 1) sum += Number(nine[i]) * (10 - i);
    const check = 11 - (sum % 11);
    if (check === 10) continue;
    const candidate = `${nine}${check === 11 ? 0 : check}`;
    if (!taken.has(candidate) && candidate !== scenarios.superseded.to) return candidate;
  }
}

describe('the patient banner in every state', () => {
  it('found: FAMILY, Given (Title), born with age, gender, NHS number 3 3 4, and the contact details', async () => {
    const special = new Set([scenarios.restricted, scenarios.deceased, scenarios.superseded.from, scenarios.minimal, scenarios.unknown]);
    const row = referrals.find((r) => !special.has(digits(r.nhsNumber)));
    if (!row) throw new Error('no ordinary referral');
    const seed = local()
      .emulator.seedPatients()
      .find((p) => p.nhsNumber === digits(row.nhsNumber));
    const text = await bannerIn(`#/referral/${row.ubrn}`, 'found');
    expect(text).toContain(`${seed?.familyName.toUpperCase()}, ${seed?.givenName} (`);
    expect(text).toMatch(/Born \d{2}-[A-Z][a-z]{2}-\d{4} \(\d+y\)/);
    expect(text).toContain(`NHS No. ${row.nhsNumber}`);
    expect(text).toMatch(/Address .*Z[XY]\d/);
    expect(text).toMatch(withShownTime(String.raw`Checked with PDS at {time}\.`));
  });

  it('restricted: says so, and no address, telephone or GP', async () => {
    const text = await bannerIn(`#/referral/${referralOf(scenarios.restricted).ubrn}`, 'restricted');
    expect(text).toContain("Restricted record. PDS withholds this patient's address, telephone number and GP practice.");
    expect(text).not.toMatch(/Address|Telephone /);
  });

  it('deceased: the death and its date before anything else, as an alert', async () => {
    const text = await bannerIn(`#/referral/${referralOf(scenarios.deceased).ubrn}`, 'deceased');
    expect(text).toMatch(/^Deceased: died \d{2}-[A-Z][a-z]{2}-\d{4}\./);
    expect(await page.getByTestId('banner-deceased').getAttribute('role')).toBe('alert');
  });

  it('superseded: warns, and shows both numbers without switching', async () => {
    const row = referralOf(scenarios.superseded.from);
    const text = await bannerIn(`#/referral/${row.ubrn}`, 'superseded');
    const to = `${scenarios.superseded.to.slice(0, 3)} ${scenarios.superseded.to.slice(3, 6)} ${scenarios.superseded.to.slice(6)}`;
    expect(text).toContain(`PDS has replaced ${row.nhsNumber}, the number on this referral, with ${to}.`);
    expect(await page.getByTestId('summary-nhs-number').innerText()).toBe(row.nhsNumber);
  });

  it('minimal data (an A&G request): says how little PDS holds', async () => {
    const text = await bannerIn(`#/advice/${adviceOf('000000070000').id}`, 'minimal');
    expect(text).toContain('Name not recorded in PDS');
    expect(text).toContain('Very little is recorded.');
  });

  it('not found (an A&G request): the details could not be checked, and why; the request still opens', async () => {
    const text = await bannerIn(`#/advice/${adviceOf('000000070001').id}`, 'not-found');
    expect(text).toContain('Patient details not checked');
    expect(text).toContain(
      "PDS has no record of this NHS number, so the patient's details could not be checked: confirm the NHS number with the referrer before acting.",
    );
    await page.getByTestId('review-summary').waitFor();
  });

  it('an NHS number failing its check digit: flagged in the banner, the summary and the worklist', async () => {
    const row = referrals.find((r) => r.ubrn !== referralOf(scenarios.restricted).ubrn && r.reviewStatus !== '') ?? referrals[0];
    if (!row) throw new Error('no referral');
    // e-RS would not normally hold such a number: the test puts one there.
    const good = digits(row.nhsNumber);
    const bad = `${good.slice(0, 9)}${(Number(good[9]) + 1) % 10}`;
    await local().emulator.updateReferral(row.ubrn, (r) => {
      r.patientNhsNumber = bad;
    });
    const text = await bannerIn(`#/referral/${row.ubrn}`, 'check-digit');
    expect(text).toContain('Invalid: fails its check digit');
    expect(text).toContain('This NHS number fails its check digit');
    expect(await page.locator('[data-testid="review-summary"] [data-testid="nhs-number-invalid"]').count()).toBe(1);

    await page.evaluate(() => {
      window.location.hash = '#/worklists/referrals';
    });
    await page.getByTestId('worklist-refresh').click();
    await page.getByTestId('worklist-search').fill(bad);
    const flagged = page.locator(`[data-ubrn="${row.ubrn}"] [data-testid="cell-nhs-invalid"]`);
    await flagged.waitFor({ timeout: 20_000 });
    expect(await flagged.innerText()).toBe('Invalid number');
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: path.join(SHOTS, 'worklist-invalid-nhs.png') });
    await page.getByTestId('worklist-search').fill('');
    await local().emulator.updateReferral(row.ubrn, (r) => {
      r.patientNhsNumber = good;
    });
  });

  it('PDS unreachable: the details could not be checked, and why; the referral still opens', async () => {
    const row =
      referrals.find(
        (r) =>
          ![scenarios.restricted, scenarios.deceased, scenarios.superseded.from].includes(digits(r.nhsNumber)) &&
          r.ubrn !== referrals[0]?.ubrn,
      ) ?? referrals[1];
    if (!row) throw new Error('no referral');
    // A patient PDS was never asked about, so no copy is kept.
    const fresh = unknownValidNumber();
    const before = digits(row.nhsNumber);
    await local().emulator.updateReferral(row.ubrn, (r) => {
      r.patientNhsNumber = fresh;
    });
    await local().stopPds();
    try {
      const text = await bannerIn(`#/referral/${row.ubrn}`, 'unavailable');
      expect(text).toContain('Patient details not checked');
      expect(text).toContain("The patient's details could not be checked because PDS could not be reached");
      await page.getByTestId('review-summary').waitFor();
      expect(await page.getByTestId('review-offline').count()).toBe(0);
    } finally {
      await local().startPds();
      await local().emulator.updateReferral(row.ubrn, (r) => {
        r.patientNhsNumber = before;
      });
    }
  });
});

describe('the patient on the worklist and in the confirmation', () => {
  it('fills names and ages in the list from PDS, and finds a patient by name', async () => {
    await page.evaluate(() => {
      window.location.hash = '#/worklists/referrals';
    });
    await page.getByTestId('worklist-row').first().waitFor();
    const firstCell = page.locator('[data-testid="worklist-row"] [data-testid="cell-patient"]').first();
    await expect.poll(async () => (await firstCell.innerText()).trim(), { timeout: 30_000 }).toMatch(/^[A-Z'-]+, /);
    const ages = await page.locator('[data-testid="worklist-row"] [data-testid="cell-age"]').allInnerTexts();
    expect(ages.some((age) => /^\d+y$/.test(age.trim()))).toBe(true);
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: path.join(SHOTS, 'worklist-patients.png') });

    const name = (await firstCell.innerText()).split('\n')[0]?.trim() ?? '';
    const family = name.split(',')[0]?.toLowerCase() ?? '';
    await page.getByTestId('worklist-search').fill(family);
    await expect
      .poll(async () =>
        (await page.locator('[data-testid="worklist-row"] [data-testid="cell-patient"]').allInnerTexts()).every((t) =>
          t.toLowerCase().includes(family),
        ),
      )
      .toBe(true);
    expect(await page.getByTestId('worklist-row').count()).toBeGreaterThan(0);
    await page.getByTestId('worklist-search').fill('');
  });

  it('the confirmation of a decision names the patient, by name and NHS number', async () => {
    const row = referralOf(scenarios.deceased);
    await bannerIn(`#/referral/${row.ubrn}`, 'deceased', 'deceased');
    const accept = page.getByTestId('decision-accept');
    if ((await accept.count()) === 0) throw new Error("no accept offered on the deceased patient's referral");
    await accept.click();
    const patientRow = page.getByTestId('confirm-patient');
    await patientRow.waitFor();
    expect((await patientRow.innerText()).replace(/\s+/g, ' ')).toMatch(
      new RegExp(`^Patient [A-Z'-]+, .+, deceased NHS number ${row.nhsNumber}$`),
    );
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: path.join(SHOTS, 'confirm-patient.png') });
    await page.getByTestId('confirm-cancel').click();
  });

  it('offline: the banner shows the kept copy, saying when PDS gave it', async () => {
    const row = referralOf(scenarios.deceased);
    await local().stopPds();
    await local().stopErs();
    try {
      // Away and back, so the referral screen opens afresh with nothing reachable. The app
      // knows it is offline before the deceased patient's referral opens: PDS's answer of a
      // few seconds ago would otherwise stand as checked (RECENT_MS), on a busy machine.
      await go(`#/referral/${referralOf(scenarios.restricted).ubrn}`);
      await page.getByTestId('offline-banner').waitFor({ timeout: 20_000 });
      const text = await bannerIn(`#/referral/${row.ubrn}`, 'deceased', 'offline');
      expect(text).toMatch(withShownTime(String.raw`Offline: these are the details PDS gave at {time}\. They may have changed since\.`));
      expect(text).toMatch(/^Deceased: died /);
    } finally {
      await local().startErs();
      await local().startPds();
    }
    expect(chrome.consoleErrors).toEqual([]);
  });
});
