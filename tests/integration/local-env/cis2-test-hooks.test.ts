import { createLocalJWKSet, errors, jwtVerify } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startMockCis2, type MockCis2 } from '../../../local-env/src/cis2';
import { CONSULTANT_UID } from '../../../local-env/src/users';
import { signInAtCis2 } from '../../helpers/local-identity';

describe('the mock CIS2 test hook that issues ID tokens a careful client must refuse', () => {
  let cis2: MockCis2;

  beforeAll(async () => {
    cis2 = await startMockCis2();
  });

  afterEach(() => {
    delete cis2.testHooks.rewriteIdTokenClaims;
  });

  afterAll(async () => {
    await cis2.close();
  });

  const verify = (idToken: string) => jwtVerify(idToken, createLocalJWKSet(cis2.jwks()), { issuer: cis2.issuer, audience: cis2.clientId });

  it('makes a clock that is two hours behind: the token still carries a valid signature but has expired', async () => {
    cis2.testHooks.rewriteIdTokenClaims = (claims) => ({
      ...claims,
      iat: (claims.iat ?? 0) - 7200,
      exp: (claims.exp ?? 0) - 7200,
      auth_time: Number(claims.auth_time) - 7200,
    });
    const tokens = await signInAtCis2(cis2, CONSULTANT_UID);
    await expect(verify(tokens.id_token)).rejects.toBeInstanceOf(errors.JWTExpired);
    await expect(
      jwtVerify(tokens.id_token, createLocalJWKSet(cis2.jwks()), { currentDate: new Date(Date.now() - 7200_000) }),
    ).resolves.toBeTruthy();
  });

  it('issues a lower assurance level when asked', async () => {
    cis2.testHooks.rewriteIdTokenClaims = (claims) => ({ ...claims, acr: 'AAL1_USERPASS', amr: ['PASSWORD'] });
    const { payload } = await verify((await signInAtCis2(cis2, CONSULTANT_UID)).id_token);
    expect(payload.acr).toBe('AAL1_USERPASS');
    expect(payload.amr).toEqual(['PASSWORD']);
  });

  it('goes back to honest ID tokens once the hook is cleared', async () => {
    const { payload } = await verify((await signInAtCis2(cis2, CONSULTANT_UID)).id_token);
    expect(payload.acr).toBe('AAL3_ANY');
    expect(payload.exp).toBeGreaterThan(Date.now() / 1000);
  });
});
