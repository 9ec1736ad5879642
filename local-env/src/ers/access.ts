/**
 * Who may call what, checked as e-RS and the NHS API platform check it: a valid access
 * token (signature, expiry, audience), then the role the caller claims. The
 * NHSD-eRS-Business-Function must be one the operation allows, the user must hold it at
 * the NHSD-End-User-Organisation-ODS given, and a SERVICE_PROVIDER_CLINICIAN_ADMIN must name
 * (in NHSD-eRS-On-Behalf-Of-User-ID) a clinician it acts for, while no one else may.
 */
import { type IncomingMessage } from 'node:http';
import { AccessTokenError, type AccessTokenClaims } from '../access-tokens';
import { findUser, type SyntheticRole, type SyntheticUser } from '../users';
import { header } from './http-io';
import { type ErsOperationId } from './operation-ids';
import { ErsError } from './outcome';

const REFERRING = ['REFERRING_CLINICIAN', 'REFERRING_CLINICIAN_ADMIN'];
const PROVIDING = ['SERVICE_PROVIDER_CLINICIAN', 'SERVICE_PROVIDER_CLINICIAN_ADMIN'];
const CLINICAL_READ = [...REFERRING, ...PROVIDING];

/** Each operation's allowed business functions, from the e-RS specification; null: no role header (A030). */
export const ALLOWED_BUSINESS_FUNCTIONS: Record<ErsOperationId, readonly string[] | null> = {
  A004: CLINICAL_READ,
  A005: CLINICAL_READ,
  A006: CLINICAL_READ,
  A007: CLINICAL_READ,
  A008: [...REFERRING, 'REFERRING_ADMIN', 'SERVICE_PROVIDER_CLINICIAN', 'SERVICE_PROVIDER_ADMIN', 'SERVICE_PROVIDER_CLINICIAN_ADMIN'],
  A013: PROVIDING,
  A014: PROVIDING,
  A020: CLINICAL_READ,
  A023: ['SERVICE_PROVIDER_CLINICIAN', 'SERVICE_PROVIDER_ADMIN', 'SERVICE_PROVIDER_CLINICIAN_ADMIN'],
  A024: CLINICAL_READ,
  A025: CLINICAL_READ,
  A026: PROVIDING,
  A027: PROVIDING,
  A028: PROVIDING,
  A029: CLINICAL_READ,
  A030: null,
  A038: CLINICAL_READ,
  // Whom a clinician admin may act for: asked in that role, before anyone is chosen.
  A040: ['SERVICE_PROVIDER_CLINICIAN_ADMIN'],
  A042: CLINICAL_READ,
  A043: CLINICAL_READ,
};

export interface TokenVerifier {
  verify(token: string | undefined): Promise<AccessTokenClaims>;
}

/** The caller, once the token and role headers have been checked. */
export interface Caller {
  claims: AccessTokenClaims;
  user: SyntheticUser;
  /** Null only for A030, which is asked before a role is chosen. */
  role: SyntheticRole | null;
  businessFunction: string | null;
  ods: string | null;
  /** The clinician a SERVICE_PROVIDER_CLINICIAN_ADMIN acts for. */
  onBehalfOf: string | null;
  /** Whose name goes on what this caller records: the clinician acted for, or the user. */
  actingUid: string;
}

const TOKEN_DIAGNOSTICS: Record<string, string> = {
  missing: 'No access token was sent: sign in again and retry.',
  expired: 'The access token has expired: sign in again and retry.',
  invalid: 'The access token is not valid: sign in again and retry.',
  audience: 'The access token was issued for another service: sign in again and retry.',
};

export async function authenticate(request: IncomingMessage, tokens: TokenVerifier): Promise<AccessTokenClaims> {
  const authorization = header(request, 'authorization');
  let token: string | undefined;
  if (authorization !== undefined) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (!match) throw new ErsError(401, 'NO_ACCESS', 'The Authorization header is not a bearer token: sign in again and retry.');
    token = match[1];
  }
  try {
    return await tokens.verify(token);
  } catch (error) {
    if (error instanceof AccessTokenError)
      throw new ErsError(401, 'NO_ACCESS', TOKEN_DIAGNOSTICS[error.problem] ?? TOKEN_DIAGNOSTICS.invalid ?? '');
    throw error;
  }
}

export function authorise(operation: ErsOperationId, request: IncomingMessage, claims: AccessTokenClaims): Caller {
  const user = findUser(claims.sub);
  if (!user)
    throw new ErsError(403, 'NO_ACCESS', 'Your user account is not known to e-RS: ask your registration authority to check your access.');
  const allowed = ALLOWED_BUSINESS_FUNCTIONS[operation];
  if (allowed === null) return { claims, user, role: null, businessFunction: null, ods: null, onBehalfOf: null, actingUid: user.uid };

  const businessFunction = header(request, 'nhsd-ers-business-function');
  if (!businessFunction)
    throw new ErsError(400, 'MISSING_HEADER', 'The NHSD-eRS-Business-Function header is missing: choose your e-RS role and retry.');
  const ods = header(request, 'nhsd-end-user-organisation-ods');
  if (!ods)
    throw new ErsError(
      400,
      'MISSING_HEADER',
      'The NHSD-End-User-Organisation-ODS header is missing: choose the organisation you are working for and retry.',
    );
  if (!allowed.includes(businessFunction)) {
    throw new ErsError(403, 'FORBIDDEN', `The ${businessFunction} role may not do this in e-RS: switch to a role that may and retry.`);
  }
  const role = user.roles.find((r) => r.organisation.ods === ods && r.businessFunctions.some((f) => f === businessFunction));
  if (!role)
    throw new ErsError(403, 'NO_ACCESS', `You do not hold the ${businessFunction} role at ${ods}: choose one of your own roles and retry.`);

  // A040 is how a clinician admin finds whom to act for, so it names no one.
  if (operation === 'A040') return { claims, user, role, businessFunction, ods, onBehalfOf: null, actingUid: user.uid };
  const onBehalfOf = header(request, 'nhsd-ers-on-behalf-of-user-id') ?? null;
  if (businessFunction === 'SERVICE_PROVIDER_CLINICIAN_ADMIN') {
    if (!onBehalfOf)
      throw new ErsError(
        403,
        'FORBIDDEN',
        'A clinician admin must say which clinician they act for (NHSD-eRS-On-Behalf-Of-User-ID): choose a clinician and retry.',
      );
    if (!role.actsFor.includes(onBehalfOf))
      throw new ErsError(403, 'FORBIDDEN', 'You are not set up to act for that clinician: choose one of your clinicians and retry.');
  } else if (onBehalfOf) {
    throw new ErsError(
      403,
      'FORBIDDEN',
      'Only a clinician admin may act on behalf of another user: remove NHSD-eRS-On-Behalf-Of-User-ID and retry.',
    );
  }
  return { claims, user, role, businessFunction, ods, onBehalfOf, actingUid: onBehalfOf ?? user.uid };
}

export function isProviderRole(caller: Caller): boolean {
  return caller.businessFunction !== null && caller.businessFunction.startsWith('SERVICE_PROVIDER');
}
