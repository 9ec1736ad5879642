/**
 * The deterministic seed: N referrals (about 200 by default, 10,000 for benchmarks) and a
 * proportion of A&G requests, spread over both provider trusts, their services and
 * clinicians (some unassigned), the three priorities, the three referral routes (booked
 * appointment, triage, deferred to provider) and every worklist state, dated over recent
 * months back from a reference date. The same parameters always give the same data.
 */
import { type DocumentKind } from '../documents/spec';
import { IdCounter, makeFile, randomAvailability, randomExtraKind, type FileContext } from './attachments';
import { CLINICIANS, cliniciansAt, ORGANISATION_LIST, organisationName, personName, REFERRERS, SERVICES, servicesFor } from './catalogue';
import { stampDocumentFacts } from './document-facts';
import { buildExampleItems } from './example-items';
import { generatedUbrn } from './identifiers';
import { isoInstant } from './instant';
import {
  type AdviceMessage,
  type AdviceRequest,
  type AdviceStatus,
  type Appointment,
  type Attachment,
  type BinaryRecord,
  type HistoryEntry,
  type Patient,
  type Priority,
  type Reason,
  type Referral,
  type ReferralStatus,
  type RequestContextStatus,
  type RoleRef,
  type SeedData,
  type SeedParams,
  type Service,
} from './model';
import { generatePatients } from './patients';
import { Prng } from './prng';
import { ACTIVE_SPECIALTIES, clinicTypesFor, specialtyDisplay } from './reference-data';

export const DEFAULT_SEED = 20240601;
export const DEFAULT_COUNT = 200;
export const LARGE_COUNT = 10_000;
/**
 * Large mode also makes one list that size: the organisation R69's "Referrals for review"
 * holds this many booked referrals (the app's Referrals list), as a trust's busiest
 * services can. One A008 answer for them passes e-RS's 10 MB limit, so the client asks
 * for the list in parts (see electron/ers/worklists.ts).
 */
export const LARGE_LIST_ROWS = 10_000;
export const LARGE_LIST_ODS = 'R69';

export interface SeedOptions {
  seed?: number;
  /** Number of generated referrals, besides the example items. */
  count?: number;
  /** Benchmark mode: 10,000 referrals and some very large letters. */
  large?: boolean;
  /** ISO date the data is dated back from; defaults to today (UTC). */
  referenceDate?: string;
}

export function resolveSeedParams(options: SeedOptions = {}): SeedParams {
  const today = new Date().toISOString().slice(0, 10);
  return {
    seed: options.seed ?? DEFAULT_SEED,
    count: options.count ?? (options.large ? LARGE_COUNT : DEFAULT_COUNT),
    referenceDate: options.referenceDate ?? today,
  };
}

type Archetype =
  | 'BOOKED_DBS'
  | 'BOOKED_IBS'
  | 'TRIAGE'
  | 'DEFERRED'
  | 'ACCEPTED'
  | 'REJECTED'
  | 'TRIAGE_RESPONSE'
  | 'TRIAGED_TO_ACTION'
  | 'NOT_BOOKED'
  | 'APPT_CANCELLED_BY_PATIENT'
  | 'APPT_CANCELLED_BY_PROVIDER'
  | 'CANCELLED'
  | 'DID_NOT_ATTEND'
  | 'ASSESSMENT_RESULT';

const ARCHETYPES: readonly (readonly [Archetype, number])[] = [
  ['BOOKED_DBS', 26],
  ['BOOKED_IBS', 8],
  ['TRIAGE', 18],
  ['DEFERRED', 9],
  ['ACCEPTED', 8],
  ['REJECTED', 5],
  ['TRIAGE_RESPONSE', 4],
  ['TRIAGED_TO_ACTION', 4],
  ['NOT_BOOKED', 6],
  ['APPT_CANCELLED_BY_PATIENT', 3],
  ['APPT_CANCELLED_BY_PROVIDER', 1],
  ['CANCELLED', 4],
  ['DID_NOT_ATTEND', 2],
  ['ASSESSMENT_RESULT', 2],
];

const SPECIALTY_WEIGHTS: readonly (readonly [string, number])[] = ACTIVE_SPECIALTIES.map((s) => {
  const weight: Record<string, number> = {
    GASTROENTEROLOGY: 22,
    CARDIOLOGY: 20,
    DERMATOLOGY: 10,
    ORTHOPAEDICS: 10,
    EAR_NOSE_THROAT: 9,
    NEUROLOGY: 8,
  };
  return [s.code, weight[s.code] ?? 5] as const;
});

