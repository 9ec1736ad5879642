/**
 * Client authentication at the NHS API platform's token endpoint for the signed JWT
 * pattern (private_key_jwt): an RS512 JWT with `kid`, `iss` = `sub` = the client id,
 * `aud` = the token endpoint URL, a `jti` never seen before and an `exp` at most five
 * minutes ahead, verified against the JWKS the client registered. The error codes and
 * descriptions follow the platform's.
 */
import {
  createLocalJWKSet,
  decodeJwt,
  decodeProtectedHeader,
  errors,
  jwtVerify,
  type JWK,
  type JWTPayload,
  type ProtectedHeaderParameters,
} from 'jose';
import { invalidClient, invalidRequest } from './oauth-error';
import type { ReplayCache } from './replay-cache';

export const CLIENT_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
export const CLIENT_ASSERTION_ALG = 'RS512';
const MAX_LIFETIME_SECONDS = 5 * 60;

export interface ApimClientRegistration {
  clientId: string;
  /** The app's public keys, as registered with the API platform. */
  jwks: { keys: JWK[] };
  /** CIS2 client ids whose ID tokens this app may exchange; any CIS2 client when absent. */
  cis2ClientIds?: string[];
  /** Redirect URIs for the combined pattern (loopback ones match any port); none means it may not use it. */
  redirectUris?: string[];
}

export interface ClientAssertionContext {
  clients: ReadonlyMap<string, ApimClientRegistration>;
  tokenEndpoint: string;
  replays: ReplayCache;
  now: () => number;
}

function decode(assertion: string): { header: ProtectedHeaderParameters; payload: JWTPayload } {
  try {
    return { header: decodeProtectedHeader(assertion), payload: decodeJwt(assertion) };
  } catch {
    throw invalidRequest('Malformed JWT in client_assertion');
  }
}

/** Authenticates the client of a token request; returns its registration. */
export async function authenticateClient(params: URLSearchParams, context: ClientAssertionContext): Promise<ApimClientRegistration> {
  if (params.get('client_assertion_type') !== CLIENT_ASSERTION_TYPE) {
    throw invalidRequest(`Missing or invalid client_assertion_type - must be '${CLIENT_ASSERTION_TYPE}'`);
  }
  const assertion = params.get('client_assertion');
  if (!assertion) throw invalidRequest('Missing client_assertion');
  const { header, payload } = decode(assertion);
  if (typeof header.kid !== 'string' || header.kid === '') throw invalidRequest("Missing 'kid' header in client_assertion JWT");
  if (header.alg !== CLIENT_ASSERTION_ALG) {
    throw invalidRequest(`Invalid 'alg' header in client_assertion JWT - unsupported JWT algorithm - must be '${CLIENT_ASSERTION_ALG}'`);
  }
  if (typeof payload.iss !== 'string' || payload.iss === '' || payload.iss !== payload.sub) {
    throw invalidRequest("Missing or non-matching 'iss'/'sub' claims in client_assertion JWT");
  }
  const clientIdParam = params.get('client_id');
  if (clientIdParam !== null && clientIdParam !== payload.iss)
    throw invalidRequest("The client_id does not match the 'iss' claim in client_assertion JWT");
  const registration = context.clients.get(payload.iss);
  if (!registration)
    throw invalidClient("Invalid 'iss'/'sub' claims in client_assertion JWT - no application is registered with this client id");
  if (typeof payload.jti !== 'string' || payload.jti === '') throw invalidRequest("Missing 'jti' claim in client_assertion JWT");
  if (typeof payload.exp !== 'number') throw invalidRequest("Missing 'exp' claim in client_assertion JWT");
  const now = context.now();
  if (payload.exp > now + MAX_LIFETIME_SECONDS)
    throw invalidRequest("Invalid 'exp' claim in client_assertion JWT - more than 5 minutes in future");

  try {
    await jwtVerify(assertion, createLocalJWKSet(registration.jwks), {
      algorithms: [CLIENT_ASSERTION_ALG],
      issuer: registration.clientId,
      subject: registration.clientId,
      audience: context.tokenEndpoint,
      currentDate: new Date(now * 1000),
    });
  } catch (error) {
    if (error instanceof errors.JWTExpired) throw invalidRequest("Invalid 'exp' claim in client_assertion JWT - JWT has expired");
    if (error instanceof errors.JWTClaimValidationFailed) {
      if (error.claim === 'aud') throw invalidRequest("Missing or invalid 'aud' claim in client_assertion JWT", 401);
      if (error.claim === 'nbf') throw invalidRequest("Invalid 'nbf' claim in client_assertion JWT - JWT is not yet valid");
      throw invalidRequest(`Invalid '${error.claim}' claim in client_assertion JWT`);
    }
    if (error instanceof errors.JWKSNoMatchingKey)
      throw invalidClient("Invalid 'kid' header in client_assertion JWT - no matching public key");
    if (error instanceof errors.JWSSignatureVerificationFailed || error instanceof errors.JWKSMultipleMatchingKeys) {
      throw invalidClient('Unable to verify the client_assertion signature with the public keys registered for this application');
    }
    if (error instanceof errors.JOSEError) throw invalidRequest('Malformed JWT in client_assertion');
    throw error;
  }

  // Only a verified assertion may use up a jti, so a forger cannot block the real client's ids.
  if (!context.replays.remember(`${registration.clientId}:${payload.jti}`, payload.exp, now)) {
    throw invalidRequest("Non-unique 'jti' claim in client_assertion JWT");
  }
  return registration;
}
