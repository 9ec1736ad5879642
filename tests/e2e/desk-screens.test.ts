/**
 * The changed screens as an admin sees them at 1366×900 (the consultant's are in the other
 * desk-* tests): the worklist with compact rows, a review screen with the print button and
 * the shortcuts help, the shortcuts overlay. Each gets axe (0 serious or critical) and a
 * screenshot in test-results/screenshots/ to look at.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seriousViolations } from '../helpers/axe';
import { startAppHost, type RunningAppHost } from '../helpers/app-host';
import { launchChromium, type BrowserSession } from '../helpers/chromium';
import { signInAtMockCis2, waitForOpenedUrl } from '../helpers/sign-in';

let running: RunningAppHost;
let chrome: BrowserSession;

beforeAll(async () => {
  running = await startAppHost();
  chrome = await launchChromium();
  const { page } = chrome;
  await page.goto(running.host.url);
  await page.getByTestId('sign-in').click();
  await signInAtMockCis2(page.context(), await waitForOpenedUrl(running, 1), 'Sam Whitfield');
  await page.getByTestId('role-picker').waitFor();
  await page.getByLabel(/Service provider admin at/).check();
  await page.getByTestId('choose-role').click();
  await page.getByTestId('header-user').waitFor();
}, 60_000);

afterAll(async () => {
  await chrome?.close();
  await running?.close();
});

describe('the desk as an admin', () => {
  it('worklist, compact rows, review screen and shortcuts overlay: no serious or critical axe findings', async () => {
    const { page } = chrome;
    await page.locator('[data-worklist-row]').first().waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: 'test-results/screenshots/admin-worklist.png' });
    await page.getByTestId('filters-toggle').click();
    await page.getByTestId('compact-toggle').click();
    await page.locator('.worklist-table--compact').waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: 'test-results/screenshots/admin-worklist-compact.png' });

    // A provider admin lists items but may not open them: the list says so, in one sentence.
    await page.getByTestId('role-limits').waitFor();
    await page.evaluate(() => document.getElementById('main')?.focus());

    await page.keyboard.press('?');
    await page.getByTestId('shortcuts-overlay').waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: 'test-results/screenshots/admin-shortcuts-overlay.png' });
    await page.keyboard.press('Escape');
    await page.getByTestId('shortcuts-overlay').waitFor({ state: 'detached' });
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? document.activeElement?.id ?? '')).not.toBe('');
  }, 90_000);
});
