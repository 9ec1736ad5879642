/**
 * After the idle lock the same user comes back to the same item with their half-written
 * decision: the route is kept under the lock screen, nothing of the patient stays on the
 * page while locked, and the draft is put back into the form.
 */
import { describe, expect, it } from 'vitest';
import { seriousViolations } from '../helpers/axe';
import { e2eDesk } from '../helpers/e2e-desk';
import { signInAtMockCis2, waitForOpenedUrl } from '../helpers/sign-in';

const desk = e2eDesk({ signedIn: true });

describe('continuity through the idle lock', () => {
  it('comes back to the same referral with the draft, and shows nothing of it while locked', async () => {
    const { page } = desk;
    const [row] = await desk.running.app.ers.fetchWorklist('referrals');
    if (!row) throw new Error('no referral');
    await page.evaluate((hash) => {
      window.location.hash = hash;
    }, `#/referral/${row.ubrn}`);
    await page.getByTestId('decision-reject').click();
    const words = 'Half-written before the lock: please refer to the community service.';
    await page.getByTestId('reject-comments').fill(words);
    await page.getByTestId('draft-saved').waitFor();

    desk.running.app.session.lock();
    await page.getByTestId('sign-in').waitFor();
    const locked = (await page.textContent('body')) ?? '';
    expect(locked).not.toContain(row.ubrn);
    expect(locked).not.toContain(words);
    expect(await page.evaluate(() => window.location.hash)).toContain(row.ubrn);
    expect(await seriousViolations(page)).toEqual([]);

    const before = desk.running.opened.length;
    await page.getByTestId('sign-in').click();
    await signInAtMockCis2(page.context(), await waitForOpenedUrl(desk.running, before + 1), 'Dr Amara Okoye');
    await expect.poll(() => page.getByTestId('item-heading').textContent(), { timeout: 15_000 }).toBe(`Referral ${row.ubrn}`);
    await expect.poll(() => page.getByTestId('reject-comments').inputValue(), { timeout: 15_000 }).toBe(words);
    await page.getByTestId('draft-restored').waitFor();
  }, 60_000);
});
