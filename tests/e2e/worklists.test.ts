import { beforeAll, describe, expect, it } from 'vitest';
import type { WorklistKind } from '../../contract';
import { seriousViolations } from '../helpers/axe';
import { e2eDesk } from '../helpers/e2e-desk';

const desk = e2eDesk({ signedIn: true });
const expected = new Map<WorklistKind, number>();

beforeAll(async () => {
  // What e-RS (the emulator) holds for this role, asked directly with the same session.
  for (const kind of ['referrals', 'triage', 'advice'] as const)
    expected.set(kind, (await desk.running.app.ers.fetchWorklist(kind)).length);
});

describe('the three worklists, signed in as the synthetic consultant', () => {
  it('shows each list with the count e-RS holds, and the seeded rows', async () => {
    const { page } = desk;
    for (const kind of ['referrals', 'triage', 'advice'] as const) {
      const count = expected.get(kind) ?? 0;
      expect(count).toBeGreaterThan(0);
      await expect.poll(() => page.getByTestId(`worklist-count-${kind}`).textContent(), { timeout: 10_000 }).toContain(String(count));
    }
    await page.getByTestId('worklist-row').first().waitFor();
    const nhs = await page.getByTestId('cell-nhs').first().textContent();
    expect(nhs?.trim()).toMatch(/^\d{3} \d{3} \d{4}$/);
  });

  it('has no serious or critical accessibility violations on any list', async () => {
    const { page } = desk;
    for (const kind of ['referrals', 'triage', 'advice'] as const) {
      await page.getByTestId(`worklist-tab-${kind}`).click();
      await page.waitForURL(new RegExp(`#/worklists/${kind}$`));
      await page.getByTestId('worklist-row').first().waitFor();
      expect(await seriousViolations(page), kind).toEqual([]);
    }
    expect(desk.chrome.consoleErrors).toEqual([]);
  });

  it('narrows the list with a filter and with a search by NHS number', async () => {
    const { page } = desk;
    await page.getByTestId('worklist-tab-referrals').click();
    await page.getByTestId('worklist-row').first().waitFor();
    const total = expected.get('referrals') ?? 0;
    const showing = () => page.getByTestId('worklist-showing').textContent();
    await expect.poll(showing).toContain(`of ${total}`);

    await page.getByTestId('filter-priority').selectOption({ index: 1 });
    await expect.poll(async () => Number(/Showing (\d+)/.exec((await showing()) ?? '')?.[1] ?? NaN)).toBeLessThan(total);
    await page.getByTestId('clear-filters-bar').click();
    await expect.poll(showing).toContain(`Showing ${total} of ${total}`);

    const nhs = ((await page.getByTestId('cell-nhs').first().textContent()) ?? '').trim();
    await page.getByTestId('worklist-search').fill(nhs.replace(/ /g, ''));
    await expect.poll(async () => page.getByTestId('worklist-row').count()).toBeGreaterThanOrEqual(1);
    const shown = await page.getByTestId('cell-nhs').allTextContents();
    expect(shown.every((s) => s.trim() === nhs)).toBe(true);
    await page.getByTestId('worklist-search').fill('');
  });

  it('opens an item with the keyboard', async () => {
    const { page } = desk;
    await page.getByTestId('worklist-row').first().waitFor();
    await page.keyboard.press('Escape');
    await page
      .getByTestId('worklist-table')
      .focus()
      .catch(() => undefined);
    await page.locator('body').press('j');
    await page.locator('body').press('Enter');
    await page.waitForURL(/#\/(referral|advice)\//);
    expect(page.url()).toMatch(/#\/referral\/\d{12}$/);
  });
});
