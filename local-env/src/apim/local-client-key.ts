/**
 * The app's key pair for signing client assertions in the local environment. At a trust
 * the private key comes from the machine's configuration and its public half is
 * registered with the NHS API platform; locally there is nobody to register with, so the
 * local environment makes one key pair, keeps it in its data directory (owner-only), and
 * registers the public half with the mock APIM itself.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import { CLIENT_ASSERTION_ALG, type ApimClientRegistration } from './client-assertion';

export const DEFAULT_APIM_CLIENT_ID = 'ers-triage-local-apim';
/** The app's loopback redirect (any port), as registered with the platform for the combined pattern. */
export const LOCAL_APP_REDIRECT_URI = 'http://127.0.0.1/callback';
const FILE_NAME = 'apim-client-key.json';

export interface LocalClientKey {
  clientId: string;
  kid: string;
  /** Private JWK (RS512) the app signs client assertions with. */
  privateJwk: JWK;
  /** Where the private JWK is kept, for configuration that names a key file. */
  file: string;
  /** What the mock APIM should have registered for this client. */
  registration: ApimClientRegistration;
}

interface StoredKey {
  clientId: string;
  privateJwk: JWK & { kid: string };
}

function isStoredKey(value: unknown, clientId: string): value is StoredKey {
  if (typeof value !== 'object' || value === null) return false;
  const stored = value as { clientId?: unknown; privateJwk?: { kty?: unknown; kid?: unknown; d?: unknown } };
  return (
    stored.clientId === clientId &&
    stored.privateJwk?.kty === 'RSA' &&
    typeof stored.privateJwk.kid === 'string' &&
    typeof stored.privateJwk.d === 'string'
  );
}

async function readStoredKey(file: string, clientId: string): Promise<StoredKey | null> {
  try {
    const parsed: unknown = JSON.parse(await readFile(file, 'utf8'));
    return isStoredKey(parsed, clientId) ? parsed : null;
  } catch {
    return null;
  }
}

export async function loadOrCreateLocalClientKey(
  dataDir: string,
  options: { clientId?: string; cis2ClientIds?: string[] } = {},
): Promise<LocalClientKey> {
  const clientId = options.clientId ?? DEFAULT_APIM_CLIENT_ID;
  const file = path.join(dataDir, FILE_NAME);
  let stored = await readStoredKey(file, clientId);
  if (!stored) {
    const pair = await generateKeyPair(CLIENT_ASSERTION_ALG, { extractable: true });
    stored = { clientId, privateJwk: { ...(await exportJWK(pair.privateKey)), kid: randomUUID(), alg: CLIENT_ASSERTION_ALG, use: 'sig' } };
    await mkdir(dataDir, { recursive: true });
    await writeFile(file, JSON.stringify(stored), { mode: 0o600 });
  }
  const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...publicJwk } = stored.privateJwk;
  return {
    clientId,
    kid: stored.privateJwk.kid,
    privateJwk: stored.privateJwk,
    file,
    registration: {
      clientId,
      jwks: { keys: [publicJwk] },
      ...(options.cis2ClientIds ? { cis2ClientIds: options.cis2ClientIds } : {}),
      // The app's loopback listener, for the combined pattern.
      redirectUris: [LOCAL_APP_REDIRECT_URI],
    },
  };
}
