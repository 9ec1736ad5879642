/**
 * The combined authorisation pattern, over real loopback HTTP: the app signs in at the mock
 * API platform's /oauth2/authorize, which signs the user in at the mock CIS2 as its own
 * client, and the app redeems the platform's code with its client assertion.
 */
import { importJWK, type CryptoKey } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { ApimCombinedClient } from '../../../electron/auth/apim-combined';
import { ASSERTION_ALG, CLIENT_ASSERTION_TYPE, signClientAssertion } from '../../../electron/auth/client-assertion';
import type { LocalEnvironment } from '../../../local-env/src/index';
import { CONSULTANT_UID } from '../../../local-env/src/users';
import { silentLogger } from '../../../electron/log/logger';
import { completeBrowserSignIn, startDirectApp, type DirectApp } from '../../helpers/app-direct';
import { browse, CookieJar, listenForCallback, pkcePair, postToken, type CallbackListener } from '../../helpers/local-identity';
import { testFetch } from '../../helpers/fetch';

let direct: DirectApp | null = null;
const listeners: CallbackListener[] = [];
afterEach(async () => {
  for (const listener of listeners.splice(0)) await listener.close();
  await direct?.close();
  direct = null;
});

async function startCombined(): Promise<{ app: DirectApp; local: LocalEnvironment }> {
  direct = await startDirectApp({ env: { ERS_AUTH_PATTERN: 'combined' } });
  const local = direct.local;
  if (!local) throw new Error('no local environment');
  return { app: direct, local };
}

async function appClient(local: LocalEnvironment): Promise<ApimCombinedClient> {
  const key = (await importJWK(local.apimClient.privateJwk, ASSERTION_ALG)) as CryptoKey;
  return new ApimCombinedClient(
    {
      authorizeEndpoint: local.apim.authorizeEndpoint,
      tokenEndpoint: local.apim.tokenEndpoint,
      clientId: local.apimClient.clientId,
      signingKey: { key, kid: local.apimClient.kid },
      fetch: testFetch,
    },
    silentLogger,
  );
}

/** An authorize URL as the app builds it, with parts left out or changed by the test. */
function authorizeUrl(local: LocalEnvironment, redirectUri: string, params: Record<string, string | null>): string {
  const url = new URL(local.apim.authorizeEndpoint);
  const all: Record<string, string | null> = {
    response_type: 'code',
    client_id: local.apimClient.clientId,
    redirect_uri: redirectUri,
    state: 'state-from-the-test',
    code_challenge_method: 'S256',
    ...params,
  };
  for (const [key, value] of Object.entries(all)) if (value !== null) url.searchParams.set(key, value);
  return url.toString();
}

async function listener(): Promise<CallbackListener> {
  const started = await listenForCallback();
  listeners.push(started);
  return started;
}

async function withinSeconds<T>(promise: Promise<T>, seconds = 5): Promise<T> {
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error('nothing reached the loopback listener')), seconds * 1000)),
  ]);
}

