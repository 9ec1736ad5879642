/**
 * Sign-out ends the user's sign-in beyond the app (issue 16, item 6), over real loopback
 * HTTP against the mock CIS2 and APIM: CIS2's session at its end-session endpoint (the ID
 * token as id_token_hint), and the refresh token at the platform (RFC 7009). Neither may
 * hold sign-out up: with CIS2 down, or never answering, the app is signed out all the same
 * and says so in one sentence.
 */
import { importJWK, type CryptoKey } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import type { SessionView } from '../../../contract';
import { ASSERTION_ALG, CLIENT_ASSERTION_TYPE, signClientAssertion } from '../../../electron/auth/client-assertion';
import { SIGNED_OUT, SIGNED_OUT_CIS2_UNREACHED } from '../../../electron/auth/session';
import type { FetchLike } from '../../../electron/platform/platform';
import type { LocalEnvironment } from '../../../local-env/src/index';
import { CONSULTANT_UID } from '../../../local-env/src/users';
import { signInDirect, startDirectApp, type DirectApp } from '../../helpers/app-direct';
import { testFetch } from '../../helpers/fetch';
import { postToken } from '../../helpers/local-identity';
import { expectOneSentence } from '../../helpers/one-sentence';

let direct: DirectApp | null = null;
afterEach(async () => {
  await direct?.close();
  direct = null;
});

/** The app's fetch, noting the refresh tokens the platform hands it (the test plays the attacker who kept one). */
function watchingFetch(): { fetch: FetchLike; refreshTokens: string[] } {
  const refreshTokens: string[] = [];
  const fetch: FetchLike = async (input, init) => {
    const response = await testFetch(input, init);
    if (input.endsWith('/oauth2/token') && response.ok) {
      const body = (await response.clone().json()) as { refresh_token?: unknown };
      if (typeof body.refresh_token === 'string') refreshTokens.push(body.refresh_token);
    }
    return response;
  };
  return { fetch, refreshTokens };
}

async function refreshAtPlatform(
  local: LocalEnvironment,
  refreshToken: string,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const key = (await importJWK(local.apimClient.privateJwk, ASSERTION_ALG)) as CryptoKey;
  const assertion = await signClientAssertion({
    clientId: local.apimClient.clientId,
    tokenEndpoint: local.apim.tokenEndpoint,
    signingKey: { key, kid: local.apimClient.kid },
  });
  return postToken(local.apim, {
    grant_type: 'refresh_token',
    refresh_token: refreshToken,
    client_id: local.apimClient.clientId,
    client_assertion_type: CLIENT_ASSERTION_TYPE,
    client_assertion: assertion,
  });
}

async function signedIn(options: { remoteSignOutMs?: number; env?: NodeJS.ProcessEnv } = {}) {
  const watch = watchingFetch();
  direct = await startDirectApp({
    fetch: watch.fetch,
    ...(options.env ? { env: options.env } : {}),
    ...(options.remoteSignOutMs ? { appOptions: { remoteSignOutMs: options.remoteSignOutMs } } : {}),
  });
  const local = direct.local;
  if (!local) throw new Error('no local environment');
  await signInDirect(direct, CONSULTANT_UID);
  const refreshToken = watch.refreshTokens.at(-1);
  if (!refreshToken) throw new Error('the platform gave the app no refresh token');
  return { app: direct, local, refreshToken };
}

function phases(app: DirectApp): SessionView[] {
  return app.events.filter((e) => e.event === 'session.changed').map((e) => e.payload as SessionView);
}

