import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { importJWK, type CryptoKey } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalTokenAuthority } from '../../../local-env/src/access-tokens';
import {
  CLIENT_ASSERTION_TYPE,
  ID_TOKEN_TYPE,
  loadOrCreateLocalClientKey,
  startMockApim,
  TOKEN_EXCHANGE_GRANT,
  type MockApim,
} from '../../../local-env/src/apim';
import { startMockCis2, type MockCis2 } from '../../../local-env/src/cis2';
import { CONSULTANT_UID } from '../../../local-env/src/users';
import {
  postToken,
  signClientAssertion,
  signInAtCis2,
  TEST_ACCESS_TOKEN_AUDIENCE,
  TEST_ACCESS_TOKEN_ISSUER,
} from '../../helpers/local-identity';

describe("the local environment's own client key, registered with the mock APIM", () => {
  let dataDir: string;
  let cis2: MockCis2;
  let apim: MockApim | undefined;
  let authority: LocalTokenAuthority;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'apim-client-key-'));
    cis2 = await startMockCis2({ dataDir });
    authority = await LocalTokenAuthority.create({ issuer: TEST_ACCESS_TOKEN_ISSUER, audience: TEST_ACCESS_TOKEN_AUDIENCE, dataDir });
  });

  afterAll(async () => {
    await apim?.close();
    await cis2.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('is made once, kept owner-only in the data directory, and reused', async () => {
    const first = await loadOrCreateLocalClientKey(dataDir, { cis2ClientIds: [cis2.clientId] });
    const second = await loadOrCreateLocalClientKey(dataDir);
    expect(second.kid).toBe(first.kid);
    expect(first.file).toBe(path.join(dataDir, 'apim-client-key.json'));
    if (process.platform !== 'win32') expect((await stat(first.file)).mode & 0o077).toBe(0);
    const publicKey = first.registration.jwks.keys[0];
    expect(publicKey).toMatchObject({ kty: 'RSA', kid: first.kid, alg: 'RS512' });
    expect(publicKey).not.toHaveProperty('d');
    expect(first.registration.cis2ClientIds).toEqual([cis2.clientId]);
  });

  it('signs assertions the mock APIM accepts once the key is registered', async () => {
    const key = await loadOrCreateLocalClientKey(dataDir, { cis2ClientIds: [cis2.clientId] });
    apim = await startMockApim({ authority, cis2: { issuer: cis2.issuer, jwksUri: cis2.jwksUri }, clients: [key.registration] });
    const privateKey = (await importJWK(key.privateJwk, 'RS512')) as CryptoKey;
    const started = apim;
    const assertion = await signClientAssertion(
      { clientId: key.clientId, kid: key.kid, privateKey, jwks: key.registration.jwks },
      started.tokenEndpoint,
    );
    const idToken = (await signInAtCis2(cis2, CONSULTANT_UID)).id_token;
    const { status, body } = await postToken(started, {
      grant_type: TOKEN_EXCHANGE_GRANT,
      subject_token_type: ID_TOKEN_TYPE,
      subject_token: idToken,
      client_assertion_type: CLIENT_ASSERTION_TYPE,
      client_assertion: assertion,
    });
    expect(status).toBe(200);
    expect((await authority.verify(String(body.access_token))).sub).toBe(CONSULTANT_UID);
  });
});
