import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalEnvironment, type LocalEnvironment } from '../../local-env/src/index';
import { silentLogger } from '../../electron/log/logger';
import { startAppHost, type RunningAppHost } from '../helpers/app-host';
import { launchChromium, type BrowserSession } from '../helpers/chromium';
import { signInToApp } from '../helpers/sign-in';
import { withShownTime } from '../helpers/shown-time';

let root: string;
let env: LocalEnvironment;
let running: RunningAppHost;
let chrome: BrowserSession;
let ubrn = '';
let pdfTitle = '';
let tiffTitle = '';

beforeAll(async () => {
  root = mkdtempSync(path.join(os.tmpdir(), 'offline-e2e-'));
  env = await startLocalEnvironment({ dataDir: path.join(root, 'env'), log: silentLogger });
  running = await startAppHost({ userDataDir: path.join(root, 'user'), localEnvironment: env });
  chrome = await launchChromium();
}, 60_000);

afterAll(async () => {
  await chrome?.close();
  await running?.close();
  await env?.close();
  rmSync(root, { recursive: true, force: true });
});

async function openReferral(page: Page): Promise<void> {
  await page.evaluate((hash) => {
    window.location.hash = hash;
  }, `#/referral/${ubrn}`);
  // Its own heading: the previous screen's is still there for a moment after the address changes.
  await expect.poll(() => page.getByTestId('item-heading').textContent(), { timeout: 15_000 }).toBe(`Referral ${ubrn}`);
}

describe('offline attachment review in Chromium', () => {
  it('prefetches after sign-in, showing progress, until everything is kept', async () => {
    const { page } = chrome;
    await page.goto(running.host.url);
    await signInToApp(page, running, 'Dr Amara Okoye', /\(R69\)/);
    await page.getByTestId('prefetch-progress').waitFor({ timeout: 20_000 });
    await page.getByTestId('prefetch-done').waitFor({ timeout: 120_000 });

    for (const row of await running.app.ers.fetchWorklist('referrals')) {
      const referral = await running.app.ers.openReferral({ ubrn: row.ubrn });
      const pdf = referral.attachments.find((a) => a.available && a.contentType === 'application/pdf');
      const tiff = referral.attachments.find((a) => a.available && a.contentType === 'image/tiff');
      if (pdf && tiff) {
        ubrn = row.ubrn;
        pdfTitle = pdf.title;
        tiffTitle = tiff.title;
        break;
      }
    }
    expect(ubrn).not.toBe('');
  }, 180_000);

  it('with e-RS stopped, opens the referral, its PDF and its TIFF from the cache, under an offline banner', async () => {
    const { page } = chrome;
    await env.stopErs();
    await openReferral(page);
    await page.getByTestId('attachment-item').filter({ hasText: pdfTitle }).first().click();
    await page.getByTestId('pdf-viewer').waitFor();
    await expect.poll(() => page.getByTestId('page-status').textContent(), { timeout: 20_000 }).toMatch(/^Page 1 of \d+$/);
    await page.getByTestId('attachment-item').filter({ hasText: tiffTitle }).first().click();
    await page.getByTestId('tiff-viewer').waitFor();
    await expect.poll(() => page.getByTestId('page-status').textContent(), { timeout: 20_000 }).toMatch(/^Page 1 of \d+$/);
    await expect
      .poll(() => page.getByTestId('offline-banner').textContent(), { timeout: 20_000 })
      .toMatch(withShownTime(String.raw`Offline since {time}, showing data from {time}`));
  }, 60_000);

  it('queues a reject while offline', async () => {
    const { page } = chrome;
    await page.getByTestId('decision-reject').click();
    await page.getByTestId('reject-reason').selectOption({ index: 1 });
    await page.getByTestId('reject-comments').fill('Please refer to the community service first.');
    await page.getByTestId('reject-submit').click();
    await page.getByTestId('confirm-send').click();
    await expect
      .poll(async () => (await page.getByTestId('decision-status').textContent()) ?? '', { timeout: 15_000 })
      .toMatch(/[Qq]ueued/);
    await page.getByTestId('outbox-toggle').waitFor();
  }, 60_000);

  it('keeps the queued reject across a restart of the app while still offline, and sends it exactly once when e-RS is back', async () => {
    // The page still open on the closed host may fail to reach it (its WebSocket reconnecting)
    // before it is sent to the new one: those errors name the closed host and are expected.
    const closedHost = new URL(running.host.url).host;
    await running.close();
    running = await startAppHost({ userDataDir: path.join(root, 'user'), localEnvironment: env });
    const { page } = chrome;
    await page.goto(running.host.url);
    await signInToApp(page, running, 'Dr Amara Okoye', /\(R69\)/);
    await page.getByTestId('outbox-toggle').click();
    await expect.poll(() => page.getByTestId('outbox-item').count(), { timeout: 15_000 }).toBe(1);
    expect(await page.getByTestId('outbox-item').first().textContent()).toContain(ubrn);

    // The list was read from the offline copy while e-RS was down.
    await page.getByTestId('worklist-offline').waitFor({ timeout: 15_000 });
    await env.startErs();
    await page.getByTestId('outbox-toggle').waitFor({ state: 'detached', timeout: 60_000 });
    // Said, and no longer "offline": how many went out, the banner gone, the list fetched afresh.
    await expect
      .poll(() => page.getByTestId('outbox-sent').textContent(), { timeout: 15_000 })
      .toContain('1 queued decision was sent to e-RS.');
    await page.getByTestId('offline-banner').waitFor({ state: 'detached', timeout: 15_000 });
    await page.getByTestId('worklist-offline').waitFor({ state: 'detached', timeout: 15_000 });
    expect(env.emulator.referral(ubrn)?.status.code).toBe('REJECTED');
    const rejects = env.emulator.operations().filter((o) => o.operation === 'A014' && o.path.includes(ubrn));
    expect(rejects).toHaveLength(1);
    expect(rejects[0]?.status).toBe(200);
    expect(chrome.consoleErrors.filter((e) => !/Failed to load resource/.test(e) && !e.includes(closedHost))).toEqual([]);
  }, 120_000);
});
