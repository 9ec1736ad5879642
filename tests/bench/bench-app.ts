/**
 * The whole app for the bench, as the browser host serves it (like tests/helpers/app-host),
 * on a local environment started here on the seed's large mode (10,000 referrals) and handed
 * to the app. Background prefetch is switched off through the machine configuration, so
 * the screen figures are not measuring the emulator drawing documents in this same process;
 * the prefetch figures are measured on their own (prefetch.ts).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createApp } from '../../electron/app';
import { loadConfig } from '../../electron/config';
import { startHost } from '../../electron/host/server';
import { startLocalEnvironment, type LocalEnvironment } from '../../local-env/src/index';
import { silentLogger } from '../../electron/log/logger';
import { TestKeyProvider } from '../../electron/offline/key-provider';
import { createNodePlatform } from '../../electron/platform/node-platform';
import type { RunningAppHost } from '../helpers/app-host';

export interface BenchApp extends RunningAppHost {
  local: LocalEnvironment;
  /** The local environment's data folder, which another process may open too. */
  localDataDir: string;
}

export async function startLargeAppHost(staticDir: string): Promise<BenchApp> {
  const userDataDir = mkdtempSync(path.join(os.tmpdir(), 'ers-bench-user-'));
  const localDataDir = path.join(userDataDir, 'local-environment');
  let local: LocalEnvironment | null = null;
  try {
    local = await startLocalEnvironment({ dataDir: localDataDir, log: silentLogger, emulator: { seed: { large: true } } });
    const configFile = path.join(userDataDir, 'machine-config.json');
    writeFileSync(configFile, JSON.stringify({ cache: { prefetch: 'none' } }));
    const opened: string[] = [];
    const config = loadConfig({ ERS_TRIAGE_CONFIG: configFile, ERS_ENVIRONMENT: 'local' });
    const app = await createApp({
      config,
      platform: createNodePlatform({
        userDataDir,
        appVersion: '0.0.0-bench',
        keyProvider: new TestKeyProvider(),
        openExternal: async (url) => {
          opened.push(url);
        },
      }),
      log: silentLogger,
      options: { externalFilesDir: path.join(userDataDir, 'external-files') },
      local: { shared: local },
    });
    const host = await startHost({ app, events: app.events, staticDir, log: silentLogger });
    const started = local;
    return {
      app,
      host,
      config,
      userDataDir,
      opened,
      local: started,
      localDataDir,
      async close() {
        await host.close();
        await app.dispose();
        await started.close();
        rmSync(userDataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await local?.close();
    rmSync(userDataDir, { recursive: true, force: true });
    throw error;
  }
}
