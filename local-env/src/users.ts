/**
 * The synthetic people of the local environment, shared by the mock CIS2 (who can sign in)
 * and the e-RS emulator (which roles each may act in, A030). Names and ids are invented;
 * SDS-style user ids are 12 digits in a range no real user has.
 */
export type BusinessFunction =
  'SERVICE_PROVIDER_CLINICIAN' | 'SERVICE_PROVIDER_CLINICIAN_ADMIN' | 'SERVICE_PROVIDER_ADMIN' | 'REFERRING_CLINICIAN' | 'REFERRING_ADMIN';

export interface SyntheticOrganisation {
  ods: string;
  name: string;
}

export const ORGANISATIONS = {
  R69: { ods: 'R69', name: 'Riverside University Hospitals NHS Trust (synthetic)' },
  R68: { ods: 'R68', name: 'Northgate Community Healthcare NHS Trust (synthetic)' },
  A99: { ods: 'A99001', name: 'Meadow Lane Surgery (synthetic)' },
} as const satisfies Record<string, SyntheticOrganisation>;

export interface SyntheticRole {
  /** PractitionerRole id, as e-RS forms it: PractitionerRole-<ODS>-<user id>. */
  id: string;
  businessFunctions: BusinessFunction[];
  organisation: SyntheticOrganisation;
  /** For SERVICE_PROVIDER_CLINICIAN_ADMIN: the clinicians (user ids) this user may act for. */
  actsFor: string[];
}

export interface SyntheticUser {
  /** SDS user id (CIS2 `uid`, e-RS `sds-user-id`). */
  uid: string;
  /** What the mock CIS2 login page shows. */
  displayName: string;
  givenName: string;
  familyName: string;
  title: string;
  /** One line for the login page, so a trainer can pick the right person. */
  description: string;
  roles: SyntheticRole[];
}

function role(uid: string, org: SyntheticOrganisation, businessFunctions: BusinessFunction[], actsFor: string[] = []): SyntheticRole {
  return { id: `PractitionerRole-${org.ods}-${uid}`, businessFunctions, organisation: org, actsFor };
}

export const CONSULTANT_UID = '555000000101';
export const ADMIN_UID = '555000000102';
export const NO_PROVIDER_ROLE_UID = '555000000103';
export const SECOND_CONSULTANT_UID = '555000000104';

export const SYNTHETIC_USERS: readonly SyntheticUser[] = [
  {
    uid: CONSULTANT_UID,
    displayName: 'Dr Amara Okoye',
    givenName: 'Amara',
    familyName: 'Okoye',
    title: 'Dr',
    description: 'Consultant gastroenterologist: service provider clinician at two trusts',
    roles: [
      role(CONSULTANT_UID, ORGANISATIONS.R69, ['SERVICE_PROVIDER_CLINICIAN']),
      role(CONSULTANT_UID, ORGANISATIONS.R68, ['SERVICE_PROVIDER_CLINICIAN']),
    ],
  },
  {
    uid: ADMIN_UID,
    displayName: 'Sam Whitfield',
    givenName: 'Sam',
    familyName: 'Whitfield',
    title: 'Mr',
    description: 'Medical secretary: clinician admin acting for Dr Okoye and Dr Lindqvist',
    roles: [
      role(
        ADMIN_UID,
        ORGANISATIONS.R69,
        ['SERVICE_PROVIDER_CLINICIAN_ADMIN', 'SERVICE_PROVIDER_ADMIN'],
        [CONSULTANT_UID, SECOND_CONSULTANT_UID],
      ),
    ],
  },
  {
    uid: NO_PROVIDER_ROLE_UID,
    displayName: 'Dr Priya Raman',
    givenName: 'Priya',
    familyName: 'Raman',
    title: 'Dr',
    description: 'GP: referring clinician only, with no provider role',
    roles: [role(NO_PROVIDER_ROLE_UID, ORGANISATIONS.A99, ['REFERRING_CLINICIAN'])],
  },
  {
    uid: SECOND_CONSULTANT_UID,
    displayName: 'Dr Erik Lindqvist',
    givenName: 'Erik',
    familyName: 'Lindqvist',
    title: 'Dr',
    description: 'Consultant cardiologist: service provider clinician at Riverside',
    roles: [role(SECOND_CONSULTANT_UID, ORGANISATIONS.R69, ['SERVICE_PROVIDER_CLINICIAN'])],
  },
];

export function findUser(uid: string): SyntheticUser | undefined {
  return SYNTHETIC_USERS.find((user) => user.uid === uid);
}
