/**
 * `npm run start:browser`: the app in any browser, for machines without the Electron
 * runtime. Serves dist/renderer (built by the npm script first) on 127.0.0.1. Development
 * tooling: it starts the local environment from local-env/ when the environment is `local`.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AppError } from '../app-error';
import { loadConfig } from '../config';
import { stderrLogger } from '../log/logger';
import { createNodePlatform } from '../platform/node-platform';
import { startLocalEnvironment, type LocalEnvironment } from '../../local-env/src/index';
import { startApp } from '../start-app';
import { startHost } from './server';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

async function main(): Promise<void> {
  const log = stderrLogger(process.env.ERS_LOG_LEVEL === 'debug' ? 'debug' : 'info');
  const config = loadConfig();
  let local: LocalEnvironment | null = null;
  // A signing key others can read (and the like) starts the "not set up" screen with a sentence for IT.
  const app = await startApp(
    {
      config,
      platform: createNodePlatform(),
      log,
      local: { start: async (options) => (local = await startLocalEnvironment(options)) },
    },
    false,
  );
  const port = process.env.PORT ? Number(process.env.PORT) : 0;
  const host = await startHost({ app, events: app.events, staticDir: path.join(root, 'dist', 'renderer'), log, port });
  process.stdout.write(`e-RS Triage (${config.environmentLabel}) is running.\nOpen: ${host.url}\n`);
  // Offline mode to try by hand: stop and start the local e-RS (CIS2 and APIM stay up).
  const running = local as LocalEnvironment | null;
  if (running && process.stdin.isTTY) {
    process.stdout.write('Type "offline" and Enter to stop the local e-RS, "online" to start it again.\n');
    process.stdin.setEncoding('utf8');
    process.stdin.on('data', (text: string) => {
      const word = text.trim();
      if (word === 'offline')
        void running.stopErs().then(() => process.stdout.write('The local e-RS is stopped: the app goes offline at its next call.\n'));
      if (word === 'online')
        void running.startErs().then(() => process.stdout.write('The local e-RS is back: the app comes online at its next check.\n'));
    });
  }
  const stop = async () => {
    await host.close();
    await app.dispose();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

main().catch((error: unknown) => {
  const message =
    error instanceof AppError ? error.message : 'The app host could not start. Run it again; if it keeps failing, report the log above.';
  process.stderr.write(`${message}\n`);
  if (!(error instanceof AppError)) process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
