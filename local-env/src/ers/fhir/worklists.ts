/**
 * Worklists as e-RS serves them (eRS-FetchWorklist-List-1): one List, one entry per
 * referral or A&G request, each entry carrying a worklist-item extension whose parts depend
 * on the list type. Only the parts the specification gives each list are emitted, with the
 * reason code systems it names (e.g. no triage outcome on a Rejected/Triage Response item).
 */
import { findService } from '../../seed/catalogue';
import { type AdviceRequest, type Referral } from '../../seed/model';
import { priorityConcept, REFERRAL_STATE_DISPLAY, reasonDisplay } from '../../seed/reference-data';
import { CODE, codeable, ID, identifier, localCodeSystem, PROFILE, reasonSystemUrl, SD, type Json } from './vocabulary';
import { pathwayStartOf } from './referral-request';

export type ReferralListType =
  | 'REFERRALS_FOR_REVIEW'
  | 'APPOINTMENT_SLOT_ISSUES'
  | 'REJECTED_TRIAGE_RESPONSE'
  | 'ASSESSMENT_RETURNED_CANCELLED_DNA'
  | 'AWAITING_BOOKING'
  | 'LETTERS_OUTSTANDING';

export const REFERRAL_LIST_TYPES: readonly ReferralListType[] = [
  'REFERRALS_FOR_REVIEW',
  'APPOINTMENT_SLOT_ISSUES',
  'REJECTED_TRIAGE_RESPONSE',
  'ASSESSMENT_RETURNED_CANCELLED_DNA',
  'AWAITING_BOOKING',
  'LETTERS_OUTSTANDING',
];

const ITEM_EXTENSION: Record<ReferralListType, string> = {
  REFERRALS_FOR_REVIEW: `${SD}Extension-eRS-ReferralsforReview-WorkListItem-1`,
  APPOINTMENT_SLOT_ISSUES: `${SD}Extension-eRS-AppointmentSlotIssues-WorkListItem-1`,
  REJECTED_TRIAGE_RESPONSE: `${SD}Extension-eRS-RejectedTriageResponse-WorkListItem-1`,
  ASSESSMENT_RETURNED_CANCELLED_DNA: `${SD}Extension-eRS-AssessmentReturnedCancelledDna-WorkListItem-1`,
  AWAITING_BOOKING: `${SD}Extension-eRS-AwaitingBooking-WorkListItem-1`,
  LETTERS_OUTSTANDING: `${SD}Extension-eRS-LettersOutstanding-WorkListItem-1`,
};

/** Which reason code system each referrer-side list shows (others are not shown on it). */
const LIST_REASON_SYSTEM: Partial<Record<ReferralListType, string>> = {
  REJECTED_TRIAGE_RESPONSE: 'APPOINTMENT_CANCELLATION_REASON',
  ASSESSMENT_RETURNED_CANCELLED_DNA: 'REFERRAL_CANCELLATION_REASON',
  AWAITING_BOOKING: 'APPOINTMENT_CANCELLATION_REASON',
};

const DAY = 24 * 60 * 60 * 1000;

/** Adds working days (Monday to Friday), as e-RS counts contact days. */
function addWorkingDays(from: Date, days: number): Date {
  const date = new Date(from.getTime());
  let left = days;
  while (left > 0) {
    date.setTime(date.getTime() + DAY);
    const weekday = date.getUTCDay();
    if (weekday !== 0 && weekday !== 6) left -= 1;
  }
  return date;
}

function serviceReference(serviceId: string): Json {
  return { identifier: identifier(ID.service, serviceId), display: findService(serviceId)?.name ?? `Service ${serviceId}` };
}

function part(url: string, value: Json): Json {
  return { url, ...value };
}

