/**
 * Group Policy precedence, replaying reg.exe output in its own format (CRLF, four-space
 * separators, REG_DWORD in hex) through the injectable runner, as the app on Windows reads it.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../../electron/app-error';
import { loadConfig } from '../../../electron/config';
import { parseRegQuery, POLICY_KEY, POLICY_VALUES, readWindowsPolicy } from '../../../electron/policy/windows-policy';
import type { SystemToolRunner } from '../../../electron/platform/system-tool';
import { repoRoot } from '../../helpers/repo';

const fixture = (name: string): string => readFileSync(path.join(import.meta.dirname, 'fixtures', 'reg-query', name), 'utf8');
const KEY_LONG = 'HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\NHS\\e-RS Triage';

/** A runner that answers as reg.exe did, and records what it was asked. */
function recorded(stdout: string, exitCode = 0): SystemToolRunner & { calls: { file: string; args: readonly string[] }[] } {
  const calls: { file: string; args: readonly string[] }[] = [];
  const run = async (file: string, args: readonly string[]) => {
    calls.push({ file, args });
    return { exitCode, stdout };
  };
  return Object.assign(run, { calls });
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'policy-test-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const programData = (): string => path.join(dir, 'ProgramData');
const env = (): NodeJS.ProcessEnv => ({ ProgramData: programData(), SystemRoot: 'C:\\Windows' });
function writeMachineFile(content: unknown): void {
  const file = path.join(programData(), 'ers-triage', 'config.json');
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(content));
}

describe('reading reg.exe', () => {
  it('parses keys, REG_SZ with spaces, REG_EXPAND_SZ, REG_DWORD in hex, and empty text', () => {
    const keys = parseRegQuery(fixture('full-policy.txt'));
    expect([...keys.keys()]).toEqual([KEY_LONG, `${KEY_LONG}\\Notes`]);
    const values = keys.get(KEY_LONG);
    expect(values?.get('IdleLockMinutes')).toEqual({ type: 'REG_DWORD', value: 10 });
    expect(values?.get('CacheMaxMegabytes')).toEqual({ type: 'REG_DWORD', value: 1024 });
    expect(values?.get('ApimPrivateKeyPath')).toEqual({ type: 'REG_EXPAND_SZ', value: '%ProgramData%\\ers-triage\\keys\\apim key.pem' });
    expect(parseRegQuery(fixture('partial-policy.txt')).get(KEY_LONG)?.get('Cis2ClientId')).toEqual({ type: 'REG_SZ', value: '' });
  });

  it('asks the system reg.exe for the one key, 64-bit view, with its subkeys', async () => {
    const run = recorded(fixture('full-policy.txt'));
    await readWindowsPolicy({ platform: 'win32', run, env: env() });
    expect(run.calls).toEqual([
      { file: path.win32.join('C:\\Windows', 'System32', 'reg.exe'), args: ['query', POLICY_KEY, '/s', '/reg:64'] },
    ]);
  });

  it('reads no policy where the key does not exist (reg.exe exits 1), and none off Windows', async () => {
    expect(await readWindowsPolicy({ platform: 'win32', run: recorded('', 1), env: env() })).toBeNull();
    const never = recorded(fixture('full-policy.txt'));
    expect(await readWindowsPolicy({ platform: 'linux', run: never })).toBeNull();
    expect(never.calls).toEqual([]);
  });

  it('turns the values into the machine configuration, ignoring subkeys and names it does not know', async () => {
    const policy = await readWindowsPolicy({ platform: 'win32', run: recorded(fixture('full-policy.txt')), env: env() });
    expect(policy).toEqual({
      environment: 'production',
      ersBaseUrl: 'https://api.service.nhs.uk/referrals',
      cis2: {
        issuer: 'https://am.nhsidentity.spineservices.nhs.uk:443/openam/oauth2/realms/root/realms/NHSIdentity/realms/Healthcare',
        clientId: 'trust-cis2-client',
      },
      apim: {
        tokenEndpoint: 'https://api.service.nhs.uk/oauth2/token',
        clientId: 'trust-apim-application',
        privateKeyPath: `${programData()}\\ers-triage\\keys\\apim key.pem`,
        keyId: 'prod-2025',
      },
      idleLockMinutes: 10,
      cache: { maxBytes: 1024 * 1024 * 1024, retentionDays: 3, wipeOnSignOut: true, prefetch: 'next', prefetchNext: 50 },
      // This desktop's share of PDS's per-application rate limit: 300 a minute over 15 desktops.
      pds: { requestsPerMinute: 20 },
    });
    expect(await readWindowsPolicy({ platform: 'win32', run: recorded(fixture('partial-policy.txt')), env: env() })).toEqual({
      idleLockMinutes: 5,
      cache: { wipeOnSignOut: false },
    });
  });

  it('reads the key folder and the revocation endpoint (issue 16: keys by kid, sign-out at the platform)', async () => {
    const stdout = [
      KEY_LONG,
      '    ApimKeyDirectory    REG_EXPAND_SZ    %ProgramData%\\ers-triage\\keys',
      '    ApimKeyId    REG_SZ    int-2',
      '    ApimRevocationEndpoint    REG_SZ    https://int.api.service.nhs.uk/oauth2/revoke',
      '',
    ].join('\r\n');
    expect(await readWindowsPolicy({ platform: 'win32', run: recorded(stdout), env: env() })).toEqual({
      apim: {
        keyDirectory: `${programData()}\\ers-triage\\keys`,
        keyId: 'int-2',
        revocationEndpoint: 'https://int.api.service.nhs.uk/oauth2/revoke',
      },
    });
  });

  it('refuses a value of the wrong type in a sentence naming it', async () => {
    const error = await readWindowsPolicy({ platform: 'win32', run: recorded(fixture('wrong-type.txt')), env: env() }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).message).toMatch(
      /^The Group Policy setting IdleLockMinutes .* is REG_SZ, where a number \(REG_DWORD\) is expected\. Ask your IT service desk/,
    );
  });
});

