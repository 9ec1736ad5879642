/**
 * The waiting clocks as a consultant sees them at 1366×900 in Chromium: the Clock column,
 * sorted by days left and filtered to "over 14 days on 2WW"; the clocks on a referral's
 * screen; A&G replies overdue, and the reply's clock on the A&G screen. Each screen gets
 * axe (0 serious or critical) and a screenshot in test-results/screenshots/.
 */
import { describe, expect, it } from 'vitest';
import { seriousViolations } from '../helpers/axe';
import type { BrowserSession } from '../helpers/chromium';
import { e2eDesk } from '../helpers/e2e-desk';

const desk = e2eDesk({ signedIn: true, untilRows: true });

/** Opens a row's link by its address, as review.test.ts does (the row's own handlers are tested elsewhere). */
async function openLink(page: BrowserSession['page'], link: ReturnType<BrowserSession['page']['locator']>): Promise<void> {
  const href = (await link.getAttribute('href')) ?? '';
  expect(href).toMatch(/^#\/(referral|advice)\//);
  await page.evaluate((hash) => {
    window.location.hash = hash;
  }, href);
}

const clockCells = (page: BrowserSession['page']) => page.locator('[data-worklist-row] [data-testid="cell-clock"]').allTextContents();

describe('waiting clocks', () => {
  it('the worklist sorts by days left and filters to 2WW referrals over 14 days, in words', async () => {
    const { page } = desk;
    await page.getByTestId('sort-clock').click();
    await expect.poll(() => page.getByTestId('sort-header-clock').getAttribute('aria-sort')).toBe('ascending');
    const first = (await clockCells(page))[0] ?? '';
    expect(first).toMatch(/Overdue by \d+ days?/);
    await page.getByTestId('filter-clock').selectOption('two-week-wait-over');
    await expect.poll(async () => (await clockCells(page)).length).toBeGreaterThan(0);
    const cells = await clockCells(page);
    for (const cell of cells) {
      const day = Number(/2WW day (\d+) of 14/.exec(cell)?.[1] ?? '0');
      expect(day, cell).toBeGreaterThan(14);
      expect(cell).toMatch(/⚠Overdue by \d+ days?/);
    }
    expect(await page.getByTestId('worklist-showing').textContent()).toMatch(/^Showing \d+ of \d+ referrals$/);
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: 'test-results/screenshots/clocks-worklist.png' });
  }, 60_000);

  it('a referral’s screen gives the same clocks as sentences', async () => {
    const { page } = desk;
    const row = page.locator('[data-worklist-row]').first();
    const listed = (await row.locator('[data-testid="cell-clock"]').textContent()) ?? '';
    const day = /2WW day (\d+) of 14/.exec(listed)?.[1];
    await openLink(page, row.locator('[data-testid="worklist-open"]'));
    await page.getByTestId('summary-clocks').waitFor();
    const sentences = await page.locator('[data-testid="summary-clocks"] li').allTextContents();
    expect(sentences[0]).toContain(`Two week wait: day ${day} of 14 since the pathway start on `);
    expect(sentences[0]).toMatch(/overdue by \d+ days?/);
    expect(sentences[1]).toMatch(/^18-week referral to treatment: day \d+ of 126/);
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: 'test-results/screenshots/clocks-referral.png' });
    await page.getByTestId('summary-clocks').screenshot({ path: 'test-results/screenshots/clocks-referral-summary.png' });
  }, 60_000);

  it('A&G requests whose reply is overdue, and the reply’s clock on the A&G screen', async () => {
    const { page } = desk;
    await page.keyboard.press('Alt+3');
    await page.getByTestId('worklist-title').filter({ hasText: 'Advice & guidance' }).waitFor();
    await page.locator('[data-worklist-row]').first().waitFor();
    await page.getByTestId('filter-clock').selectOption('advice-overdue');
    await expect.poll(async () => (await clockCells(page)).length).toBeGreaterThan(0);
    for (const cell of await clockCells(page)) expect(cell).toMatch(/^A&G reply day \d+ of 2⚠Overdue by \d+ working days?$/);
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: 'test-results/screenshots/clocks-advice-worklist.png' });

    await openLink(page, page.locator('[data-worklist-row] [data-testid="worklist-open"]').first());
    await page.getByTestId('summary-clocks').waitFor();
    expect(await page.getByTestId('summary-clocks').textContent()).toMatch(
      /A&G reply: working day \d+ of 2 since the referrer last wrote on /,
    );
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: 'test-results/screenshots/clocks-advice.png' });
  }, 60_000);
});
