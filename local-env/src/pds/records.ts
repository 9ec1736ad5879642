/**
 * The local PDS's records: one FHIR R4 Patient for every patient of the e-RS seed, shaped
 * like NHS England's own examples (Patient.json, Sensitive_Patient.json,
 * Minimal_Patient.json), with a few patients in the states a banner must show plainly:
 *
 * - restricted: meta.security R, and no address, telecom or GP (Sensitive_Patient.json);
 * - deceased: deceasedDateTime and the death notification status extension;
 * - superseded: merged into a record under another NHS number, which PDS answers with;
 * - minimal: the identifier and nothing else (Minimal_Patient.json, poor data quality);
 * - unknown: an NHS number e-RS carries and PDS has never heard of (404).
 *
 * They are the patients of example items on the synthetic consultant's lists, so each can
 * be opened in the app. Everything is derived from the seed patient, so the same seed
 * always gives the same records. Names, addresses (ZX and ZY postcodes, which do not
 * exist) and telephone numbers (Ofcom's 01632 960 drama range) are all invented.
 */
import { createHash } from 'node:crypto';
import { ORGANISATION_LIST } from '../seed/catalogue';
import { isValidNhsNumber, nhsNumberCheckDigit } from '../seed/identifiers';
import { type Patient } from '../seed/model';

export type PdsScenario = 'restricted' | 'deceased' | 'superseded' | 'minimal' | 'unknown';

export interface PdsScenarios {
  restricted: string;
  deceased: string;
  /** `from` is what e-RS carries; PDS answers with the record under `to`. */
  superseded: { from: string; to: string };
  minimal: string;
  unknown: string;
}

/** Which seed patients (by their place in the seed) are in which state: see the example items. */
const SCENARIO_INDEX: Readonly<Record<PdsScenario, number>> = {
  // 000000070001, booked into Riverside Cardiology: on the consultant's review list.
  restricted: 1,
  // 000000070002, booked by the trust.
  deceased: 2,
  // 000000070005, the onward referral on a pathway (and 000000070004 before it).
  superseded: 4,
  // A&G 000000070000.
  minimal: 7,
  // A&G 000000070001.
  unknown: 8,
};

export const NHS_NUMBER_SYSTEM = 'https://fhir.nhs.uk/Id/nhs-number';
const ODS_SYSTEM = 'https://fhir.nhs.uk/Id/ods-organization-code';
const CONFIDENTIALITY = 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality';
const VERIFIED = {
  url: 'https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-NHSNumberVerificationStatus',
  valueCodeableConcept: {
    coding: [
      {
        system: 'https://fhir.hl7.org.uk/CodeSystem/UKCore-NHSNumberVerificationStatus',
        version: '1.0.0',
        code: '01',
        display: 'Number present and verified',
      },
    ],
  },
};

const STREETS = ['Quarry Lane', 'Mill Row', 'Orchard Close', 'Station Road', 'Chapel Street', 'Willow Way', 'Kiln Court', 'Ferry Road'];
const TOWNS = ['Riverside', 'Westgate', 'Northmoor', 'Eastbrook'];

function hashOf(text: string): number {
  return createHash('sha256').update(text).digest().readUInt32BE(0);
}

/** A valid 999-range NHS number derived from another, not in `taken`. */
function supersedingNumber(from: string, taken: ReadonlySet<string>): string {
  for (let attempt = 0; ; attempt += 1) {
    const nine = `999${String(hashOf(`${from}/superseded/${attempt}`) % 1_000_000).padStart(6, '0')}`;
    const check = nhsNumberCheckDigit(nine);
    if (check === null) continue;
    const candidate = `${nine}${check}`;
    if (candidate !== from && !taken.has(candidate) && isValidNhsNumber(candidate)) return candidate;
  }
}

export function pdsScenarios(patients: readonly Patient[]): PdsScenarios {
  const at = (index: number): string => {
    const patient = patients[index % Math.max(1, patients.length)];
    if (!patient) throw new Error("The local PDS needs the seed's patients.");
    return patient.nhsNumber;
  };
  const taken = new Set(patients.map((p) => p.nhsNumber));
  const from = at(SCENARIO_INDEX.superseded);
  return {
    restricted: at(SCENARIO_INDEX.restricted),
    deceased: at(SCENARIO_INDEX.deceased),
    superseded: { from, to: supersedingNumber(from, taken) },
    minimal: at(SCENARIO_INDEX.minimal),
    unknown: at(SCENARIO_INDEX.unknown),
  };
}

