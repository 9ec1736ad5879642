/**
 * Group Policy for e-RS Triage on Windows. IT sets the machine's configuration with the
 * ADMX/ADML templates in build/policy/, which write values under POLICY_KEY; the app reads
 * them with reg.exe (no native module) and they take precedence over the ProgramData file.
 * The reg.exe runner is injected, so tests replay recorded output.
 */
import { runSystemTool, systemToolPath, type SystemToolRunner } from '../platform/system-tool';
import { AppError } from '../app-error';
import type { MachineConfig } from '../config';

/** The one key the ADMX writes and the app reads (HKEY_LOCAL_MACHINE, 64-bit view). */
export const POLICY_KEY = 'HKLM\\SOFTWARE\\Policies\\NHS\\e-RS Triage';
const POLICY_KEY_LONG = 'HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\NHS\\e-RS Triage';

export type RegValue =
  | { type: 'REG_SZ' | 'REG_EXPAND_SZ'; value: string }
  | { type: 'REG_DWORD' | 'REG_QWORD'; value: number }
  | { type: string; value: string };

/** Each value name under POLICY_KEY and where it goes in the machine configuration. */
export const POLICY_VALUES = {
  Environment: 'environment',
  ErsBaseUrl: 'ersBaseUrl',
  Cis2Issuer: 'cis2.issuer',
  Cis2ClientId: 'cis2.clientId',
  Cis2AcrValues: 'cis2.acrValues',
  ApimTokenEndpoint: 'apim.tokenEndpoint',
  ApimClientId: 'apim.clientId',
  ApimRevocationEndpoint: 'apim.revocationEndpoint',
  ApimPrivateKeyPath: 'apim.privateKeyPath',
  ApimKeyDirectory: 'apim.keyDirectory',
  ApimKeyId: 'apim.keyId',
  ApimPattern: 'apim.pattern',
  IdleLockMinutes: 'idleLockMinutes',
  CacheMaxMegabytes: 'cache.maxBytes',
  CacheRetentionDays: 'cache.retentionDays',
  CacheWipeOnSignOut: 'cache.wipeOnSignOut',
  CachePrefetch: 'cache.prefetch',
  CachePrefetchNext: 'cache.prefetchNext',
  PdsRequestsPerMinute: 'pds.requestsPerMinute',
} as const;
export type PolicyValueName = keyof typeof POLICY_VALUES;

const NUMBERS: ReadonlySet<PolicyValueName> = new Set([
  'IdleLockMinutes',
  'CacheMaxMegabytes',
  'CacheRetentionDays',
  'CachePrefetchNext',
  'PdsRequestsPerMinute',
]);
const BOOLEANS: ReadonlySet<PolicyValueName> = new Set(['CacheWipeOnSignOut']);

/**
 * Parses `reg.exe query KEY /s`: a line per key (its full name), then its values, each
 * indented four spaces as `name    TYPE    data`, a blank line between keys. Names and data
 * may hold single spaces; the separators are runs of four. Returns the values per key.
 */
export function parseRegQuery(stdout: string): Map<string, Map<string, RegValue>> {
  const keys = new Map<string, Map<string, RegValue>>();
  let current: Map<string, RegValue> | null = null;
  for (const raw of stdout.split(/\r?\n/)) {
    const line = raw.replace(/\r$/, '');
    if (line.trim() === '') continue;
    if (/^HKEY_[A-Z_]+(\\|$)/.test(line)) {
      current = new Map();
      keys.set(line.trim(), current);
      continue;
    }
    const match = /^ {4}(.*?) {4}(REG_[A-Z_]+)(?: {4}(.*))?$/.exec(line);
    if (!match || !current) continue;
    const [, name = '', type = '', data = ''] = match;
    // reg.exe shows an unnamed default value as "(Default)", in the system's language.
    if (type === 'REG_DWORD' || type === 'REG_QWORD') {
      const value = Number.parseInt(data.trim(), 16);
      if (Number.isFinite(value)) current.set(name, { type, value });
    } else {
      current.set(name, { type, value: data });
    }
  }
  return keys;
}

