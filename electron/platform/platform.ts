/**
 * What the app needs from the desktop it runs on. Electron provides it in
 * electron-platform.ts (the one adapter that imports `electron`); the browser host and the
 * tests provide plain-Node versions. Nothing else in electron/ touches the desktop.
 */
import type { KeyProvider } from '../offline/key-provider';

/**
 * The Fetch API as the app uses it. Every outbound HTTP call (e-RS, the object store its
 * files come from, CIS2, APIM) goes through the one the platform gives, so the trust's
 * proxy, PAC script and certificate store apply to all of them.
 */
export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

export interface Platform {
  readonly kind: 'electron' | 'browser-host';
  /** The app's version as packaged. */
  readonly appVersion: string;
  /** A per-user directory for the app's private data (cache, outbox, audit log). */
  readonly userDataDir: string;
  /**
   * The one fetch for every outbound call: Electron's network stack in the app (system
   * proxy, PAC/WPAD, proxy authentication, the operating system's certificate store); Node's
   * HTTP client honouring HTTPS_PROXY, HTTP_PROXY and NO_PROXY in the browser host and tests.
   */
  readonly fetch: FetchLike;
  /** Open a URL in the system browser (sign-in). Only https, or http on loopback. */
  openExternal(url: string): Promise<void>;
  /**
   * Opens a file with the desktop's application for its type (never runs it as a program);
   * resolves to an error text, or '' on success, as Electron's shell.openPath does.
   */
  openPath(filePath: string): Promise<string>;
  /** Wraps the offline store's data keys for this desktop account. */
  readonly keyProvider: KeyProvider;
  /**
   * Which groups of ordinary users can read a secret file (the APIM signing key): [] when
   * none. On Windows from its ACL (icacls), elsewhere from its mode (private-file.ts).
   * Throws when it cannot tell.
   */
  ordinaryReaders(filePath: string): Promise<string[]>;
}
