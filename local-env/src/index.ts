/**
 * The `local` environment: the e-RS emulator, the PDS emulator (the same synthetic
 * patients), the mock CIS2 and the mock APIM token endpoint, started together on loopback
 * with one data directory, so the app works on any machine with no network and no NHS
 * account. Used by the app (when the environment is `local`), by `npm run local-env`, and
 * by tests.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { JWK } from 'jose';
import type { Logger } from '../../electron/log/logger';
import { LocalTokenAuthority } from './access-tokens';
import { CALLBACK_PATH, loadOrCreateLocalClientKey, startMockApim, type MockApim } from './apim';
import { DEFAULT_CIS2_CLIENT_ID, startMockCis2, type MockCis2 } from './cis2';
import { renderDocument } from './documents/render';
import { startErsEmulator, type ErsEmulator, type ErsEmulatorOptions } from './ers';
import { startPdsEmulator, type PdsEmulator, type PdsEmulatorOptions } from './pds';
import { ORGANISATIONS } from './users';

export const LOCAL_ERS_AUDIENCE = 'e-referrals-service-api';

export interface LocalEnvironmentOptions {
  dataDir: string;
  log: Logger;
  /** Extra emulator options (seed size, faults) for tests and benchmarks. */
  emulator?: Partial<Omit<ErsEmulatorOptions, 'dataDir' | 'tokens' | 'renderDocument'>>;
  /** APIM access token lifetime (tests shorten it to exercise refresh). */
  accessTokenTtlSeconds?: number;
  /** PDS emulator options (faults, a fixed port) for tests and benchmarks. */
  pds?: Partial<Pick<PdsEmulatorOptions, 'faults' | 'port'>>;
}

export interface LocalEnvironment {
  ersBaseUrl: string;
  /** The PDS emulator's FHIR R4 base: `<origin>/personal-demographics/FHIR/R4`. */
  pdsBaseUrl: string;
  pds: PdsEmulator;
  cis2: MockCis2;
  apim: MockApim;
  emulator: ErsEmulator;
  tokens: LocalTokenAuthority;
  /** The app's registration at the local APIM: client id, key id and private key. */
  apimClient: { clientId: string; kid: string; privateJwk: JWK };
  cis2ClientId: string;
  /** Names for the synthetic organisations, which e-RS itself gives only as ODS codes. */
  organisationNames: Record<string, string>;
  /** Stops the e-RS emulator only (an e-RS outage); CIS2 and APIM keep running. */
  stopErs(): Promise<void>;
  /** Starts the e-RS emulator again on the same port with the same state. */
  startErs(): Promise<void>;
  /** Stops the PDS emulator only (PDS unreachable); e-RS, CIS2 and APIM keep running. */
  stopPds(): Promise<void>;
  /** Starts the PDS emulator again on the same port. */
  startPds(): Promise<void>;
  close(): Promise<void>;
}

export async function startLocalEnvironment(options: LocalEnvironmentOptions): Promise<LocalEnvironment> {
  const { dataDir, log } = options;
  const started: { close(): Promise<void> }[] = [];
  try {
    // The platform signs users in at CIS2 itself for the combined pattern; its secret lives only in memory.
    const platformAtCis2 = { clientId: 'nhs-api-platform-local', clientSecret: randomBytes(32).toString('base64url') };
    const cis2 = await startMockCis2({
      dataDir: path.join(dataDir, 'cis2'),
      clientId: DEFAULT_CIS2_CLIENT_ID,
      logger: log,
      confidentialClients: [
        { ...platformAtCis2, clientName: 'e-RS Triage, through the NHS API platform', redirectUris: [`http://127.0.0.1${CALLBACK_PATH}`] },
      ],
    });
    started.push(cis2);
    const tokens = await LocalTokenAuthority.create({
      issuer: 'local-apim',
      audience: LOCAL_ERS_AUDIENCE,
      dataDir: path.join(dataDir, 'apim'),
      ...(options.accessTokenTtlSeconds === undefined ? {} : { ttlSeconds: options.accessTokenTtlSeconds }),
    });
    const clientKey = await loadOrCreateLocalClientKey(path.join(dataDir, 'apim'), { cis2ClientIds: [cis2.clientId] });
    const apim = await startMockApim({
      authority: tokens,
      cis2: { issuer: cis2.issuer, jwksUri: cis2.jwksUri },
      clients: [clientKey.registration],
      logger: log,
      platformAtCis2,
    });
    started.push(apim);
    const emulatorOptions: ErsEmulatorOptions = { ...options.emulator, dataDir: path.join(dataDir, 'ers'), tokens, renderDocument, log };
    let emulator = await startErsEmulator(emulatorOptions);
    const emulatorService = { close: () => emulator.close() };
    started.push(emulatorService);
    const port = Number(new URL(emulator.origin).port);
    const objectStorePort = Number(new URL(emulator.objectStoreOrigin).port);
    let running = true;
    // The local PDS knows the e-RS seed's patients: whatever the e-RS emulator holds now.
    const pdsOptions: PdsEmulatorOptions = {
      ...options.pds,
      patients: () => emulator.seedPatients(),
      referenceDate: () => emulator.referenceDate(),
      tokens,
      log,
    };
    let pds = await startPdsEmulator(pdsOptions);
    started.push({ close: () => pds.close() });
    const pdsPort = Number(new URL(pds.origin).port);
    let pdsRunning = true;

    const organisationNames = Object.fromEntries(Object.values(ORGANISATIONS).map((o) => [o.ods, o.name]));
    return {
      ersBaseUrl: emulator.baseUrl,
      pdsBaseUrl: pds.baseUrl,
      cis2,
      apim,
      get emulator() {
        return emulator;
      },
      get pds() {
        return pds;
      },
      async stopErs() {
        if (!running) return;
        running = false;
        await emulator.close();
      },
      async startErs() {
        if (running) return;
        emulator = await startErsEmulator({ ...emulatorOptions, port, objectStorePort });
        running = true;
      },
      async stopPds() {
        if (!pdsRunning) return;
        pdsRunning = false;
        await pds.close();
      },
      async startPds() {
        if (pdsRunning) return;
        pds = await startPdsEmulator({ ...pdsOptions, port: pdsPort, faults: pds.faults() });
        pdsRunning = true;
      },
      tokens,
      apimClient: { clientId: clientKey.clientId, kid: clientKey.kid, privateJwk: clientKey.privateJwk },
      cis2ClientId: cis2.clientId,
      organisationNames,
      async close() {
        // A service may already be down (tests stop one to simulate an outage): carry on.
        for (const service of started.reverse()) await service.close().catch(() => undefined);
      },
    };
  } catch (error) {
    for (const service of started.reverse()) await service.close().catch(() => undefined);
    throw error;
  }
}
