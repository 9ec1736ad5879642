/**
 * The browser host behind a trust proxy that wants a Basic sign-in the app was not given:
 * pressing Sign in stops at once (no browser opened, no hang) and the sign-in screen says,
 * in one sentence and accessibly, that the proxy asked for a sign-in the app could not
 * give and IT must check the proxy settings. Screenshot: proxy-auth.png.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../electron/log/logger';
import { PROXY_AUTH_MESSAGE } from '../../electron/platform/proxy-auth';
import { startLocalEnvironment, type LocalEnvironment } from '../../local-env/src/index';
import { startAppHost, type RunningAppHost } from '../helpers/app-host';
import { seriousViolations } from '../helpers/axe';
import { launchChromium, type BrowserSession } from '../helpers/chromium';
import { startTestProxy, type TestProxy } from '../helpers/http-proxy';

let root: string;
let env: LocalEnvironment;
let proxy: TestProxy;
let running: RunningAppHost;
let chrome: BrowserSession;

beforeAll(async () => {
  root = mkdtempSync(path.join(os.tmpdir(), 'e2e-proxy-auth-'));
  env = await startLocalEnvironment({ dataDir: path.join(root, 'local-env'), log: silentLogger });
  proxy = await startTestProxy({ credentials: { username: 'trust.user', password: 'not-given' } });
  running = await startAppHost({
    userDataDir: path.join(root, 'user'),
    localEnvironment: env,
    env: { HTTP_PROXY: proxy.url, HTTPS_PROXY: proxy.url, NO_PROXY: '' },
  });
  chrome = await launchChromium();
}, 60_000);

afterAll(async () => {
  await chrome?.close();
  await running?.close();
  await proxy?.stop().catch(() => undefined);
  await env?.close();
  rmSync(root, { recursive: true, force: true });
});

describe('behind a proxy that wants a sign-in the app was not given', () => {
  it('says so on the sign-in screen in one sentence, at once, and opens no browser', async () => {
    const { page } = chrome;
    await page.goto(running.host.url);
    await page.getByTestId('sign-in').click();
    const notice = page.getByTestId('session-notice');
    await notice.filter({ hasText: 'proxy' }).waitFor();
    expect((await notice.textContent())?.trim()).toBe(PROXY_AUTH_MESSAGE);
    expect(await notice.getAttribute('role')).toBe('alert');
    expect(proxy.refused).toBeGreaterThan(0);
    expect(running.opened).toEqual([]);
    await page.getByTestId('sign-in').waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: path.join('test-results', 'screenshots', 'proxy-auth.png'), fullPage: true });
  });
});
