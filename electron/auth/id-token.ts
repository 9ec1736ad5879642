/**
 * The ID token's signature and times, checked by the app itself. openid-client 6 checks an
 * ID token's claims (issuer, audience, expiry, nonce) but not its signature when the token
 * comes straight from the token endpoint, and it takes its list of algorithms from the
 * discovery document, which could list `none` or HS256. So here, with jose:
 *
 *  - the signature is verified against the provider's published key set (`jwks_uri`),
 *    fetched on first use and fetched again, once per token, when a token names a key the
 *    set lacks, so a key rotation does not break sign-in;
 *  - only the configured algorithms are accepted (by default RS256 and RS512; never `none`
 *    or an HMAC algorithm, whose key a public client would have to share with everyone);
 *  - `iat` must lie within a bounded skew of this computer's clock (not in the future, and
 *    not so old that the token is a replay), and `auth_time` within `max_age` when the
 *    app sent one.
 */
import { createLocalJWKSet, decodeProtectedHeader, errors, jwtVerify, type JSONWebKeySet, type JWTPayload } from 'jose';
import type { FetchLike } from '../platform/platform';

/** CIS2 signs ID tokens with RS256; RS512 is allowed for a future change of key. */
export const DEFAULT_ID_TOKEN_ALGORITHMS: readonly string[] = ['RS256', 'RS512'];
/** Asymmetric JWS algorithms only: anything else in the configuration is ignored. */
const ASYMMETRIC = new Set(['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519']);
/** An ID token straight from the token endpoint was issued moments ago; older is a replay. */
export const MAX_ID_TOKEN_AGE_SECONDS = 10 * 60;

export function allowedAlgorithms(configured: readonly string[] | undefined): string[] {
  return [...new Set((configured ?? DEFAULT_ID_TOKEN_ALGORITHMS).filter((alg) => ASYMMETRIC.has(alg)))];
}

/** Why an ID token was refused, for the caller to turn into a sentence. */
export type IdTokenProblem = 'keys-unavailable' | 'signature' | 'clock' | 'auth-time' | 'claims';

export class IdTokenRefused extends Error {
  constructor(
    readonly problem: IdTokenProblem,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'IdTokenRefused';
  }
}

export interface IdTokenExpectations {
  issuer: string;
  clientId: string;
  algorithms: readonly string[];
  clockToleranceSeconds: number;
  /** Set when the authorization request carried `max_age`. */
  maxAgeSeconds?: number;
  /** Epoch seconds. */
  now?: () => number;
}

/** The provider's published signing keys. */
export class ProviderKeys {
  private keySet: JSONWebKeySet | null = null;

  constructor(
    private readonly jwksUri: URL,
    /** The platform's fetch: the trust's proxy and certificates apply to the key set too. */
    private readonly fetch: FetchLike,
    private readonly timeoutMs = 20_000,
  ) {}

  private async load(): Promise<JSONWebKeySet> {
    let body: unknown;
    try {
      const response = await this.fetch(this.jwksUri.href, {
        headers: { Accept: 'application/json, application/jwk-set+json' },
        redirect: 'error',
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      if (!response.ok) throw new Error(`the key set answered HTTP ${response.status}`);
      body = await response.json();
    } catch (cause) {
      throw new IdTokenRefused('keys-unavailable', 'the provider key set could not be fetched', { cause });
    }
    const keys = (body as { keys?: unknown } | null)?.keys;
    if (!Array.isArray(keys)) throw new IdTokenRefused('keys-unavailable', 'the provider key set is not a JWK set');
    this.keySet = { keys: keys.filter((k): k is JSONWebKeySet['keys'][number] => typeof k === 'object' && k !== null) };
    return this.keySet;
  }

  /** Verifies the token's signature; one fresh fetch of the key set when its `kid` is unknown. */
  async verify(
    token: string,
    algorithms: readonly string[],
    verify: (keys: ReturnType<typeof createLocalJWKSet>) => Promise<JWTPayload>,
  ): Promise<JWTPayload> {
    let header: ReturnType<typeof decodeProtectedHeader>;
    try {
      header = decodeProtectedHeader(token);
    } catch (cause) {
      throw new IdTokenRefused('signature', 'the ID token header cannot be read', { cause });
    }
    // Before any key is looked up: `none`, HS256 and anything not configured go no further.
    if (typeof header.alg !== 'string' || !algorithms.includes(header.alg)) {
      throw new IdTokenRefused('signature', `the ID token is signed with ${String(header.alg)}, which is not allowed`);
    }
    const fresh = this.keySet === null;
    const keys = this.keySet ?? (await this.load());
    try {
      return await verify(createLocalJWKSet(keys));
    } catch (error) {
      if (fresh || !(error instanceof errors.JWKSNoMatchingKey)) throw error;
    }
    // A key the cached set lacks: the provider may have rotated its keys.
    return verify(createLocalJWKSet(await this.load()));
  }
}

/** Verifies signature, issuer, audience and times; returns the verified claims. */
export async function verifyIdToken(token: string, keys: ProviderKeys, expect: IdTokenExpectations): Promise<JWTPayload> {
  const now = (expect.now ?? (() => Math.floor(Date.now() / 1000)))();
  const tolerance = expect.clockToleranceSeconds;
  let payload: JWTPayload;
  try {
    payload = await keys.verify(token, expect.algorithms, async (keySet) => {
      const verified = await jwtVerify(token, keySet, {
        algorithms: [...expect.algorithms],
        issuer: expect.issuer,
        audience: expect.clientId,
        clockTolerance: tolerance,
        maxTokenAge: MAX_ID_TOKEN_AGE_SECONDS,
        requiredClaims: ['iss', 'sub', 'aud', 'exp', 'iat'],
        currentDate: new Date(now * 1000),
      });
      return verified.payload;
    });
  } catch (error) {
    if (error instanceof IdTokenRefused) throw error;
    if (error instanceof errors.JWTExpired) throw new IdTokenRefused('clock', 'the ID token has expired', { cause: error });
    if (error instanceof errors.JWTClaimValidationFailed) {
      const timing = error.claim === 'iat' || error.claim === 'nbf';
      throw new IdTokenRefused(timing ? 'clock' : 'claims', `the ID token's ${error.claim} claim failed: ${error.reason}`, {
        cause: error,
      });
    }
    throw new IdTokenRefused('signature', 'the ID token signature does not verify', { cause: error });
  }
  if (expect.maxAgeSeconds !== undefined) {
    const authTime = payload.auth_time;
    if (typeof authTime !== 'number' || !Number.isFinite(authTime))
      throw new IdTokenRefused('auth-time', 'the ID token has no auth_time although max_age was sent');
    if (authTime > now + tolerance) throw new IdTokenRefused('clock', 'the ID token auth_time is in the future');
    if (authTime + expect.maxAgeSeconds < now - tolerance)
      throw new IdTokenRefused('auth-time', 'the user authenticated longer ago than max_age allows');
  }
  return payload;
}
