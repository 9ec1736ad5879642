/**
 * The fetch of the browser host and the tests: Node's HTTP client (undici) through a proxy
 * when the environment names one, as curl and most command-line tools do: HTTPS_PROXY for
 * https, HTTP_PROXY for http, NO_PROXY for the hosts to reach directly (lower-case names
 * too). Node's own fetch ignores these variables unless the process was started with
 * NODE_USE_ENV_PROXY, which a library cannot rely on, so the dispatcher is set here.
 * A proxy that needs Basic authentication takes it from the proxy's address, as curl does:
 * HTTPS_PROXY=http://user:pass@proxy:8080 (percent-encode reserved characters); undici sends
 * it as Proxy-Authorization. A proxy that still answers 407 becomes ProxyAuthError's one
 * sentence (proxy-auth.ts). The address is never logged: it may hold the password.
 * The installed app does not use this: it has Electron's network stack (electron-platform.ts).
 */
import { EnvHttpProxyAgent, fetch as undiciFetch, type RequestInit as UndiciRequestInit } from 'undici';
import type { FetchLike } from './platform';
import { withProxyAuthErrors } from './proxy-auth';

/** The proxy settings read from an environment; `null` where it names none. */
export function proxySettingsFrom(env: NodeJS.ProcessEnv): { httpProxy?: string; httpsProxy?: string; noProxy?: string } | null {
  const pick = (name: string): string | undefined => env[name] ?? env[name.toLowerCase()];
  const httpProxy = pick('HTTP_PROXY');
  const httpsProxy = pick('HTTPS_PROXY') ?? httpProxy;
  const noProxy = pick('NO_PROXY');
  if (!httpProxy && !httpsProxy) return null;
  return {
    ...(httpProxy ? { httpProxy } : {}),
    ...(httpsProxy ? { httpsProxy } : {}),
    // Passed even when empty, so an explicit empty NO_PROXY means "proxy everything".
    ...(noProxy !== undefined ? { noProxy } : {}),
  };
}

export function createNodeFetch(env: NodeJS.ProcessEnv = process.env): FetchLike {
  const settings = proxySettingsFrom(env);
  // http goes to the proxy as absolute-form requests (as curl and Chromium send it), https
  // through a CONNECT tunnel; undici would otherwise tunnel http too.
  const dispatcher = settings
    ? new EnvHttpProxyAgent({ ...settings, ...(settings.noProxy === undefined ? { noProxy: '' } : {}), proxyTunnel: false })
    : undefined;
  // undici's fetch with undici's own dispatcher: one version of the client end to end.
  return withProxyAuthErrors(
    (input, init) =>
      undiciFetch(input, { ...(init as UndiciRequestInit), ...(dispatcher ? { dispatcher } : {}) }) as unknown as Promise<Response>,
  );
}
