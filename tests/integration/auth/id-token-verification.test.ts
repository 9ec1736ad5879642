/**
 * The ID token's signature, checked by the app itself: openid-client 6 does not verify
 * the signature of an ID token from the token endpoint unless non-repudiation checks are
 * on, and trusts the discovery document's list of algorithms (which may list `none` or
 * HS256). The real `Cis2Client` signs in against a provider that can lie
 * (tests/helpers/forged-op.ts); every forged token must be refused with one clear sentence,
 * and a key rotation must not break sign-in.
 */
import type { JWTPayload } from 'jose';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { testFetch } from '../../helpers/fetch';
import { AppError } from '../../../electron/app-error';
import { Cis2Client, type Cis2Identity, type Cis2Settings } from '../../../electron/auth/cis2';
import { silentLogger } from '../../../electron/log/logger';
import { FORGED_SIGNINGS, startForgedOp, type ForgedOp, type IdTokenSigning } from '../../helpers/forged-op';
import { expectOneSentence } from '../../helpers/one-sentence';
import { writeFigures } from '../../unit/security/security-figures';

let op: ForgedOp | null = null;
let forgedTokensRefused = 0;
afterEach(async () => {
  await op?.close();
  op = null;
});
afterAll(() => {
  writeFigures('forged-tokens', { forgedTokensRefused });
});

async function provider(signing: IdTokenSigning = 'real'): Promise<ForgedOp> {
  op = await startForgedOp({ signing });
  return op;
}

function client(forged: ForgedOp, settings: Partial<Cis2Settings> = {}): Cis2Client {
  return new Cis2Client(
    {
      issuer: forged.issuer,
      clientId: forged.clientId,
      acrValues: 'AAL3_ANY',
      allowInsecureLoopback: true,
      timeoutMs: 10_000,
      fetch: testFetch,
      ...settings,
    },
    silentLogger,
  );
}

/** One sign-in as the user would do it: the app opens the URL, the "browser" follows it back to loopback. */
async function signIn(cis2: Cis2Client, forged: ForgedOp): Promise<Cis2Identity> {
  const pending = await cis2.begin(async (url) => {
    void forged.browse(url);
  });
  return pending.completed;
}

async function refusal(promise: Promise<unknown>): Promise<AppError> {
  const outcome = await promise.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  if (!('error' in outcome)) throw new Error('the sign-in was accepted');
  expect(outcome.error).toBeInstanceOf(AppError);
  const error = outcome.error as AppError;
  expectOneSentence(error.message);
  return error;
}

const LABELS: Record<IdTokenSigning, string> = {
  real: "the provider's RS256 key",
  'real-rs512': "the provider's RS512 key",
  'foreign-key': "a foreign RSA key under the provider's own kid",
  'foreign-key-new-kid': 'a foreign RSA key under a kid the provider never published',
  'hs256-client-id': 'HS256 keyed with the client id',
  'hs256-public-key': "HS256 keyed with the provider's public key (algorithm confusion)",
  'hs256-any-secret': 'HS256 keyed with any secret',
  none: 'alg none, listed in discovery',
  'es256-listed': 'ES256, a published key but an algorithm not configured',
  rotated: 'a rotated key',
};