describe('the combined pattern: sign-in and authorisation at the API platform', () => {
  it('signs the consultant in through the platform, with roles from A030 and e-RS calls carrying the platform token', async () => {
    const { app, local } = await startCombined();
    await app.call('session.signIn', {});
    const opened = new URL(app.opened[0] ?? '');
    // The browser goes to the platform, never to CIS2 directly.
    expect(`${opened.origin}${opened.pathname}`).toBe(local.apim.authorizeEndpoint);
    expect(opened.searchParams.get('client_id')).toBe(local.apimClient.clientId);
    expect(opened.searchParams.get('code_challenge_method')).toBe('S256');
    expect(opened.searchParams.get('code_challenge')).toMatch(/^[\w-]{43}$/);
    expect(opened.searchParams.get('state')).toMatch(/^[\w-]{40,}$/);

    await completeBrowserSignIn(opened.toString(), { uid: CONSULTANT_UID });
    const choosing = await app.waitForPhase('choosing-role');
    // No ID token in this pattern: the SDS user id from A030 stands in for the name.
    expect(choosing.user).toEqual({ id: CONSULTANT_UID, name: `SDS user ${CONSULTANT_UID}` });
    expect(choosing.roles.map((r) => [r.businessFunction, r.organisationOds])).toEqual([
      ['SERVICE_PROVIDER_CLINICIAN', 'R69'],
      ['SERVICE_PROVIDER_CLINICIAN', 'R68'],
    ]);
    const signedIn = await app.call('session.chooseRole', { roleId: choosing.roles[0]?.id ?? '' });
    expect(signedIn.phase).toBe('signed-in');

    const claims = await local.tokens.verify(await app.app.session.accessToken());
    expect(claims.sub).toBe(CONSULTANT_UID);
    expect(claims.scope).toBe('urn:nhsd:apim:user-nhs-cis2:aal3:e-referrals-service-api');
    const worklist = await app.call('worklist.fetch', { kind: 'referrals' });
    expect(worklist.stale).toBe(false);
    expect(worklist.rows.length).toBeGreaterThan(0);
  });

  it('refreshes with the platform refresh token, and e-RS accepts the new token', async () => {
    const { app, local } = await startCombined();
    const before = app.opened.length;
    await app.call('session.signIn', {});
    await completeBrowserSignIn(app.opened[before] ?? '', { uid: CONSULTANT_UID });
    const choosing = await app.waitForPhase('choosing-role');
    await app.call('session.chooseRole', { roleId: choosing.roles[0]?.id ?? '' });
    const first = await app.app.session.accessToken();
    expect(await app.app.session.refresh()).toBe(true);
    const second = await app.app.session.accessToken();
    expect(second).not.toBe(first);
    expect((await local.tokens.verify(second)).sub).toBe(CONSULTANT_UID);
    const worklist = await app.call('worklist.fetch', { kind: 'referrals', refresh: true });
    expect(worklist.stale).toBe(false);
    expect(worklist.rows.length).toBeGreaterThan(0);
  });

  it('refuses an authorization request without PKCE, or with the plain method, back at the app', async () => {
    const { local } = await startCombined();
    const noPkce = await listener();
    await browse(new CookieJar(), authorizeUrl(local, noPkce.redirectUri, { code_challenge_method: null }));
    const refused = await withinSeconds(noPkce.received);
    expect(refused.searchParams.get('error')).toBe('invalid_request');
    expect(refused.searchParams.get('error_description')).toBe('code_challenge is missing');
    expect(refused.searchParams.get('state')).toBe('state-from-the-test');
    expect(refused.searchParams.has('code')).toBe(false);

    const plain = await listener();
    await browse(
      new CookieJar(),
      authorizeUrl(local, plain.redirectUri, { code_challenge: pkcePair().verifier, code_challenge_method: 'plain' }),
    );
    expect((await withinSeconds(plain.received)).searchParams.get('error_description')).toBe('code_challenge_method must be S256');
  });

  it('never sends the browser to a redirect URI the app did not register', async () => {
    const { local } = await startCombined();
    const visit = await browse(
      new CookieJar(),
      authorizeUrl(local, 'http://127.0.0.1:9/elsewhere', { code_challenge: pkcePair().challenge }),
    );
    expect(visit.final.status).toBe(400);
    expect(JSON.parse(visit.body)).toMatchObject({
      error: 'invalid_request',
      error_description: 'redirect_uri does not match registered callback URL',
    });
    expect(visit.visited).toHaveLength(1);
  });

  it('ignores a callback with the wrong state, and still completes the real one', async () => {
    const { app } = await startCombined();
    await app.call('session.signIn', {});
    const opened = new URL(app.opened[0] ?? '');
    const redirectUri = opened.searchParams.get('redirect_uri') ?? '';
    const forged = await fetch(`${redirectUri}?code=forged&state=not-the-app-state`);
    expect(forged.status).toBe(400);
    await forged.text();
    expect(app.app.session.get().phase).toBe('waiting-for-browser');
    expect(app.app.session.get().notice?.message).toMatch(/out-of-date sign-in/);

    // The platform refuses a CIS2 callback for a sign-in it did not start.
    const local = app.local;
    if (!local) throw new Error('no local environment');
    const stray = await fetch(`${local.apim.callbackUrl}?code=x&state=unknown`);
    expect(stray.status).toBe(400);
    expect(await stray.text()).toMatch(/out of date/);

    await completeBrowserSignIn(opened.toString(), { uid: CONSULTANT_UID });
    expect((await app.waitForPhase('choosing-role')).user?.id).toBe(CONSULTANT_UID);
  });

  it('refuses a code used twice (invalid_grant), and a code with the wrong verifier', async () => {
    const { local } = await startCombined();
    const client = await appClient(local);
    const redeemOnce = async (): Promise<{ code: string; redirectUri: string; verifier: string }> => {
      const callback = await listener();
      const { verifier, challenge } = pkcePair();
      await completeBrowserSignIn(authorizeUrl(local, callback.redirectUri, { code_challenge: challenge }), { uid: CONSULTANT_UID });
      const code = (await withinSeconds(callback.received)).searchParams.get('code') ?? '';
      expect(code).not.toBe('');
      return { code, redirectUri: callback.redirectUri, verifier };
    };

    const first = await redeemOnce();
    const tokens = await client.redeem(first.code, first.redirectUri, first.verifier);
    expect((await local.tokens.verify(tokens.accessToken)).sub).toBe(CONSULTANT_UID);
    expect(tokens.refreshToken).not.toBeNull();
    await expect(client.redeem(first.code, first.redirectUri, first.verifier)).rejects.toMatchObject({ code: 'SIGN_IN_INVALID_GRANT' });
    // What the platform itself answered, as it answers.
    const replay = await postToken(local.apim, {
      grant_type: 'authorization_code',
      code: first.code,
      redirect_uri: first.redirectUri,
      code_verifier: first.verifier,
      client_assertion_type: CLIENT_ASSERTION_TYPE,
      client_assertion: await signClientAssertion({
        clientId: local.apimClient.clientId,
        tokenEndpoint: local.apim.tokenEndpoint,
        signingKey: { key: (await importJWK(local.apimClient.privateJwk, ASSERTION_ALG)) as CryptoKey, kid: local.apimClient.kid },
      }),
    });
    expect(replay).toMatchObject({ status: 400, body: { error: 'invalid_grant', error_description: 'authorization_code is invalid' } });

    const second = await redeemOnce();
    await expect(client.redeem(second.code, second.redirectUri, pkcePair().verifier)).rejects.toMatchObject({
      code: 'SIGN_IN_INVALID_GRANT',
    });
    // A failed verifier uses the code up too: the right verifier cannot follow a guess.
    await expect(client.redeem(second.code, second.redirectUri, second.verifier)).rejects.toMatchObject({ code: 'SIGN_IN_INVALID_GRANT' });
  });

  it('tells the user when they cancel at CIS2 through the platform', async () => {
    const { app } = await startCombined();
    await app.call('session.signIn', {});
    await completeBrowserSignIn(app.opened[0] ?? '', 'cancel');
    const view = await app.waitForPhase('signed-out');
    expect(view.notice?.message).toMatch(/cancelled/);
  });
});
