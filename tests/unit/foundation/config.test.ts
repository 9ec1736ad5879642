import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readFileSync } from 'node:fs';
import * as v from 'valibot';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../../electron/app-error';
import { defaultConfigPath, loadConfig, MachineConfigSchema } from '../../../electron/config';
import { repoRoot } from '../../helpers/repo';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'config-test-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function withFile(content: string): NodeJS.ProcessEnv {
  const file = path.join(dir, 'config.json');
  writeFileSync(file, content);
  return { ERS_TRIAGE_CONFIG: file };
}

describe('configuration', () => {
  it('defaults to the local environment, unmanaged, when nothing is configured', () => {
    const config = loadConfig({ ERS_TRIAGE_CONFIG: path.join(dir, 'missing.json') }, 'linux');
    expect(config).toMatchObject({ environment: 'local', managed: false, signInRequired: true, ersBaseUrl: null, configPath: null });
  });

  it('reads the trust file from ProgramData on Windows and /etc on Linux', () => {
    expect(defaultConfigPath('win32', { ProgramData: 'D:\\PD' })).toBe(path.join('D:\\PD', 'ers-triage', 'config.json'));
    expect(defaultConfigPath('linux', {})).toBe('/etc/ers-triage/config.json');
  });

  it('lets a developer choose an environment and base URL when unmanaged', () => {
    const config = loadConfig(
      { ERS_TRIAGE_CONFIG: path.join(dir, 'none.json'), ERS_ENVIRONMENT: 'sandbox', ERS_BASE_URL: 'http://127.0.0.1:9/referrals' },
      'linux',
    );
    expect(config).toMatchObject({ environment: 'sandbox', signInRequired: false, ersBaseUrl: 'http://127.0.0.1:9/referrals' });
  });

  it('does not let the user switch a managed install to another environment', () => {
    const env = { ...withFile(JSON.stringify({ environment: 'int' })), ERS_ENVIRONMENT: 'local', ERS_BASE_URL: 'http://127.0.0.1:1/x' };
    const config = loadConfig(env, 'linux');
    expect(config).toMatchObject({ environment: 'int', managed: true, ersBaseUrl: 'https://int.api.service.nhs.uk/referrals' });
  });

  it('gives each environment its PDS base URL, which a trust file (or, unmanaged, PDS_BASE_URL) may replace', () => {
    const none = path.join(dir, 'none.json');
    expect(loadConfig({ ERS_TRIAGE_CONFIG: none }, 'linux').pdsBaseUrl).toBeNull();
    expect(loadConfig({ ERS_TRIAGE_CONFIG: none, ERS_ENVIRONMENT: 'sandbox' }, 'linux').pdsBaseUrl).toBe(
      'https://sandbox.api.service.nhs.uk/personal-demographics/FHIR/R4',
    );
    expect(loadConfig(withFile(JSON.stringify({ environment: 'int' })), 'linux').pdsBaseUrl).toBe(
      'https://int.api.service.nhs.uk/personal-demographics/FHIR/R4',
    );
    expect(loadConfig(withFile(JSON.stringify({ environment: 'production' })), 'linux').pdsBaseUrl).toBe(
      'https://api.service.nhs.uk/personal-demographics/FHIR/R4',
    );
    const own = { environment: 'int', pdsBaseUrl: 'https://gateway.trust.example/pds/FHIR/R4' };
    expect(loadConfig({ ...withFile(JSON.stringify(own)), PDS_BASE_URL: 'http://127.0.0.1:1/x' }, 'linux').pdsBaseUrl).toBe(own.pdsBaseUrl);
    expect(loadConfig({ ERS_TRIAGE_CONFIG: none, PDS_BASE_URL: 'http://127.0.0.1:1/pds' }, 'linux').pdsBaseUrl).toBe(
      'http://127.0.0.1:1/pds',
    );
  });

  it('explains an invalid trust file in a sentence instead of crashing', () => {
    for (const content of [
      '{not json',
      JSON.stringify({ environment: 'prod' }),
      JSON.stringify({ surprise: true }),
      JSON.stringify({ idleLockMinutes: -3 }),
    ]) {
      let caught: unknown;
      try {
        loadConfig(withFile(content), 'linux');
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(AppError);
      expect((caught as AppError).code).toBe('CONFIG_INVALID');
      expect((caught as AppError).message).toMatch(/IT service desk/);
    }
  });

  it('refuses an unknown ERS_ENVIRONMENT with a clear sentence', () => {
    expect(() => loadConfig({ ERS_TRIAGE_CONFIG: path.join(dir, 'x.json'), ERS_ENVIRONMENT: 'staging' }, 'linux')).toThrow(
      /not one of local, sandbox, int or production/,
    );
  });
});

describe('configuration of a packaged build', () => {
  const programData = (): string => path.join(dir, 'ProgramData');
  const writeMachineFile = (content: unknown): void => {
    const file = path.join(programData(), 'ers-triage', 'config.json');
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify(content));
  };

  it('with no machine configuration, needs setting up and names where IT puts the file; never the local environment', () => {
    const config = loadConfig({ ProgramData: programData() }, 'win32', { packaged: true });
    expect(config.setupNeeded).toEqual({ expectedPath: path.join(programData(), 'ers-triage', 'config.json') });
    // Unpackaged, the same machine runs the local environment for development.
    expect(loadConfig({ ProgramData: programData() }, 'win32').setupNeeded).toBeNull();
  });

  it('ignores every environment-variable override, including another configuration file', () => {
    writeMachineFile({ environment: 'int' });
    const elsewhere = withFile(JSON.stringify({ environment: 'local', idleLockMinutes: 240 })).ERS_TRIAGE_CONFIG;
    const config = loadConfig(
      {
        ProgramData: programData(),
        ERS_TRIAGE_CONFIG: elsewhere,
        ERS_ENVIRONMENT: 'local',
        ERS_BASE_URL: 'http://127.0.0.1:1/x',
        ERS_AUTH_PATTERN: 'combined',
      },
      'win32',
      { packaged: true },
    );
    expect(config).toMatchObject({
      environment: 'int',
      managed: true,
      ersBaseUrl: 'https://int.api.service.nhs.uk/referrals',
      authPattern: 'separate',
      setupNeeded: null,
    });
    expect(config.configPath).toBe(path.join(programData(), 'ers-triage', 'config.json'));
  });

  it('needs setting up when the machine file names no environment, whatever the variables say', () => {
    writeMachineFile({ idleLockMinutes: 10 });
    const config = loadConfig({ ProgramData: programData(), ERS_ENVIRONMENT: 'sandbox' }, 'win32', { packaged: true });
    expect(config.setupNeeded).not.toBeNull();
    expect(config.environment).toBe('local');
  });

  it('refuses an http endpoint in the machine file in one sentence for IT, but allows http on loopback', () => {
    const file = path.join(programData(), 'ers-triage', 'config.json');
    const apim = { tokenEndpoint: 'https://int.api.service.nhs.uk/oauth2/token', clientId: 'a', privateKeyPath: 'C:\\k.pem', keyId: 'k' };
    writeMachineFile({ environment: 'int', cis2: { issuer: 'http://cis2.trust.nhs.uk/realm', clientId: 'c' }, apim });
    let caught: unknown;
    try {
      loadConfig({ ProgramData: programData() }, 'win32', { packaged: true });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(AppError);
    expect((caught as AppError).code).toBe('CONFIG_INSECURE');
    expect((caught as AppError).message).toBe(
      `The e-RS Triage configuration (${file}) sets the CIS2 issuer to http://cis2.trust.nhs.uk, which is not https; ask your IT service desk to set an https address.`,
    );
    writeMachineFile({ environment: 'int', apim: { ...apim, tokenEndpoint: 'http://apim.example.org/oauth2/token', pattern: 'combined' } });
    expect(() => loadConfig({ ProgramData: programData() }, 'win32', { packaged: true })).toThrow(
      /sets the APIM token endpoint to http:\/\/apim\.example\.org, which is not https/,
    );
    // The refresh token would travel to a revocation endpoint: the same rule.
    writeMachineFile({
      environment: 'int',
      apim: { ...apim, revocationEndpoint: 'http://apim.example.org/oauth2/revoke', pattern: 'combined' },
    });
    expect(() => loadConfig({ ProgramData: programData() }, 'win32', { packaged: true })).toThrow(
      /sets the APIM revocation endpoint to http:\/\/apim\.example\.org, which is not https/,
    );
    writeMachineFile({ environment: 'sandbox', ersBaseUrl: 'http://127.0.0.1:9000/referrals' });
    expect(loadConfig({ ProgramData: programData() }, 'win32', { packaged: true }).ersBaseUrl).toBe('http://127.0.0.1:9000/referrals');
  });

  it('ignores an http ERS_BASE_URL when packaged, and refuses it unpackaged unless on loopback', () => {
    writeMachineFile({ environment: 'sandbox' });
    const env = { ProgramData: programData(), ERS_BASE_URL: 'http://ers.example.org/referrals' };
    expect(loadConfig(env, 'win32', { packaged: true }).ersBaseUrl).toBe('https://sandbox.api.service.nhs.uk/referrals');
    const unmanaged = { ERS_TRIAGE_CONFIG: path.join(dir, 'none.json'), ERS_ENVIRONMENT: 'sandbox' };
    expect(() => loadConfig({ ...unmanaged, ERS_BASE_URL: 'http://ers.example.org/referrals' }, 'linux')).toThrow(
      'The e-RS Triage configuration (ERS_BASE_URL) sets the e-RS address to http://ers.example.org, which is not https; ask your IT service desk to set an https address.',
    );
    expect(loadConfig({ ...unmanaged, ERS_BASE_URL: 'http://localhost:9/referrals' }, 'linux').ersBaseUrl).toBe(
      'http://localhost:9/referrals',
    );
  });

  it('ships an example machine configuration in resources/ that the schema accepts', () => {
    const example: unknown = JSON.parse(readFileSync(path.join(repoRoot, 'resources', 'config.example.json'), 'utf8'));
    expect(v.safeParse(MachineConfigSchema, example).success).toBe(true);
  });
});
