/**
 * Several APIM signing keys per machine, chosen by `kid` (issue 16, item 7), and the app's
 * refusal to start while a key file is readable by ordinary users: through the platform's
 * seam (Platform.ordinaryReaders), which here plays Windows' icacls with the real parser, so
 * the refusal is proved on any operating system.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createLocalJWKSet, exportPKCS8, generateKeyPair, jwtVerify, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppInfo } from '../../../contract';
import type { TriageApp } from '../../../electron/app';
import { apimKeyFiles, loadApimSigningKey } from '../../../electron/auth/apim-keys';
import { signClientAssertion } from '../../../electron/auth/client-assertion';
import { loadConfig } from '../../../electron/config';
import { dispatch } from '../../../electron/dispatch';
import { silentLogger } from '../../../electron/log/logger';
import { TestKeyProvider } from '../../../electron/offline/key-provider';
import { createNodePlatform } from '../../../electron/platform/node-platform';
import { ordinaryReaders } from '../../../electron/platform/private-file';
import type { SystemToolRunner } from '../../../electron/platform/system-tool';
import { startApp } from '../../../electron/start-app';
import { expectOneSentence } from '../../helpers/one-sentence';

const root = mkdtempSync(path.join(os.tmpdir(), 'ers-apim-keys-'));
const keys = path.join(root, 'keys');
const fixtures = path.join(import.meta.dirname, '..', 'security', 'fixtures');

beforeAll(async () => {
  mkdirSync(keys, { recursive: true });
  for (const kid of ['int-1', 'int-2']) {
    const { privateKey } = await generateKeyPair('RS512', { extractable: true });
    writeFileSync(path.join(keys, `${kid}.pem`), await exportPKCS8(privateKey), { mode: 0o600 });
  }
  writeFileSync(path.join(keys, 'README.txt'), 'not a key');
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

function configWith(apim: Record<string, unknown>) {
  const file = path.join(root, `config-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(
    file,
    JSON.stringify({
      environment: 'int',
      cis2: {
        issuer: 'https://cis2.example.nhs.uk/openam/oauth2/realms/root/realms/NHSIdentity/realms/Healthcare',
        clientId: 'ers-triage',
      },
      apim: { tokenEndpoint: 'https://int.api.service.nhs.uk/oauth2/token', clientId: 'apim-client', ...apim },
    }),
  );
  return loadConfig({ ERS_TRIAGE_CONFIG: file }, 'linux');
}

/** Windows, played: each key file's `icacls /save` answer is one of the recorded files. */
function windowsReaders(recordedFor: (file: string) => string): (file: string) => Promise<string[]> {
  return (file) => {
    const run: SystemToolRunner = async (_icacls, args) => {
      await writeFile(String(args[2]), readFileSync(path.join(fixtures, recordedFor(file))));
      return { exitCode: 0, stdout: '' };
    };
    return ordinaryReaders(file, { platform: 'win32', run, tmpDir: root });
  };
}

async function start(apim: Record<string, unknown>, readers: (file: string) => Promise<string[]>) {
  const userDataDir = mkdtempSync(path.join(root, 'user-'));
  const platform = createNodePlatform({
    userDataDir,
    appVersion: '0.0.0-test',
    keyProvider: new TestKeyProvider(),
    ordinaryReaders: readers,
  });
  const app = await startApp(
    { config: configWith(apim), platform, log: silentLogger, options: { externalFilesDir: path.join(userDataDir, 'x') } },
    true,
  );
  const info = await dispatch(app, 'app.info', {}, silentLogger);
  if (!info.ok) throw new Error('app.info failed');
  return { app, info: info.value as AppInfo };
}

describe('APIM signing keys by kid', () => {
  it('lists every key file in the folder and signs with the one the key id names', async () => {
    const files = await apimKeyFiles({ keyDirectory: keys, keyId: 'int-2' });
    expect(files.active).toBe(path.join(keys, 'int-2.pem'));
    expect(files.all).toEqual([path.join(keys, 'int-1.pem'), path.join(keys, 'int-2.pem')]);

    const { app, info } = await start({ keyDirectory: keys, keyId: 'int-2' }, async () => []);
    expect(info.setup).toBeNull();
    expect((app as TriageApp).services.apim?.signingKey.kid).toBe('int-2');
    await app.dispose();
  });

  it('refuses a key id with no key file, and one that is not a file name, each in one sentence', async () => {
    await expect(apimKeyFiles({ keyDirectory: keys, keyId: 'int-3' })).rejects.toMatchObject({ code: 'APIM_KEY_MISSING' });
    await expect(apimKeyFiles({ keyDirectory: keys, keyId: '../int-1' })).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
    const { app, info } = await start({ keyDirectory: keys, keyId: 'int-3' }, async () => []);
    expect(info.setup?.problem).toMatch(/There is no signing key int-3\.pem in /);
    expectOneSentence(info.setup?.problem ?? '');
    await app.dispose();
  });
});