const PRIORITY_WEIGHTS: readonly (readonly [Priority, number])[] = [
  ['ROUTINE', 60],
  ['URGENT', 25],
  ['TWO_WEEK_WAIT', 15],
];

const DAY = 24 * 60 * 60 * 1000;

class Clock {
  constructor(readonly reference: Date) {}
  /** A working-hours instant some days before the reference date. */
  daysAgo(prng: Prng, minDays: number, maxDays: number): Date {
    const days = prng.int(minDays, maxDays);
    const base = new Date(this.reference.getTime() - days * DAY);
    base.setUTCHours(prng.int(8, 17), prng.int(0, 59), prng.int(0, 59), prng.int(0, 999));
    return base;
  }
  after(from: Date, minMinutes: number, maxMinutes: number, prng: Prng): Date {
    return new Date(from.getTime() + prng.int(minMinutes, maxMinutes) * 60_000);
  }
}

function iso(date: Date): string {
  return isoInstant(date.getTime());
}

function pickService(prng: Prng, ods: string, specialty: string, kind: Service['kind']): Service {
  const candidates = servicesFor(ods, specialty, kind);
  if (candidates.length > 0) return prng.pick(candidates);
  const fallback = SERVICES.filter((s) => s.ods === ods && s.kind === kind);
  return prng.pick(fallback);
}

function pickClinician(prng: Prng, ods: string, specialty: string): string | undefined {
  if (!prng.bool(0.7)) return undefined;
  const here = cliniciansAt(ods);
  const specialists = here.filter((c) => c.specialty === specialty);
  return prng.pick(specialists.length > 0 && prng.bool(0.8) ? specialists : here).uid;
}

const REQUESTER_QUESTIONS = [
  'Would you advise whether a referral is needed, or can this be managed in primary care?',
  'Advice please on further investigations before I consider referral.',
  'Is there anything I should start while the patient waits?',
  'Symptoms persisting despite first-line treatment. Please advise.',
];
const RESPONDER_REPLIES = [
  'Please arrange the blood tests listed and send me the results.',
  'This can be managed in primary care: suggest the treatment below and review in six weeks.',
  'Referral is advised; please refer to the outpatient clinic.',
  'Please send a recent clinic letter and medication list.',
];

interface Builders {
  prng: Prng;
  clock: Clock;
  ids: IdCounter;
  binaries: BinaryRecord[];
  large: boolean;
}

function fileContext(ubrn: string, patient: Patient, specialty: string, referrer: RoleRef): FileContext {
  return {
    ubrn,
    nhsNumber: patient.nhsNumber,
    patientName: `${patient.givenName} ${patient.familyName}`,
    specialty: specialtyDisplay(specialty),
    referrer: personName(referrer.uid) ?? 'the referring GP',
    organisation: organisationName(referrer.ods),
  };
}

function referralFiles(
  b: Builders,
  ubrn: string,
  patient: Patient,
  specialty: string,
  referrer: RoleRef,
  indexed: string,
  withLetter: boolean,
): Attachment[] {
  const context = fileContext(ubrn, patient, specialty, referrer);
  const attachments: Attachment[] = [];
  const onBehalf = b.prng.bool(0.2);
  const add = (kind: DocumentKind, extra: { large?: boolean; pages?: number } = {}) => {
    const made = makeFile(b.prng, b.ids, context, {
      kind,
      type: 'REFERRER',
      indexed,
      attachedBy: onBehalf ? `5550000002${b.prng.int(11, 19)}` : referrer.uid,
      attachedByOrg: referrer.ods,
      ...(onBehalf ? { attachedOnBehalfOf: referrer.uid } : {}),
      availability: randomAvailability(b.prng),
      ...extra,
    });
    b.binaries.push(made.binary);
    attachments.push(made.attachment);
  };
  if (withLetter) {
    const large = b.large && b.prng.bool(0.01);
    add('pdf-letter', large ? { large: true, pages: 50 } : { pages: b.prng.int(1, 4) });
  }
  const extras = b.prng.weighted<number>([
    [0, 45],
    [1, 30],
    [2, 17],
    [3, 8],
  ]);
  for (let i = 0; i < extras; i += 1) add(randomExtraKind(b.prng));
  return attachments;
}

