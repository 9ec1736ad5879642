/**
 * A trust's proxy that wants a sign-in (HTTP 407) the app could not give. Both platform
 * fetches turn that refusal into one error with one sentence for the user, instead of the
 * generic "could not reach" that a network failure gets: retrying will not help, IT must.
 *
 * Credentials are never put in a message or a log line: the error names neither the proxy's
 * address (which may carry them, as in http://user:pass@host:port) nor the user.
 */
import { AppError } from '../app-error';
import type { FetchLike } from './platform';

export const PROXY_AUTH_MESSAGE =
  "The trust's proxy asked for a sign-in the app could not give, so NHS services could not be reached; ask your IT service desk to check the proxy settings for e-RS Triage.";

export class ProxyAuthError extends AppError {
  constructor(cause?: unknown) {
    super('PROXY_AUTH', PROXY_AUTH_MESSAGE, cause === undefined ? {} : { cause });
    this.name = 'ProxyAuthError';
  }
}

/**
 * How each client reports a 407 it could not answer:
 * - undici (the browser host): "Proxy Authentication Required (407)" for a proxied http
 *   request, "Proxy response (407) !== 200 when HTTP Tunneling" for an https CONNECT;
 * - Chromium (Electron's net.fetch): net::ERR_PROXY_AUTH_UNSUPPORTED, or
 *   net::ERR_PROXY_AUTH_REQUESTED(_WITH_NO_CONNECTION) when the sign-in was cancelled.
 */
const REFUSALS = [/Proxy Authentication Required \(407\)/, /Proxy response \(407\)/, /net::ERR_PROXY_AUTH_/];

function field(value: unknown, name: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[name] : undefined;
}

/** The ProxyAuthError in an error's cause chain (however a library wrapped it), or a refusal a client reported; else null. */
export function proxyAuthFailure(error: unknown): ProxyAuthError | null {
  let current: unknown = error;
  for (let depth = 0; depth < 6 && current !== undefined && current !== null; depth += 1) {
    if (current instanceof ProxyAuthError) return current;
    const message = field(current, 'message');
    if (typeof message === 'string' && REFUSALS.some((pattern) => pattern.test(message))) return new ProxyAuthError(error);
    current = field(current, 'cause');
  }
  return null;
}

/**
 * The platform's fetch, with a proxy's refusal turned into ProxyAuthError: a thrown refusal,
 * or a 407 answer handed back as a response (Chromium does that for a plain-http request
 * whose proxy sign-in was cancelled).
 */
export function withProxyAuthErrors(inner: FetchLike): FetchLike {
  return async (input, init) => {
    let response: Response;
    try {
      response = await inner(input, init);
    } catch (error) {
      throw proxyAuthFailure(error) ?? error;
    }
    if (response.status === 407) {
      await response.body?.cancel().catch(() => undefined);
      throw new ProxyAuthError();
    }
    return response;
  };
}

/** Basic credentials for one proxy, by its host and port. */
export interface ProxyCredentials {
  host: string;
  port: number;
  username: string;
  password: string;
}

/**
 * The credentials the environment gives for its proxies, as curl takes them:
 * HTTPS_PROXY / HTTP_PROXY=http://user:pass@host:port (percent-encoded). The installed app
 * takes its proxy from Windows, not from these variables; it uses them only to answer a
 * Basic challenge from that same host and port. None when no address carries both.
 */
export function proxyCredentialsFrom(env: NodeJS.ProcessEnv): ProxyCredentials[] {
  const found: ProxyCredentials[] = [];
  for (const name of ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy']) {
    const value = env[name];
    if (!value) continue;
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      continue;
    }
    if (!url.username || !url.password) continue;
    const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
    let username: string;
    let password: string;
    try {
      username = decodeURIComponent(url.username);
      password = decodeURIComponent(url.password);
    } catch {
      continue;
    }
    if (!found.some((c) => c.host === url.hostname && c.port === port)) found.push({ host: url.hostname, port, username, password });
  }
  return found;
}