describe('the JWKS to register with the platform (build/apim-jwks.mjs, for rotation)', () => {
  interface JwksModule {
    keyFiles(paths: string[]): string[];
    publicJwks(files: string[]): { keys: JWK[] };
  }

  it('lists the public half of every key in the folder under its kid, and verifies what the active key signs', async () => {
    const { keyFiles, publicJwks } = (await import(
      pathToFileURL(path.join(import.meta.dirname, '..', '..', '..', 'build', 'apim-jwks.mjs')).href
    )) as JwksModule;
    const jwks = publicJwks(keyFiles([keys]));
    expect(jwks.keys.map((k) => k.kid)).toEqual(['int-1', 'int-2']);
    for (const key of jwks.keys) {
      expect(Object.keys(key).sort()).toEqual(['alg', 'e', 'kid', 'kty', 'n', 'use']);
      expect(key).toMatchObject({ kty: 'RSA', alg: 'RS512', use: 'sig' });
    }
    const signingKey = await loadApimSigningKey({ keyDirectory: keys, keyId: 'int-2' }, async () => []);
    const tokenEndpoint = 'https://int.api.service.nhs.uk/oauth2/token';
    const assertion = await signClientAssertion({ clientId: 'apim-client', tokenEndpoint, signingKey });
    const { protectedHeader } = await jwtVerify(assertion, createLocalJWKSet(jwks), { audience: tokenEndpoint, algorithms: ['RS512'] });
    expect(protectedHeader.kid).toBe('int-2');
  });
});

describe('a signing key ordinary users can read stops the app, with a sentence for IT', () => {
  it('on Windows, when BUILTIN\\Users can read a key (even one not signing), shows the "cannot start" screen and refuses everything', async () => {
    const { app, info } = await start(
      { keyDirectory: keys, keyId: 'int-2' },
      windowsReaders((file) => (file.endsWith('int-1.pem') ? 'icacls-save-programdata-inherited.txt' : 'icacls-save-locked-down.txt')),
    );
    const problem = info.setup?.problem ?? '';
    expect(problem).toContain(
      `The app's signing key ${path.join(keys, 'int-1.pem')} can be read by BUILTIN\\Users, so e-RS Triage will not start`,
    );
    expect(problem).toMatch(/let only Administrators, SYSTEM and the group of the app's users read it\.$/);
    expectOneSentence(problem);
    const signIn = await dispatch(app, 'session.signIn', {}, silentLogger);
    expect(signIn).toMatchObject({ ok: false, error: { code: 'NOT_CONFIGURED', message: problem } });
    await app.dispose();
  });

  it('names every ordinary group that can read it', async () => {
    const { app, info } = await start(
      { privateKeyPath: path.join(keys, 'int-1.pem'), keyId: 'int-1' },
      windowsReaders(() => 'icacls-save-everyone.txt'),
    );
    expect(info.setup?.problem).toMatch(/can be read by Everyone and Authenticated Users, so/);
    await app.dispose();
  });

  it("starts when only SYSTEM, Administrators and the app users' group can read the keys", async () => {
    const { app, info } = await start(
      { keyDirectory: keys, keyId: 'int-1' },
      windowsReaders(() => 'icacls-save-locked-down.txt'),
    );
    expect(info.setup).toBeNull();
    await app.dispose();
  });

  it('does not start when it cannot tell who can read a key', async () => {
    const { app, info } = await start({ keyDirectory: keys, keyId: 'int-1' }, async () => {
      throw new Error('icacls is blocked');
    });
    expect(info.setup?.problem).toMatch(/^The app could not check who may read its signing key .*, so e-RS Triage will not start;/);
    await app.dispose();
  });

  it.skipIf(process.platform === 'win32')(
    'on Linux, a key file others can read (mode 0644) stops it, through the real platform',
    async () => {
      const open = path.join(root, 'open-key.pem');
      writeFileSync(open, readFileSync(path.join(keys, 'int-1.pem')), { mode: 0o644 });
      const userDataDir = mkdtempSync(path.join(root, 'user-'));
      const platform = createNodePlatform({ userDataDir, appVersion: '0.0.0-test', keyProvider: new TestKeyProvider() });
      const app = await startApp({ config: configWith({ privateKeyPath: open, keyId: 'int-1' }), platform, log: silentLogger }, true);
      const info = await dispatch(app, 'app.info', {}, silentLogger);
      expect(info).toMatchObject({
        ok: true,
        value: {
          setup: { problem: expect.stringMatching(/can be read by its group and every account on this computer, .*\(chmod 600\)\.$/) },
        },
      });
      await app.dispose();
    },
  );
});
