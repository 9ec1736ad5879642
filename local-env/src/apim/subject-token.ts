/**
 * The subject of an RFC 8693 token exchange: a CIS2 ID token, verified against CIS2's
 * published keys (signature, issuer, expiry, audience) before the platform will issue an
 * access token for the person it names. The issuer is checked before the signature, so an
 * ID token from another identity provider is refused as such rather than as a bad signature.
 */
import { randomUUID } from 'node:crypto';
import { createRemoteJWKSet, decodeJwt, errors, jwtVerify, type JWTPayload } from 'jose';
import { invalidRequest, OAuthError } from './oauth-error';

export const ID_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:id_token';
const ID_TOKEN_ALGS = ['RS256', 'RS512', 'PS256', 'PS512', 'ES256'];
/** How far a clock may be ahead before an ID token "issued in the future" is refused. */
const FUTURE_IAT_TOLERANCE_SECONDS = 60;

export interface Cis2Trust {
  issuer: string;
  jwksUri: string;
}

export interface SubjectIdentity {
  /** SDS user id: CIS2's `uid`, or `sub` when the profile scope was not asked for. */
  uid: string;
  /** The CIS2 session the ID token belongs to. */
  sid: string;
  /** The authenticator assurance level the sign-in met. */
  aal: 'aal2' | 'aal3';
}

function assuranceLevel(acr: unknown): 'aal2' | 'aal3' | null {
  if (typeof acr !== 'string') return null;
  if (acr.startsWith('AAL3')) return 'aal3';
  if (acr.startsWith('AAL2')) return 'aal2';
  return null;
}

export function createSubjectTokenVerifier(trust: Cis2Trust, now: () => number) {
  const keys = createRemoteJWKSet(new URL(trust.jwksUri));

  return async function verifySubjectToken(token: string, audiences: string[] | undefined): Promise<SubjectIdentity> {
    let unverified: JWTPayload;
    try {
      unverified = decodeJwt(token);
    } catch {
      throw invalidRequest('Malformed JWT in subject_token');
    }
    if (unverified.iss !== trust.issuer) {
      throw invalidRequest("Invalid 'iss' claim in subject_token - the ID token was not issued by a trusted identity provider");
    }
    const currentTime = now();
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, keys, {
        issuer: trust.issuer,
        algorithms: ID_TOKEN_ALGS,
        requiredClaims: ['sub', 'exp', 'iat'],
        currentDate: new Date(currentTime * 1000),
        ...(audiences ? { audience: audiences } : {}),
      }));
    } catch (error) {
      if (error instanceof errors.JWTExpired) throw invalidRequest("Invalid 'exp' claim in subject_token - the ID token has expired");
      if (error instanceof errors.JWTClaimValidationFailed) {
        if (error.claim === 'aud')
          throw invalidRequest("Invalid 'aud' claim in subject_token - the ID token was issued to another application");
        throw invalidRequest(`Missing or invalid '${error.claim}' claim in subject_token`);
      }
      if (
        error instanceof errors.JWKSNoMatchingKey ||
        error instanceof errors.JWSSignatureVerificationFailed ||
        error instanceof errors.JOSEAlgNotAllowed
      ) {
        throw invalidRequest("Unable to verify the subject_token signature with the identity provider's public keys");
      }
      if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid) throw invalidRequest('Malformed JWT in subject_token');
      throw new OAuthError(500, 'server_error', "Unable to fetch the identity provider's public keys to verify the subject_token");
    }
    if (typeof payload.iat === 'number' && payload.iat > currentTime + FUTURE_IAT_TOLERANCE_SECONDS) {
      throw invalidRequest("Invalid 'iat' claim in subject_token - the ID token was issued in the future");
    }
    const aal = assuranceLevel(payload.acr);
    if (!aal) throw invalidRequest("Invalid 'acr' claim in subject_token - this API requires authentication at AAL2 or AAL3");
    const uid = typeof payload.uid === 'string' && payload.uid !== '' ? payload.uid : payload.sub;
    if (typeof uid !== 'string' || uid === '') throw invalidRequest("Missing 'sub' claim in subject_token");
    const sid = typeof payload.sid === 'string' && payload.sid !== '' ? payload.sid : randomUUID();
    return { uid, sid, aal };
  };
}
