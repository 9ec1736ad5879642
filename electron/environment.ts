/**
 * Turns the configuration into the endpoints and credentials of one environment: for
 * `local`, from the local environment the caller supplies (development and tests only: the
 * product never contains one); for `int` and `production`, from the trust's machine
 * configuration; for `sandbox`, with no sign-in at all. Everything after this point is the
 * same code for every environment.
 */
import path from 'node:path';
import { importJWK, type CryptoKey, type JWK } from 'jose';
import type { RoleOption } from '../contract';
import { AppError } from './app-error';
import type { ApimSettings } from './auth/apim';
import type { ApimCombinedSettings } from './auth/apim-combined';
import { loadApimSigningKey, type ReadersCheck } from './auth/apim-keys';
import { ASSERTION_ALG } from './auth/client-assertion';
import { isProviderFunction } from './auth/session';
import type { Cis2Settings } from './auth/cis2';
import type { AppConfig } from './config';
import { SANDBOX_CODE_SYSTEM_BASE } from './ers/client';
import type { OperationId } from './ers/operations';
import type { Logger } from './log/logger';
import { ordinaryReaders } from './platform/private-file';

export interface EnvironmentServices {
  ersBaseUrl: string;
  /** PDS FHIR R4 base; null where patient details are not looked up. */
  pdsBaseUrl: string | null;
  /** Endpoints and credentials only: the composition root adds the platform's fetch. */
  cis2: Omit<Cis2Settings, 'fetch'> | null;
  apim: Omit<ApimSettings, 'fetch'> | null;
  /** The combined pattern (sign-in and authorisation at APIM in one); `cis2` and `apim` are then null. */
  combined: Omit<ApimCombinedSettings, 'fetch'> | null;
  /** Where there is no sign-in (sandbox): the role every call uses. */
  fixedRole: { businessFunction: RoleOption['businessFunction']; organisationOds: string; onBehalfOfUserId?: string } | null;
  codeSystemBase?: (operation: OperationId) => string;
  organisationName(ods: string): string;
  /** The running local environment, when there is one. */
  local: LocalServices | null;
  dispose(): Promise<void>;
}

/**
 * What the app needs of a local environment (e-RS and PDS emulators, mock CIS2, mock APIM). The
 * implementation is development tooling in `local-env/`, outside the product: the product
 * only names this shape, and a packaged build has nothing that provides it.
 */
export interface LocalServices {
  ersBaseUrl: string;
  /** The PDS emulator's FHIR R4 base. */
  pdsBaseUrl: string;
  cis2: { issuer: string };
  cis2ClientId: string;
  /** The mock platform's endpoints; `revocationEndpoint` (RFC 7009) where it offers one. */
  apim: { tokenEndpoint: string; authorizeEndpoint: string; revocationEndpoint?: string };
  /** The app's registration at the local APIM: client id, key id and private key. */
  apimClient: { clientId: string; kid: string; privateJwk: JWK };
  organisationNames: Record<string, string>;
  close(): Promise<void>;
}

/**
 * Where a `local` environment comes from: `start` starts one the app then owns and stops;
 * `shared` is one someone else started and will stop (tests that restart the app while e-RS
 * stays down or comes back).
 */
export interface LocalEnvironmentSource {
  start?: (options: { dataDir: string; log: Logger }) => Promise<LocalServices>;
  shared?: LocalServices;
}

export const NOT_CONFIGURED_MESSAGE =
  'This computer is not set up for e-RS Triage yet. Ask your IT service desk to install the trust configuration.';

