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
import type { LocalEnvironment } from '../../electron/local/index';
import { silentLogger } from '../../electron/log/logger';
import { createNodePlatform } from '../../electron/platform/node-platform';
import { rendererDist } from './repo';

export interface RunningAppHost {
  app: TriageApp;
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
  const app = await createApp({
    config,
    platform: createNodePlatform({
      userDataDir,
      appVersion: options.appVersion,
      openExternal: async (url) => {
        opened.push(url);
      },
    }),
    log: silentLogger,
    ...(options.localEnvironment ? { localEnvironment: options.localEnvironment } : {}),
  });
  const host = await startHost({ app, events: app.events, staticDir: rendererDist, log: silentLogger });
  return {
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