function expand(value: string, env: NodeJS.ProcessEnv): string {
  return value.replace(/%([^%]+)%/g, (whole, name: string) => {
    const found = Object.entries(env).find(([key]) => key.toLowerCase() === name.toLowerCase());
    return found?.[1] ?? whole;
  });
}

function refused(name: string, what: string): AppError {
  return new AppError(
    'CONFIG_INVALID',
    `The Group Policy setting ${name} under ${POLICY_KEY} ${what}. Ask your IT service desk to correct it.`,
  );
}

/**
 * The machine configuration the policy values set (only what they set), shaped as the
 * ProgramData file is, so one schema checks both. Unknown value names are ignored: a newer
 * template may know settings this version does not.
 */
export function policyToMachineConfig(values: ReadonlyMap<string, RegValue>, env: NodeJS.ProcessEnv = {}): Record<string, unknown> {
  const config: Record<string, unknown> = {};
  for (const [name, target] of Object.entries(POLICY_VALUES) as [PolicyValueName, string][]) {
    const entry = values.get(name);
    if (!entry) continue;
    let value: unknown;
    if (NUMBERS.has(name) || BOOLEANS.has(name)) {
      if (typeof entry.value !== 'number') throw refused(name, `is ${entry.type}, where a number (REG_DWORD) is expected`);
      value = BOOLEANS.has(name) ? entry.value !== 0 : name === 'CacheMaxMegabytes' ? entry.value * 1024 * 1024 : entry.value;
    } else {
      if (typeof entry.value !== 'string') throw refused(name, `is ${entry.type}, where text (REG_SZ) is expected`);
      value = entry.type === 'REG_EXPAND_SZ' ? expand(entry.value, env) : entry.value;
      if (value === '') continue;
    }
    const [head, tail] = target.split('.') as [string, string | undefined];
    if (tail === undefined) config[head] = value;
    else config[head] = { ...(config[head] as Record<string, unknown> | undefined), [tail]: value };
  }
  return config;
}

export function regExePath(env: NodeJS.ProcessEnv = process.env): string {
  return systemToolPath('reg.exe', env);
}

/**
 * The policy's machine configuration, or null where no policy is set (reg.exe exits 1 when
 * the key does not exist). On other platforms there is no Group Policy: null.
 */
export async function readWindowsPolicy(
  options: { platform?: NodeJS.Platform; run?: SystemToolRunner; env?: NodeJS.ProcessEnv } = {},
): Promise<Record<string, unknown> | null> {
  if ((options.platform ?? process.platform) !== 'win32') return null;
  const env = options.env ?? process.env;
  const run = options.run ?? runSystemTool;
  let answer: { exitCode: number; stdout: string };
  try {
    answer = await run(regExePath(env), ['query', POLICY_KEY, '/s', '/reg:64']);
  } catch (cause) {
    throw new AppError(
      'CONFIG_UNREADABLE',
      'The Group Policy settings for e-RS Triage could not be read. Ask your IT service desk to check this computer.',
      { cause },
    );
  }
  if (answer.exitCode === 1) return null;
  if (answer.exitCode !== 0) {
    throw new AppError(
      'CONFIG_UNREADABLE',
      'The Group Policy settings for e-RS Triage could not be read. Ask your IT service desk to check this computer.',
    );
  }
  const values = parseRegQuery(answer.stdout).get(POLICY_KEY_LONG);
  if (!values || values.size === 0) return null;
  const config = policyToMachineConfig(values, env);
  return Object.keys(config).length > 0 ? config : null;
}

/** For messages: how the policy's part of the configuration is named. */
export const POLICY_SOURCE = `Group Policy (${POLICY_KEY})`;

export type { MachineConfig };