describe('ID token signature, against a provider that can forge', () => {
  it("signs in with a token signed by the provider's own key, RS256 or RS512", async () => {
    const forged = await provider('real');
    const identity = await signIn(client(forged), forged);
    expect(identity.uid).toBe('555000000001');
    expect(identity.name).toBe('Dr Test Forged-Op');
    forged.signing = 'real-rs512';
    expect((await signIn(client(forged), forged)).uid).toBe('555000000001');
  });

  for (const signing of FORGED_SIGNINGS) {
    it(`refuses an ID token signed with ${LABELS[signing]}`, async () => {
      const forged = await provider(signing);
      const error = await refusal(signIn(client(forged), forged));
      expect(error.code).toBe('ID_TOKEN_SIGNATURE');
      expect(error.message).toMatch(/NHS Care Identity Service/);
      expect(error.message).toMatch(/not signed in/);
      expect(error.message).toMatch(/press Sign in/i);
      forgedTokensRefused += 1;
    });
  }

  it('fetches the key set again once for an unknown kid, and refuses when the kid is still unknown', async () => {
    const forged = await provider('real');
    const cis2 = client(forged);
    await signIn(cis2, forged);
    expect(forged.jwksFetches).toBe(1);
    forged.signing = 'foreign-key-new-kid';
    const error = await refusal(signIn(cis2, forged));
    expect(error.code).toBe('ID_TOKEN_SIGNATURE');
    expect(forged.jwksFetches).toBe(2);
    forgedTokensRefused += 1;
  });

  it('follows a key rotation: the new kid, missing from the first key set, is fetched and sign-in succeeds', async () => {
    const forged = await provider('real');
    const cis2 = client(forged);
    await signIn(cis2, forged);
    expect(forged.jwksFetches).toBe(1);
    // The provider rotates: its tokens now carry a kid the app's cached key set lacks.
    forged.signing = 'rotated';
    const identity = await signIn(cis2, forged);
    expect(identity.uid).toBe('555000000001');
    expect(forged.jwksFetches).toBe(2);
    // And the refreshed set is kept: the next sign-in fetches nothing.
    await signIn(cis2, forged);
    expect(forged.jwksFetches).toBe(2);
  });

  it('accepts only the configured algorithms', async () => {
    const forged = await provider('real');
    const error = await refusal(signIn(client(forged, { idTokenAlgorithms: ['RS512'] }), forged));
    expect(error.code).toBe('ID_TOKEN_SIGNATURE');
    forged.signing = 'real-rs512';
    expect((await signIn(client(forged, { idTokenAlgorithms: ['RS512'] }), forged)).uid).toBe('555000000001');
  });
});

describe('ID token times', () => {
  const shift = (field: 'iat' | 'auth_time', seconds: number) => (claims: JWTPayload) => ({
    ...claims,
    [field]: (claims[field] as number) + seconds,
  });

  it('refuses an ID token issued further in the future than the allowed skew, and accepts one within it', async () => {
    const forged = await provider('real');
    forged.rewriteClaims = shift('iat', 10 * 60);
    const error = await refusal(signIn(client(forged), forged));
    expect(error.code).toBe('CLOCK_SKEW');
    expect(error.message).toMatch(/clock/);
    forgedTokensRefused += 1;
    forged.rewriteClaims = shift('iat', 30);
    expect((await signIn(client(forged), forged)).uid).toBe('555000000001');
  });

  it('refuses an ID token issued long ago (a replayed one)', async () => {
    const forged = await provider('real');
    forged.rewriteClaims = shift('iat', -60 * 60);
    const error = await refusal(signIn(client(forged), forged));
    expect(error.code).toBe('CLOCK_SKEW');
    forgedTokensRefused += 1;
  });

  it('sends max_age when configured and checks auth_time against it', async () => {
    const forged = await provider('real');
    const cis2 = client(forged, { maxAgeSeconds: 600 });
    await signIn(cis2, forged);
    expect(forged.authorizeRequests.at(-1)?.searchParams.get('max_age')).toBe('600');

    forged.rewriteClaims = shift('auth_time', -2 * 60 * 60);
    const old = await refusal(signIn(cis2, forged));
    expect(old.code).toBe('AUTH_TOO_OLD');
    expect(old.message).toMatch(/sign in again/i);
    forgedTokensRefused += 1;

    forged.rewriteClaims = (claims) => {
      const { auth_time: _dropped, ...rest } = claims;
      return rest;
    };
    const missing = await refusal(signIn(cis2, forged));
    expect(missing.code).toBe('AUTH_TOO_OLD');
    forgedTokensRefused += 1;
  });
});
