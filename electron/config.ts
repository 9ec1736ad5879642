/**
 * Where the app's settings come from, in order of authority:
 *  1. the trust's machine configuration, set by IT per machine: Group Policy on Windows
 *     (policy/windows-policy.ts, read before this and passed in as `policy`), over a JSON
 *     file (under ProgramData on Windows, /etc/ers-triage on Linux), value by value;
 *  2. in unpackaged development only: ERS_TRIAGE_CONFIG (another file), then the
 *     ERS_ENVIRONMENT, ERS_BASE_URL, PDS_BASE_URL and ERS_AUTH_PATTERN environment variables
 *     when no file fixes the environment;
 *  3. unpackaged, the `local` environment, which needs no network. A packaged build has no
 *     local environment: with no machine configuration it says it is not set up.
 * A managed install cannot be switched to another environment by the user, and a packaged
 * one cannot be switched by environment variables either.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as v from 'valibot';
import type { EnvironmentName } from '../contract';
import { AppError } from './app-error';

/** Each environment's e-RS base (without /FHIR) and PDS base (with /FHIR/R4); null for `local` until its emulators start. */
export const ENVIRONMENTS: Record<
  EnvironmentName,
  { label: string; ersBaseUrl: string | null; pdsBaseUrl: string | null; signIn: boolean }
> = {
  local: { label: 'Local (synthetic training data)', ersBaseUrl: null, pdsBaseUrl: null, signIn: true },
  sandbox: {
    label: 'NHS sandbox (open access, example data)',
    ersBaseUrl: 'https://sandbox.api.service.nhs.uk/referrals',
    pdsBaseUrl: 'https://sandbox.api.service.nhs.uk/personal-demographics/FHIR/R4',
    signIn: false,
  },
  int: {
    label: 'NHS integration (test data)',
    ersBaseUrl: 'https://int.api.service.nhs.uk/referrals',
    pdsBaseUrl: 'https://int.api.service.nhs.uk/personal-demographics/FHIR/R4',
    signIn: true,
  },
  production: {
    label: 'NHS production',
    ersBaseUrl: 'https://api.service.nhs.uk/referrals',
    pdsBaseUrl: 'https://api.service.nhs.uk/personal-demographics/FHIR/R4',
    signIn: true,
  },
};

const EnvironmentSchema = v.picklist(['local', 'sandbox', 'int', 'production']);
const PatternSchema = v.picklist(['separate', 'combined']);
export type AuthPattern = v.InferOutput<typeof PatternSchema>;
const Url = v.pipe(v.string(), v.url('must be a URL'));

/** The trust configuration file. Every field is optional; unknown fields are refused. */
export const MachineConfigSchema = v.strictObject({
  environment: v.optional(EnvironmentSchema),
  ersBaseUrl: v.optional(Url),
  /** PDS FHIR R4 base, where it differs from the environment's (a trust's own gateway). */
  pdsBaseUrl: v.optional(Url),
  cis2: v.optional(
    v.strictObject({
      issuer: Url,
      clientId: v.string(),
      scopes: v.optional(v.string()),
      acrValues: v.optional(v.string()),
      /** ID token signature algorithms accepted; default RS256 and RS512 (asymmetric ones only). */
      idTokenAlgorithms: v.optional(v.array(v.picklist(['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512']))),
      /** Sent as max_age; the ID token's auth_time must then be this recent. */
      maxAgeSeconds: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))),
    }),
  ),
  apim: v.optional(
    v.strictObject({
      tokenEndpoint: Url,
      /** The combined pattern's authorize endpoint; by default the token endpoint's sibling `authorize`. */
      authorizeEndpoint: v.optional(Url),
      /** RFC 7009 token revocation, where the platform offers it: the refresh token is discarded there at sign-out and lock. */
      revocationEndpoint: v.optional(Url),
      clientId: v.string(),
      /** Path of the PEM private key that signs client assertions. Never in the repository. */
      privateKeyPath: v.optional(v.string()),
      /** A folder of PEM private keys, `<kid>.pem` each, for rotation; when set, privateKeyPath is not used. */
      keyDirectory: v.optional(v.string()),
      /** The key that signs: its `kid` at the platform (and, with keyDirectory, its file name). */
      keyId: v.string(),
      /** 'separate' exchanges the CIS2 ID token (RFC 8693); 'combined' authorises at APIM directly. */
      pattern: v.optional(PatternSchema),
    }),
  ),
  sandboxRole: v.optional(
    v.strictObject({ businessFunction: v.string(), organisationOds: v.string(), onBehalfOfUserId: v.optional(v.string()) }),
  ),
  idleLockMinutes: v.optional(v.pipe(v.number(), v.minValue(1), v.maxValue(240))),
  pds: v.optional(
    v.strictObject({
      /**
       * This desktop's share of PDS's rate limit, which is per application and so shared by
       * every desktop of the trust: the limit NHS England set for the trust's app (a minute's
       * worth) divided by the desktops expected to fill worklists at once. Background reads
       * (worklist names and ages) keep within it; default PDS_REQUESTS_PER_MINUTE.
       */
      requestsPerMinute: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(3000))),
    }),
  ),
  cache: v.optional(
    v.strictObject({
      maxBytes: v.optional(v.pipe(v.number(), v.minValue(0))),
      retentionDays: v.optional(v.pipe(v.number(), v.minValue(0), v.maxValue(90))),
      wipeOnSignOut: v.optional(v.boolean()),
      prefetch: v.optional(v.picklist(['all', 'next', 'none'])),
      prefetchNext: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))),
    }),
  ),
});
export type MachineConfig = v.InferOutput<typeof MachineConfigSchema>;

