/**
 * The mock CIS2's ID token signing key (RS256, as CIS2 signs). Kept in the local
 * environment's data directory when there is one, so that an ID token the app holds still
 * verifies after the local environment restarts.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { exportJWK, generateKeyPair, type JWK } from 'jose';

export const ID_TOKEN_ALG = 'RS256';
const FILE_NAME = 'cis2-signing-key.json';

export interface SigningKey {
  /** Private JWK, with `kid`, `alg` and `use`, as oidc-provider's `jwks` wants it. */
  privateJwk: JWK & { kid: string };
  publicJwk: JWK & { kid: string };
}

function isPrivateRsaJwk(value: unknown): value is JWK & { kid: string } {
  if (typeof value !== 'object' || value === null) return false;
  const jwk = value as Record<string, unknown>;
  return jwk.kty === 'RSA' && typeof jwk.kid === 'string' && typeof jwk.d === 'string' && typeof jwk.n === 'string';
}

async function readKey(file: string): Promise<(JWK & { kid: string }) | null> {
  try {
    const parsed: unknown = JSON.parse(await readFile(file, 'utf8'));
    return isPrivateRsaJwk(parsed) ? parsed : null;
  } catch {
    return null;
  }
}

export async function loadOrCreateSigningKey(dataDir: string | undefined): Promise<SigningKey> {
  const file = dataDir ? path.join(dataDir, FILE_NAME) : null;
  let privateJwk = file ? await readKey(file) : null;
  if (!privateJwk) {
    const pair = await generateKeyPair(ID_TOKEN_ALG, { extractable: true });
    privateJwk = { ...(await exportJWK(pair.privateKey)), kid: randomUUID(), alg: ID_TOKEN_ALG, use: 'sig' };
    if (file) {
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(file, JSON.stringify(privateJwk), { mode: 0o600 });
    }
  }
  const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...publicJwk } = privateJwk;
  return { privateJwk, publicJwk };
}