function referralsForReviewItem(fhirBase: string, r: Referral): Json[] {
  const parts: Json[] = [
    part('priority', { valueCodeableConcept: codeable(CODE.priority, r.priority) }),
    part('specialty', { valueCodeableConcept: codeable(localCodeSystem(fhirBase, 'SPECIALTY'), r.specialty) }),
    part('patient', { valueReference: { reference: `#Patient-${r.patientNhsNumber}` } }),
  ];
  if (r.allocatedClinician)
    parts.push(part('allocatedClinician', { valueReference: { reference: `#Practitioner-${r.allocatedClinician}` } }));
  parts.push(part('eReferralPathwayStart', { valueDateTime: pathwayStartOf(r) }));
  parts.push(part('clinicalInfoPrinted', { valueBoolean: r.clinicalInfoPrinted }));
  const contextDisplay: Record<string, string> = {
    NEVER_REVIEWED: 'Never Reviewed',
    LETTER_CHANGED: 'Letter Changed',
    PRIORITY_CHANGED: 'Priority Changed',
    PRIORITY_AND_LETTER_CHANGED: 'Priority And Letter Changed',
  };
  parts.push(
    part('requestContextStatus', {
      valueCodeableConcept: codeable(CODE.requestContextStatus, r.requestContextStatus, contextDisplay[r.requestContextStatus]),
    }),
  );
  if (r.clinicalInfoFirstSubmitted) parts.push(part('clinicalInfoFirstSubmitted', { valueDateTime: r.clinicalInfoFirstSubmitted }));
  if (r.clinicalInfoLastUpdated) parts.push(part('clinicalInfoLastUpdated', { valueDateTime: r.clinicalInfoLastUpdated }));
  if (r.appointment?.start && r.appointment.status === 'booked')
    parts.push(part('appointmentStart', { valueDateTime: r.appointment.start }));
  parts.push(
    part('referralType', {
      valueCodeableConcept: codeable(CODE.referralType, r.appointment?.kind === 'TRIAGE' ? 'TRIAGE_DEFERRAL' : 'APPOINTMENT'),
    }),
  );
  if (r.serviceId) parts.push(part('service', { valueReference: serviceReference(r.serviceId) }));
  parts.push(part('referralRequestVersion', { valueInteger: r.version }));
  return parts;
}

function slotIssuesItem(fhirBase: string, r: Referral): Json[] {
  const received = r.appointment?.created ?? r.created;
  const expected = addWorkingDays(new Date(received), priorityConcept(r.priority).deferToProviderContactDays);
  const parts: Json[] = [
    part('priority', { valueCodeableConcept: codeable(CODE.priority, r.priority) }),
    part('specialty', { valueCodeableConcept: codeable(localCodeSystem(fhirBase, 'SPECIALTY'), r.specialty) }),
    part('patient', { valueReference: { identifier: identifier(ID.nhsNumber, r.patientNhsNumber) } }),
    part('eReferralPathwayStart', { valueDateTime: pathwayStartOf(r) }),
    part('clinicalInfoPrinted', { valueBoolean: r.clinicalInfoPrinted }),
    part('ubrnReceived', { valueDateTime: received }),
    part('patientContactExpected', { valueDate: expected.toISOString().slice(0, 10) }),
    part('clinicalInformationStatus', {
      valueCodeableConcept: codeable(
        CODE.clinicalInformationStatus,
        r.attachments.length > 0 || r.clinicalInfoFirstSubmitted ? 'PRESENT' : 'NOT_DUE',
      ),
    }),
  ];
  const reason = r.appointment?.reason;
  if (reason && reason.system === 'REVIEW_REASON')
    parts.push(part('reason', { valueCodeableConcept: codeable(reasonSystemUrl(fhirBase, reason.system), reason.code) }));
  if (r.serviceId) parts.push(part('service', { valueReference: serviceReference(r.serviceId) }));
  return parts;
}

function clinicalContext(r: Referral): string {
  return `${r.specialty}/${r.clinicType}`;
}