export interface AppConfig {
  environment: EnvironmentName;
  environmentLabel: string;
  managed: boolean;
  /** The e-RS base URL (without /FHIR); null for `local` until the emulator has started. */
  ersBaseUrl: string | null;
  /** The PDS FHIR R4 base; null for `local` until the PDS emulator has started. */
  pdsBaseUrl: string | null;
  signInRequired: boolean;
  /** How the user is signed in and authorised with the NHS API platform. */
  authPattern: AuthPattern;
  machine: MachineConfig;
  /** Where the machine configuration file was read from, if anywhere. */
  configPath: string | null;
  /** Whether Group Policy set any of the machine configuration. */
  policy: boolean;
  /**
   * A packaged build with no machine configuration: the app only says so, and where IT puts
   * the configuration (`expectedPath`). Null when the app can run.
   */
  setupNeeded: { expectedPath: string } | null;
}

/**
 * This desktop's share of PDS's rate limit, in reads a minute: IT's setting, else one a
 * second (PDS_REQUESTS_PER_MINUTE in pds/patient-directory.ts). The local environment's PDS
 * is this computer's own emulator, not NHS England's shared limit: four a second there.
 */
export function pdsRequestsPerMinute(config: Pick<AppConfig, 'machine' | 'environment'>, fallback: number): number {
  return config.machine.pds?.requestsPerMinute ?? (config.environment === 'local' ? 240 : fallback);
}

export interface LoadConfigOptions {
  /** A packaged (installed) build: environment variables are ignored and there is no local environment. */
  packaged?: boolean;
  /**
   * The machine configuration Group Policy sets (readWindowsPolicy), shaped as the file is.
   * Each value it sets wins over the file's.
   */
  policy?: Record<string, unknown> | null;
}

const LOOPBACK_HOSTS: ReadonlySet<string> = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * Every endpoint the app calls must be https, but for http on this computer's loopback
 * (the local environment, or a copy of the sandbox): tokens and clinical data never
 * travel in the clear, whoever wrote the configuration.
 */
export function insecureEndpointProblem(name: string, url: string | null | undefined): string | null {
  if (!url) return null;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `${name} to something that is not a web address`;
  }
  if (parsed.protocol === 'https:') return null;
  if (parsed.protocol === 'http:' && LOOPBACK_HOSTS.has(parsed.hostname)) return null;
  return `${name} to ${parsed.protocol}//${parsed.host}, which is not https`;
}

function requireHttps(endpoints: Record<string, string | null | undefined>, source: string): void {
  for (const [name, url] of Object.entries(endpoints)) {
    const problem = insecureEndpointProblem(name, url);
    if (problem) {
      throw new AppError(
        'CONFIG_INSECURE',
        `The e-RS Triage configuration (${source}) sets ${problem}; ask your IT service desk to set an https address.`,
      );
    }
  }
}

/** The file's values with the policy's laid over them, one level deep (cis2, apim, cache, sandboxRole). */
function overlay(file: Record<string, unknown>, policy: Record<string, unknown>): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...file };
  for (const [key, value] of Object.entries(policy)) {
    const below = merged[key];
    merged[key] =
      value && typeof value === 'object' && below && typeof below === 'object'
        ? { ...(below as Record<string, unknown>), ...(value as Record<string, unknown>) }
        : value;
  }
  return merged;
}

