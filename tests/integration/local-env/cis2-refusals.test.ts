import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockCis2, type MockCis2 } from '../../../local-env/src/cis2';
import { CONSULTANT_UID } from '../../../local-env/src/users';
import {
  authorizeAs,
  authorizeUrl,
  discover,
  pkcePair,
  redeemCode,
  type AuthorizeRequest,
  type Discovery,
} from '../../helpers/local-identity';

describe('the mock CIS2 refuses what CIS2 refuses', () => {
  let cis2: MockCis2;
  let discovery: Discovery;
  const redirectUri = 'http://127.0.0.1:49152/callback';

  beforeAll(async () => {
    cis2 = await startMockCis2();
    discovery = await discover(cis2);
  });

  afterAll(async () => {
    await cis2.close();
  });

  async function authorize(request: Partial<AuthorizeRequest>): Promise<Response> {
    return fetch(authorizeUrl(discovery, cis2, { redirectUri, state: 'st', ...request }), { redirect: 'manual' });
  }

  function errorAtCallback(response: Response): URL {
    expect(response.status).toBe(303);
    const location = new URL(response.headers.get('location') ?? '');
    expect(`${location.origin}${location.pathname}`).toBe(redirectUri);
    return location;
  }

  it('refuses an authorization request without PKCE, telling the app at its callback', async () => {
    const location = errorAtCallback(await authorize({}));
    expect(location.searchParams.get('error')).toBe('invalid_request');
    expect(location.searchParams.get('error_description')).toMatch(/PKCE/);
    expect(location.searchParams.get('state')).toBe('st');
  });

  it('refuses the plain PKCE method', async () => {
    const { verifier } = pkcePair();
    const location = errorAtCallback(await authorize({ codeChallenge: verifier, codeChallengeMethod: 'plain' }));
    expect(location.searchParams.get('error')).toBe('invalid_request');
    expect(location.searchParams.get('error_description')).toMatch(/code_challenge_method/);
  });

  it('refuses a code challenge without a method rather than assuming plain', async () => {
    const { challenge } = pkcePair();
    const location = errorAtCallback(await authorize({ codeChallenge: challenge }));
    expect(location.searchParams.get('error')).toBe('invalid_request');
  });

  it('accepts the registered loopback redirect on any port, but no other host or path, and never redirects to them', async () => {
    const { challenge } = pkcePair();
    const pkce = { codeChallenge: challenge, codeChallengeMethod: 'S256' };
    const anyPort = await authorize({ ...pkce, redirectUri: 'http://127.0.0.1:61023/callback' });
    expect(anyPort.status).toBe(303);
    expect(anyPort.headers.get('location')).toMatch(/\/interaction\//);

    for (const refused of [
      'https://evil.example/callback',
      'http://192.0.2.10:61023/callback',
      'http://127.0.0.1:61023/elsewhere',
      'https://127.0.0.1:61023/callback',
    ]) {
      const response = await authorize({ ...pkce, redirectUri: refused });
      expect(response.status, refused).toBe(400);
      expect(response.headers.get('location')).toBeNull();
      const html = await response.text();
      expect(html).toContain('Sign-in could not continue');
      expect(html).toContain('does not accept');
      expect(html).not.toMatch(/<script/i);
    }
  });

  it('refuses an unknown client with a page, not a redirect', async () => {
    const { challenge } = pkcePair();
    const response = await authorize({ clientId: 'not-registered', codeChallenge: challenge, codeChallengeMethod: 'S256' });
    expect(response.status).toBe(400);
    expect(response.headers.get('location')).toBeNull();
    expect(await response.text()).toContain('not registered');
  });

  it('refuses a code redeemed with the wrong verifier, and a code redeemed twice', async () => {
    const wrongVerifier = await authorizeAs(cis2, { uid: CONSULTANT_UID });
    const wrong = await redeemCode(cis2, wrongVerifier, pkcePair().verifier);
    expect(wrong.status).toBe(400);
    expect(await wrong.json()).toMatchObject({ error: 'invalid_grant' });

    const outcome = await authorizeAs(cis2, { uid: CONSULTANT_UID });
    expect((await redeemCode(cis2, outcome)).status).toBe(200);
    const replay = await redeemCode(cis2, outcome);
    expect(replay.status).toBe(400);
    expect(await replay.json()).toMatchObject({ error: 'invalid_grant' });
  });
});
