/**
 * Sign-out with NHS CIS2 down (issue 16, item 6), through the screens: the app is signed out
 * at once and the sign-in screen says, in one sentence, that the sign-in at CIS2 may still
 * be live and to close the browser; the Sign in button works again.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SIGNED_OUT_CIS2_UNREACHED } from '../../electron/auth/session';
import { e2eDesk } from '../helpers/e2e-desk';
import { signInToApp } from '../helpers/sign-in';

const desk = e2eDesk();

describe('signing out while NHS CIS2 cannot be reached', () => {
  it('signs out, says to close the browser, and can sign in again', async () => {
    const { page } = desk;
    await page.goto(desk.running.host.url);
    await signInToApp(page, desk.running, 'Dr Amara Okoye', /\(R69\)/);
    await desk.running.local?.cis2.close();

    await page.getByTestId('sign-out').click();
    await page.getByText(SIGNED_OUT_CIS2_UNREACHED).waitFor();
    expect(await page.getByTestId('session-notice').textContent()).toBe(SIGNED_OUT_CIS2_UNREACHED);
    expect(await page.getByTestId('header-user').count()).toBe(0);
    expect(await page.getByTestId('sign-in').isEnabled()).toBe(true);
    await page.screenshot({ path: path.join('test-results', 'screenshots', 'sign-out-cis2-unreachable.png'), fullPage: true });
  });
});
