/**
 * Sign in, sign out and sign in again through the screens, ten times, with Chromium playing
 * the system browser at the mock CIS2 and two clinicians taking turns at the workstation
 * (so the browser's CIS2 session is often the other person's): every sign-in gets past
 * "Finish signing in" to the role picker, as the right person, and the worklist shows.
 */
import { describe, expect, it } from 'vitest';
import { e2eDesk } from '../helpers/e2e-desk';
import { signInAtMockCis2, waitForOpenedUrl } from '../helpers/sign-in';

const desk = e2eDesk();

describe('signing in again after signing out', () => {
  it('completes every time, ten times over', async () => {
    const { page } = desk;
    await page.goto(desk.running.host.url);
    for (let cycle = 1; cycle <= 10; cycle++) {
      const who = cycle % 4 < 2 ? 'Dr Amara Okoye' : 'Dr Erik Lindqvist';
      await page.getByTestId('sign-in').click();
      const url = await waitForOpenedUrl(desk.running, cycle);
      await page.getByTestId('waiting').waitFor();
      expect(await signInAtMockCis2(desk.chrome.context, url, who)).toContain('Return to e-RS Triage');
      await page.getByTestId('role-picker').waitFor({ timeout: 10_000 });
      await page.getByLabel(/\(R69\)/).check();
      await page.getByTestId('choose-role').click();
      await page.getByTestId('header-user').waitFor();
      expect(await page.getByTestId('header-user-name').textContent()).toBe(who);
      await page.getByTestId('worklist-title').waitFor();
      await page.getByTestId('sign-out').click();
      await page.getByTestId('sign-in').waitFor();
      expect(await page.getByTestId('session-notice').textContent()).toBe('You have signed out.');
    }
    expect(desk.running.opened).toHaveLength(10);
    expect(desk.chrome.consoleErrors).toEqual([]);
  }, 180_000);
});
