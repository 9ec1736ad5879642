/**
 * The signed client assertion (RFC 7523, private_key_jwt) with which the app authenticates
 * to the NHS API platform's token endpoint, as NHS APIM requires: RS512, `kid` in the
 * header, `iss` = `sub` = the client id, `aud` = the token endpoint URL, a unique `jti`
 * and an expiry no more than five minutes ahead.
 */
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { importPKCS8, SignJWT, type CryptoKey } from 'jose';
import { AppError } from '../app-error';

export const CLIENT_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
export const ASSERTION_ALG = 'RS512';
/**
 * APIM refuses an assertion whose `exp` is more than five minutes ahead of its own clock.
 * Two minutes leaves room for a computer clock up to three minutes fast (four minutes left
 * only one), and is still ample for one token request.
 */
export const ASSERTION_LIFETIME_SECONDS = 2 * 60;

export interface AssertionKey {
  key: CryptoKey;
  kid: string;
}

export async function signClientAssertion(input: {
  clientId: string;
  tokenEndpoint: string;
  signingKey: AssertionKey;
  now?: number;
}): Promise<string> {
  const now = input.now ?? Math.floor(Date.now() / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg: ASSERTION_ALG, kid: input.signingKey.kid, typ: 'JWT' })
    .setIssuer(input.clientId)
    .setSubject(input.clientId)
    .setAudience(input.tokenEndpoint)
    .setJti(randomUUID())
    .setIssuedAt(now)
    .setExpirationTime(now + ASSERTION_LIFETIME_SECONDS)
    .sign(input.signingKey.key);
}

/** Reads the PKCS#8 PEM key from the path the trust's configuration names. */
export async function loadAssertionKey(privateKeyPath: string, kid: string): Promise<AssertionKey> {
  let pem: string;
  try {
    pem = await readFile(privateKeyPath, 'utf8');
  } catch {
    throw new AppError(
      'APIM_KEY_MISSING',
      `The app's signing key could not be read from ${privateKeyPath}, so e-RS Triage will not start; ask your IT service desk to check the installation.`,
    );
  }
  try {
    return { key: await importPKCS8(pem, ASSERTION_ALG), kid };
  } catch {
    throw new AppError(
      'APIM_KEY_INVALID',
      `The app's signing key at ${privateKeyPath} is not a valid RSA private key, so e-RS Triage will not start; ask your IT service desk to replace it.`,
    );
  }
}
