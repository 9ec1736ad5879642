/**
 * Waits until an expression is truthy in the page. Playwright's waitForFunction evaluates
 * its predicate with eval inside the page, which the app's CSP (rightly) forbids; this asks
 * through the DevTools protocol instead, which the CSP does not govern.
 */
import type { Page } from 'playwright-core';
import { waitUntil } from '../helpers/wait-until';

export async function waitInPage(page: Page, expression: string, timeoutMs = 30_000): Promise<void> {
  await waitUntil(
    () => page.evaluate(expression),
    () => `The page never reached: ${expression}`,
    { timeoutMs, intervalMs: 15 },
  );
}