export async function resolveEnvironment(
  config: AppConfig,
  userDataDir: string,
  log: Logger,
  localSource: LocalEnvironmentSource = {},
  /** Who besides the app's users can read a key file (Platform.ordinaryReaders): a key anyone can read stops the app. */
  keyReaders: ReadersCheck = (file) => ordinaryReaders(file),
): Promise<EnvironmentServices> {
  const machine = config.machine;
  switch (config.environment) {
    case 'local': {
      const { shared, start } = localSource;
      const local = shared ?? (start ? await start({ dataDir: path.join(userDataDir, 'local-environment'), log }) : null);
      // A packaged build has no local environment to start: only development and tests do.
      if (!local) throw new AppError('NOT_CONFIGURED', NOT_CONFIGURED_MESSAGE);
      const key = (await importJWK(local.apimClient.privateJwk, ASSERTION_ALG)) as CryptoKey;
      const signingKey = { key, kid: local.apimClient.kid };
      const combined = config.authPattern === 'combined';
      const localRevocation = local.apim.revocationEndpoint ? { revocationEndpoint: local.apim.revocationEndpoint } : {};
      return {
        ersBaseUrl: config.ersBaseUrl ?? local.ersBaseUrl,
        pdsBaseUrl: config.pdsBaseUrl ?? local.pdsBaseUrl,
        cis2: combined
          ? null
          : { issuer: local.cis2.issuer, clientId: local.cis2ClientId, acrValues: 'AAL3_ANY', allowInsecureLoopback: true },
        apim: combined
          ? null
          : { tokenEndpoint: local.apim.tokenEndpoint, clientId: local.apimClient.clientId, signingKey, ...localRevocation },
        combined: combined
          ? {
              authorizeEndpoint: local.apim.authorizeEndpoint,
              tokenEndpoint: local.apim.tokenEndpoint,
              clientId: local.apimClient.clientId,
              signingKey,
              ...localRevocation,
            }
          : null,
        fixedRole: null,
        organisationName: (ods) => local.organisationNames[ods] ?? ods,
        local,
        dispose: () => (shared ? Promise.resolve() : local.close()),
      };
    }
    case 'sandbox': {
      if (!config.ersBaseUrl)
        throw new AppError('CONFIG_INVALID', 'No e-RS address is set for the sandbox. Set ERS_BASE_URL or the trust configuration.');
      const role = machine.sandboxRole;
      const businessFunction = role?.businessFunction ?? 'SERVICE_PROVIDER_CLINICIAN';
      if (!isProviderFunction(businessFunction)) {
        throw new AppError(
          'CONFIG_INVALID',
          `The sandbox role "${businessFunction}" is not a service provider role. Ask your IT service desk to correct the configuration.`,
        );
      }
      return {
        ersBaseUrl: config.ersBaseUrl,
        pdsBaseUrl: config.pdsBaseUrl,
        cis2: null,
        apim: null,
        combined: null,
        fixedRole: {
          businessFunction,
          organisationOds: role?.organisationOds ?? 'R69',
          ...(role?.onBehalfOfUserId ? { onBehalfOfUserId: role.onBehalfOfUserId } : {}),
        },
        // The public sandbox matches request bodies against its examples exactly.
        codeSystemBase: SANDBOX_CODE_SYSTEM_BASE,
        organisationName: (ods) => ods,
        local: null,
        dispose: async () => undefined,
      };
    }
    case 'int':
    case 'production': {
      if (!config.ersBaseUrl)
        throw new AppError('CONFIG_INVALID', 'No e-RS address is configured. Ask your IT service desk to check the trust configuration.');
      const apim = machine.apim;
      // In the combined pattern the app is registered with the API platform only, not with CIS2.
      const combined = config.authPattern === 'combined';
      if (!apim || (!combined && !machine.cis2)) {
        throw new AppError(
          'CONFIG_INVALID',
          `Sign-in is not configured for the ${config.environment} environment on this computer. Ask your IT service desk to complete the trust configuration (${combined ? 'apim' : 'cis2 and apim'}).`,
        );
      }
      const signingKey = await loadApimSigningKey(apim, keyReaders);
      const revocation = apim.revocationEndpoint ? { revocationEndpoint: apim.revocationEndpoint } : {};
      return {
        ersBaseUrl: config.ersBaseUrl,
        pdsBaseUrl: config.pdsBaseUrl,
        cis2:
          combined || !machine.cis2
            ? null
            : {
                issuer: machine.cis2.issuer,
                clientId: machine.cis2.clientId,
                acrValues: machine.cis2.acrValues ?? 'AAL3_ANY',
                ...(machine.cis2.scopes ? { scopes: machine.cis2.scopes } : {}),
                ...(machine.cis2.idTokenAlgorithms ? { idTokenAlgorithms: machine.cis2.idTokenAlgorithms } : {}),
                ...(machine.cis2.maxAgeSeconds === undefined ? {} : { maxAgeSeconds: machine.cis2.maxAgeSeconds }),
              },
        apim: combined ? null : { tokenEndpoint: apim.tokenEndpoint, clientId: apim.clientId, signingKey, ...revocation },
        combined: combined
          ? {
              authorizeEndpoint: apim.authorizeEndpoint ?? new URL('authorize', apim.tokenEndpoint).toString(),
              tokenEndpoint: apim.tokenEndpoint,
              clientId: apim.clientId,
              signingKey,
              ...revocation,
            }
          : null,
        fixedRole: null,
        organisationName: (ods) => ods,
        local: null,
        dispose: async () => undefined,
      };
    }
  }
}
