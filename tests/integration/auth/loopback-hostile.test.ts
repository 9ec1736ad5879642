/**
 * The loopback listener against other local processes: while a sign-in waits, anything on
 * the computer can connect to 127.0.0.1:<port> and send whatever bytes it likes. Each
 * request that is not the browser's callback must get a 400 or 404 and be ignored, without
 * an exception escaping (which would end the app through the crash handler), and the real
 * callback must still complete afterwards. Raw `net` sockets, so the bytes are exactly the
 * ones written here.
 */
import net from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { listenForCallback } from '../../../electron/auth/loopback';
import { writeFigures } from '../../unit/security/security-figures';

let badInputsTried = 0;
afterAll(() => {
  writeFigures('loopback-hostile', { badInputsTried });
});

/** Writes `bytes` to the port and reads until the server closes (or 2 s pass): the status code, or null for no answer. */
function rawRequest(port: number, bytes: string | Buffer): Promise<{ status: number | null; text: string }> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const done = () => {
      const text = Buffer.concat(chunks).toString('latin1');
      const match = /^HTTP\/1\.1 (\d{3})/.exec(text);
      resolve({ status: match ? Number(match[1]) : null, text });
    };
    socket.setTimeout(2000, () => socket.destroy());
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('close', done);
    socket.on('error', () => undefined);
    socket.write(bytes);
  });
}

describe('loopback listener against hostile local requests', () => {
  it('answers every request that is not the callback with 400 or 404, ignores it, and still completes the real callback', async () => {
    let strays = 0;
    const wait = await listenForCallback({ expectedState: 'the-state', onStrayCallback: () => strays++ });
    const port = Number(new URL(wait.redirectUri).port);
    const host = `127.0.0.1:${port}`;
    let settled = false;
    void wait.result.then(
      () => (settled = true),
      () => (settled = true),
    );
    const good = 'code=evil&state=the-state';

    const hostile: [string, string | Buffer, number][] = [
      // The review's finding: an absolute-form target whose URL does not parse.
      ['absolute-form, invalid port', 'GET http://a:b/ HTTP/1.1\r\nHost: a:b\r\n\r\n', 400],
      ['absolute-form, invalid port, right Host', `GET http://a:b/ HTTP/1.1\r\nHost: ${host}\r\n\r\n`, 400],
      ['absolute-form, our own origin with the right state', `GET http://${host}/callback?${good} HTTP/1.1\r\nHost: ${host}\r\n\r\n`, 400],
      ['asterisk-form', `OPTIONS * HTTP/1.1\r\nHost: ${host}\r\n\r\n`, 400],
      ['network-path target', `GET //evil.example/callback?${good} HTTP/1.1\r\nHost: ${host}\r\n\r\n`, 400],
      ['garbage request line', '\u0000\u0001\u0002 not http at all\r\n\r\n', 400],
      ['request line without version', 'GET /callback\r\n\r\n', 400],
      ['bare LF and a space in the target', `GET /call back HTTP/1.1\nHost: ${host}\n\n`, 400],
      ['invalid percent-encoding', `GET /callback?state=%E0%A4%A&code=%ZZ HTTP/1.1\r\nHost: ${host}\r\n\r\n`, 400],
      ['oversized header', `GET /callback?${good} HTTP/1.1\r\nHost: ${host}\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`, 400],
      ['no Host header (HTTP/1.0)', `GET /callback?${good} HTTP/1.0\r\n\r\n`, 400],
      ['another site by DNS rebinding', `GET /callback?${good} HTTP/1.1\r\nHost: evil.example:${port}\r\n\r\n`, 400],
      ['another port', `GET /callback?${good} HTTP/1.1\r\nHost: 127.0.0.1:${port === 65535 ? 1 : port + 1}\r\n\r\n`, 400],
      ['Host without a port', `GET /callback?${good} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`, 400],
      ['POST to the callback', `POST /callback?${good} HTTP/1.1\r\nHost: ${host}\r\nContent-Length: 0\r\n\r\n`, 400],
      ['wrong path', `GET /favicon.ico HTTP/1.1\r\nHost: ${host}\r\n\r\n`, 404],
      ['dot segments to the callback', `GET /x/../callback?${good} HTTP/1.1\r\nHost: ${host}\r\n\r\n`, 404],
      ['path with a trailing slash', `GET /callback/?${good} HTTP/1.1\r\nHost: ${host}\r\n\r\n`, 404],
      ['wrong state', `GET /callback?code=evil&state=other HTTP/1.1\r\nHost: ${host}\r\n\r\n`, 400],
      ['no state', `GET /callback?code=evil HTTP/1.1\r\nHost: ${host}\r\n\r\n`, 400],
      ['the state twice', `GET /callback?code=evil&state=other&state=the-state HTTP/1.1\r\nHost: ${host}\r\n\r\n`, 400],
      ['two codes', `GET /callback?code=evil&code=evil2&state=the-state HTTP/1.1\r\nHost: ${host}\r\n\r\n`, 400],
    ];
    for (const [label, bytes, status] of hostile) {
      const answer = await rawRequest(port, bytes);
      badInputsTried += 1;
      expect(answer.status, label).toBe(status);
      expect(settled, label).toBe(false);
    }
    // A CONNECT and a half-sent request that is then cut off get no page, but change nothing.
    await rawRequest(port, `CONNECT ${host} HTTP/1.1\r\nHost: ${host}\r\n\r\n`);
    const cut = net.connect(port, '127.0.0.1');
    cut.on('error', () => undefined);
    cut.write('GET /callback?sta');
    cut.destroy();
    badInputsTried += 2;
    // Told of the callbacks with a bad state (the four above and the badly encoded one), nothing else.
    expect(strays).toBe(5);
    expect(settled).toBe(false);

    // The browser's real callback (localhost is allowed as well as 127.0.0.1) still completes.
    const real = await rawRequest(
      port,
      `GET /callback?code=real&state=the-state HTTP/1.1\r\nHost: localhost:${port}\r\nConnection: close\r\n\r\n`,
    );
    expect(real.status).toBe(200);
    expect(real.text).toContain('Return to e-RS Triage to finish signing in');
    const url = await wait.result;
    expect(url.searchParams.get('code')).toBe('real');
    // And after it, the listener is gone.
    await expect(fetch(`${wait.redirectUri}?${good}`)).rejects.toThrow();
  });

  it('takes the callback through fetch as a browser sends it, Host 127.0.0.1:<port>', async () => {
    const wait = await listenForCallback({ expectedState: 's' });
    const malformed = await rawRequest(Number(new URL(wait.redirectUri).port), 'GET http://a:b/ HTTP/1.1\r\n\r\n');
    badInputsTried += 1;
    expect(malformed.status).toBe(400);
    const response = await fetch(`${wait.redirectUri}?code=c&state=s`);
    expect(response.status).toBe(200);
    expect((await wait.result).searchParams.get('code')).toBe('c');
  });
});
