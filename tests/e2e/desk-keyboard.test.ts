/**
 * A day at the desk by keyboard, in Chromium against the local environment: every key
 * press is counted (each page.keyboard.press). From the worklist, accepting a referral
 * takes at most 3 keys, rejecting with a saved text and recording a triage outcome at
 * most 7 each, and the confirmation of exactly what will be sent is still shown every
 * time. Then the single-key setting: with it off, letters do nothing and Alt keys work.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seriousViolations } from '../helpers/axe';
import { startAppHost, type RunningAppHost } from '../helpers/app-host';
import { launchChromium, type BrowserSession } from '../helpers/chromium';
import { signInToApp } from '../helpers/sign-in';

let running: RunningAppHost;
let chrome: BrowserSession;
/** Key presses per flow, reported at the end. */
const counted: Record<string, number> = {};

beforeAll(async () => {
  // No background prefetch: its own fetches of the lists would share (in flight) the fresh
  // list a test waits for, with what e-RS held before the test changed it.
  const configFile = path.join(mkdtempSync(path.join(os.tmpdir(), 'desk-keyboard-')), 'machine-config.json');
  writeFileSync(configFile, JSON.stringify({ cache: { prefetch: 'none' } }));
  running = await startAppHost({ env: { ERS_TRIAGE_CONFIG: configFile } });
  chrome = await launchChromium();
  await chrome.page.goto(running.host.url);
  await signInToApp(chrome.page, running, 'Dr Amara Okoye', /\(R69\)/);
  // The user's saved texts, written through the app's own channel as the picker's Save does.
  await saveText(chrome.page, {
    kind: 'reject',
    title: 'Community MSK first',
    text: 'Please refer to the community musculoskeletal service first.',
  });
  await saveText(chrome.page, {
    kind: 'triage',
    title: 'Advice for the GP',
    text: 'Manage in primary care with the enclosed advice; re-refer if no better in six weeks.',
  });
}, 60_000);

afterAll(async () => {
  console.log(`Key presses: ${JSON.stringify(counted)}`);
  await chrome?.close();
  await running?.close();
});

const emulator = () => {
  const e = running.local?.emulator;
  if (!e) throw new Error('no emulator');
  return e;
};

async function saveText(page: Page, input: { kind: string; title: string; text: string }): Promise<void> {
  const answer = await page.evaluate(async (body) => {
    const key = sessionStorage.getItem('triage-host-key') ?? '';
    const response = await fetch('/api/invoke/templates.save', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Triage-Host-Key': key },
      body: JSON.stringify(body),
    });
    return response.text();
  }, input);
  expect(answer).toContain(input.title);
}

/** page.keyboard.press, counted under `flow`. */
function keys(page: Page, flow: string) {
  counted[flow] = 0;
  return async (key: string): Promise<void> => {
    counted[flow] = (counted[flow] ?? 0) + 1;
    await page.keyboard.press(key);
  };
}

/** Opens a worklist the way a user arrives on it, with focus on the page and no row touched. */
async function onWorklist(page: Page, kind: 'referrals' | 'triage'): Promise<string> {
  await page.evaluate((hash) => {
    window.location.hash = hash;
  }, `#/worklists/${kind}`);
  await page.locator('[data-worklist-row]').first().waitFor();
  await page.evaluate(() => document.getElementById('main')?.focus());
  const cursor = page.locator('[data-worklist-row][data-cursor="true"]');
  const row = (await cursor.count()) > 0 ? cursor.first() : page.locator('[data-worklist-row]').first();
  const ubrn = await row.getAttribute('data-ubrn');
  if (!ubrn) throw new Error('no UBRN on the cursor row');
  return ubrn;
}

async function focusedTestId(page: Page): Promise<string | null> {
  return page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? null);
}

async function statusAfterSending(page: Page): Promise<string> {
  await page.getByTestId('confirm-dialog').waitFor({ state: 'detached', timeout: 15_000 });
  await expect.poll(async () => (await page.getByTestId('decision-status').textContent()) ?? '', { timeout: 15_000 }).not.toBe('');
  return (await page.getByTestId('decision-status').textContent()) ?? '';
}