function validMachineConfig(json: unknown, source: string): MachineConfig {
  const parsed = v.safeParse(MachineConfigSchema, json);
  if (!parsed.success) {
    const first = parsed.issues[0];
    const where = first ? (v.getDotPath(first) ?? 'the file') : 'the file';
    throw new AppError(
      'CONFIG_INVALID',
      `The trust configuration from ${source} has a problem at "${where}": ${first?.message ?? 'unknown'}. Ask your IT service desk to correct it.`,
    );
  }
  return parsed.output;
}

export function defaultConfigPath(
  platform: NodeJS.Platform = process.platform,
  env: NodeJS.ProcessEnv = process.env,
  packaged = false,
): string {
  if (env.ERS_TRIAGE_CONFIG && !packaged) return env.ERS_TRIAGE_CONFIG;
  if (platform === 'win32') return path.join(env.ProgramData ?? 'C:\\ProgramData', 'ers-triage', 'config.json');
  return '/etc/ers-triage/config.json';
}

function readMachineConfig(file: string): MachineConfig | null {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new AppError('CONFIG_UNREADABLE', `The trust configuration at ${file} could not be read. Ask your IT service desk to check it.`, {
      cause: error,
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new AppError('CONFIG_INVALID', `The trust configuration at ${file} is not valid JSON. Ask your IT service desk to correct it.`, {
      cause: error,
    });
  }
  return validMachineConfig(json, file);
}

export function loadConfig(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  options: LoadConfigOptions = {},
): AppConfig {
  const packaged = options.packaged === true;
  const configPath = defaultConfigPath(platform, env, packaged);
  const fromFile = readMachineConfig(configPath);
  const policy = options.policy && Object.keys(options.policy).length > 0 ? options.policy : null;
  const source = policy ? `Group Policy${fromFile ? ` and ${configPath}` : ''}` : configPath;
  const machine = policy ? validMachineConfig(overlay(fromFile ?? {}, policy), source) : fromFile;
  const managed = machine?.environment !== undefined;
  let environment: EnvironmentName = machine?.environment ?? 'local';
  let ersBaseUrl = machine?.ersBaseUrl ?? null;
  let pdsBaseUrl = machine?.pdsBaseUrl ?? null;
  let authPattern: AuthPattern = machine?.apim?.pattern ?? 'separate';
  const setupNeeded = packaged && !managed ? { expectedPath: configPath } : null;
  if (!managed && !packaged) {
    const requested = env.ERS_ENVIRONMENT;
    if (requested !== undefined && requested !== '') {
      const parsed = v.safeParse(EnvironmentSchema, requested);
      if (!parsed.success) {
        throw new AppError('CONFIG_INVALID', `ERS_ENVIRONMENT is "${requested}", which is not one of local, sandbox, int or production.`);
      }
      environment = parsed.output;
    }
    if (env.ERS_BASE_URL) {
      ersBaseUrl = env.ERS_BASE_URL;
      requireHttps({ 'the e-RS address': ersBaseUrl }, 'ERS_BASE_URL');
    }
    if (env.PDS_BASE_URL) {
      pdsBaseUrl = env.PDS_BASE_URL;
      requireHttps({ 'the PDS address': pdsBaseUrl }, 'PDS_BASE_URL');
    }
    const pattern = env.ERS_AUTH_PATTERN;
    if (pattern !== undefined && pattern !== '') {
      const parsed = v.safeParse(PatternSchema, pattern);
      if (!parsed.success)
        throw new AppError('CONFIG_INVALID', `ERS_AUTH_PATTERN is "${pattern}", which is not one of separate or combined.`);
      authPattern = parsed.output;
    }
  }
  const preset = ENVIRONMENTS[environment];
  requireHttps(
    {
      'the e-RS address': machine?.ersBaseUrl,
      'the CIS2 issuer': machine?.cis2?.issuer,
      'the APIM token endpoint': machine?.apim?.tokenEndpoint,
      'the APIM authorize endpoint': machine?.apim?.authorizeEndpoint,
      'the APIM revocation endpoint': machine?.apim?.revocationEndpoint,
      'the PDS address': machine?.pdsBaseUrl,
    },
    source,
  );
  return {
    environment,
    environmentLabel: preset.label,
    managed,
    ersBaseUrl: ersBaseUrl ?? preset.ersBaseUrl,
    pdsBaseUrl: pdsBaseUrl ?? preset.pdsBaseUrl,
    signInRequired: preset.signIn,
    authPattern,
    machine: machine ?? {},
    configPath: fromFile ? configPath : null,
    policy: policy !== null,
    setupNeeded,
  };
}
