/**
 * `npm run local-env`: the local environment alone (e-RS and PDS emulators, mock CIS2, mock APIM),
 * for trying the API by hand or pointing another tool at it. Prints its URLs.
 * Options: --data-dir DIR (default ~/.ers-triage/local-env), --reset, --large (10,000
 * referrals), --port N (the emulator's port).
 */
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { stderrLogger } from '../../electron/log/logger';
import { startLocalEnvironment } from './index';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'data-dir': { type: 'string' },
      reset: { type: 'boolean', default: false },
      large: { type: 'boolean', default: false },
      port: { type: 'string' },
    },
  });
  const dataDir = values['data-dir'] ?? path.join(os.homedir(), '.ers-triage', 'local-env');
  const log = stderrLogger('warn');
  const env = await startLocalEnvironment({
    dataDir,
    log,
    emulator: {
      ...(values.large ? { seed: { large: true } } : {}),
      ...(values.port ? { port: Number(values.port) } : {}),
    },
  });
  if (values.reset) await env.emulator.reset();
  process.stdout.write(
    [
      'The local e-RS environment is running (synthetic data only).',
      `  e-RS base URL:        ${env.ersBaseUrl}`,
      `  FHIR base:            ${env.emulator.fhirBaseUrl}`,
      `  PDS FHIR R4 base:     ${env.pdsBaseUrl}`,
      `  Object store:         ${env.emulator.objectStoreOrigin}`,
      `  Mock CIS2 issuer:     ${env.cis2.issuer}`,
      `  Mock APIM token URL:  ${env.apim.tokenEndpoint}`,
      `  Data directory:       ${dataDir}`,
      'Press Ctrl+C to stop.',
      '',
    ].join('\n'),
  );
  const stop = async () => {
    await env.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

main().catch((error: unknown) => {
  process.stderr.write(`The local environment could not start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