describe('policy precedence', () => {
  it('each policy value wins over the ProgramData file, value by value, in a packaged build', async () => {
    writeMachineFile({
      environment: 'int',
      cis2: { issuer: 'https://cis2.example.nhs.uk/realm', clientId: 'from-file' },
      apim: {
        tokenEndpoint: 'https://int.api.service.nhs.uk/oauth2/token',
        clientId: 'file-apim',
        privateKeyPath: 'C:\\k.pem',
        keyId: 'k1',
      },
      idleLockMinutes: 30,
      cache: { retentionDays: 7, wipeOnSignOut: true },
    });
    const policy = await readWindowsPolicy({ platform: 'win32', run: recorded(fixture('partial-policy.txt')), env: env() });
    const config = loadConfig({ ...env(), ERS_ENVIRONMENT: 'local' }, 'win32', { packaged: true, policy });
    expect(config).toMatchObject({ environment: 'int', managed: true, policy: true, setupNeeded: null });
    // The policy's idle lock and wipe; the file's retention, issuer and (empty in policy) client id.
    expect(config.machine.idleLockMinutes).toBe(5);
    expect(config.machine.cache).toEqual({ retentionDays: 7, wipeOnSignOut: false });
    expect(config.machine.cis2?.clientId).toBe('from-file');
  });

  it('a full policy sets up a machine with no file at all, and fixes its environment', async () => {
    const policy = await readWindowsPolicy({ platform: 'win32', run: recorded(fixture('full-policy.txt')), env: env() });
    const config = loadConfig({ ...env(), ERS_ENVIRONMENT: 'sandbox', ERS_BASE_URL: 'http://127.0.0.1:1/x' }, 'win32', {
      packaged: true,
      policy,
    });
    expect(config).toMatchObject({
      environment: 'production',
      managed: true,
      ersBaseUrl: 'https://api.service.nhs.uk/referrals',
      configPath: null,
      policy: true,
      setupNeeded: null,
    });
    expect(config.machine.apim?.keyId).toBe('prod-2025');
  });

  it('refuses an http endpoint set by policy in one sentence for IT', async () => {
    const policy = await readWindowsPolicy({ platform: 'win32', run: recorded(fixture('insecure-policy.txt')), env: env() });
    let caught: unknown;
    try {
      loadConfig(env(), 'win32', { packaged: true, policy });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(AppError);
    expect((caught as AppError).code).toBe('CONFIG_INSECURE');
    expect((caught as AppError).message).toBe(
      'The e-RS Triage configuration (Group Policy) sets the e-RS address to http://ers-gateway.trust.nhs.uk, which is not https; ask your IT service desk to set an https address.',
    );
  });
});

describe('the Group Policy templates', () => {
  const admx = readFileSync(path.join(repoRoot, 'build', 'policy', 'ers-triage.admx'), 'utf8');
  const adml = readFileSync(path.join(repoRoot, 'build', 'policy', 'en-US', 'ers-triage.adml'), 'utf8');

  it('write to the key the app reads', () => {
    const keys = new Set([...admx.matchAll(/\bkey="([^"]+)"/g)].map((m) => m[1]));
    expect([...keys]).toEqual([POLICY_KEY.replace(/^HKLM\\/, '')]);
  });

  it('set every value the app reads, and only those', () => {
    const names = new Set([...admx.matchAll(/\bvalueName="([^"]+)"/g)].map((m) => m[1]));
    expect([...names].sort()).toEqual(Object.keys(POLICY_VALUES).sort());
  });

  it('name only strings and presentations the ADML defines', () => {
    const strings = new Set([...adml.matchAll(/<string id="([^"]+)"/g)].map((m) => m[1]));
    const presentations = new Set([...adml.matchAll(/<presentation id="([^"]+)"/g)].map((m) => m[1]));
    for (const [, id] of admx.matchAll(/\$\(string\.([^)]+)\)/g)) expect(strings, `string ${id}`).toContain(id);
    for (const [, id] of admx.matchAll(/\$\(presentation\.([^)]+)\)/g)) expect(presentations, `presentation ${id}`).toContain(id);
    // Every element a presentation shows exists in the ADMX under the same id.
    const elementIds = new Set([...admx.matchAll(/<(?:text|decimal|enum|boolean)\s+id="([^"]+)"/g)].map((m) => m[1]));
    for (const [, ref] of adml.matchAll(/refId="([^"]+)"/g)) expect(elementIds, `element ${ref}`).toContain(ref);
  });
});
