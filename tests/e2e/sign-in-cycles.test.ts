/**
 * Sign in, sign out and sign in again through the screens, ten times, with Chromium playing
 * the system browser at the mock CIS2: every sign-in gets past "Finish signing in" to the
 * role picker, and the worklist shows after each.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAppHost, type RunningAppHost } from '../helpers/app-host';
import { launchChromium, type BrowserSession } from '../helpers/chromium';
import { signInAtMockCis2, waitForOpenedUrl } from '../helpers/sign-in';

let running: RunningAppHost;
let chrome: BrowserSession;

beforeAll(async () => {
  running = await startAppHost();
  chrome = await launchChromium();
});

afterAll(async () => {
  await chrome?.close();
  await running?.close();
});

describe('signing in again after signing out', () => {
  it('completes every time, ten times over', async () => {
    const { page } = chrome;
    await page.goto(running.host.url);
    for (let cycle = 1; cycle <= 10; cycle++) {
      await page.getByTestId('sign-in').click();
      const url = await waitForOpenedUrl(running, cycle);
      await page.getByTestId('waiting').waitFor();
      await signInAtMockCis2(chrome.context, url, 'Dr Amara Okoye');
      await page.getByTestId('role-picker').waitFor({ timeout: 10_000 });
      await page.getByTestId('choose-role').click();
      await page.getByTestId('header-user').waitFor();
      await page.getByTestId('worklist-title').waitFor();
      await page.getByTestId('sign-out').click();
      await page.getByTestId('sign-in').waitFor();
      expect(await page.getByTestId('session-notice').textContent()).toBe('You have signed out.');
    }
    expect(running.opened).toHaveLength(10);
    expect(chrome.consoleErrors).toEqual([]);
  }, 180_000);
});
