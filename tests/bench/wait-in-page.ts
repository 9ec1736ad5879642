/**
 * Waits until an expression is truthy in the page. Playwright's waitForFunction evaluates
 * its predicate with eval inside the page, which the app's CSP (rightly) forbids; this asks
 * through the DevTools protocol instead, which the CSP does not govern.
 */
import type { Page } from 'playwright-core';

export async function waitInPage(page: Page, expression: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await page.evaluate(expression)) return;
    if (Date.now() > deadline) throw new Error(`The page never reached: ${expression}`);
    await new Promise((resolve) => setTimeout(resolve, 15));
  }
}
