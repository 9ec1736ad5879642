import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seriousViolations } from '../helpers/axe';
import { startAppHost, type RunningAppHost } from '../helpers/app-host';
import { launchChromium, type BrowserSession } from '../helpers/chromium';

let running: RunningAppHost;
let chrome: BrowserSession;

beforeAll(async () => {
  running = await startAppHost({ appVersion: '7.7.7-e2e' });
  chrome = await launchChromium();
});

afterAll(async () => {
  await chrome?.close();
  await running?.close();
});

describe('the app in Chromium through the browser host', () => {
  it('shows the sign-in screen with the version and environment from app.info, under a CSP', async () => {
    const { page } = chrome;
    const response = await page.goto(running.host.url);
    expect(response?.status()).toBe(200);
    const csp = response?.headers()['content-security-policy'] ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain("'unsafe-eval'");
    expect(csp).not.toContain("'unsafe-inline'");

    await page.getByRole('heading', { level: 1, name: 'Sign in to e-RS Triage' }).waitFor();
    await expect.poll(() => page.getByTestId('version').textContent()).toBe('7.7.7-e2e');
    expect(await page.getByTestId('environment').textContent()).toBe('Local (synthetic training data)');
    // The secret left the address bar as soon as the page took it.
    expect(page.url()).not.toContain('key=');
  });

  it('refuses a call from the page that does not carry the host secret', async () => {
    const status = await chrome.page.evaluate(async () => {
      const response = await fetch('/api/invoke/app.info', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
      return response.status;
    });
    expect(status).toBe(401);
  });

  it('has no serious or critical accessibility violations and no console errors', async () => {
    const violations = await seriousViolations(chrome.page);
    expect(violations).toEqual([]);
    // The 401 above is a deliberate refusal the browser reports as a failed resource; nothing else.
    const unexpected = chrome.consoleErrors.filter((text) => !text.includes('401'));
    expect(unexpected).toEqual([]);
  });
});
