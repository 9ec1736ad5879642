/**
 * The fixed cast of the local e-RS: the provider trusts and practices, the clinicians who
 * review referrals, the GPs who send them, and the services they are sent to. The people
 * who can sign in come from ../users.ts; everyone else here exists only as a name on a
 * referral. All names and ids are invented.
 */
import { ACTIVE_SPECIALTIES, clinicTypesFor } from './reference-data';
import { type Clinician, type Organisation, type Referrer, type Service, type ServiceKind } from './model';
import { CONSULTANT_UID, NO_PROVIDER_ROLE_UID, ORGANISATIONS, SECOND_CONSULTANT_UID, SYNTHETIC_USERS } from '../users';

export const PROVIDER_ODS = [ORGANISATIONS.R69.ods, ORGANISATIONS.R68.ods] as const;

export const ORGANISATION_LIST: readonly Organisation[] = [
  { ods: ORGANISATIONS.R69.ods, name: ORGANISATIONS.R69.name, kind: 'provider' },
  { ods: ORGANISATIONS.R68.ods, name: ORGANISATIONS.R68.name, kind: 'provider' },
  { ods: ORGANISATIONS.A99.ods, name: ORGANISATIONS.A99.name, kind: 'practice' },
  { ods: 'A99002', name: 'Hillside Medical Centre (synthetic)', kind: 'practice' },
  { ods: 'A99003', name: 'Canal Street Practice (synthetic)', kind: 'practice' },
  { ods: 'A99004', name: 'Orchard Family Doctors (synthetic)', kind: 'practice' },
];

function signInUser(uid: string): { title: string; givenName: string; familyName: string } {
  const user = SYNTHETIC_USERS.find((u) => u.uid === uid);
  if (!user) throw new Error(`users.ts has no user ${uid}`);
  return { title: user.title, givenName: user.givenName, familyName: user.familyName };
}

export const CLINICIANS: readonly Clinician[] = [
  { uid: CONSULTANT_UID, ...signInUser(CONSULTANT_UID), organisations: ['R69', 'R68'], specialty: 'GASTROENTEROLOGY' },
  { uid: SECOND_CONSULTANT_UID, ...signInUser(SECOND_CONSULTANT_UID), organisations: ['R69'], specialty: 'CARDIOLOGY' },
  { uid: '555000000105', title: 'Dr', givenName: 'Helen', familyName: 'Achterberg', organisations: ['R69'], specialty: 'DERMATOLOGY' },
  { uid: '555000000106', title: 'Mr', givenName: 'Tomasz', familyName: 'Wiśniewski', organisations: ['R68'], specialty: 'ORTHOPAEDICS' },
  { uid: '555000000107', title: 'Dr', givenName: 'Nkechi', familyName: 'Adeyemi', organisations: ['R68'], specialty: 'CARDIOLOGY' },
  { uid: '555000000108', title: 'Dr', givenName: 'Rosa', familyName: 'Castellano', organisations: ['R69'], specialty: 'NEUROLOGY' },
  {
    uid: '555000000109',
    title: 'Miss',
    givenName: 'Fiona',
    familyName: 'MacLeod',
    organisations: ['R69', 'R68'],
    specialty: 'EAR_NOSE_THROAT',
  },
];

export const REFERRERS: readonly Referrer[] = [
  { uid: NO_PROVIDER_ROLE_UID, ...signInUser(NO_PROVIDER_ROLE_UID), ods: ORGANISATIONS.A99.ods },
  { uid: '555000000201', title: 'Dr', givenName: 'Owen', familyName: 'Pritchard', ods: 'A99001' },
  { uid: '555000000202', title: 'Dr', givenName: 'Mei', familyName: 'Tanaka', ods: 'A99002' },
  { uid: '555000000203', title: 'Dr', givenName: 'Kwame', familyName: 'Boateng', ods: 'A99002' },
  { uid: '555000000204', title: 'Dr', givenName: 'Ingrid', familyName: 'Halvorsen', ods: 'A99003' },
  { uid: '555000000205', title: 'Dr', givenName: 'Samir', familyName: 'Haddad', ods: 'A99004' },
  { uid: '555000000206', title: 'Dr', givenName: 'Beth', familyName: 'Llewellyn', ods: 'A99004' },
];

const cliniciansByOds = new Map<string, Clinician[]>();

export function cliniciansAt(ods: string): Clinician[] {
  let found = cliniciansByOds.get(ods);
  if (!found) {
    found = CLINICIANS.filter((c) => c.organisations.includes(ods));
    cliniciansByOds.set(ods, found);
  }
  return found;
}

const KIND_LABEL: Record<ServiceKind, string> = {
  DBS: 'Outpatients',
  IBS: 'Outpatients (booked by the trust)',
  TRIAGE: 'Referral Assessment Service',
  ADVICE: 'Advice and Guidance',
};

