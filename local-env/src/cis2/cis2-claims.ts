/**
 * What the mock CIS2 says about a synthetic user, in CIS2's own claim names, so that the
 * app's sign-in code reads the same shapes from the local environment as from NHS CIS2:
 * `profile` gives name, given_name, family_name and uid; `nationalrbacaccess` gives
 * `nhsid_nrbac_roles`; `associatedorgs` gives `nhsid_user_orgs`.
 * Role and organisation ids are synthetic 12-digit numbers in the 555 range no real
 * person or role profile has.
 */
import type { BusinessFunction, SyntheticRole, SyntheticUser } from '../users';

export const CIS2_SCOPES = ['openid', 'profile', 'nationalrbacaccess', 'associatedorgs'] as const;

/** Which claims each scope releases (oidc-provider's `claims` configuration). */
export const CIS2_CLAIMS_BY_SCOPE = {
  acr: null,
  amr: null,
  auth_time: null,
  sid: null,
  iss: null,
  // CIS2 puts the sign-in's own facts in every ID token, whatever else was asked for.
  openid: ['sub', 'acr', 'amr', 'auth_time', 'sid', 'nhsid_useruid', 'id_assurance_level', 'authentication_assurance_level'],
  profile: ['name', 'given_name', 'family_name', 'uid'],
  nationalrbacaccess: ['nhsid_nrbac_roles'],
  associatedorgs: ['nhsid_user_orgs'],
} as const;

/** One entry of CIS2's `nhsid_nrbac_roles` claim: a national RBAC role the user holds at an organisation. */
export interface NrbacRole {
  person_orgid: string;
  person_roleid: string;
  org_code: string;
  role_name: string;
  role_code: string;
  activities: string[];
  activity_codes: string[];
}

export interface UserOrganisation {
  org_code: string;
  org_name: string;
}

/** A national RBAC job role, as CIS2 writes them: "S…:G…:R…" codes and quoted names. */
interface JobRole {
  code: string;
  name: string;
}

const CLINICAL_PRACTITIONER: JobRole = {
  code: 'S8000:G8000:R8000',
  name: '"Clinical":"Clinical Provision":"Clinical Practitioner Access Role"',
};

const ADMIN_CLINICAL_SUPPORT: JobRole = {
  code: 'S8001:G8005:R8008',
  name: '"Admin & Clerical":"Admin & Clerical":"Admin/Clinical Support Access Role"',
};

// e-RS decides what a user may do from its own business functions (A030); the national
// job role only has to be plausible for the kind of person signing in.
function jobRoleFor(businessFunctions: readonly BusinessFunction[]): JobRole {
  const clinical = businessFunctions.includes('SERVICE_PROVIDER_CLINICIAN') || businessFunctions.includes('REFERRING_CLINICIAN');
  return clinical ? CLINICAL_PRACTITIONER : ADMIN_CLINICAL_SUPPORT;
}

function syntheticId(prefix: '5551' | '5552', uid: string, index: number): string {
  return `${prefix}${uid.slice(-5)}${String(index + 1).padStart(3, '0')}`;
}

function nrbacRole(user: SyntheticUser, role: SyntheticRole, index: number): NrbacRole {
  const jobRole = jobRoleFor(role.businessFunctions);
  return {
    person_orgid: syntheticId('5552', user.uid, index),
    person_roleid: syntheticId('5551', user.uid, index),
    org_code: role.organisation.ods,
    role_name: jobRole.name,
    role_code: jobRole.code,
    activities: [],
    activity_codes: [],
  };
}

function organisations(user: SyntheticUser): UserOrganisation[] {
  const byCode = new Map<string, UserOrganisation>();
  for (const { organisation } of user.roles) byCode.set(organisation.ods, { org_code: organisation.ods, org_name: organisation.name });
  return [...byCode.values()];
}

/** What the sign-in behind a token contributes: its CIS2 session and its assurance. */
export interface SignInFacts {
  sid?: string;
  acr?: string;
}

function authenticationAssuranceLevel(acr: string | undefined): string | undefined {
  if (acr?.startsWith('AAL3')) return '3';
  if (acr?.startsWith('AAL2')) return '2';
  if (acr?.startsWith('AAL1')) return '1';
  return undefined;
}

/** Every claim the mock CIS2 can release for this user; oidc-provider filters them by scope. */
export function cis2ClaimsFor(user: SyntheticUser, signIn: SignInFacts = {}): { sub: string; [claim: string]: unknown } {
  return {
    sub: user.uid,
    sid: signIn.sid,
    authentication_assurance_level: authenticationAssuranceLevel(signIn.acr),
    nhsid_useruid: user.uid,
    uid: user.uid,
    name: user.displayName,
    given_name: user.givenName,
    family_name: user.familyName,
    // IAL3: every synthetic user was "identity checked face to face", as CIS2 smartcard holders are.
    id_assurance_level: '3',
    nhsid_nrbac_roles: user.roles.map((role, index) => nrbacRole(user, role, index)),
    nhsid_user_orgs: organisations(user),
  };
}