describe('sign-out ends the sign-in at CIS2 and the platform', () => {
  it('ends the CIS2 session the ID token names, and the platform refuses the refresh token afterwards', async () => {
    const { app, local, refreshToken } = await signedIn();
    const sid = local.cis2.sessionIds().at(-1);
    if (!sid) throw new Error('CIS2 issued no session');
    expect(await local.cis2.sessionActive(sid), 'the CIS2 session is live before sign-out').toBe(true);

    const view = await app.call('session.signOut', {});

    expect(view.phase).toBe('signed-out');
    expect(view.notice).toEqual({ kind: 'info', message: SIGNED_OUT });
    expect(await local.cis2.sessionActive(sid), 'the CIS2 session is ended').toBe(false);
    expect(local.cis2.endedSessions()).toEqual([sid]);
    // A form, so the ID token (with the user's name in it) is in no URL or proxy log.
    expect(local.cis2.endSessionMethods()).toEqual(['POST']);
    expect(local.apim.revokedCount()).toBe(1);
    const refused = await refreshAtPlatform(local, refreshToken);
    expect(refused.status).toBe(400);
    expect(refused.body.error).toBe('invalid_grant');
  });

  it('ends the CIS2 session with the hint in the query where the provider takes no POST', async () => {
    const { app, local } = await signedIn();
    local.cis2.testHooks.endSessionGetOnly = true;
    const sid = local.cis2.sessionIds().at(-1) ?? '';

    const view = await app.call('session.signOut', {});

    expect(view.notice).toEqual({ kind: 'info', message: SIGNED_OUT });
    expect(local.cis2.endSessionMethods()).toEqual(['POST', 'GET']);
    expect(await local.cis2.sessionActive(sid)).toBe(false);
  });

  it('signs out at once when CIS2 is down, ends what it can at the platform, and says so in one sentence', async () => {
    const { app, local, refreshToken } = await signedIn();
    await local.cis2.close();

    const view = await app.call('session.signOut', {});

    expect(view.phase).toBe('signed-out');
    expect(view.user).toBeNull();
    expect(view.notice?.message).toBe(SIGNED_OUT_CIS2_UNREACHED);
    expectOneSentence(SIGNED_OUT_CIS2_UNREACHED);
    await expect(app.app.session.accessToken()).rejects.toMatchObject({ code: 'SIGN_IN_AGAIN' });
    expect((await refreshAtPlatform(local, refreshToken)).body.error).toBe('invalid_grant');
  });

  it('does not wait longer than its limit for a CIS2 that never answers, and hides everything before it asks', async () => {
    const { app, local } = await signedIn({ remoteSignOutMs: 500 });
    local.cis2.testHooks.holdEndSession = true;
    const before = phases(app).length;

    const started = performance.now();
    const view = await app.call('session.signOut', {});
    const tookMs = performance.now() - started;

    // Without a limit this call would never return (the mock holds the request for ever).
    expect(tookMs).toBeLessThan(15_000);
    expect(view.phase).toBe('signed-out');
    expect(view.notice?.message).toBe(SIGNED_OUT_CIS2_UNREACHED);
    // The first change after pressing Sign out already shows nobody signed in, before any answer.
    const first = phases(app)[before];
    expect(first).toMatchObject({ phase: 'signed-out', user: null, role: null, notice: { kind: 'info', message: SIGNED_OUT } });
    expect(local.apim.revokedCount()).toBe(1);
  });

  it('in the combined pattern (no ID token), discards the refresh token at the platform', async () => {
    const watch = watchingFetch();
    direct = await startDirectApp({ fetch: watch.fetch, env: { ERS_AUTH_PATTERN: 'combined' } });
    const local = direct.local;
    if (!local) throw new Error('no local environment');
    await signInDirect(direct, CONSULTANT_UID);
    const refreshToken = watch.refreshTokens.at(-1);
    if (!refreshToken) throw new Error('no refresh token');

    const view = await direct.call('session.signOut', {});

    expect(view.notice).toEqual({ kind: 'info', message: SIGNED_OUT });
    expect(local.apim.revokedCount()).toBe(1);
    expect((await refreshAtPlatform(local, refreshToken)).body.error).toBe('invalid_grant');
  });

  it('discards the refresh token at the platform when the app locks itself', async () => {
    const { app, local, refreshToken } = await signedIn();
    app.app.session.lock();
    await expect.poll(() => local.apim.revokedCount(), { timeout: 10_000 }).toBe(1);
    expect((await refreshAtPlatform(local, refreshToken)).body.error).toBe('invalid_grant');
  });
});
