/**
 * A PDS FHIR R4 Patient to the details the banner shows. Only what a clinician needs to
 * be sure of who the patient is comes through: the usual name, date of birth, gender,
 * death, the restriction flag, and (for an unrestricted record) the home address, a
 * telephone number and the GP practice. A restricted record never yields location data,
 * even if some were sent.
 */
import * as v from 'valibot';
import { ukDate } from '../ers/format';
import { malformedError, type ErsErrorContext } from '../ers/ers-error';
import { parseResource } from '../ers/parse-fhir';
import { formatNhsNumber } from '../../contract';
import type { PatientDetails, PatientGender, PatientName } from '../../contract';

const Period = v.looseObject({ start: v.optional(v.string()), end: v.optional(v.string()) });

const HumanName = v.looseObject({
  use: v.optional(v.string()),
  period: v.optional(Period),
  given: v.optional(v.array(v.string())),
  family: v.optional(v.string()),
  prefix: v.optional(v.array(v.string())),
});
type HumanName = v.InferOutput<typeof HumanName>;

const Address = v.looseObject({
  use: v.optional(v.string()),
  period: v.optional(Period),
  line: v.optional(v.array(v.string())),
  postalCode: v.optional(v.string()),
});
type Address = v.InferOutput<typeof Address>;

const ContactPoint = v.looseObject({
  system: v.optional(v.string()),
  value: v.optional(v.string()),
  period: v.optional(Period),
});

const PdsPatient = v.looseObject({
  resourceType: v.literal('Patient'),
  id: v.pipe(v.string(), v.regex(/^\d{10}$/)),
  meta: v.optional(v.looseObject({ security: v.optional(v.array(v.looseObject({ code: v.optional(v.string()) }))) })),
  name: v.optional(v.array(HumanName)),
  gender: v.optional(v.string()),
  birthDate: v.optional(v.string()),
  deceasedDateTime: v.optional(v.string()),
  deceasedBoolean: v.optional(v.boolean()),
  address: v.optional(v.array(Address)),
  telecom: v.optional(v.array(ContactPoint)),
  generalPractitioner: v.optional(
    v.array(v.looseObject({ identifier: v.optional(v.looseObject({ value: v.optional(v.string()), period: v.optional(Period) })) })),
  ),
});

const GENDERS: readonly PatientGender[] = ['female', 'male', 'other', 'unknown'];
/** v3-Confidentiality codes under which PDS removes location data. */
const RESTRICTED = new Set(['R', 'V']);

/** A period is current when today (yyyy-mm-dd) falls in it; open ends are open. */
function current(period: v.InferOutput<typeof Period> | undefined, today: string): boolean {
  if (!period) return true;
  if (period.start && period.start.slice(0, 10) > today) return false;
  if (period.end && period.end.slice(0, 10) < today) return false;
  return true;
}

/**
 * The usual name, preferring one current today. PDS always has a usual name, but its own
 * examples carry periods that have ended; an ended usual name is still the best there is.
 */
function usualName(names: readonly HumanName[] | undefined, today: string): PatientName | null {
  const usual = (names ?? []).filter((n) => n.use === undefined || n.use === 'usual');
  const chosen = usual.find((n) => current(n.period, today)) ?? usual[0];
  if (!chosen) return null;
  const given = (chosen.given ?? []).map((g) => g.trim()).filter((g) => g !== '');
  const titles = (chosen.prefix ?? []).map((p) => p.trim()).filter((p) => p !== '');
  const family = chosen.family?.trim() || null;
  if (given.length === 0 && family === null) return null;
  return { titles, given, family };
}

/** The home address in use today, on one line: an ended one is where the patient used to live. */
function homeAddress(addresses: readonly Address[] | undefined, today: string): string | null {
  const chosen = (addresses ?? []).find((a) => a.use === 'home' && current(a.period, today));
  if (!chosen) return null;
  const parts = [...(chosen.line ?? []), ...(chosen.postalCode ? [chosen.postalCode] : [])].map((p) => p.trim()).filter((p) => p !== '');
  return parts.length > 0 ? parts.join(', ') : null;
}

/** yyyy-mm-dd, yyyy-mm or yyyy as PDS allows; anything else is not a date of birth. */
function partialDate(value: string | undefined): string | null {
  if (value === undefined) return null;
  return /^\d{4}(-\d{2}(-\d{2})?)?$/.test(value) ? value : null;
}

export function mapPdsPatient(body: unknown, context: ErsErrorContext, now: Date): PatientDetails {
  const patient = parseResource(PdsPatient, 'Patient', body, context);
  const today = ukDate(now.toISOString()) ?? now.toISOString().slice(0, 10);
  const restricted = (patient.meta?.security ?? []).some((s) => s.code !== undefined && RESTRICTED.has(s.code));
  const gender = GENDERS.find((g) => g === patient.gender) ?? null;
  if (patient.birthDate !== undefined && partialDate(patient.birthDate) === null)
    throw malformedError(context, 'Patient: unreadable birthDate');

  let deceased: PatientDetails['deceased'] = null;
  if (patient.deceasedDateTime !== undefined) {
    const date = /^\d{4}(-\d{2})?$/.test(patient.deceasedDateTime) ? patient.deceasedDateTime : ukDate(patient.deceasedDateTime);
    if (date === null) throw malformedError(context, 'Patient: unreadable deceasedDateTime');
    deceased = { date };
  } else if (patient.deceasedBoolean === true) {
    deceased = { date: null };
  }

  const phone = restricted ? undefined : (patient.telecom ?? []).find((t) => t.system === 'phone' && t.value && current(t.period, today));
  const gp = restricted
    ? undefined
    : (patient.generalPractitioner ?? []).find((g) => g.identifier?.value && current(g.identifier.period, today));
  return {
    nhsNumber: formatNhsNumber(patient.id),
    name: usualName(patient.name, today),
    birthDate: partialDate(patient.birthDate),
    gender,
    deceased,
    restricted,
    address: restricted ? null : homeAddress(patient.address, today),
    telephone: phone?.value ?? null,
    gpPracticeOds: gp?.identifier?.value ?? null,
  };
}
