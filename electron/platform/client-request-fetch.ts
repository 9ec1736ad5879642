/**
 * The installed app's fetch, on Electron's `net.request` rather than `net.fetch`, for two
 * reasons. First, a proxy that asks for a sign-in. Chromium answers NTLM and Negotiate challenges
 * with the signed-in Windows account by itself; a Basic (or Digest) challenge is raised to
 * the app as the request's `login` event. `net.fetch` gives no way to answer it, and the
 * app's `login` event is not emitted for the main process's requests (electron/electron
 * issue 44249), so each request here answers it: with the credentials configured for that
 * proxy, once, and otherwise by cancelling, so the request fails at once with
 * ProxyAuthError's sentence instead of waiting.
 *
 * Second, `redirect: 'manual'`, which the e-RS client relies on to follow A042's redirect
 * to the file store itself (and the connectivity probe uses): fetch hands the 3xx answer
 * back with its Location. Electron's ClientRequest in manual mode fails the request unless
 * a 'redirect' listener follows it, so net.fetch fails with "Redirect was cancelled"
 * (electron/electron issue 43715); here the listener hands the 3xx back.
 *
 * It does not import `electron`: electron-platform.ts hands it `net.request` through
 * RequestLike, and the unit tests hand it a fake.
 */
import { ProxyAuthError, type ProxyCredentials, withProxyAuthErrors } from './proxy-auth';
import type { FetchLike } from './platform';

export interface ProxyChallenge {
  isProxy: boolean;
  scheme: string;
  host: string;
  port: number;
}

/** What the fetch needs of Electron's ClientRequest and its IncomingMessage. */
export interface RequestLike {
  setHeader(name: string, value: string): void;
  onResponse(listener: (response: ResponseLike) => void): void;
  onError(listener: (error: Error) => void): void;
  onLogin(listener: (challenge: ProxyChallenge, answer: (username?: string, password?: string) => void) => void): void;
  /** A redirect the request would follow: its status, the new address and the answer's headers. */
  onRedirect(listener: (statusCode: number, location: string, headers: Record<string, string[]>) => void): void;
  write(chunk: Uint8Array): void;
  end(): void;
  abort(): void;
}

export interface ResponseLike extends AsyncIterable<Uint8Array> {
  statusCode: number;
  statusMessage: string;
  headers: Record<string, string | string[]>;
}

export interface RequestOptionsLike {
  method: string;
  url: string;
  redirect: 'follow' | 'error' | 'manual';
}

const NULL_BODY_STATUSES: ReadonlySet<number> = new Set([101, 204, 205, 304]);

/** The answer's body as a web stream, read as the caller reads it; cancelling it stops the source. */
function streamOf(source: AsyncIterable<Uint8Array>): ReadableStream<Uint8Array> {
  const iterator = source[Symbol.asyncIterator]();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await iterator.next();
      if (next.done) controller.close();
      else controller.enqueue(next.value);
    },
    async cancel(reason) {
      await iterator.return?.(reason);
    },
  });
}

/** The credentials for the proxy that asked, if any are configured for its host and port. */
export function credentialsFor(challenge: ProxyChallenge, configured: readonly ProxyCredentials[]): ProxyCredentials | null {
  if (!challenge.isProxy) return null;
  return configured.find((c) => c.host.toLowerCase() === challenge.host.toLowerCase() && c.port === challenge.port) ?? null;
}

export function createClientRequestFetch(
  request: (options: RequestOptionsLike) => RequestLike,
  proxyCredentials: readonly ProxyCredentials[] = [],
): FetchLike {
  const fetch: FetchLike = async (input, init) => {
    const req = new Request(input, init);
    const signal = req.signal;
    signal.throwIfAborted();
    // Requests the app sends are small (JSON, forms, one upload): read once, then written.
    const body = req.body === null ? null : new Uint8Array(await req.arrayBuffer());
    return new Promise<Response>((resolve, reject) => {
      const r = request({ method: req.method, url: req.url, redirect: req.redirect });
      let answeredProxy = false;
      let proxyRefused = false;
      let settled = false;
      const fail = (error: unknown): void => {
        if (settled) return;
        settled = true;
        reject(error);
      };
      signal.addEventListener(
        'abort',
        () => {
          fail(signal.reason);
          r.abort();
        },
        { once: true },
      );
      for (const [name, value] of req.headers) r.setHeader(name, value);
      r.onLogin((challenge, answer) => {
        const credentials = answeredProxy ? null : credentialsFor(challenge, proxyCredentials);
        if (credentials) {
          answeredProxy = true;
          answer(credentials.username, credentials.password);
          return;
        }
        // No credentials for this proxy, or the ones given were refused: cancel, never wait.
        if (challenge.isProxy) proxyRefused = true;
        answer();
      });
      r.onError((error) => fail(proxyRefused ? new ProxyAuthError(error) : error));
      r.onRedirect((statusCode, location, redirectHeaders) => {
        // 'follow' goes on by itself and 'error' fails by itself; 'manual' hands the 3xx back.
        if (req.redirect !== 'manual' || settled) return;
        settled = true;
        const headers = new Headers();
        for (const [name, values] of Object.entries(redirectHeaders)) headers.set(name, values.join(', '));
        headers.set('location', location);
        resolve(new Response(null, { status: statusCode, headers }));
        r.abort();
      });
      r.onResponse((response) => {
        if (settled) return;
        settled = true;
        const headers = new Headers();
        for (const [name, value] of Object.entries(response.headers)) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
        const empty = NULL_BODY_STATUSES.has(response.statusCode) || req.method === 'HEAD';
        resolve(
          new Response(empty ? null : streamOf(response), {
            status: response.statusCode,
            statusText: response.statusMessage,
            headers,
          }),
        );
      });
      if (body !== null && body.byteLength > 0) r.write(body);
      r.end();
    });
  };
  // A 407 handed back as an answer, or Chromium's own net::ERR_PROXY_AUTH_…, says the same.
  return withProxyAuthErrors(fetch);
}