const TRUST_SHORT: Record<string, string> = { R69: 'Riverside', R68: 'Northgate' };

/**
 * The cardiology services at Riverside carry the ids the NHS examples use, so requests
 * copied from the published examples (shortlists, worklist filters) resolve here too.
 */
const EXAMPLE_SERVICES: readonly Service[] = [
  {
    id: '11000',
    name: 'Riverside Cardiology Rapid Access Outpatients',
    ods: 'R69',
    kind: 'DBS',
    specialty: 'CARDIOLOGY',
    clinicType: 'CHEST_PAIN',
  },
  {
    id: '11002',
    name: 'Riverside Cardiology Heart Failure Outpatients',
    ods: 'R69',
    kind: 'DBS',
    specialty: 'CARDIOLOGY',
    clinicType: 'HEART_FAILURE',
  },
  {
    id: '11010',
    name: 'Riverside Cardiology General Outpatients',
    ods: 'R69',
    kind: 'DBS',
    specialty: 'CARDIOLOGY',
    clinicType: 'HEART_FAILURE',
  },
  {
    id: '11012',
    name: 'Riverside Cardiology Arrhythmia Outpatients',
    ods: 'R69',
    kind: 'DBS',
    specialty: 'CARDIOLOGY',
    clinicType: 'ARRHYTHMIA',
  },
  {
    id: '11013',
    name: 'Riverside Cardiology Westgate Clinic',
    ods: 'R69',
    kind: 'DBS',
    specialty: 'CARDIOLOGY',
    clinicType: 'HEART_FAILURE',
  },
  {
    id: '21012',
    name: 'Riverside Cardiology Community Clinic',
    ods: 'R69',
    kind: 'DBS',
    specialty: 'CARDIOLOGY',
    clinicType: 'ARRHYTHMIA',
  },
  {
    id: '11014',
    name: 'Riverside Cardiology Advice and Guidance',
    ods: 'R69',
    kind: 'ADVICE',
    specialty: 'CARDIOLOGY',
    clinicType: 'HEART_FAILURE',
  },
  {
    id: '11016',
    name: 'Riverside Cardiology Outpatients (booked by the trust)',
    ods: 'R69',
    kind: 'IBS',
    specialty: 'CARDIOLOGY',
    clinicType: 'HEART_FAILURE',
  },
  {
    id: '11017',
    name: 'Riverside Cardiology Westgate (booked by the trust)',
    ods: 'R69',
    kind: 'IBS',
    specialty: 'CARDIOLOGY',
    clinicType: 'CHEST_PAIN',
  },
  {
    id: '11115',
    name: 'Riverside Cardiology Referral Assessment Service',
    ods: 'R69',
    kind: 'TRIAGE',
    specialty: 'CARDIOLOGY',
    clinicType: 'CHEST_PAIN',
  },
];

function buildServices(): Service[] {
  const services: Service[] = [...EXAMPLE_SERVICES];
  const kinds: ServiceKind[] = ['DBS', 'IBS', 'TRIAGE', 'ADVICE'];
  PROVIDER_ODS.forEach((ods, trustIndex) => {
    ACTIVE_SPECIALTIES.forEach((specialty, specialtyIndex) => {
      if (ods === 'R69' && specialty.code === 'CARDIOLOGY') return;
      const clinicType = clinicTypesFor(specialty.code)[0]?.code ?? specialty.code;
      kinds.forEach((kind, kindIndex) => {
        const id = String(30000 + trustIndex * 10000 + specialtyIndex * 10 + kindIndex);
        services.push({
          id,
          name: `${TRUST_SHORT[ods] ?? ods} ${specialty.display} ${KIND_LABEL[kind]}`,
          ods,
          kind,
          specialty: specialty.code,
          clinicType,
        });
      });
    });
  });
  return services;
}

export const SERVICES: readonly Service[] = buildServices();

const SERVICE_BY_ID = new Map(SERVICES.map((s) => [s.id, s]));

export function findService(id: string): Service | undefined {
  return SERVICE_BY_ID.get(id);
}

const servicesByKey = new Map<string, Service[]>();

/** The services of one kind in one specialty at one trust (cached: the seed asks thousands of times). */
export function servicesFor(ods: string, specialty: string, kind: ServiceKind): readonly Service[] {
  const key = `${ods}|${specialty}|${kind}`;
  let found = servicesByKey.get(key);
  if (!found) {
    found = SERVICES.filter((s) => s.ods === ods && s.specialty === specialty && s.kind === kind);
    servicesByKey.set(key, found);
  }
  return found;
}

export function organisationName(ods: string): string {
  return ORGANISATION_LIST.find((o) => o.ods === ods)?.name ?? ods;
}

export function personName(uid: string): string | undefined {
  const person = [...CLINICIANS, ...REFERRERS].find((p) => p.uid === uid);
  return person ? `${person.title} ${person.givenName} ${person.familyName}` : undefined;
}
