/**
 * Printing a referral: the Print button calls the system print (window.print), and what
 * Chromium prints of the screen (print to PDF, the same print styles) has on page 1 the
 * patient's NHS number, the referral's UBRN and the decision made.
 */
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { describe, expect, it } from 'vitest';
import { seriousViolations } from '../helpers/axe';
import { e2eDesk } from '../helpers/e2e-desk';

const desk = e2eDesk({ signedIn: true });

async function pageOneText(pdf: Uint8Array): Promise<string> {
  const document = await getDocument({ data: pdf, useSystemFonts: true }).promise;
  try {
    const page = await document.getPage(1);
    const content = await page.getTextContent();
    return content.items.map((item) => ('str' in item ? item.str : '')).join(' ');
  } finally {
    await document.destroy();
  }
}

const digits = (text: string): string => text.replace(/\s+/g, '');

describe('printing a referral', () => {
  it('prints the summary with the decision made: NHS number, UBRN and decision on page 1', async () => {
    const { page } = desk;
    const rows = await desk.running.app.ers.fetchWorklist('referrals');
    const row = rows.find((r) => r.reviewStatus !== '');
    if (!row) throw new Error('no referral to accept');
    const open = async (): Promise<void> => {
      await page.evaluate((hash) => {
        window.location.hash = hash;
      }, `#/referral/${row.ubrn}`);
      await expect.poll(() => page.getByTestId('item-heading').textContent()).toBe(`Referral ${row.ubrn}`);
    };
    await open();
    await page.getByTestId('decision-accept').click();
    await page.getByTestId('confirm-send').click();
    await page.getByTestId('confirm-dialog').waitFor({ state: 'detached', timeout: 15_000 });
    await expect.poll(() => page.getByTestId('item-heading').textContent(), { timeout: 15_000 }).not.toBe(`Referral ${row.ubrn}`);

    // Back to the referral just decided: the decision is on the screen, and on paper.
    await open();
    await page.getByTestId('decision-record').waitFor();
    expect(await page.getByTestId('decision-record').textContent()).toContain('Accept the referral');
    expect(await seriousViolations(page)).toEqual([]);

    await page.evaluate(() => {
      const w = window as unknown as { printCalls: number };
      w.printCalls = 0;
      window.print = () => {
        w.printCalls += 1;
      };
    });
    await page.getByTestId('print-item').click();
    expect(await page.evaluate(() => (window as unknown as { printCalls: number }).printCalls)).toBe(1);

    // page.pdf() prints with the print styles, as the print dialog would.
    const pdf = await page.pdf({ format: 'A4', printBackground: true });
    const text = await pageOneText(new Uint8Array(pdf));
    const nhsNumber = (await page.getByTestId('summary-nhs-number').textContent()) ?? '';
    expect(digits(nhsNumber)).toMatch(/^\d{10}$/);
    expect(digits(text)).toContain(digits(nhsNumber));
    expect(digits(text)).toContain(row.ubrn);
    expect(text).toContain('Accept the referral');
    // None of the screen's controls or the app header on paper.
    expect(text).not.toContain('Sign out');
    expect(text).not.toContain('Keys:');

    await page.emulateMedia({ media: 'print' });
    await page.screenshot({ path: 'test-results/screenshots/referral-print.png', fullPage: true });
    await page.emulateMedia({ media: 'screen' });
  }, 90_000);
});
