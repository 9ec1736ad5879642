import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { KeyProvider } from '../offline/key-provider';
import { createDevelopmentKeyProvider } from './development-key-provider';
import { createNodeFetch } from './node-fetch';
import type { FetchLike, Platform } from './platform';
import { ordinaryReaders } from './private-file';

export function packageVersion(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const pkg = JSON.parse(readFileSync(path.join(here, '..', '..', 'package.json'), 'utf8')) as { version: string };
  return pkg.version;
}

/**
 * The platform for the browser host and for tests: plain Node. Opening the system browser
 * is injected, so a test can capture the URL and open it in a page of its own.
 */
export function createNodePlatform(
  options: {
    userDataDir?: string;
    openExternal?: (url: string) => Promise<void>;
    appVersion?: string;
    keyProvider?: KeyProvider;
    openPath?: (filePath: string) => Promise<string>;
    /** Where HTTPS_PROXY, HTTP_PROXY and NO_PROXY are read from (default: this process's environment). */
    env?: NodeJS.ProcessEnv;
    /** Tests that fake the network. */
    fetch?: FetchLike;
    /** Tests that play another operating system's file permissions. */
    ordinaryReaders?: (filePath: string) => Promise<string[]>;
  } = {},
): Platform {
  const userDataDir = options.userDataDir ?? path.join(os.homedir(), '.ers-triage', 'browser-host');
  let keyProvider = options.keyProvider;
  return {
    kind: 'browser-host',
    appVersion: options.appVersion ?? packageVersion(),
    userDataDir,
    fetch: options.fetch ?? createNodeFetch(options.env ?? process.env),
    // A browser cannot hand a file to a desktop application: say where it was written.
    openPath:
      options.openPath ??
      (async (filePath: string) => {
        process.stdout.write(`The attachment was saved for opening with another application:\n  ${filePath}\n`);
        return '';
      }),
    // Created on first use, so a host that never caches writes no key file.
    get keyProvider(): KeyProvider {
      keyProvider ??= createDevelopmentKeyProvider(path.join(userDataDir, 'keys'));
      return keyProvider;
    },
    ordinaryReaders: options.ordinaryReaders ?? ((filePath) => ordinaryReaders(filePath)),
    openExternal:
      options.openExternal ??
      (async (url: string) => {
        process.stdout.write(`Open this address in your browser to continue signing in:\n  ${url}\n`);
      }),
  };
}
