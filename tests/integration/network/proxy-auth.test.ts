/**
 * A trust proxy that wants Basic authentication, on 127.0.0.1: with the credentials in the
 * proxy's address (HTTPS_PROXY=http://user:pass@host:port, as curl takes them) the browser
 * host signs in and reads a worklist through it; with none, or wrong ones, it says in one
 * sentence that the proxy wanted a sign-in the app could not give, for http requests the
 * proxy forwards and for https tunnels (CONNECT) alike, and the sentence never holds the
 * credentials.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../electron/log/logger';
import { createNodeFetch } from '../../../electron/platform/node-fetch';
import { PROXY_AUTH_MESSAGE, ProxyAuthError } from '../../../electron/platform/proxy-auth';
import { startLocalEnvironment, type LocalEnvironment } from '../../../local-env/src/index';
import { CONSULTANT_UID } from '../../../local-env/src/users';
import { signInDirect, startDirectApp, type DirectApp } from '../../helpers/app-direct';
import { startTestProxy, type TestProxy } from '../../helpers/http-proxy';
import { expectOneSentence } from '../../helpers/one-sentence';

const USERNAME = 'trust.user';
// Reserved characters, percent-encoded in the address as they must be.
const PASSWORD = 'p@ss:w/rd 1!';

let root: string;
let env: LocalEnvironment;
let proxy: TestProxy;
const apps: DirectApp[] = [];

const proxyUrl = (username?: string, password?: string): string => {
  const url = new URL(proxy.url);
  if (username !== undefined) url.username = encodeURIComponent(username);
  if (password !== undefined) url.password = encodeURIComponent(password);
  return url.href.replace(/\/$/, '');
};

async function appBehind(address: string, name: string): Promise<DirectApp> {
  const app = await startDirectApp({
    userDataDir: path.join(root, name),
    localEnvironment: env,
    env: { HTTP_PROXY: address, HTTPS_PROXY: address, NO_PROXY: '' },
  });
  apps.push(app);
  return app;
}

beforeAll(async () => {
  root = mkdtempSync(path.join(os.tmpdir(), 'proxy-auth-'));
  env = await startLocalEnvironment({ dataDir: path.join(root, 'local-env'), log: silentLogger });
  proxy = await startTestProxy({ credentials: { username: USERNAME, password: PASSWORD } });
}, 60_000);

afterAll(async () => {
  for (const app of apps) await app.close();
  await proxy?.stop().catch(() => undefined);
  await env?.close();
  rmSync(root, { recursive: true, force: true });
});

describe('behind a proxy that wants Basic authentication', () => {
  it('with the credentials in HTTPS_PROXY, signs in and reads a worklist through it', async () => {
    const app = await appBehind(proxyUrl(USERNAME, PASSWORD), 'right');
    const refusedBefore = proxy.refused;
    const before = proxy.log.length;
    await signInDirect(app, CONSULTANT_UID, 'R69');
    const { rows } = await app.call('worklist.fetch', { kind: 'referrals' });
    expect(rows.length).toBeGreaterThan(0);
    const carried = proxy.log.slice(before);
    expect(carried).toContain(`${new URL(env.ersBaseUrl).hostname}:${new URL(env.ersBaseUrl).port}`);
    expect(carried).toContain(`${new URL(env.cis2.issuer).hostname}:${new URL(env.cis2.issuer).port}`);
    // undici sends the credentials with the first request: the proxy never had to ask.
    expect(proxy.refused).toBe(refusedBefore);
  });

  for (const [name, address] of [
    ['no credentials', () => proxyUrl()],
    ['wrong credentials', () => proxyUrl(USERNAME, 'not-the-password')],
  ] as const) {
    it(`with ${name}, says in one sentence that the proxy wanted a sign-in, and never shows the credentials`, async () => {
      const app = await appBehind(address(), name.replace(/ /g, '-'));
      const refusedBefore = proxy.refused;
      // Sign-in ends, at once, with the sentence as the session's notice: no browser, no hang.
      const view = await app.call('session.signIn', {});
      expect(view.phase).toBe('signed-out');
      expect(view.notice).toEqual({ kind: 'error', message: PROXY_AUTH_MESSAGE });
      expectOneSentence(PROXY_AUTH_MESSAGE);
      expect(JSON.stringify(view)).not.toContain(USERNAME);
      expect(JSON.stringify(view)).not.toContain('not-the-password');
      expect(proxy.refused).toBeGreaterThan(refusedBefore);
      // Nothing reached CIS2: the proxy carried none of it.
      expect(app.opened).toEqual([]);
    });
  }

  it('refuses an https tunnel (CONNECT) without the right credentials with the same error, and opens it with them', async () => {
    // Any https address will do: the proxy answers the CONNECT before the tunnel reaches it.
    const target = `https://127.0.0.1:${new URL(env.ersBaseUrl).port}/`;
    const wrong = createNodeFetch({ HTTPS_PROXY: proxyUrl(USERNAME, 'wrong'), NO_PROXY: '' });
    const refusal = await wrong(target, {}).then(
      () => null,
      (error: unknown) => error,
    );
    expect(refusal).toBeInstanceOf(ProxyAuthError);
    const right = createNodeFetch({ HTTPS_PROXY: proxyUrl(USERNAME, PASSWORD), NO_PROXY: '' });
    const before = proxy.log.length;
    const failure = await right(target, {}).then(
      () => null,
      (error: unknown) => error,
    );
    // The proxy opened the tunnel; TLS to a plain-http port then fails, which is not the proxy's doing.
    expect(proxy.log.slice(before)).toContain(`127.0.0.1:${new URL(env.ersBaseUrl).port}`);
    expect(failure).not.toBeInstanceOf(ProxyAuthError);
  });
});
