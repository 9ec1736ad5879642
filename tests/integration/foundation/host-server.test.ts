import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionView } from '../../../contract';
import { EventHub } from '../../../electron/handlers';
import { WebSocket } from 'ws';
import { HOST_SOCKET_PATH, HOST_SOCKET_PROTOCOL, startHost, type HostServer } from '../../../electron/host/server';
import { silentLogger } from '../../../electron/log/logger';
import { decodeWire, encodeWire } from '../../../renderer/api/wire';
import { dispatchTarget, handlersWith } from '../../helpers/handlers';

let host: HostServer;
let dir: string;
const events = new EventHub();
let calls = 0;

const handlers = handlersWith({
  'app.info': async () => {
    calls++;
    return {
      name: 'e-RS Triage',
      version: '1.2.3',
      environment: 'local',
      environmentLabel: 'Local',
      managed: false,
      transport: 'browser-host',
      setup: null,
    };
  },
});

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'host-test-'));
  mkdirSync(path.join(dir, 'assets'));
  writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>t</title>');
  writeFileSync(path.join(dir, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(path.join(os.tmpdir(), 'outside-secret.txt'), 'outside');
  host = await startHost({ app: dispatchTarget(handlers), events, staticDir: dir, log: silentLogger, secret: 'test-secret-123' });
});

afterAll(async () => {
  await host.close();
  rmSync(dir, { recursive: true, force: true });
});

