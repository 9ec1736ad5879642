/**
 * The whole app as the browser host serves it: the composition root, the host transport
 * and the built renderer (dist/renderer, built by `npm test` before the e2e project runs).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createApp, type TriageApp } from '../../electron/app';
import { loadConfig, type AppConfig } from '../../electron/config';
import { startHost, type HostServer } from '../../electron/host/server';
import { startLocalEnvironment, type LocalEnvironment } from '../../local-env/src/index';
import { silentLogger } from '../../electron/log/logger';
import { createNodePlatform } from '../../electron/platform/node-platform';
import { rendererDist } from './repo';

export interface RunningAppHost {
  app: TriageApp;
  /** The running local environment (e-RS emulator, mock CIS2 and APIM), when the environment is `local`. */
  local: LocalEnvironment | null;
  host: HostServer;
  config: AppConfig;
  userDataDir: string;
  /** URLs the app asked the "system browser" to open. */
  opened: string[];
  close(): Promise<void>;
}

export async function startAppHost(
  options: { env?: NodeJS.ProcessEnv; appVersion?: string; userDataDir?: string; localEnvironment?: LocalEnvironment } = {},
): Promise<RunningAppHost> {
  if (!existsSync(path.join(rendererDist, 'index.html'))) {
    throw new Error('dist/renderer is missing: run `npm run build:renderer` (npm test does it before the e2e tests).');
  }
  const userDataDir = options.userDataDir ?? mkdtempSync(path.join(os.tmpdir(), 'ers-host-user-'));
  const opened: string[] = [];
  const config = loadConfig({ ERS_TRIAGE_CONFIG: path.join(userDataDir, 'no-machine-config.json'), ...options.env });
  // The local environment in use: the caller's, or the one the app starts (tests reach the emulator through it).
  let local: LocalEnvironment | null = options.localEnvironment ?? null;
  const app = await createApp({
    config,
    platform: createNodePlatform({
      userDataDir,
      appVersion: options.appVersion,
      // HTTPS_PROXY, HTTP_PROXY and NO_PROXY from the test only (the machine's own would send loopback calls astray).
      env: options.env ?? {},
      openExternal: async (url) => {
        opened.push(url);
      },
    }),
    log: silentLogger,
    // Files for "another application" in this app's own folder, never the shared temp folder.
    options: { externalFilesDir: path.join(userDataDir, 'external-files') },
    local: options.localEnvironment
      ? { shared: options.localEnvironment }
      : { start: async (o) => (local = await startLocalEnvironment(o)) },
  });
  const host = await startHost({ app, events: app.events, staticDir: rendererDist, log: silentLogger });
  return {
    local,
    app,
    host,
    config,
    userDataDir,
    opened,
    async close() {
      await host.close();
      await app.dispose();
      if (!options.userDataDir) rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}
