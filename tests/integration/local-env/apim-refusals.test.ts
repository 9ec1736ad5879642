import { randomUUID } from 'node:crypto';
import { decodeJwt, generateKeyPair } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CLIENT_ASSERTION_TYPE, ID_TOKEN_TYPE, TOKEN_EXCHANGE_GRANT } from '../../../local-env/src/apim';
import { startMockCis2, type MockCis2 } from '../../../local-env/src/cis2';
import { CONSULTANT_UID } from '../../../local-env/src/users';
import {
  postToken,
  signClientAssertion,
  signInAtCis2,
  startLocalIdentity,
  tokenExchangeForm,
  type LocalIdentity,
} from '../../helpers/local-identity';

type Answer = { status: number; body: Record<string, unknown> };

function expectRefusal(answer: Answer, status: number, error: string, description: RegExp): void {
  expect(answer.status).toBe(status);
  expect(answer.body.error).toBe(error);
  expect(answer.body.error_description).toMatch(description);
  expect(answer.body.message_id).toEqual(expect.any(String));
  expect(answer.body).not.toHaveProperty('access_token');
}

describe('the mock APIM token endpoint refuses bad client assertions and bad subject tokens as the NHS API platform does', () => {
  let identity: LocalIdentity;
  let idToken: string;
  const now = () => Math.floor(Date.now() / 1000);

  beforeAll(async () => {
    identity = await startLocalIdentity();
    idToken = (await signInAtCis2(identity.cis2, CONSULTANT_UID)).id_token;
  });

  afterEach(() => {
    delete identity.cis2.testHooks.rewriteIdTokenClaims;
  });

  afterAll(async () => {
    await identity.close();
  });

  const exchangeWith = async (assertion: string) => postToken(identity.apim, await tokenExchangeForm(identity, idToken, assertion));
  const assertion = (overrides: Parameters<typeof signClientAssertion>[2] = {}) =>
    signClientAssertion(identity.client, identity.apim.tokenEndpoint, overrides);

  describe('client assertion', () => {
    it('refuses an assertion signed with another key under the registered kid (a forgery)', async () => {
      const forger = await generateKeyPair('RS512');
      expectRefusal(await exchangeWith(await assertion({ privateKey: forger.privateKey })), 401, 'invalid_client', /signature/);
    });

    it('refuses an assertion whose kid names no registered key', async () => {
      const forger = await generateKeyPair('RS512');
      expectRefusal(
        await exchangeWith(await assertion({ privateKey: forger.privateKey, kid: 'someone-elses-key' })),
        401,
        'invalid_client',
        /'kid'/,
      );
    });

    it('refuses an expired assertion', async () => {
      expectRefusal(await exchangeWith(await assertion({ iat: now() - 600, exp: now() - 300 })), 400, 'invalid_request', /'exp'.*expired/);
    });

    it('refuses an assertion that lives more than five minutes', async () => {
      expectRefusal(await exchangeWith(await assertion({ exp: now() + 600 })), 400, 'invalid_request', /more than 5 minutes/);
    });

    it('refuses a replayed jti, but only after the first use succeeded', async () => {
      const jti = randomUUID();
      const first = await exchangeWith(await assertion({ jti }));
      expect(first.status).toBe(200);
      expectRefusal(await exchangeWith(await assertion({ jti })), 400, 'invalid_request', /Non-unique 'jti'/);
    });

    it("does not let a forged assertion use up the real client's jti", async () => {
      const jti = randomUUID();
      const forger = await generateKeyPair('RS512');
      expect((await exchangeWith(await assertion({ jti, privateKey: forger.privateKey }))).status).toBe(401);
      expect((await exchangeWith(await assertion({ jti }))).status).toBe(200);
    });

    it('refuses an assertion meant for another token endpoint', async () => {
      expectRefusal(await exchangeWith(await assertion({ aud: identity.cis2.tokenEndpoint })), 401, 'invalid_request', /'aud'/);
    });

    it('refuses RS256, a missing kid, and iss differing from sub', async () => {
      const rs256 = await generateKeyPair('RS256');
      expectRefusal(
        await exchangeWith(await assertion({ alg: 'RS256', privateKey: rs256.privateKey })),
        400,
        'invalid_request',
        /'alg'.*RS512/,
      );
      expectRefusal(await exchangeWith(await assertion({ kid: null })), 400, 'invalid_request', /Missing 'kid'/);
      expectRefusal(await exchangeWith(await assertion({ sub: 'someone-else' })), 400, 'invalid_request', /'iss'\/'sub'/);
    });

    it('refuses a client the platform does not know', async () => {
      expectRefusal(
        await exchangeWith(await assertion({ iss: 'unknown-app', sub: 'unknown-app' })),
        401,
        'invalid_client',
        /no application is registered/,
      );
    });

    it('refuses a missing or wrong client_assertion_type and a malformed assertion', async () => {
      const form = await tokenExchangeForm(identity, idToken);
      expectRefusal(
        await postToken(identity.apim, { ...form, client_assertion_type: 'urn:example:wrong' }),
        400,
        'invalid_request',
        /client_assertion_type/,
      );
      const { client_assertion_type: _dropped, ...withoutType } = form;
      expectRefusal(await postToken(identity.apim, withoutType), 400, 'invalid_request', /client_assertion_type/);
      expectRefusal(
        await postToken(identity.apim, { ...form, client_assertion: 'not-a-jwt' }),
        400,
        'invalid_request',
        /Malformed JWT in client_assertion/,
      );
      expectRefusal(await postToken(identity.apim, { ...form, client_assertion: '' }), 400, 'invalid_request', /Missing client_assertion/);
    });
  });

  describe('subject token (the CIS2 ID token)', () => {
    it('refuses an ID token from another identity provider, even one signed correctly by its own keys', async () => {
      const otherCis2: MockCis2 = await startMockCis2();
      try {
        const foreign = (await signInAtCis2(otherCis2, CONSULTANT_UID)).id_token;
        expectRefusal(
          await postToken(identity.apim, await tokenExchangeForm(identity, foreign)),
          400,
          'invalid_request',
          /'iss'.*trusted identity provider/,
        );
      } finally {
        await otherCis2.close();
      }
    });

    it('refuses an expired ID token (a clock far behind)', async () => {
      identity.cis2.testHooks.rewriteIdTokenClaims = (claims) => ({ ...claims, iat: now() - 7200, exp: now() - 3600 });
      const expired = (await signInAtCis2(identity.cis2, CONSULTANT_UID)).id_token;
      expectRefusal(await postToken(identity.apim, await tokenExchangeForm(identity, expired)), 400, 'invalid_request', /'exp'.*expired/);
    });

    it('refuses an ID token issued in the future (a clock far ahead)', async () => {
      identity.cis2.testHooks.rewriteIdTokenClaims = (claims) => ({ ...claims, iat: now() + 3600, exp: now() + 7200 });
      const early = (await signInAtCis2(identity.cis2, CONSULTANT_UID)).id_token;
      expectRefusal(await postToken(identity.apim, await tokenExchangeForm(identity, early)), 400, 'invalid_request', /'iat'.*future/);
    });

    it('refuses an ID token below AAL2', async () => {
      identity.cis2.testHooks.rewriteIdTokenClaims = (claims) => ({ ...claims, acr: 'AAL1_USERPASS' });
      const weak = (await signInAtCis2(identity.cis2, CONSULTANT_UID)).id_token;
      expectRefusal(await postToken(identity.apim, await tokenExchangeForm(identity, weak)), 400, 'invalid_request', /'acr'/);
    });

    it('issues an aal2 scope for an AAL2 sign-in', async () => {
      identity.cis2.testHooks.rewriteIdTokenClaims = (claims) => ({ ...claims, acr: 'AAL2_ANY' });
      const aal2 = (await signInAtCis2(identity.cis2, CONSULTANT_UID)).id_token;
      const { status, body } = await postToken(identity.apim, await tokenExchangeForm(identity, aal2));
      expect(status).toBe(200);
      expect((await identity.authority.verify(String(body.access_token))).scope).toBe(
        'urn:nhsd:apim:user-nhs-cis2:aal2:e-referrals-service-api',
      );
    });

    it('refuses an ID token issued to another application', async () => {
      identity.cis2.testHooks.rewriteIdTokenClaims = (claims) => ({ ...claims, aud: 'another-app' });
      const elsewhere = (await signInAtCis2(identity.cis2, CONSULTANT_UID)).id_token;
      expectRefusal(await postToken(identity.apim, await tokenExchangeForm(identity, elsewhere)), 400, 'invalid_request', /'aud'/);
    });

    it('refuses an ID token whose claims were altered after signing', async () => {
      const [header, , signature] = idToken.split('.');
      const payload = Buffer.from(JSON.stringify({ ...decodeJwt(idToken), sub: '555000000104', uid: '555000000104' })).toString(
        'base64url',
      );
      expectRefusal(
        await postToken(identity.apim, await tokenExchangeForm(identity, `${header}.${payload}.${signature}`)),
        400,
        'invalid_request',
        /signature/,
      );
    });

    it('refuses a wrong subject_token_type, a missing subject token and a malformed one', async () => {
      const form = await tokenExchangeForm(identity, idToken);
      expectRefusal(
        await postToken(identity.apim, { ...form, subject_token_type: 'urn:ietf:params:oauth:token-type:access_token' }),
        400,
        'invalid_request',
        /subject_token_type/,
      );
      expectRefusal(await postToken(identity.apim, { ...form, subject_token: '' }), 400, 'invalid_request', /Missing subject_token/);
      expectRefusal(
        await postToken(identity.apim, await tokenExchangeForm(identity, 'garbage')),
        400,
        'invalid_request',
        /Malformed JWT in subject_token/,
      );
    });
  });

  describe('the request itself', () => {
    it('answers unknown and missing grant types as the platform does', async () => {
      expectRefusal(
        await postToken(identity.apim, { grant_type: 'password', username: 'x', password: 'y' }),
        400,
        'unsupported_grant_type',
        /grant_type is invalid/,
      );
      expectRefusal(await postToken(identity.apim, { subject_token: idToken }), 400, 'invalid_request', /grant_type is missing/);
    });

    it('refuses JSON bodies, GET requests and unknown paths, and keeps serving afterwards', async () => {
      const json = await fetch(identity.apim.tokenEndpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ grant_type: TOKEN_EXCHANGE_GRANT }),
      });
      expectRefusal(
        { status: json.status, body: (await json.json()) as Record<string, unknown> },
        415,
        'invalid_request',
        /x-www-form-urlencoded/,
      );

      const get = await fetch(identity.apim.tokenEndpoint);
      expect(get.status).toBe(405);
      expect(get.headers.get('allow')).toBe('POST');

      const unknown = await fetch(`${identity.apim.url}/oauth2/authorize`);
      expect(unknown.status).toBe(404);
      expect(((await unknown.json()) as Record<string, unknown>).error).toBe('invalid_request');

      const garbage = await fetch(identity.apim.tokenEndpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: '%%%&&&===\u0000',
      });
      expect(garbage.status).toBe(400);

      const huge = await fetch(identity.apim.tokenEndpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: `grant_type=${TOKEN_EXCHANGE_GRANT}&subject_token=${'a'.repeat(100_000)}`,
      });
      expect(huge.status).toBe(413);

      const ok = await postToken(identity.apim, {
        grant_type: TOKEN_EXCHANGE_GRANT,
        subject_token_type: ID_TOKEN_TYPE,
        subject_token: idToken,
        client_assertion_type: CLIENT_ASSERTION_TYPE,
        client_assertion: await assertion(),
      });
      expect(ok.status).toBe(200);
    });
  });
});