function invoke(channel: string, body: string, headers: Record<string, string> = {}) {
  return fetch(`${host.origin}/api/invoke/${channel}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Triage-Host-Key': 'test-secret-123', ...headers },
    body,
  });
}

/** A raw request, so the test controls the Host header (fetch does not let it). */
function rawGet(pathName: string, headers: Record<string, string>): Promise<number> {
  const url = new URL(host.origin);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: url.port, path: pathName, headers }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('browser host', () => {
  it('listens on 127.0.0.1 on an OS-assigned port and prints a URL holding the secret in the fragment', () => {
    expect(host.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(host.url).toBe(`${host.origin}/#key=test-secret-123`);
  });

  it('serves the renderer with the CSP and security headers', async () => {
    const response = await fetch(`${host.origin}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    expect(await response.text()).toContain('<title>t</title>');
    const js = await fetch(`${host.origin}/assets/app.js`);
    expect(js.headers.get('content-type')).toContain('text/javascript');
  });

  it('answers a call that carries the secret, through the same dispatch', async () => {
    const response = await invoke('app.info', '{}');
    expect(response.status).toBe(200);
    expect(decodeWire(await response.text())).toMatchObject({ ok: true, value: { version: '1.2.3' } });
  });

  it('refuses a call without the secret or with a wrong one, before any handler runs', async () => {
    const before = calls;
    const none = await fetch(`${host.origin}/api/invoke/app.info`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{}',
    });
    expect(none.status).toBe(401);
    const wrong = await invoke('app.info', '{}', { 'X-Triage-Host-Key': 'test-secret-124' });
    expect(wrong.status).toBe(401);
    const events = await fetch(`${host.origin}/api/events`);
    expect(events.status).toBe(401);
    expect(calls).toBe(before);
  });

  it('refuses other origins and other Host names (cross-site requests, DNS rebinding)', async () => {
    const before = calls;
    const crossSite = await invoke('app.info', '{}', { Origin: 'http://127.0.0.1:1' });
    expect(crossSite.status).toBe(403);
    const port = new URL(host.origin).port;
    expect(await rawGet('/', { Host: `evil.example:${port}` })).toBe(421);
    expect(await rawGet('/', { Host: `127.0.0.1:${port}` })).toBe(200);
    expect(calls).toBe(before);
  });

  it('validates input exactly as Electron IPC does', async () => {
    const unknown = decodeWire(await (await invoke('no.such', '{}')).text());
    expect(unknown).toMatchObject({ ok: false, error: { code: 'UNKNOWN_CHANNEL' } });
    const invalid = decodeWire(await (await invoke('app.info', '{"x":1}')).text());
    expect(invalid).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    const malformed = decodeWire(await (await invoke('app.info', '{not json')).text());
    expect(malformed).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
  });

  it('refuses non-JSON and oversized bodies and keeps serving', async () => {
    expect((await invoke('app.info', '{}', { 'Content-Type': 'text/plain' })).status).toBe(415);
    const huge = `{"a":"${'x'.repeat(17 * 1024 * 1024)}"}`;
    expect((await invoke('app.info', huge)).status).toBe(413);
    expect((await invoke('app.info', '{}')).status).toBe(200);
  });

  it('never serves files outside the renderer folder', async () => {
    for (const probe of ['/../outside-secret.txt', '/%2e%2e/outside-secret.txt', '/assets/..%2f..%2foutside-secret.txt', '/%00']) {
      const response = await fetch(`${host.origin}${probe}`);
      expect(await response.text()).not.toContain('outside');
    }
  });

  it('streams events to a page that holds the secret', async () => {
    const controller = new AbortController();
    const response = await fetch(`${host.origin}/api/events`, {
      headers: { 'X-Triage-Host-Key': 'test-secret-123' },
      signal: controller.signal,
    });
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    if (!response.body) throw new Error('no event stream body');
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    const payload: SessionView = {
      phase: 'signed-out',
      environment: 'local',
      user: null,
      roles: [],
      role: null,
      signInNotRequired: false,
      notice: null,
      needsReauth: false,
      rememberedRoleId: null,
    };
    let text = '';
    const deadline = Date.now() + 5000;
    events.emit('session.changed', payload);
    while (!/event: session\.changed\ndata: [^\n]*\n\n/.test(text) && Date.now() < deadline) {
      const { value, done } = await reader.read();
      if (done) break;
      text += value;
    }
    controller.abort();
    expect(text).toContain('event: session.changed');
    expect(text).toContain(`data: ${encodeWire(payload)}`);
  });

  describe('calls over the WebSocket', () => {
    const socketUrl = () => `${host.origin.replace('http:', 'ws:')}${HOST_SOCKET_PATH}`;

    /** Opens the socket as a page would; resolves with it open, or with the status the upgrade was refused with. */
    function open(options: { protocols?: string[]; origin?: string | null; host?: string } = {}): Promise<WebSocket | number> {
      const protocols = options.protocols ?? [HOST_SOCKET_PROTOCOL, 'key.test-secret-123'];
      const headers: Record<string, string> = options.host ? { Host: options.host } : {};
      const ws = new WebSocket(socketUrl(), protocols, {
        ...(options.origin === null ? {} : { origin: options.origin ?? host.origin }),
        headers,
      });
      return new Promise((resolve, reject) => {
        ws.once('open', () => resolve(ws));
        ws.once('unexpected-response', (_req, res) => {
          resolve(res.statusCode ?? 0);
          ws.terminate();
        });
        ws.once('error', reject);
      });
    }

    function call(ws: WebSocket, id: number, text: string): Promise<unknown> {
      return new Promise((resolve) => {
        ws.once('message', (data: Buffer) => resolve(decodeWire(data.toString('utf8'))));
        ws.send(text);
      });
    }

    it('answers calls through the same dispatch, each by its id, answering with triage-host.v1 and never the key', async () => {
      const ws = await open();
      if (typeof ws === 'number') throw new Error(`refused: ${ws}`);
      expect(ws.protocol).toBe(HOST_SOCKET_PROTOCOL);
      const before = calls;
      expect(await call(ws, 7, encodeWire({ id: 7, channel: 'app.info', input: {} }))).toMatchObject({
        id: 7,
        result: { ok: true, value: { version: '1.2.3' } },
      });
      expect(calls).toBe(before + 1);
      ws.close();
    });

    it('refuses the upgrade without the secret, with a wrong one, from another origin or none, or for another Host, before any handler runs', async () => {
      const before = calls;
      const port = new URL(host.origin).port;
      expect(await open({ protocols: [HOST_SOCKET_PROTOCOL] })).toBe(401);
      expect(await open({ protocols: [HOST_SOCKET_PROTOCOL, 'key.test-secret-124'] })).toBe(401);
      expect(await open({ origin: 'http://127.0.0.1:1' })).toBe(403);
      expect(await open({ origin: null })).toBe(403);
      expect(await open({ host: `evil.example:${port}` })).toBe(421);
      expect(calls).toBe(before);
    });

    it('validates input exactly as Electron IPC does, and closes a socket that sends something other than a call', async () => {
      const ws = await open();
      if (typeof ws === 'number') throw new Error(`refused: ${ws}`);
      expect(await call(ws, 1, encodeWire({ id: 1, channel: 'no.such', input: {} }))).toMatchObject({
        id: 1,
        result: { ok: false, error: { code: 'UNKNOWN_CHANNEL' } },
      });
      expect(await call(ws, 2, encodeWire({ id: 2, channel: 'app.info', input: { x: 1 } }))).toMatchObject({
        id: 2,
        result: { ok: false, error: { code: 'INVALID_INPUT' } },
      });
      const closed = new Promise<number>((resolve) => ws.once('close', (code: number) => resolve(code)));
      ws.send('{not json');
      expect(await closed).toBe(1007);
    });
  });
});
