/**
 * The browser host's fetch behind a real forward proxy, as on a trust network: with
 * HTTP_PROXY and HTTPS_PROXY set (and an explicit empty NO_PROXY, since the local
 * environment is on loopback, which proxies are usually told to bypass), sign-in, a
 * worklist, a referral, an attachment from the object store and a decision all pass
 * through the proxy, whose own log names each host:port. With the proxy gone the app says
 * e-RS cannot be reached and keeps what it had.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { OfflineStatus } from '../../../contract';
import { silentLogger } from '../../../electron/log/logger';
import { startLocalEnvironment, type LocalEnvironment } from '../../../local-env/src/index';
import { CONSULTANT_UID } from '../../../local-env/src/users';
import { signInDirect, startDirectApp, type DirectApp } from '../../helpers/app-direct';
import { startTestProxy, type TestProxy } from '../../helpers/http-proxy';
import { withShownTime } from '../../helpers/shown-time';

let root: string;
let env: LocalEnvironment;
let proxy: TestProxy;
let app: DirectApp;

const hostOf = (url: string): string => {
  const u = new URL(url);
  return `${u.hostname}:${u.port}`;
};

beforeAll(async () => {
  root = mkdtempSync(path.join(os.tmpdir(), 'through-proxy-'));
  // Started by the test, not the app, so it stays up when the proxy goes away.
  env = await startLocalEnvironment({ dataDir: path.join(root, 'local-env'), log: silentLogger });
  proxy = await startTestProxy();
  app = await startDirectApp({
    userDataDir: path.join(root, 'user'),
    localEnvironment: env,
    env: { HTTP_PROXY: proxy.url, HTTPS_PROXY: proxy.url, NO_PROXY: '' },
  });
}, 60_000);

afterAll(async () => {
  await app?.close();
  await proxy?.stop().catch(() => undefined);
  await env?.close();
  rmSync(root, { recursive: true, force: true });
});

async function until<T>(what: string, read: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 30_000): Promise<T> {
  return vi.waitFor(
    async () => {
      const value = await read();
      if (!ok(value)) throw new Error(`still waiting for ${what}: ${JSON.stringify(value).slice(0, 300)}`);
      return value;
    },
    { timeout: timeoutMs, interval: 50 },
  );
}

describe('behind an HTTP proxy (HTTP_PROXY / HTTPS_PROXY)', () => {
  let ubrn = '';
  let attachmentId = '';

  it('signs in through the proxy: CIS2 discovery, token and JWKS, and the APIM exchange', async () => {
    await signInDirect(app, CONSULTANT_UID, 'R69');
    expect(proxy.hosts()).toEqual(expect.arrayContaining([hostOf(env.cis2.issuer), hostOf(env.apim.tokenEndpoint)]));
  });

  it('fetches a worklist, a referral and an attachment from the object store through it', async () => {
    const before = proxy.log.length;
    const { rows } = await app.call('worklist.fetch', { kind: 'referrals' });
    expect(rows.length).toBeGreaterThan(1);
    for (const row of rows) {
      const { referral } = await app.call('referral.open', { ubrn: row.ubrn });
      const pdf = referral.attachments.find((a) => a.available && a.id && a.contentType === 'application/pdf');
      if (pdf?.id) {
        ubrn = row.ubrn;
        attachmentId = pdf.id;
        break;
      }
    }
    expect(attachmentId).not.toBe('');
    const content = await app.call('referral.attachment', { ubrn, attachmentId });
    expect(content.kind === 'file' && new TextDecoder().decode(content.bytes.subarray(0, 5))).toBe('%PDF-');
    const carried = proxy.log.slice(before);
    expect(carried).toContain(hostOf(env.ersBaseUrl));
    // A042 answers with a redirect to the object store: that hop goes through the proxy too.
    expect(carried).toContain(hostOf(env.emulator.objectStoreOrigin));
  });

  it('sends a decision through it', async () => {
    const { rows } = await app.call('worklist.fetch', { kind: 'referrals' });
    const row = rows.find((r) => r.ubrn !== ubrn);
    if (!row) throw new Error('no second referral');
    const { referral } = await app.call('referral.open', { ubrn: row.ubrn });
    const before = proxy.log.length;
    const outcome = await app.call('referral.accept', { ubrn: row.ubrn, version: referral.version });
    expect(outcome.status).toBe('sent');
    expect(proxy.log.slice(before)).toContain(hostOf(env.ersBaseUrl));
    console.log(`proxy carried ${proxy.log.length} requests to ${proxy.hosts().join(', ')}`);
    expect(proxy.hosts().sort()).toEqual(
      [
        ...new Set([env.cis2.issuer, env.apim.tokenEndpoint, env.ersBaseUrl, env.emulator.objectStoreOrigin, env.pdsBaseUrl].map(hostOf)),
      ].sort(),
    );
  });

  it('with the proxy gone, says e-RS cannot be reached and keeps its data', async () => {
    await until(
      'prefetch to settle',
      () => app.call('offline.status', {}),
      (s: OfflineStatus) => s.prefetch === null || ['done', 'stopped', 'cancelled', 'idle'].includes(s.prefetch.phase),
      60_000,
    );
    await proxy.stop();
    const list = await app.call('worklist.fetch', { kind: 'referrals', refresh: true });
    expect(list.stale).toBe(true);
    expect(list.rows.length).toBeGreaterThan(0);
    const status = await app.call('offline.status', {});
    expect(status.online).toBe(false);
    expect(status.banner).toMatch(withShownTime(String.raw`^Offline since {time}, showing data from {time}`));
    const screen = await app.call('referral.open', { ubrn });
    expect(screen.referral.ubrn).toBe(ubrn);
    expect(screen.stale).toBe(true);
    const content = await app.call('referral.attachment', { ubrn, attachmentId });
    expect(content.kind === 'file' && new TextDecoder().decode(content.bytes.subarray(0, 5))).toBe('%PDF-');
  });
});