describe('a day at the desk by keyboard', () => {
  it('accepts a referral from the worklist in 3 keys, through the confirmation', async () => {
    const { page } = chrome;
    const ubrn = await onWorklist(page, 'referrals');
    expect(await seriousViolations(page)).toEqual([]);
    const press = keys(page, 'accept');

    await press('Enter');
    await page.getByTestId('decision-accept').waitFor();
    expect(await focusedTestId(page)).toBe('item-heading');
    await press('a');
    await page.getByTestId('confirm-dialog').waitFor();
    // The safety control stays: exactly what will be sent, and focus on the send button.
    expect(await page.getByTestId('confirm-row-decision').textContent()).toContain('Accept the referral');
    expect(await focusedTestId(page)).toBe('confirm-send');
    await press('Enter');

    expect(await statusAfterSending(page)).toMatch(/accepted/i);
    expect(emulator().referral(ubrn)?.review?.outcome).toBe('ACCEPTED');
    expect(counted.accept).toBeLessThanOrEqual(3);
  }, 60_000);

  it('rejects a referral with a saved text in 7 keys', async () => {
    const { page } = chrome;
    const ubrn = await onWorklist(page, 'referrals');
    const press = keys(page, 'reject');

    await press('Enter');
    await page.getByTestId('decision-reject').waitFor();
    await press('r');
    await page.getByTestId('reject-form').waitFor();
    // The reason list takes focus as soon as e-RS's reasons have arrived (it is disabled until then).
    await expect.poll(() => focusedTestId(page)).toBe('reject-reason');
    expect(await page.getByTestId('reject-reason').isEnabled()).toBe(true);
    await press('ArrowDown');
    await expect.poll(() => page.getByTestId('reject-reason').inputValue()).not.toBe('');
    const reason = await page.getByTestId('reject-reason').inputValue();
    await press('Alt+s');
    await page.getByTestId('saved-texts-dialog').waitFor();
    await expect.poll(() => focusedTestId(page)).toBe('saved-text-option');
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: 'test-results/screenshots/saved-texts-picker.png' });
    await press('Enter');
    await page.getByTestId('saved-texts-dialog').waitFor({ state: 'detached' });
    expect(await focusedTestId(page)).toBe('reject-comments');
    expect(await page.getByTestId('reject-comments').inputValue()).toBe('Please refer to the community musculoskeletal service first.');
    await press('Control+Enter');
    await page.getByTestId('confirm-dialog').waitFor();
    expect(await page.getByTestId('confirm-dialog').textContent()).toContain('community musculoskeletal service');
    await press('Enter');

    expect(await statusAfterSending(page)).toMatch(/rejected/i);
    const state = emulator().referral(ubrn);
    expect(state?.status.code).toBe('REJECTED');
    expect(JSON.stringify(state?.status)).toContain(reason);
    expect(counted.reject).toBeLessThanOrEqual(7);
  }, 60_000);

  it('records a triage outcome with a saved text in 7 keys', async () => {
    const { page } = chrome;
    const ubrn = await onWorklist(page, 'triage');
    const press = keys(page, 'triage');

    await press('Enter');
    await page.getByTestId('decision-triage').waitFor();
    await press('t');
    await page.getByTestId('triage-form').waitFor();
    await press('Space');
    expect(await page.getByTestId('triage-outcome-RETURN_TO_REFERRER_WITH_ADVICE').isChecked()).toBe(true);
    await press('Alt+s');
    await expect.poll(() => focusedTestId(page)).toBe('saved-text-option');
    await press('Enter');
    await page.getByTestId('saved-texts-dialog').waitFor({ state: 'detached' });
    expect(await page.getByTestId('triage-comments').inputValue()).toContain('Manage in primary care');
    await press('Control+Enter');
    await page.getByTestId('confirm-dialog').waitFor();
    expect(await page.getByTestId('confirm-dialog').textContent()).toContain('Manage in primary care');
    await press('Enter');

    expect(await statusAfterSending(page)).toMatch(/triage|recorded|returned/i);
    expect(emulator().referral(ubrn)?.review?.outcome).toBe('RETURN_TO_REFERRER_WITH_ADVICE');
    expect(counted.triage).toBeLessThanOrEqual(7);
  }, 60_000);

  it('moves through a list from a review screen: j next, k previous, u back to the list on the same row', async () => {
    const { page } = chrome;
    const first = await onWorklist(page, 'referrals');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('item-heading').textContent()).toBe(`Referral ${first}`);
    await page.keyboard.press('j');
    await expect.poll(() => page.getByTestId('item-heading').textContent()).not.toBe(`Referral ${first}`);
    expect(await focusedTestId(page)).toBe('item-heading');
    const second = ((await page.getByTestId('item-heading').textContent()) ?? '').replace('Referral ', '');
    await page.keyboard.press('k');
    await expect.poll(() => page.getByTestId('item-heading').textContent()).toBe(`Referral ${first}`);
    await page.keyboard.press('j');
    await expect.poll(() => page.getByTestId('item-heading').textContent()).toBe(`Referral ${second}`);
    await page.keyboard.press('u');
    await page.locator('[data-worklist-row]').first().waitFor();
    // Back on the list, focus is on the row of the item just left.
    await expect
      .poll(async () => page.evaluate(() => document.activeElement?.closest('[data-worklist-row]')?.getAttribute('data-ubrn') ?? null))
      .toBe(second);
  }, 60_000);

  it('back on the list, stays on the referral it left when the fresh list moves it: focus and cursor both', async () => {
    const { page } = chrome;
    await onWorklist(page, 'referrals');
    for (const key of ['j', 'j', 'j']) await page.keyboard.press(key);
    const rowUbrns = () => page.locator('[data-worklist-row]').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-ubrn')));
    const total = async () => Number(/of (\d+)/.exec((await page.getByTestId('worklist-showing').textContent()) ?? '')?.[1] ?? NaN);
    const cursorUbrn = () => page.locator('[data-worklist-row][data-cursor="true"]').first().getAttribute('data-ubrn');
    const focusUbrn = () => page.evaluate(() => document.activeElement?.closest('[data-worklist-row]')?.getAttribute('data-ubrn') ?? null);
    // The list on screen is the one e-RS last answered, with no fetch of it still on its way.
    await expect.poll(() => page.getByTestId('worklist-refresh').isDisabled(), { timeout: 10_000 }).toBe(false);
    const item = await cursorUbrn();
    const rows = await rowUbrns();
    const above = rows.slice(0, rows.indexOf(item)).slice(0, 2);
    expect(above).toHaveLength(2);
    const before = await total();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('item-heading').textContent()).toBe(`Referral ${item}`);
    // Two referrals above it are dealt with elsewhere. The fresh list arrives after the list
    // already held is back on screen with focus on the row, as it does over a slow network.
    emulator().setFaults({ latencyMs: 400, onlyOperations: ['A008'] });
    for (const ubrn of above) await emulator().deleteReferral(ubrn as string);
    try {
      await page.keyboard.press('u');
      await expect.poll(focusUbrn).toBe(item);
      await expect.poll(total, { timeout: 10_000 }).toBe(before - 2);
      expect(await focusUbrn()).toBe(item);
      expect(await cursorUbrn()).toBe(item);
      await page.screenshot({ path: 'test-results/screenshots/worklist-back-after-refresh.png' });
    } finally {
      emulator().setFaults({ latencyMs: 0, onlyOperations: null });
    }
  }, 60_000);

  it('? lists every key; with single-key shortcuts off, j, / and ? do nothing and Alt keys still work', async () => {
    const { page } = chrome;
    await onWorklist(page, 'referrals');
    await page.keyboard.press('?');
    await page.getByTestId('shortcuts-overlay').waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: 'test-results/screenshots/shortcuts-overlay.png' });
    expect(await page.getByTestId('single-key-setting').isChecked()).toBe(true);
    await page.getByTestId('single-key-setting').focus();
    await page.keyboard.press('Space');
    expect(await page.getByTestId('single-key-setting').isChecked()).toBe(false);
    await page.keyboard.press('Escape');
    await page.getByTestId('shortcuts-overlay').waitFor({ state: 'detached' });

    await page.evaluate(() => document.getElementById('main')?.focus());
    const cursorBefore = await page.locator('[data-worklist-row][data-cursor="true"]').first().getAttribute('data-ubrn');
    await page.keyboard.press('j');
    await page.keyboard.press('/');
    await page.keyboard.press('?');
    // Alt+2 is a modifier key: it still switches lists, which proves the letters before it had their turn.
    await page.keyboard.press('Alt+2');
    await expect.poll(() => page.getByTestId('worklist-title').textContent()).toMatch(/triage/i);
    expect(await page.getByTestId('shortcuts-overlay').count()).toBe(0);
    expect(await focusedTestId(page)).not.toBe('worklist-search');
    await page.keyboard.press('Alt+1');
    await expect.poll(() => page.getByTestId('worklist-title').textContent()).toMatch(/referrals/i);
    expect(await page.locator('[data-worklist-row][data-cursor="true"]').first().getAttribute('data-ubrn')).toBe(cursorBefore);

    // The setting is kept for this user after a reload; Alt+/ opens the list to turn it back on.
    await page.reload();
    await page.locator('[data-worklist-row]').first().waitFor();
    await page.keyboard.press('Alt+/');
    await page.getByTestId('shortcuts-overlay').waitFor();
    expect(await page.getByTestId('single-key-setting').isChecked()).toBe(false);
    await page.getByTestId('single-key-setting').check();
    await page.keyboard.press('Escape');
  }, 60_000);
});
