/**
 * The desk an end-to-end test file works at: the app on the browser host with its local
 * environment, and Chromium, opened before the file's tests (signed in as the synthetic
 * consultant at R69 when asked) and closed after them. Registers the file's first
 * beforeAll and its afterAll; a file's own beforeAll runs after this one.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { startAppHost, type RunningAppHost } from './app-host';
import { launchChromium, type BrowserSession } from './chromium';
import { signInToApp } from './sign-in';

export interface E2eDesk {
  readonly running: RunningAppHost;
  readonly chrome: BrowserSession;
  readonly page: Page;
}

export function e2eDesk(options: { signedIn?: boolean; untilRows?: boolean } = {}): E2eDesk {
  let running: RunningAppHost | undefined;
  let chrome: BrowserSession | undefined;
  beforeAll(async () => {
    running = await startAppHost();
    chrome = await launchChromium();
    if (!options.signedIn) return;
    await chrome.page.goto(running.host.url);
    await signInToApp(chrome.page, running, 'Dr Amara Okoye', /\(R69\)/);
    if (options.untilRows) await chrome.page.locator('[data-worklist-row]').first().waitFor();
  }, 60_000);
  afterAll(async () => {
    await chrome?.close();
    await running?.close();
  });
  const open = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('The desk is not open yet: use it in a test, or in a beforeAll after e2eDesk().');
    return value;
  };
  return {
    get running() {
      return open(running);
    },
    get chrome() {
      return open(chrome);
    },
    get page() {
      return open(chrome).page;
    },
  };
}
