/**
 * A proxy that asks for a sign-in, as the installed app's fetch (client-request-fetch.ts,
 * on Electron's net.request) meets it: the `login` event is answered with the credentials
 * configured for that proxy, once, or cancelled at once; either way a refusal becomes
 * ProxyAuthError's one sentence. Driven by a fake ClientRequest, since Electron does not
 * run here.
 */
import { describe, expect, it } from 'vitest';
import {
  createClientRequestFetch,
  type ProxyChallenge,
  type RequestLike,
  type RequestOptionsLike,
  type ResponseLike,
} from '../../../electron/platform/client-request-fetch';
import { PROXY_AUTH_MESSAGE, ProxyAuthError, proxyAuthFailure, proxyCredentialsFrom } from '../../../electron/platform/proxy-auth';
import { expectOneSentence } from '../../helpers/one-sentence';

type Answer = { username?: string; password?: string };

/** A ClientRequest that, once ended, plays `script`: challenges, then a response or an error. */
class FakeRequest implements RequestLike {
  headers: Record<string, string> = {};
  written: Uint8Array[] = [];
  answers: Answer[] = [];
  aborted = false;
  private response?: (response: ResponseLike) => void;
  private error?: (error: Error) => void;
  private login?: (challenge: ProxyChallenge, answer: (username?: string, password?: string) => void) => void;
  private redirect?: (statusCode: number, location: string, headers: Record<string, string[]>) => void;

  constructor(
    readonly options: RequestOptionsLike,
    private readonly script: (request: FakeRequest) => Promise<void>,
  ) {}
  setHeader(name: string, value: string): void {
    this.headers[name] = value;
  }
  onResponse(listener: (response: ResponseLike) => void): void {
    this.response = listener;
  }
  onError(listener: (error: Error) => void): void {
    this.error = listener;
  }
  onLogin(listener: (challenge: ProxyChallenge, answer: (username?: string, password?: string) => void) => void): void {
    this.login = listener;
  }
  onRedirect(listener: (statusCode: number, location: string, headers: Record<string, string[]>) => void): void {
    this.redirect = listener;
  }
  redirectTo(statusCode: number, location: string): void {
    this.redirect?.(statusCode, location, { 'x-correlation-id': ['corr-1'] });
  }
  write(chunk: Uint8Array): void {
    this.written.push(chunk);
  }
  end(): void {
    void Promise.resolve().then(() => this.script(this));
  }
  abort(): void {
    this.aborted = true;
  }
  challenge(challenge: ProxyChallenge): Answer {
    let given: Answer = {};
    this.login?.(challenge, (username, password) => {
      given = { ...(username === undefined ? {} : { username }), ...(password === undefined ? {} : { password }) };
    });
    this.answers.push(given);
    return given;
  }
  respond(statusCode: number, body = '', headers: Record<string, string | string[]> = {}): void {
    const bytes = new TextEncoder().encode(body);
    this.response?.({
      statusCode,
      statusMessage: '',
      headers,
      async *[Symbol.asyncIterator]() {
        yield bytes;
      },
    });
  }
  fail(message: string): void {
    this.error?.(new Error(message));
  }
}

const PROXY: ProxyChallenge = { isProxy: true, scheme: 'basic', host: 'proxy.trust.nhs.uk', port: 8080 };
const CREDENTIALS = [{ host: 'proxy.trust.nhs.uk', port: 8080, username: 'trust.user', password: 's3cret' }];

function fetchWith(script: (request: FakeRequest) => Promise<void>, credentials = CREDENTIALS) {
  const made: FakeRequest[] = [];
  const fetch = createClientRequestFetch((options) => {
    const request = new FakeRequest(options, script);
    made.push(request);
    return request;
  }, credentials);
  return { fetch, made };
}

async function failureOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => null,
    (error: unknown) => error,
  );
}