/** A booked referral awaiting review at the organisation: what the app's Referrals list shows. */
function isBookedForReview(r: Referral, ods: string): boolean {
  return (
    r.status.code === 'BOOKED' &&
    r.review === undefined &&
    r.appointment?.status === 'booked' &&
    (r.appointment.kind === 'DBS' || r.appointment.kind === 'IBS') &&
    r.serviceId !== null &&
    SERVICES.some((s) => s.id === r.serviceId && s.ods === ods)
  );
}

function buildReferral(b: Builders, index: number, patients: readonly Patient[], force?: { ods: string; archetype: Archetype }): Referral {
  const { prng, clock } = b;
  const archetype = force?.archetype ?? prng.weighted(ARCHETYPES);
  const ods = force?.ods ?? (prng.bool(0.6) ? 'R69' : 'R68');
  const specialty = prng.weighted(SPECIALTY_WEIGHTS);
  const clinicType = prng.pick(clinicTypesFor(specialty)).code;
  const priority = prng.weighted(PRIORITY_WEIGHTS);
  const patient = prng.pick(patients);
  const referrerPerson = prng.pick(REFERRERS);
  const referrer: RoleRef = { uid: referrerPerson.uid, ods: referrerPerson.ods, businessFunction: 'REFERRING_CLINICIAN' };
  const ubrn = generatedUbrn(index);
  // A 2WW referral waits weeks, not months, on a real list: spread over 4 weeks, so the 2WW
  // clock shows within, near (days 11-14) and over its 14 days. One draw either way, so every
  // other value of the seed stays as it was.
  const created = priority === 'TWO_WEEK_WAIT' ? clock.daysAgo(prng, 1, 28) : clock.daysAgo(prng, 1, 150);
  const createdIso = iso(created);

  const serviceKind: Service['kind'] =
    archetype === 'TRIAGE' || archetype === 'TRIAGE_RESPONSE' || archetype === 'TRIAGED_TO_ACTION'
      ? 'TRIAGE'
      : archetype === 'BOOKED_IBS'
        ? 'IBS'
        : 'DBS';
  const service = pickService(prng, ods, specialty, serviceKind);
  const alternatives = servicesFor(ods, specialty, serviceKind).filter((s) => s.id !== service.id);
  const shortlist = [service.id, ...alternatives.slice(0, prng.int(0, Math.min(2, alternatives.length))).map((s) => s.id)];

  const history: HistoryEntry[] = [{ version: 1, at: createdIso, action: 'CREATED', by: referrer.uid, organisation: referrer.ods }];
  let version = 1;
  let lastUpdated = created;
  const step = (action: string, minMinutes: number, maxMinutes: number, by?: string, organisation?: string) => {
    version += 1;
    lastUpdated = clock.after(lastUpdated, minMinutes, maxMinutes, prng);
    // Nothing happens after "today": late steps bunch up at the reference date.
    if (lastUpdated.getTime() > clock.reference.getTime()) lastUpdated = new Date(clock.reference.getTime());
    const entry: HistoryEntry = { version, at: iso(lastUpdated), action };
    if (by) entry.by = by;
    if (organisation) entry.organisation = organisation;
    history.push(entry);
  };

  const clinicalInfoFirstSubmitted = iso(clock.after(created, 1, 30, prng));
  let status: ReferralStatus = { code: 'BOOKED' };
  let appointment: Appointment | undefined;
  let review: Referral['review'];
  let letterDue: string | undefined;
  let serviceId: string | null = service.id;
  const allocatedClinician = pickClinician(prng, ods, specialty);
  const clinician = allocatedClinician ?? prng.pick(cliniciansAt(ods)).uid;
  const appointmentId = String(200000 + index);

  const bookedAppointment = (kind: 'DBS' | 'IBS'): Appointment => {
    const start = clock.after(created, 7 * 24 * 60, 60 * 24 * 60, prng);
    start.setUTCHours(prng.int(8, 16), prng.pick([0, 15, 30, 45]), 0, 0);
    const appt: Appointment = {
      id: appointmentId,
      version: 0,
      kind,
      status: 'booked',
      serviceId: service.id,
      created: iso(clock.after(created, 1, 20, prng)),
      start: iso(start),
    };
    if (kind === 'DBS') {
      appt.end = iso(new Date(start.getTime() + prng.pick([15, 20, 30]) * 60_000));
      appt.slotId = `${service.id}${String(prng.int(1, 999)).padStart(3, '0')}`;
      if (prng.bool(0.4)) appt.consultantUid = clinician;
    } else {
      appt.end = appt.start;
    }
    return appt;
  };
  const proposed = (kind: 'TRIAGE' | 'DEFERRED', reason: Reason, comment?: string): Appointment => {
    const appt: Appointment = {
      id: appointmentId,
      version: 1,
      kind,
      status: 'proposed',
      serviceId: service.id,
      created: iso(clock.after(created, 1, 20, prng)),
      reason,
    };
    if (comment) appt.comment = comment;
    return appt;
  };

  switch (archetype) {
    case 'BOOKED_DBS':
    case 'BOOKED_IBS':
      appointment = bookedAppointment(archetype === 'BOOKED_DBS' ? 'DBS' : 'IBS');
      step('BOOKED', 1, 30, referrer.uid, referrer.ods);
      break;
    case 'ACCEPTED':
      appointment = bookedAppointment('DBS');
      step('BOOKED', 1, 30, referrer.uid, referrer.ods);
      step('ACCEPTED', 60, 4 * 24 * 60, clinician, ods);
      review = { outcome: 'ACCEPTED', at: iso(lastUpdated), by: clinician };
      break;
    case 'TRIAGE':
      status = { code: 'AWAITING_TRIAGE', reason: { system: 'REVIEW_REASON', code: 'TRIAGE' } };
      appointment = proposed('TRIAGE', { system: 'REVIEW_REASON', code: 'TRIAGE' });
      step('SENT_FOR_TRIAGE', 1, 30, referrer.uid, referrer.ods);
      break;
    case 'DEFERRED': {
      const reason: Reason = {
        system: 'REVIEW_REASON',
        code: prng.weighted([
          ['NO_SLOTS_AT_SERVICE', 8],
          ['SLOT_NOT_AVAILABLE', 2],
        ] as const),
      };
      status = { code: 'DEFERRED_TO_PROVIDER', reason };
      appointment = proposed('DEFERRED', reason, 'No appointments available; deferred to the service to book.');
      step('DEFERRED_TO_PROVIDER', 1, 30, referrer.uid, referrer.ods);
      break;
    }
    case 'REJECTED': {
      const code = prng.pick([
        'SERVICE_INAPPROPRIATE',
        'FURTHER_INFORMATION_REQUIRED',
        'OUTPATIENT_APPT_NOT_REQUIRED',
        'SERVICE_PREREQUISITES_NOT_COMPLETE',
      ]);
      const reason: Reason = { system: 'APPOINTMENT_CANCELLATION_REASON', code };
      appointment = {
        ...bookedAppointment('DBS'),
        status: 'cancelled',
        version: 1,
        reason,
        comment: 'Returned to the referrer after review.',
      };
      step('BOOKED', 1, 30, referrer.uid, referrer.ods);
      step('REJECTED', 60, 4 * 24 * 60, clinician, ods);
      status = { code: 'REJECTED', reason, comments: 'Returned to the referrer after review.' };
      review = { outcome: 'REJECTED', at: iso(lastUpdated), by: clinician };
      break;
    }
    case 'TRIAGE_RESPONSE':
    case 'TRIAGED_TO_ACTION': {
      const outcome = archetype === 'TRIAGE_RESPONSE' ? 'RETURN_TO_REFERRER_WITH_ADVICE' : 'ACCEPT_REFER_BOOK_LATER';
      const reason: Reason = { system: 'REVIEW_OUTCOME', code: outcome };
      const comment =
        outcome === 'ACCEPT_REFER_BOOK_LATER'
          ? 'Accepted: please book into the next available clinic.'
          : 'Can be managed in primary care; advice given.';
      appointment = { ...proposed('TRIAGE', reason, comment), version: 2 };
      step('SENT_FOR_TRIAGE', 1, 30, referrer.uid, referrer.ods);
      step('TRIAGE_OUTCOME_RECORDED', 60, 5 * 24 * 60, clinician, ods);
      status = { code: archetype === 'TRIAGE_RESPONSE' ? 'TRIAGE_RESPONSE' : 'TRIAGED_PROVIDER_TO_ACTION', reason, comments: comment };
      review = { outcome, at: iso(lastUpdated), by: clinician };
      break;
    }
    case 'NOT_BOOKED':
      serviceId = null;
      status = { code: 'NOT_BOOKED' };
      if (prng.bool(0.5)) letterDue = iso(clock.after(created, 2 * 24 * 60, 5 * 24 * 60, prng)).slice(0, 10);
      break;
    case 'APPT_CANCELLED_BY_PATIENT':
    case 'APPT_CANCELLED_BY_PROVIDER': {
      const byPatient = archetype === 'APPT_CANCELLED_BY_PATIENT';
      const reason: Reason = {
        system: 'APPOINTMENT_CANCELLATION_REASON',
        code: byPatient ? prng.pick(['PATIENT_HOLIDAY', 'PATIENT_ILL']) : prng.pick(['CLINIC_CANCELLED', 'SLOT_CANCELLED']),
      };
      appointment = { ...bookedAppointment('DBS'), status: 'cancelled', version: 1, reason };
      step('BOOKED', 1, 30, referrer.uid, referrer.ods);
      step('APPOINTMENT_CANCELLED', 60, 10 * 24 * 60);
      status = { code: archetype, reason };
      break;
    }
    case 'CANCELLED': {
      const reason: Reason = {
        system: 'REFERRAL_CANCELLATION_REASON',
        code: prng.pick(['INTEND_PRIVATE', 'TREATMENT_NO_LONGER_REQUIRED', 'NO_LONGER_REQUIRED']),
      };
      appointment = {
        ...bookedAppointment('DBS'),
        status: 'cancelled',
        version: 1,
        reason: { system: 'APPOINTMENT_CANCELLATION_REASON', code: 'PATIENT_APPOINTMENT_CANCELLATION_OTHER' },
      };
      step('BOOKED', 1, 30, referrer.uid, referrer.ods);
      step('CANCELLED', 60, 10 * 24 * 60);
      status = { code: 'CANCELLED_REFERRAL', reason };
      break;
    }
    case 'DID_NOT_ATTEND': {
      const reason: Reason = {
        system: 'APPOINTMENT_NON_ATTENDANCE_REASON',
        code: prng.pick(['PATIENT_FORGOT', 'UNKNOWN', 'ARRIVED_TOO_LATE']),
      };
      appointment = { ...bookedAppointment('DBS'), version: 1, status: 'booked' };
      step('BOOKED', 1, 30, referrer.uid, referrer.ods);
      step('DID_NOT_ATTEND', 7 * 24 * 60, 20 * 24 * 60, clinician, ods);
      status = { code: 'DID_NOT_ATTEND', reason };
      break;
    }
    case 'ASSESSMENT_RESULT':
      appointment = bookedAppointment('DBS');
      step('BOOKED', 1, 30, referrer.uid, referrer.ods);
      step('ASSESSMENT_RECORDED', 60, 10 * 24 * 60, clinician, ods);
      status = {
        code: 'ASSESSMENT_RESULT',
        reason: { system: 'ASSESSMENT_OUTCOME', code: 'ADVISE_REFERRER' },
        comments: 'Assessment complete; advice sent to the referrer.',
      };
      break;
  }
  // Other users touch referrals too (letters replaced, priorities changed, admin updates).
  const extraVersions = prng.int(0, 3);
  for (let i = 0; i < extraVersions; i += 1) step('UPDATED', 30, 2 * 24 * 60);

  const withLetter = letterDue === undefined && prng.bool(0.92);
  const attachments = referralFiles(b, ubrn, patient, specialty, referrer, clinicalInfoFirstSubmitted, withLetter);
  const requestContextStatus: RequestContextStatus = prng.weighted<RequestContextStatus>([
    ['NEVER_REVIEWED', 80],
    ['LETTER_CHANGED', 8],
    ['PRIORITY_CHANGED', 8],
    ['PRIORITY_AND_LETTER_CHANGED', 4],
  ]);

  const referral: Referral = {
    ubrn,
    version,
    requestId: `r.${prng.uuid()}`,
    patientNhsNumber: patient.nhsNumber,
    referrer,
    created: createdIso,
    lastUpdated: iso(lastUpdated),
    priority,
    specialty,
    clinicType,
    searchCriteria: { postcode: patient.postcode, distanceLimit: prng.pick([25, 50, 100]), ageAndGenderAppropriate: true },
    shortlist,
    serviceId,
    commissioningRuleOrg: ods,
    clinicalInfoFirstSubmitted,
    status,
    attachments,
    relatedUbrns: [],
    additionalRequirements: prng.bool(0.05) ? [prng.pick(['INTERPRETER', 'TRANSPORT', 'ADVOCACY'])] : [],
    requestContextStatus,
    clinicalInfoPrinted: prng.bool(0.15),
    history,
  };
  // Drawn either way, so every other value of the seed stays as it was: a referral that sits
  // with a service (booked, deferred, sent for triage) always has its clock start, as in NHS's
  // examples; an unbooked one sometimes has none (NHS's Unbooked example has none).
  const hasStart = prng.bool(0.7);
  if (hasStart || serviceId !== null) referral.pathwayStart = createdIso;
  if (prng.bool(0.2)) referral.clinicalInfoLastUpdated = iso(clock.after(created, 60, 3 * 24 * 60, prng));
  if (appointment) referral.appointment = appointment;
  if (review) referral.review = review;
  if (letterDue) referral.letterDue = letterDue;
  if (allocatedClinician) referral.allocatedClinician = allocatedClinician;
  return referral;
}

