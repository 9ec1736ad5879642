import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seriousViolations } from '../helpers/axe';
import { startAppHost, type RunningAppHost } from '../helpers/app-host';
import { launchChromium, type BrowserSession } from '../helpers/chromium';
import { signInAtMockCis2, waitForOpenedUrl } from '../helpers/sign-in';

let running: RunningAppHost;
let chrome: BrowserSession;
/** Every answer the host sent the page over its WebSocket (calls travel there), from the first page load on. */
const socketFrames: string[] = [];

beforeAll(async () => {
  running = await startAppHost();
  chrome = await launchChromium();
  chrome.page.on('websocket', (socket) => {
    socket.on('framereceived', (frame) =>
      socketFrames.push(typeof frame.payload === 'string' ? frame.payload : frame.payload.toString('utf8')),
    );
  });
});

afterAll(async () => {
  await chrome?.close();
  await running?.close();
});

describe('sign-in with CIS2 through the system browser', () => {
  it('hands the authorize URL to the opener, signs in as the consultant, offers roles and shows them in the header', async () => {
    const { page } = chrome;
    await page.goto(running.host.url);
    await page.getByTestId('sign-in').waitFor();
    expect(await seriousViolations(page)).toEqual([]);

    await page.getByTestId('sign-in').click();
    const url = new URL(await waitForOpenedUrl(running, 1));
    expect(url.origin).toBe(running.local?.cis2.issuer);
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('redirect_uri')).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback$/);
    expect(url.searchParams.get('scope')).toBe('openid profile nationalrbacaccess');
    expect(url.searchParams.get('acr_values')).toBe('AAL3_ANY');
    expect(url.searchParams.get('state')).toBeTruthy();
    expect(url.searchParams.get('nonce')).toBeTruthy();
    await page.getByTestId('waiting').waitFor();

    const browserText = await signInAtMockCis2(chrome.context, url.href, 'Dr Amara Okoye');
    expect(browserText).toContain('Return to e-RS Triage');

    await page.getByTestId('role-picker').waitFor();
    const roleLabels = await page.locator('.radio__label').allTextContents();
    expect(roleLabels.map((l) => l.trim())).toEqual([expect.stringContaining('(R69)'), expect.stringContaining('(R68)')]);
    expect(await seriousViolations(page)).toEqual([]);

    await page.getByLabel(/\(R68\)/).check();
    await page.getByTestId('choose-role').click();
    await page.getByTestId('header-user').waitFor();
    expect(await page.getByTestId('header-user-name').textContent()).toBe('Dr Amara Okoye');
    expect(await page.getByTestId('header-role').textContent()).toBe('Service provider clinician');
    expect(await page.getByTestId('header-organisation').textContent()).toContain('(R68)');
    expect(await seriousViolations(page)).toEqual([]);
    expect(chrome.consoleErrors).toEqual([]);
  });

  it('remembers the last role choice for the user at the next sign-in', async () => {
    const { page } = chrome;
    await page.getByTestId('sign-out').click();
    await page.getByTestId('sign-in').waitFor();
    await page.getByTestId('sign-in').click();
    const url = await waitForOpenedUrl(running, 2);
    await signInAtMockCis2(chrome.context, url, 'Dr Amara Okoye');
    await page.getByTestId('role-picker').waitFor();
    expect(await page.getByLabel(/\(R68\)/).isChecked()).toBe(true);
  });

  it('never sends anything token-like to the page', async () => {
    const { page } = chrome;
    const bodies: string[] = [];
    const framesBefore = socketFrames.length;
    const reading: Promise<void>[] = [];
    page.on('response', (response) => {
      if (response.url().includes('/api/'))
        reading.push(
          response.text().then(
            (t) => void bodies.push(t),
            () => undefined,
          ),
        );
    });
    await page.getByTestId('choose-role').click();
    await page.getByTestId('header-user').waitFor();
    // The signed-in app has fetched its first list: every answer so far is read in full.
    await page.getByTestId('worklist-count-referrals').waitFor();
    await Promise.all(reading);
    // Calls are answered over the host's WebSocket; the HTTP answers are read too (the fallback).
    expect(socketFrames.length).toBeGreaterThan(framesBefore);
    const all = [...bodies, ...socketFrames.slice(framesBefore)].join('\n');
    expect(all.length).toBeGreaterThan(0);
    expect(all).not.toMatch(/eyJ[\w-]{5,}\.[\w-]{5,}\./);
    expect(all).not.toMatch(/access_token|refresh_token|id_token/i);
  });
});