describe("the installed app's fetch and a proxy that asks for a sign-in", () => {
  it('answers the proxy with the credentials configured for it, and carries the request and its answer', async () => {
    const { fetch, made } = fetchWith(async (r) => {
      expect(r.challenge(PROXY)).toEqual({ username: 'trust.user', password: 's3cret' });
      r.respond(200, '{"ok":true}', { 'content-type': 'application/json' });
    });
    const response = await fetch('https://api.service.nhs.uk/referrals/FHIR/R4/x', {
      method: 'POST',
      headers: { 'X-Request-ID': 'abc' },
      body: '{"a":1}',
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true });
    const [request] = made;
    expect(request?.options).toMatchObject({ method: 'POST', url: 'https://api.service.nhs.uk/referrals/FHIR/R4/x', redirect: 'follow' });
    expect(request?.headers['x-request-id']).toBe('abc');
    expect(new TextDecoder().decode(request?.written[0])).toBe('{"a":1}');
  });

  it('answers once: when the proxy refuses the credentials and asks again, it cancels and says so in one sentence', async () => {
    const { fetch, made } = fetchWith(async (r) => {
      r.challenge(PROXY);
      r.challenge(PROXY);
      r.fail('net::ERR_TUNNEL_CONNECTION_FAILED');
    });
    const error = await failureOf(fetch('https://api.service.nhs.uk/x', {}));
    expect(error).toBeInstanceOf(ProxyAuthError);
    expect(made[0]?.answers).toEqual([{ username: 'trust.user', password: 's3cret' }, {}]);
    expect((error as Error).message).toBe(PROXY_AUTH_MESSAGE);
    expect((error as Error).message).not.toContain('s3cret');
    expectOneSentence(PROXY_AUTH_MESSAGE);
  });

  it('with no credentials for that proxy, cancels at once (no hang) and gives the sentence', async () => {
    const other = { ...PROXY, host: 'another-proxy.example' };
    const { fetch, made } = fetchWith(async (r) => {
      r.challenge(other);
      r.fail('net::ERR_TUNNEL_CONNECTION_FAILED');
    });
    expect(await failureOf(fetch('https://api.service.nhs.uk/x', {}))).toBeInstanceOf(ProxyAuthError);
    // Credentials for proxy.trust.nhs.uk:8080 are never offered to another proxy.
    expect(made[0]?.answers).toEqual([{}]);
  });

  it('turns a 407 handed back as an answer, and Chromium’s own proxy-auth errors, into the sentence', async () => {
    const answered407 = fetchWith(async (r) => {
      r.challenge(PROXY);
      r.challenge(PROXY);
      r.respond(407, 'proxy sign-in required');
    });
    expect(await failureOf(answered407.fetch('http://int.api.service.nhs.uk/x', {}))).toBeInstanceOf(ProxyAuthError);
    const unsupported = fetchWith(async (r) => r.fail('net::ERR_PROXY_AUTH_UNSUPPORTED'));
    expect(await failureOf(unsupported.fetch('https://api.service.nhs.uk/x', {}))).toBeInstanceOf(ProxyAuthError);
  });

  it('leaves other failures and a server’s own 401 as they are: only a proxy’s refusal gets the sentence', async () => {
    const server = fetchWith(async (r) => {
      // A server (not the proxy) asking: cancelled, and its 401 goes back to the caller.
      expect(r.challenge({ ...PROXY, isProxy: false, host: 'api.service.nhs.uk', port: 443 })).toEqual({});
      r.respond(401, '');
    });
    expect((await server.fetch('https://api.service.nhs.uk/x', {})).status).toBe(401);
    const refused = fetchWith(async (r) => r.fail('net::ERR_CONNECTION_REFUSED'));
    const error = await failureOf(refused.fetch('https://api.service.nhs.uk/x', {}));
    expect(error).not.toBeInstanceOf(ProxyAuthError);
    expect((error as Error).message).toBe('net::ERR_CONNECTION_REFUSED');
  });

  it("hands a redirect back to the caller with its Location when asked for redirect: 'manual', as fetch does", async () => {
    const { fetch, made } = fetchWith(async (r) => r.redirectTo(302, 'https://files.example.nhs.uk/doc.pdf?sig=1'));
    const response = await fetch('https://api.service.nhs.uk/referrals/FHIR/R4/Binary/att-1', { redirect: 'manual' });
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('https://files.example.nhs.uk/doc.pdf?sig=1');
    expect(response.headers.get('x-correlation-id')).toBe('corr-1');
    // The request stops there: the caller follows the redirect itself.
    expect(made[0]?.aborted).toBe(true);
    expect(made[0]?.options.redirect).toBe('manual');
    // Followed redirects are the network stack's business: nothing is handed back early.
    const follow = fetchWith(async (r) => {
      r.redirectTo(302, 'https://files.example.nhs.uk/doc.pdf');
      r.respond(200, 'pdf');
    });
    expect((await follow.fetch('https://api.service.nhs.uk/x', {})).status).toBe(200);
  });

  it('aborts the request when the caller’s signal does', async () => {
    const controller = new AbortController();
    const { fetch, made } = fetchWith(async () => controller.abort(new DOMException('timed out', 'TimeoutError')));
    const error = await failureOf(fetch('https://api.service.nhs.uk/x', { signal: controller.signal }));
    expect((error as DOMException).name).toBe('TimeoutError');
    expect(made[0]?.aborted).toBe(true);
  });
});

describe('proxy credentials and refusals', () => {
  it('reads Basic credentials from the proxy address, percent-decoded, and only where both parts are given', () => {
    expect(
      proxyCredentialsFrom({ HTTPS_PROXY: 'http://trust.user:p%40ss%3Aw%2Frd@proxy.trust.nhs.uk:8080', HTTP_PROXY: 'http://proxy2:3128' }),
    ).toEqual([{ host: 'proxy.trust.nhs.uk', port: 8080, username: 'trust.user', password: 'p@ss:w/rd' }]);
    expect(proxyCredentialsFrom({ https_proxy: 'http://only-user@proxy:8080' })).toEqual([]);
    expect(proxyCredentialsFrom({ HTTPS_PROXY: 'not a url' })).toEqual([]);
    expect(proxyCredentialsFrom({})).toEqual([]);
  });

  it("finds undici's refusals however deep a library wrapped them (openid-client wraps fetch's errors)", () => {
    const undiciHttp = new TypeError('fetch failed', { cause: new Error('Proxy Authentication Required (407)') });
    const undiciTunnel = new TypeError('fetch failed', { cause: new Error('Proxy response (407) !== 200 when HTTP Tunneling') });
    const wrapped = new Error('something went wrong', { cause: new ProxyAuthError() });
    for (const error of [undiciHttp, undiciTunnel, wrapped]) expect(proxyAuthFailure(error)).toBeInstanceOf(ProxyAuthError);
    expect(proxyAuthFailure(new TypeError('fetch failed', { cause: Object.assign(new Error('x'), { code: 'ECONNREFUSED' }) }))).toBeNull();
  });
});