function buildAdvice(b: Builders, index: number, patients: readonly Patient[]): AdviceRequest {
  const { prng, clock } = b;
  const ods = prng.bool(0.6) ? 'R69' : 'R68';
  const specialty = prng.weighted(SPECIALTY_WEIGHTS);
  const service = pickService(prng, ods, specialty, 'ADVICE');
  const patient = prng.pick(patients);
  const referrerPerson = prng.pick(REFERRERS);
  const requester: RoleRef = { uid: referrerPerson.uid, ods: referrerPerson.ods, businessFunction: 'REFERRING_CLINICIAN' };
  const ubrn = `0006${String(20_000_000 + index * 11 + 5).padStart(8, '0')}`;
  const status = prng.weighted<AdviceStatus>([
    ['PROVIDER_RESPONSE_REQUIRED', 60],
    ['REFERRER_TO_SUBMIT_FURTHER_INFORMATION', 20],
    ['REFERRER_TO_REVIEW_RESPONSE', 15],
    ['CONVERSATION_ENDED_CLOSED', 5],
  ]);
  const clinician = pickClinician(prng, ods, specialty);
  const responder: RoleRef = { uid: clinician ?? prng.pick(cliniciansAt(ods)).uid, ods, businessFunction: 'SERVICE_PROVIDER_CLINICIAN' };
  const first = clock.daysAgo(prng, 1, 60);
  const context = fileContext(ubrn, patient, specialty, requester);
  const messages: AdviceMessage[] = [];
  // A provider-turn status ends with the referrer's message; the others end with the provider's.
  const exchanges = prng.int(0, 2);
  const count = 1 + exchanges * 2 + (status === 'PROVIDER_RESPONSE_REQUIRED' ? 0 : 1);
  let sent = first;
  let version = 1;
  const history: HistoryEntry[] = [{ version, at: iso(first), action: 'CREATED', by: requester.uid, organisation: requester.ods }];
  for (let i = 0; i < count; i += 1) {
    const fromRequester = i % 2 === 0;
    const sender = fromRequester ? requester : responder;
    const attachments: Attachment[] = [];
    if (prng.bool(0.25)) {
      const made = makeFile(prng, b.ids, context, {
        kind: fromRequester ? prng.pick<DocumentKind>(['pdf-letter', 'png', 'jpeg']) : 'pdf-letter',
        type: fromRequester ? 'ADVICE_REQUEST' : 'GUIDANCE_RESPONSE',
        indexed: iso(sent),
        attachedBy: sender.uid,
        attachedByOrg: sender.ods,
        availability: randomAvailability(prng),
        pages: 1,
      });
      b.binaries.push(made.binary);
      attachments.push(made.attachment);
    }
    messages.push({
      id: b.ids.take(),
      sent: iso(sent),
      category: fromRequester ? 'REQUESTER' : 'RESPONDER',
      sender,
      text: fromRequester ? prng.pick(REQUESTER_QUESTIONS) : prng.pick(RESPONDER_REPLIES),
      attachments,
    });
    if (i > 0) {
      version += 1;
      history.push({
        version,
        at: iso(sent),
        action: fromRequester ? 'REFERRER_REPLIED' : 'PROVIDER_REPLIED',
        by: sender.uid,
        organisation: sender.ods,
      });
    }
    sent = clock.after(sent, 4 * 60, 3 * 24 * 60, prng);
  }
  const requestFiles: Attachment[] = [];
  if (prng.bool(0.4)) {
    const made = makeFile(prng, b.ids, context, {
      kind: 'pdf-letter',
      type: 'REFERRER',
      indexed: iso(first),
      attachedBy: requester.uid,
      attachedByOrg: requester.ods,
      availability: randomAvailability(prng),
      pages: prng.int(1, 3),
    });
    b.binaries.push(made.binary);
    requestFiles.push(made.attachment);
  }
  const lastMessage = messages[messages.length - 1];
  const advice: AdviceRequest = {
    ubrn,
    version,
    requestId: `a.${prng.uuid()}`,
    patientNhsNumber: patient.nhsNumber,
    priority: prng.weighted(PRIORITY_WEIGHTS),
    specialty,
    clinicType: prng.pick(clinicTypesFor(specialty)).code,
    searchCriteria: { ageAndGenderAppropriate: true, commissioningProvisioning: 'ALL_AVAILABLE_FOR_BOOKING' },
    shortlist: [service.id],
    serviceId: service.id,
    requester,
    status,
    conversionAuthorised: prng.bool(0.5),
    firstRequested: iso(first),
    lastUpdated: lastMessage ? lastMessage.sent : iso(first),
    attachments: requestFiles,
    messages,
    history,
  };
  if (clinician) advice.allocatedClinician = clinician;
  return advice;
}

