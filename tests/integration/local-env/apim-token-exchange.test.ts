import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLIENT_ASSERTION_TYPE } from '../../../local-env/src/apim';
import { ADMIN_UID, CONSULTANT_UID } from '../../../local-env/src/users';
import {
  postToken,
  signClientAssertion,
  signInAtCis2,
  startLocalIdentity,
  tokenExchangeForm,
  type LocalIdentity,
} from '../../helpers/local-identity';

describe('the mock APIM token endpoint: exchanging a CIS2 ID token (RFC 8693) and refreshing', () => {
  let identity: LocalIdentity;

  beforeAll(async () => {
    identity = await startLocalIdentity();
  });

  afterAll(async () => {
    await identity.close();
  });

  async function refreshForm(refreshToken: string): Promise<Record<string, string>> {
    return {
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
      client_assertion_type: CLIENT_ASSERTION_TYPE,
      client_assertion: await signClientAssertion(identity.client, identity.apim.tokenEndpoint),
    };
  }

  it('gives the consultant an access token the e-RS token authority accepts, for the right user and CIS2 session', async () => {
    const cis2Tokens = await signInAtCis2(identity.cis2, CONSULTANT_UID);
    const { status, body } = await postToken(identity.apim, await tokenExchangeForm(identity, cis2Tokens.id_token));
    expect(status).toBe(200);
    expect(body).toMatchObject({
      expires_in: '599',
      token_type: 'Bearer',
      issued_token_type: 'urn:ietf:params:oauth:token-type:access_token',
      refresh_token_expires_in: '43199',
      refresh_count: '0',
    });
    expect(typeof body.access_token).toBe('string');
    expect(typeof body.refresh_token).toBe('string');
    const claims = await identity.authority.verify(String(body.access_token));
    expect(claims.sub).toBe(CONSULTANT_UID);
    expect(claims.sid).toBe(decodeJwt(cis2Tokens.id_token).sid);
    expect(claims.scope).toBe('urn:nhsd:apim:user-nhs-cis2:aal3:e-referrals-service-api');
  });

  it("names the admin, not the consultant, in the admin's token", async () => {
    const cis2Tokens = await signInAtCis2(identity.cis2, ADMIN_UID);
    const { status, body } = await postToken(identity.apim, await tokenExchangeForm(identity, cis2Tokens.id_token));
    expect(status).toBe(200);
    expect((await identity.authority.verify(String(body.access_token))).sub).toBe(ADMIN_UID);
  });

  it('refreshes with a signed client assertion, rotating the refresh token and counting', async () => {
    const cis2Tokens = await signInAtCis2(identity.cis2, CONSULTANT_UID);
    const exchanged = await postToken(identity.apim, await tokenExchangeForm(identity, cis2Tokens.id_token));
    const firstRefresh = String(exchanged.body.refresh_token);

    const refreshed = await postToken(identity.apim, await refreshForm(firstRefresh));
    expect(refreshed.status).toBe(200);
    expect(refreshed.body).toMatchObject({ token_type: 'Bearer', expires_in: '599', refresh_count: '1' });
    expect(refreshed.body.refresh_token).not.toBe(firstRefresh);
    expect(Number(refreshed.body.refresh_token_expires_in)).toBeLessThanOrEqual(43199);
    const claims = await identity.authority.verify(String(refreshed.body.access_token));
    expect(claims.sub).toBe(CONSULTANT_UID);
    expect(claims.sid).toBe(decodeJwt(cis2Tokens.id_token).sid);
    expect(refreshed.body.access_token).not.toBe(exchanged.body.access_token);

    const again = await postToken(identity.apim, await refreshForm(String(refreshed.body.refresh_token)));
    expect(again.status).toBe(200);
    expect(again.body.refresh_count).toBe('2');

    const reused = await postToken(identity.apim, await refreshForm(firstRefresh));
    expect(reused.status).toBe(400);
    expect(reused.body).toMatchObject({ error: 'invalid_grant' });
    expect(reused.body.message_id).toEqual(expect.any(String));
  });

  it('answers an unknown refresh token with invalid_grant', async () => {
    const { status, body } = await postToken(identity.apim, await refreshForm('no-such-refresh-token'));
    expect(status).toBe(400);
    expect(body).toMatchObject({ error: 'invalid_grant', error_description: 'refresh_token is invalid' });
  });

  it('will not refresh without client authentication', async () => {
    const cis2Tokens = await signInAtCis2(identity.cis2, CONSULTANT_UID);
    const exchanged = await postToken(identity.apim, await tokenExchangeForm(identity, cis2Tokens.id_token));
    const { status, body } = await postToken(identity.apim, {
      grant_type: 'refresh_token',
      refresh_token: String(exchanged.body.refresh_token),
    });
    expect(status).toBe(400);
    expect(body).toMatchObject({ error: 'invalid_request' });
    // The refused attempt did not use the token up.
    expect((await postToken(identity.apim, await refreshForm(String(exchanged.body.refresh_token)))).status).toBe(200);
  });
});
