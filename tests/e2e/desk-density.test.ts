/**
 * The worklist at a 1366×900 desk: standard rows with the filter panel open show at least
 * 6 whole rows, compact rows with the filter panel closed at least 12; the sticky header never covers the row with the cursor
 * however far the keyboard moves it; cut-off values are there in full on hover (title) and
 * for the selected row in the line under the list; the choices are kept for the user.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { seriousViolations } from '../helpers/axe';
import { e2eDesk } from '../helpers/e2e-desk';

const desk = e2eDesk({ signedIn: true, untilRows: true });

/** Rows wholly on screen: below the sticky header, above the list's and the window's bottom. */
function fullyVisibleRows(page: Page): Promise<number> {
  return page.evaluate(() => {
    const scroller = document.querySelector('[data-testid="worklist-scroller"]');
    const head = scroller?.querySelector('thead');
    if (!scroller || !head) return 0;
    const box = scroller.getBoundingClientRect();
    const top = Math.max(head.getBoundingClientRect().bottom, 0);
    const bottom = Math.min(box.bottom, window.innerHeight);
    return Array.from(scroller.querySelectorAll('[data-worklist-row]')).filter((row) => {
      const r = row.getBoundingClientRect();
      return r.top >= top - 0.5 && r.bottom <= bottom + 0.5;
    }).length;
  });
}

/** How far the sticky header overlaps the cursor row (0 when it does not), and whether the row is within the list. */
function cursorPlacement(page: Page): Promise<{ overlap: number; inside: boolean }> {
  return page.evaluate(() => {
    const scroller = document.querySelector('[data-testid="worklist-scroller"]');
    const head = scroller?.querySelector('thead')?.getBoundingClientRect();
    const row = scroller?.querySelector('[data-cursor="true"]')?.getBoundingClientRect();
    const box = scroller?.getBoundingClientRect();
    if (!head || !row || !box) return { overlap: -1, inside: false };
    return { overlap: Math.max(0, head.bottom - row.top), inside: row.bottom <= box.bottom + 0.5 };
  });
}

describe('worklist density', () => {
  it('standard rows with the filters open show at least 6 whole rows at 1366×900, every filter on one line', async () => {
    const { page } = desk;
    expect(page.viewportSize()).toEqual({ width: 1366, height: 900 });
    expect(await page.getByTestId('filters-toggle').getAttribute('aria-expanded')).toBe('true');
    expect(await page.getByTestId('compact-toggle').getAttribute('aria-pressed')).toBe('false');
    const tops = await page.locator('#worklist-filters > *').evaluateAll((parts) => parts.map((part) => part.getBoundingClientRect().top));
    expect(new Set(tops).size).toBe(1);
    await expect.poll(() => fullyVisibleRows(page)).toBeGreaterThanOrEqual(6);
    console.log(`Whole rows visible at 1366×900, standard rows with the filters open: ${await fullyVisibleRows(page)}`);
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: 'test-results/screenshots/worklist-standard.png' });
  }, 60_000);

  it('compact rows with the filters closed show at least 12 whole rows at 1366×900', async () => {
    const { page } = desk;
    const standard = await fullyVisibleRows(page);

    await page.getByTestId('filters-toggle').click();
    expect(await page.getByTestId('filters-toggle').getAttribute('aria-expanded')).toBe('false');
    expect(await page.getByTestId('filter-specialty').isVisible()).toBe(false);
    expect(await page.getByTestId('worklist-search').isVisible()).toBe(true);
    await page.getByTestId('compact-toggle').click();
    expect(await page.getByTestId('compact-toggle').getAttribute('aria-pressed')).toBe('true');
    await expect.poll(() => fullyVisibleRows(page)).toBeGreaterThanOrEqual(12);
    const compact = await fullyVisibleRows(page);
    console.log(`Whole rows visible at 1366×900: standard ${standard}, compact with filters closed ${compact}`);
    expect(compact).toBeGreaterThan(standard);
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: 'test-results/screenshots/worklist-compact.png' });
  }, 60_000);

  it('the sticky header never covers the row with the cursor, in either density', async () => {
    const { page } = desk;
    for (const compact of [true, false]) {
      if ((await page.getByTestId('compact-toggle').getAttribute('aria-pressed')) !== String(compact))
        await page.getByTestId('compact-toggle').click();
      await page.evaluate(() => document.getElementById('main')?.focus());
      for (const key of ['End', 'PageUp', 'PageUp', 'Home', 'PageDown', 'ArrowDown', 'PageDown', 'ArrowUp', 'End', 'Home']) {
        await page.keyboard.press(key);
        await expect.poll(() => cursorPlacement(page), { message: `${key}, compact ${compact}` }).toEqual({ overlap: 0, inside: true });
      }
    }
  }, 60_000);

  it('shows cut-off values in full: a title on hover, and the selected row in the line under the list', async () => {
    const { page } = desk;
    const row = page.locator('[data-worklist-row][data-cursor="true"]');
    const cells = row.locator('td');
    // UBRN, priority, NHS number, patient, age, then service (5), specialty, referred, clock (8), status (9).
    const service = (await cells.nth(5).textContent())?.trim() ?? '';
    expect(await cells.nth(5).getAttribute('title')).toBe(service);
    const status = (await cells.nth(9).textContent())?.trim() ?? '';
    expect(await cells.nth(9).getAttribute('title')).toBe(status);
    // The clock in full on hover: every clock as a sentence.
    expect(await cells.nth(8).locator('[data-testid="waiting-clock"]').getAttribute('title')).toMatch(/ since the pathway start on /);
    const detail = (await page.getByTestId('worklist-cursor-detail').textContent()) ?? '';
    expect(detail).toContain(service);
    expect(detail).toContain(status);
  });

  it('keeps compact rows and the closed filters for this user after a reload', async () => {
    const { page } = desk;
    await page.getByTestId('compact-toggle').click();
    expect(await page.getByTestId('compact-toggle').getAttribute('aria-pressed')).toBe('true');
    await page.reload();
    await page.locator('[data-worklist-row]').first().waitFor();
    expect(await page.getByTestId('compact-toggle').getAttribute('aria-pressed')).toBe('true');
    expect(await page.getByTestId('filters-toggle').getAttribute('aria-expanded')).toBe('false');
    expect(await page.locator('.worklist-table--compact').count()).toBe(1);
  }, 60_000);
});
