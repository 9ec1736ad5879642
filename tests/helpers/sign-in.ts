/**
 * Drives the system-browser half of sign-in in Chromium: the app hands the authorize URL
 * to its opener; the test opens it in a second page, as the system browser would, and
 * signs in on the mock CIS2's login page as one of the synthetic users.
 */
import type { BrowserContext, Page } from 'playwright-core';
import type { RunningAppHost } from './app-host';
import { waitUntil } from './wait-until';

export async function waitForOpenedUrl(running: RunningAppHost, count: number, timeoutMs = 10_000): Promise<string> {
  await waitUntil(
    () => running.opened.length >= count,
    () => 'The app never asked the system browser to open the sign-in page.',
    { timeoutMs },
  );
  return running.opened[count - 1] ?? '';
}

/** Signs in at the mock CIS2 as the user with this display name; returns the browser page's final text. */
export async function signInAtMockCis2(context: BrowserContext, authorizeUrl: string, displayName: string | 'cancel'): Promise<string> {
  const browserPage: Page = await context.newPage();
  try {
    await browserPage.goto(authorizeUrl);
    if (displayName === 'cancel') {
      await browserPage.getByRole('button', { name: 'Cancel' }).click();
    } else {
      await browserPage.getByLabel(displayName).check();
      await browserPage.getByRole('button', { name: 'Sign in' }).click();
    }
    await browserPage.waitForURL(/127\.0\.0\.1:\d+\/callback/);
    return (await browserPage.textContent('body')) ?? '';
  } finally {
    await browserPage.close();
  }
}

/** The whole sign-in in the app page: press Sign in, sign in at CIS2, choose the first role. */
export async function signInToApp(page: Page, running: RunningAppHost, displayName: string, roleLabel?: RegExp): Promise<void> {
  const before = running.opened.length;
  await page.getByTestId('sign-in').click();
  const url = await waitForOpenedUrl(running, before + 1);
  await signInAtMockCis2(page.context(), url, displayName);
  await page.getByTestId('role-picker').waitFor();
  if (roleLabel) await page.getByLabel(roleLabel).check();
  await page.getByTestId('choose-role').click();
  await page.getByTestId('header-user').waitFor();
}