/** Generates the whole local e-RS. Fast: 10,000 referrals take well under two seconds. */
export function generateSeed(options: SeedOptions = {}): SeedData {
  const params = resolveSeedParams(options);
  const referenceDate = new Date(`${params.referenceDate}T12:00:00.000Z`);
  if (Number.isNaN(referenceDate.getTime()))
    throw new Error(`The seed's reference date "${params.referenceDate}" is not a date (use YYYY-MM-DD).`);
  const root = new Prng(params.seed);
  const patients = generatePatients(root.fork('patients'), Math.max(20, Math.ceil(params.count * 0.8)), referenceDate);
  const examples = buildExampleItems(patients, referenceDate);
  const binaries: BinaryRecord[] = [...examples.binaries];
  const builders: Builders = {
    prng: root.fork('referrals'),
    clock: new Clock(referenceDate),
    ids: new IdCounter(100000),
    binaries,
    large: options.large === true,
  };

  const referrals: Referral[] = [...examples.referrals];
  const generated: Referral[] = [];
  for (let i = 0; i < params.count; i += 1) generated.push(buildReferral(builders, i, patients));
  if (builders.large) {
    // The busiest list: booked referrals at R69 until its Referrals list holds LARGE_LIST_ROWS.
    const busiest: Builders = { ...builders, prng: root.fork('busiest') };
    let onList = generated.filter((r) => isBookedForReview(r, LARGE_LIST_ODS)).length;
    for (let i = params.count; onList < LARGE_LIST_ROWS; i += 1) {
      const archetype = busiest.prng.bool(0.8) ? 'BOOKED_DBS' : 'BOOKED_IBS';
      generated.push(buildReferral(busiest, i, patients, { ods: LARGE_LIST_ODS, archetype }));
      onList += 1;
    }
  }
  // Onward referrals point back at an earlier referral for the same patient (one pathway).
  const relatedPrng = root.fork('related');
  const byPatient = new Map<string, Referral>();
  for (const current of generated) {
    const earlier = byPatient.get(current.patientNhsNumber);
    if (earlier && relatedPrng.bool(0.5)) current.relatedUbrns.push(earlier.ubrn);
    byPatient.set(current.patientNhsNumber, current);
  }
  referrals.push(...generated);

  const adviceBuilders: Builders = { ...builders, prng: root.fork('advice') };
  const advice: AdviceRequest[] = [...examples.advice];
  const adviceCount = Math.max(12, Math.round(params.count * 0.15));
  for (let i = 0; i < adviceCount; i += 1) advice.push(buildAdvice(adviceBuilders, i, patients));

  stampDocumentFacts({ patients, referrals, advice, binaries });

  return {
    params,
    organisations: [...ORGANISATION_LIST],
    services: [...SERVICES],
    clinicians: [...CLINICIANS],
    referrers: [...REFERRERS],
    patients,
    referrals,
    advice,
    binaries,
  };
}