function referrerListItem(fhirBase: string, listType: ReferralListType, r: Referral): Json[] {
  const parts: Json[] = [
    part('patient', { valueReference: { identifier: identifier(ID.nhsNumber, r.patientNhsNumber) } }),
    part('priority', { valueCodeableConcept: codeable(CODE.priority, r.priority) }),
    part('referralCreated', { valueDateTime: r.created }),
    part('clinicalContext', { valueString: clinicalContext(r) }),
    part('referrer', { valueReference: { identifier: identifier(ID.sdsUser, r.referrer.uid) } }),
  ];
  if (listType === 'LETTERS_OUTSTANDING') {
    parts.push(part('letterDue', { valueDate: r.letterDue ?? r.created.slice(0, 10) }));
    return parts;
  }
  parts.push(part('referralLastUpdated', { valueDateTime: r.lastUpdated }));
  parts.push(part('status', { valueCodeableConcept: codeable(CODE.referralState, r.status.code, REFERRAL_STATE_DISPLAY[r.status.code]) }));
  const reason = r.status.reason;
  if (reason && reason.system === LIST_REASON_SYSTEM[listType]) {
    parts.push(
      part('reason', {
        valueCodeableConcept: codeable(reasonSystemUrl(fhirBase, reason.system), reason.code, reasonDisplay(reason.system, reason.code)),
      }),
    );
  }
  return parts;
}

export function referralWorklist(fhirBase: string, listType: ReferralListType, referrals: readonly Referral[]): Json {
  const entry = referrals.map((r) => {
    const parts =
      listType === 'REFERRALS_FOR_REVIEW'
        ? referralsForReviewItem(fhirBase, r)
        : listType === 'APPOINTMENT_SLOT_ISSUES'
          ? slotIssuesItem(fhirBase, r)
          : referrerListItem(fhirBase, listType, r);
    return { extension: [{ extension: parts, url: ITEM_EXTENSION[listType] }], item: { reference: `ReferralRequest/${r.ubrn}` } };
  });
  const list: Json = { meta: { profile: [PROFILE.worklist] }, resourceType: 'List' };
  if (listType === 'REFERRALS_FOR_REVIEW' && referrals.length > 0) {
    // Only this list carries its clinicians and patients as contained resources.
    const clinicians = [...new Set(referrals.flatMap((r) => (r.allocatedClinician ? [r.allocatedClinician] : [])))];
    const patients = [...new Set(referrals.map((r) => r.patientNhsNumber))];
    list.contained = [
      ...clinicians.map((uid) => ({
        id: `Practitioner-${uid}`,
        meta: { profile: [PROFILE.worklistPractitioner] },
        resourceType: 'Practitioner',
        identifier: [identifier(ID.sdsUser, uid)],
      })),
      ...patients.map((nhs) => ({
        id: `Patient-${nhs}`,
        meta: { profile: [PROFILE.worklistPatient] },
        resourceType: 'Patient',
        identifier: [identifier(ID.nhsNumber, nhs)],
      })),
    ];
  }
  list.status = 'current';
  list.mode = 'snapshot';
  list.entry = entry;
  return list;
}

export function adviceWorklist(fhirBase: string, items: readonly AdviceRequest[]): Json {
  return {
    meta: { profile: [PROFILE.worklist] },
    resourceType: 'List',
    status: 'current',
    mode: 'snapshot',
    entry: items.map((a) => ({
      extension: [
        {
          extension: [
            part('priority', { valueCodeableConcept: codeable(CODE.priority, a.priority) }),
            part('specialty', { valueCodeableConcept: codeable(localCodeSystem(fhirBase, 'SPECIALTY'), a.specialty) }),
            part('patient', { valueReference: { identifier: identifier(ID.nhsNumber, a.patientNhsNumber) } }),
            part('category', { valueCodeableConcept: codeable(CODE.adviceStatus, a.status) }),
            part('adviceFirstRequested', { valueDateTime: a.firstRequested }),
            part('adviceLastUpdated', { valueDateTime: a.lastUpdated }),
            part('referrer', { valueReference: { identifier: identifier(ID.sdsUser, a.requester.uid) } }),
            part('service', { valueReference: serviceReference(a.serviceId) }),
            part('clinicType', { valueCodeableConcept: codeable(localCodeSystem(fhirBase, 'CLINIC-TYPE'), a.clinicType) }),
            part('communicationRequestVersion', { valueInteger: a.version }),
          ],
          url: `${SD}Extension-eRS-AdviceAndGuidanceRequests-WorkListItem-1`,
        },
      ],
      item: { reference: `CommunicationRequest/${a.ubrn}` },
    })),
  };
}
