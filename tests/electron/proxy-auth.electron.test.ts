/**
 * The installed app's fetch (net.request, electron/platform/client-request-fetch.ts) behind
 * a proxy that wants Basic authentication, on 127.0.0.1: Chromium is pointed at it with
 * --proxy-server (loopback included), as a trust's system proxy would be. With the proxy's
 * credentials in HTTPS_PROXY, the app answers the proxy's challenge and signs in through it;
 * without them, it cancels at once and the sign-in screen says the proxy wanted a sign-in
 * the app could not give. Runs where Electron does (`npm run test:electron`).
 */
import { rmSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PROXY_AUTH_MESSAGE } from '../../electron/platform/proxy-auth';
import { CONSULTANT_UID } from '../../local-env/src/users';
import { startTestProxy, type TestProxy } from '../helpers/http-proxy';
import { launchApp, newProfile, signIn, type LaunchedApp } from './electron-app';

const USERNAME = 'trust.user';
const PASSWORD = 'p@ss:w/rd';
let proxy: TestProxy;
let app: LaunchedApp | null = null;
const profiles: string[] = [];

beforeAll(async () => {
  proxy = await startTestProxy({ credentials: { username: USERNAME, password: PASSWORD } });
});

afterEach(async () => {
  await app?.electron.close().catch(() => undefined);
  app = null;
});

afterAll(async () => {
  await proxy?.stop();
  for (const profile of profiles) rmSync(profile, { recursive: true, force: true });
});

async function launchBehindProxy(credentials: boolean): Promise<LaunchedApp> {
  const profile = newProfile();
  profiles.push(profile);
  const address = new URL(proxy.url);
  if (credentials) {
    address.username = encodeURIComponent(USERNAME);
    address.password = encodeURIComponent(PASSWORD);
  }
  return launchApp({
    profile,
    // Chromium bypasses proxies for loopback unless told: the local environment is on loopback.
    args: [`--proxy-server=${new URL(proxy.url).host}`, '--proxy-bypass-list=<-loopback>'],
    env: { HTTPS_PROXY: address.href, HTTP_PROXY: address.href },
  });
}

describe('the Electron app behind a proxy that wants Basic authentication', () => {
  it('answers the challenge with the credentials for that proxy, and signs in through it', async () => {
    app = await launchBehindProxy(true);
    const before = proxy.log.length;
    await signIn(app, CONSULTANT_UID);
    await app.page.getByTestId('worklist-row').first().waitFor({ timeout: 30_000 });
    expect(proxy.log.length).toBeGreaterThan(before);
  });

  it('without credentials, cancels at once and says so on the sign-in screen', async () => {
    app = await launchBehindProxy(false);
    const refused = proxy.refused;
    await app.page.getByTestId('sign-in').click();
    const notice = app.page.getByTestId('session-notice').filter({ hasText: 'proxy' });
    await notice.waitFor({ timeout: 30_000 });
    expect((await notice.textContent())?.trim()).toBe(PROXY_AUTH_MESSAGE);
    expect(proxy.refused).toBeGreaterThan(refused);
  });
});