function title(patient: Patient): string {
  if (patient.gender === 'male') return 'Mr';
  return ['Mrs', 'Ms', 'Miss'][hashOf(patient.nhsNumber) % 3] ?? 'Ms';
}

/** The date a patient died: a few weeks before the seed's reference date, after their birth. */
function dateOfDeath(patient: Patient, referenceDate: string): string {
  const reference = Date.parse(`${referenceDate}T00:00:00Z`);
  const died = new Date(reference - (20 + (hashOf(patient.nhsNumber) % 40)) * 86_400_000);
  const birth = Date.parse(`${patient.birthDate}T00:00:00Z`);
  return new Date(Math.max(died.getTime(), birth)).toISOString().slice(0, 10);
}

/** The Patient resource PDS would answer with for this seed patient, in its state. */
export function pdsPatient(
  patient: Patient,
  state: PdsScenario | null,
  options: { referenceDate: string; id?: string; versionId?: number },
): Record<string, unknown> {
  const id = options.id ?? patient.nhsNumber;
  const h = hashOf(patient.nhsNumber);
  const since = patient.birthDate;
  const base: Record<string, unknown> = {
    resourceType: 'Patient',
    id,
    identifier: [{ system: NHS_NUMBER_SYSTEM, value: id, extension: [VERIFIED] }],
    meta: {
      versionId: String(options.versionId ?? 1 + (h % 5)),
      security: [
        state === 'restricted'
          ? { system: CONFIDENTIALITY, code: 'R', display: 'restricted' }
          : { system: CONFIDENTIALITY, code: 'U', display: 'unrestricted' },
      ],
    },
  };
  if (state === 'minimal') return base;
  const practices = ORGANISATION_LIST.filter((o) => o.kind === 'practice');
  const practice = practices[h % Math.max(1, practices.length)];
  const record: Record<string, unknown> = {
    ...base,
    name: [
      {
        id: `name-${h % 1000}`,
        use: 'usual',
        period: { start: since },
        given: [patient.givenName],
        family: patient.familyName,
        prefix: [title(patient)],
      },
    ],
    gender: patient.gender,
    birthDate: patient.birthDate,
    multipleBirthInteger: 1,
  };
  if (state === 'deceased') {
    const died = dateOfDeath(patient, options.referenceDate);
    record.deceasedDateTime = `${died}T00:00:00+00:00`;
    record.extension = [
      {
        url: 'https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-DeathNotificationStatus',
        extension: [
          {
            url: 'deathNotificationStatus',
            valueCodeableConcept: {
              coding: [
                {
                  system: 'https://fhir.hl7.org.uk/CodeSystem/UKCore-DeathNotificationStatus',
                  version: '1.0.0',
                  code: '2',
                  display: 'Formal - death notice received from Registrar of Deaths',
                },
              ],
            },
          },
          { url: 'systemEffectiveDate', valueDateTime: `${died}T00:00:00+00:00` },
        ],
      },
    ];
  }
  // A restricted record's location is never released: not even to the local app.
  if (state === 'restricted') return record;
  record.address = [
    {
      id: `addr-${h % 1000}`,
      period: { start: since },
      use: 'home',
      line: [`${1 + (h % 120)} ${STREETS[h % STREETS.length] ?? 'High Street'}`, TOWNS[(h >> 4) % TOWNS.length] ?? 'Riverside'],
      postalCode: patient.postcode,
    },
  ];
  record.telecom = [
    {
      id: `tel-${h % 1000}`,
      period: { start: since },
      system: 'phone',
      value: `01632 960${String(h % 1000).padStart(3, '0')}`,
      use: 'home',
    },
  ];
  if (practice) {
    record.generalPractitioner = [
      { id: `gp-${h % 1000}`, type: 'Organization', identifier: { system: ODS_SYSTEM, value: practice.ods, period: { start: since } } },
    ];
  }
  return record;
}
