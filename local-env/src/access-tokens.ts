/**
 * The local NHS API platform's access tokens: signed JWTs (RS256) that the mock APIM
 * token endpoint issues and the e-RS emulator verifies (signature, expiry, audience).
 * Real APIM tokens are opaque to clients; the app must treat these as opaque too.
 * The signing key is kept in the local environment's data directory so tokens survive an
 * emulator restart, as they would survive a restart of a real e-RS node.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { errors, exportJWK, generateKeyPair, importJWK, jwtVerify, SignJWT, type JWK, type JWTPayload, type CryptoKey } from 'jose';

export interface AccessTokenClaims {
  /** The user's SDS id. */
  sub: string;
  /** The CIS2 session this token came from. */
  sid: string;
  scope: string;
  exp: number;
  iat: number;
  jti: string;
}

export type TokenProblem = 'missing' | 'expired' | 'invalid' | 'audience';

export class AccessTokenError extends Error {
  constructor(
    readonly problem: TokenProblem,
    message: string,
  ) {
    super(message);
    this.name = 'AccessTokenError';
  }
}

export interface TokenAuthorityOptions {
  issuer: string;
  audience: string;
  /** Lifetime of an access token; APIM's is 10 minutes (599 s). */
  ttlSeconds?: number;
  /** Where the signing key is kept; a fresh in-memory key when absent. */
  dataDir?: string;
}

const ALG = 'RS256';

export class LocalTokenAuthority {
  private constructor(
    private readonly privateKey: CryptoKey,
    private readonly publicKey: CryptoKey,
    private readonly publicJwk: JWK,
    readonly issuer: string,
    readonly audience: string,
    readonly ttlSeconds: number,
  ) {}

  static async create(options: TokenAuthorityOptions): Promise<LocalTokenAuthority> {
    const ttl = options.ttlSeconds ?? 599;
    const file = options.dataDir ? path.join(options.dataDir, 'apim-signing-key.json') : null;
    let privateJwk: JWK | null = null;
    if (file) {
      try {
        privateJwk = JSON.parse(await readFile(file, 'utf8')) as JWK;
      } catch {
        privateJwk = null;
      }
    }
    if (!privateJwk) {
      const pair = await generateKeyPair(ALG, { extractable: true });
      privateJwk = { ...(await exportJWK(pair.privateKey)), kid: randomUUID(), alg: ALG, use: 'sig' };
      if (file) {
        await mkdir(path.dirname(file), { recursive: true });
        await writeFile(file, JSON.stringify(privateJwk), { mode: 0o600 });
      }
    }
    const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...publicJwk } = privateJwk;
    const privateKey = (await importJWK(privateJwk, ALG)) as CryptoKey;
    const publicKey = (await importJWK(publicJwk, ALG)) as CryptoKey;
    return new LocalTokenAuthority(privateKey, publicKey, publicJwk, options.issuer, options.audience, ttl);
  }

  /** The public key set, for anyone who wants to verify (the emulator, tests). */
  jwks(): { keys: JWK[] } {
    return { keys: [this.publicJwk] };
  }

  async issue(input: {
    sub: string;
    sid: string;
    scope: string;
    ttlSeconds?: number;
    now?: number;
  }): Promise<{ token: string; expiresIn: number }> {
    const expiresIn = input.ttlSeconds ?? this.ttlSeconds;
    const now = input.now ?? Math.floor(Date.now() / 1000);
    const token = await new SignJWT({ sid: input.sid, scope: input.scope })
      .setProtectedHeader({ alg: ALG, kid: this.publicJwk.kid ?? 'local', typ: 'at+jwt' })
      .setIssuer(this.issuer)
      .setAudience(this.audience)
      .setSubject(input.sub)
      .setIssuedAt(now)
      .setExpirationTime(now + expiresIn)
      .setJti(randomUUID())
      .sign(this.privateKey);
    return { token, expiresIn };
  }

  /** Verifies signature, issuer, audience and expiry (no clock skew allowed: we are the clock). */
  async verify(token: string | undefined): Promise<AccessTokenClaims> {
    if (!token) throw new AccessTokenError('missing', 'No access token was sent.');
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.publicKey, { issuer: this.issuer, audience: this.audience, algorithms: [ALG] }));
    } catch (error) {
      if (error instanceof errors.JWTExpired) throw new AccessTokenError('expired', 'The access token has expired.');
      if (error instanceof errors.JWTClaimValidationFailed && error.claim === 'aud') {
        throw new AccessTokenError('audience', 'The access token is for another service.');
      }
      throw new AccessTokenError('invalid', 'The access token is not valid.');
    }
    const { sub, sid, scope, exp, iat, jti } = payload;
    if (
      typeof sub !== 'string' ||
      typeof sid !== 'string' ||
      typeof exp !== 'number' ||
      typeof iat !== 'number' ||
      typeof jti !== 'string'
    ) {
      throw new AccessTokenError('invalid', 'The access token is missing required claims.');
    }
    return { sub, sid, scope: typeof scope === 'string' ? scope : '', exp, iat, jti };
  }
}
