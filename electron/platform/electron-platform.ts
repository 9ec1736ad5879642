/**
 * The one small adapter that gives the rest of electron/ what it needs from Electron.
 * Only this file, main.ts and preload.ts import 'electron' (a lint rule enforces it).
 */
import { app, net, safeStorage, session, shell } from 'electron';
import type { KeyProvider } from '../offline/key-provider';
import { localUserDataDir } from '../user-data-location';
import { createClientRequestFetch, type RequestLike, type ResponseLike } from './client-request-fetch';
import type { FetchLike, Platform } from './platform';
import { proxyCredentialsFrom, type ProxyCredentials } from './proxy-auth';
import { ordinaryReaders } from './private-file';

/**
 * Data keys wrapped by the operating system for the signed-in desktop account: DPAPI on
 * Windows, the keychain on macOS, libsecret/kwallet on Linux. Another account on a shared
 * workstation cannot unwrap them, even with the files in hand.
 */
export const safeStorageKeyProvider: KeyProvider = {
  // On Linux, 'basic_text' means no keyring: the "encryption" would protect nothing.
  available: () =>
    safeStorage.isEncryptionAvailable() && (process.platform !== 'linux' || safeStorage.getSelectedStorageBackend() !== 'basic_text'),
  async wrap(key) {
    return safeStorage.encryptString(Buffer.from(key).toString('base64'));
  },
  async unwrap(blob) {
    return Buffer.from(safeStorage.decryptString(Buffer.from(blob)), 'base64');
  },
};

export function isSafeExternalUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    if (parsed.protocol === 'https:') return true;
    return (
      parsed.protocol === 'http:' && (parsed.hostname === '127.0.0.1' || parsed.hostname === 'localhost' || parsed.hostname === '[::1]')
    );
  } catch {
    return false;
  }
}

/**
 * Before `ready`: per-user data (cache, logs, audit, drafts, outbox, session, Chromium's own)
 * goes to the non-roaming profile, %LOCALAPPDATA%\e-RS Triage, on Windows. Returns where
 * Electron would have put it (the roaming profile) and where it goes now, so main.ts can move
 * what an earlier version left there; null where nothing changes.
 */
export function placeUserDataLocally(): { roaming: string; local: string } | null {
  const roaming = app.getPath('userData');
  const local = localUserDataDir(process.platform, process.env, app.getPath('home'), app.getName());
  if (!local || local === roaming) return null;
  app.setPath('userData', local);
  app.setPath('sessionData', local);
  return { roaming, local };
}

/** The partition of the app's own outbound calls; in memory, so it keeps nothing on disk. */
export const NETWORK_PARTITION = 'ers-triage-network';

/**
 * Chromium's network stack, as a browser on the trust desktop has it: the system proxy
 * settings, PAC and WPAD, proxy authentication (NTLM and Negotiate with the signed-in
 * account), and the operating system's certificate store, so a trust's TLS-inspecting
 * proxy with its own root works as it does for Edge. Its own session: in memory, no HTTP
 * cache (e-RS answers hold clinical data, which is kept only in the encrypted store), no
 * cookies shared with the window. Created after `ready`, as sessions must be.
 *
 * Through `net.request` (client-request-fetch.ts), so a proxy's Basic challenge is answered
 * with `proxyCredentials` for that proxy, or cancelled at once: never a hang, and the user
 * gets ProxyAuthError's sentence.
 */
export function createElectronFetch(proxyCredentials: readonly ProxyCredentials[] = []): FetchLike {
  const network = session.fromPartition(NETWORK_PARTITION, { cache: false });
  return createClientRequestFetch((options): RequestLike => {
    const request = net.request({
      ...options,
      session: network,
      credentials: 'omit',
      cache: 'no-store',
      bypassCustomProtocolHandlers: true,
    });
    return {
      setHeader: (name, value) => request.setHeader(name, value),
      // IncomingMessage is a Node Readable (async iterable) at run time; electron.d.ts types it as an EventEmitter only.
      onResponse: (listener) => request.on('response', (response) => listener(response as unknown as ResponseLike)),
      onError: (listener) => request.on('error', listener),
      onLogin: (listener) => request.on('login', (authInfo, callback) => listener(authInfo, callback)),
      onRedirect: (listener) => request.on('redirect', (statusCode, _method, location, headers) => listener(statusCode, location, headers)),
      write: (chunk) => request.write(Buffer.from(chunk)),
      end: () => request.end(),
      abort: () => request.abort(),
    };
  }, proxyCredentials);
}

export function createElectronPlatform(): Platform {
  return {
    kind: 'electron',
    appVersion: app.getVersion(),
    userDataDir: app.getPath('userData'),
    // Credentials only for a proxy that asks for Basic sign-in: from the proxy's address in
    // HTTPS_PROXY / HTTP_PROXY, where IT sets one for the account (README, "Proxies").
    fetch: createElectronFetch(proxyCredentialsFrom(process.env)),
    keyProvider: safeStorageKeyProvider,
    openPath: (filePath) => shell.openPath(filePath),
    ordinaryReaders: (filePath) => ordinaryReaders(filePath),
    async openExternal(url: string) {
      if (!isSafeExternalUrl(url)) throw new Error('Refused to open a non-https address in the system browser.');
      // electronegativity-ok: OPEN_EXTERNAL_JS_CHECK — the line above refuses anything but https, or http on loopback for the CIS2 sign-in redirect
      await shell.openExternal(url);
    },
  };
}
