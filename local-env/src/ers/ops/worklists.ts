/**
 * A008 (referral worklists) and A023 (A&G worklist). Which referrals a list holds follows
 * from their state, so a decision moves a referral off a list or onto another by itself:
 * accepted referrals leave "Referrals for Review", rejected and returned ones appear on
 * the referrer's "Rejected / Triage Response", deferred ones sit on "Appointment Slot
 * Issues". Provider lists take the specialty, service, location and clinician filters;
 * e-RS refuses filters on the referrer lists.
 */
import { findService } from '../../seed/catalogue';
import { type AdviceRequest, type Referral } from '../../seed/model';
import { isProviderRole } from '../access';
import { ParametersBody } from '../fhir-parameters';
import { adviceWorklist, REFERRAL_LIST_TYPES, referralWorklist, type ReferralListType } from '../fhir/worklists';
import { CODE, ID, localCodeSystem } from '../fhir/vocabulary';
import { jsonReply, type Reply } from '../http-io';
import { readFhirJson, type OperationContext } from '../operation-context';
import { forbidden, unprocessable } from '../outcome';
import { referralVisibleTo } from '../records';

const PROFILE = 'https://fhir.nhs.uk/STU3/StructureDefinition/eRS-FetchWorklist-Parameters-1';
const PARAMETERS = [
  'listType',
  'service',
  'specialtyAssignedIndicator',
  'specialty',
  'location',
  'clinicianAssignedIndicator',
  'clinician',
];
const FILTERS = PARAMETERS.filter((p) => p !== 'listType');
const PROVIDER_LISTS: readonly ReferralListType[] = ['REFERRALS_FOR_REVIEW', 'APPOINTMENT_SLOT_ISSUES'];

interface Filters {
  service?: string;
  specialty?: string;
  specialtyAssigned?: boolean;
  location?: string;
  clinician?: string;
  clinicianAssigned?: boolean;
}

function readFilters(context: OperationContext, body: ParametersBody): Filters {
  const filters: Filters = {};
  const service = body.identifier('service', ID.service);
  if (service !== undefined) {
    const found = findService(service);
    if (!found) throw unprocessable('REFERENCE_NOT_FOUND', `No service has the id ${service}: check the service filter.`);
    if (found.ods !== context.caller.ods)
      throw unprocessable('NO_RELATIONSHIP', `Service ${service} is not one of your organisation's services.`);
    filters.service = service;
  }
  const specialtyIndicator = body.code('specialtyAssignedIndicator', CODE.assignedIndicator, ['ASSIGNED', 'NOT_ASSIGNED'], false);
  const specialty = body.code('specialty', localCodeSystem(context.fhirBase, 'SPECIALTY'), null, false);
  if (specialty !== undefined && specialtyIndicator !== 'ASSIGNED') {
    throw unprocessable('INAPPROPRIATE_VALUE', 'A specialty filter needs specialtyAssignedIndicator ASSIGNED.');
  }
  if (specialtyIndicator !== undefined) filters.specialtyAssigned = specialtyIndicator === 'ASSIGNED';
  if (specialty !== undefined) filters.specialty = specialty;
  const location = body.identifier('location', ID.ods);
  if (location !== undefined) filters.location = location;
  const clinicianIndicator = body.code('clinicianAssignedIndicator', CODE.assignedIndicator, ['ASSIGNED', 'NOT_ASSIGNED'], false);
  const clinician = body.identifier('clinician', ID.sdsUser);
  if (clinician !== undefined && clinicianIndicator !== 'ASSIGNED') {
    throw unprocessable('INAPPROPRIATE_VALUE', 'A clinician filter needs clinicianAssignedIndicator ASSIGNED.');
  }
  if (clinicianIndicator !== undefined) filters.clinicianAssigned = clinicianIndicator === 'ASSIGNED';
  if (clinician !== undefined) filters.clinician = clinician;
  return filters;
}

function passes(filters: Filters, item: { serviceId: string | null; specialty: string; allocatedClinician?: string }): boolean {
  if (filters.service !== undefined && item.serviceId !== filters.service) return false;
  if (filters.location !== undefined && (item.serviceId === null || findService(item.serviceId)?.ods !== filters.location)) return false;
  if (filters.specialty !== undefined && item.specialty !== filters.specialty) return false;
  if (filters.clinicianAssigned === false && item.allocatedClinician !== undefined) return false;
  if (filters.clinicianAssigned === true && item.allocatedClinician === undefined) return false;
  if (filters.clinician !== undefined && item.allocatedClinician !== filters.clinician) return false;
  return true;
}

function atOrganisation(referral: Referral, ods: string | null): boolean {
  return referral.serviceId !== null && findService(referral.serviceId)?.ods === ods;
}

/** Does the referral belong on this list, by its state? */
function onList(listType: ReferralListType, r: Referral): boolean {
  switch (listType) {
    case 'REFERRALS_FOR_REVIEW':
      if (r.status.code === 'AWAITING_TRIAGE') return true;
      return (
        r.status.code === 'BOOKED' &&
        r.review === undefined &&
        r.appointment?.status === 'booked' &&
        (r.appointment.kind === 'DBS' || r.appointment.kind === 'IBS')
      );
    case 'APPOINTMENT_SLOT_ISSUES':
      return (
        r.status.code === 'DEFERRED_TO_PROVIDER' || (r.status.code === 'TRIAGED_PROVIDER_TO_ACTION' && r.appointment?.kind === 'DEFERRED')
      );
    case 'REJECTED_TRIAGE_RESPONSE':
      return r.status.code === 'REJECTED' || r.status.code === 'TRIAGE_RESPONSE';
    case 'ASSESSMENT_RETURNED_CANCELLED_DNA':
      return r.status.code === 'ASSESSMENT_RESULT' || r.status.code === 'CANCELLED_REFERRAL' || r.status.code === 'DID_NOT_ATTEND';
    case 'AWAITING_BOOKING':
      return ['NOT_BOOKED', 'AWAITING_TRIAGE', 'DEFERRED_TO_PROVIDER', 'APPT_CANCELLED_BY_PATIENT', 'APPT_CANCELLED_BY_PROVIDER'].includes(
        r.status.code,
      );
    case 'LETTERS_OUTSTANDING':
      return r.letterDue !== undefined;
  }
}

const PRIORITY_ORDER: Record<string, number> = { TWO_WEEK_WAIT: 0, URGENT: 1, ROUTINE: 2 };

function byPriorityThenAge(
  a: { priority: string; created?: string; firstRequested?: string },
  b: { priority: string; created?: string; firstRequested?: string },
): number {
  const priority = (PRIORITY_ORDER[a.priority] ?? 3) - (PRIORITY_ORDER[b.priority] ?? 3);
  if (priority !== 0) return priority;
  return (a.created ?? a.firstRequested ?? '').localeCompare(b.created ?? b.firstRequested ?? '');
}

export async function fetchReferralWorklist(context: OperationContext): Promise<Reply> {
  const body = ParametersBody.parse(await readFhirJson(context), PROFILE, PARAMETERS);
  const listType = body.code('listType', CODE.referralListSelector, REFERRAL_LIST_TYPES, true) as ReferralListType;
  const providerList = PROVIDER_LISTS.includes(listType);
  if (providerList && !isProviderRole(context.caller))
    throw forbidden('FORBIDDEN', `The ${listType} worklist is for service provider roles: switch to a provider role.`);
  if (!providerList && FILTERS.some((f) => body.has(f))) {
    throw unprocessable('INAPPROPRIATE_VALUE', `Filters cannot be used with the ${listType} worklist: send the list type alone.`);
  }
  const filters = providerList ? readFilters(context, body) : {};
  const ods = context.caller.ods;
  const referrals: Referral[] = [];
  for (const r of context.store.referrals.values()) {
    if (!onList(listType, r)) continue;
    // Provider lists hold what sits with the organisation's services; the referrer lists what
    // the organisation is party to (the sandbox serves those to provider roles too).
    if (providerList ? !atOrganisation(r, ods) : !referralVisibleTo(r, context.caller)) continue;
    if (filters.specialtyAssigned === false) continue;
    if (!passes(filters, r)) continue;
    referrals.push(r);
  }
  referrals.sort(byPriorityThenAge);
  return jsonReply(200, referralWorklist(context.fhirBase, listType, referrals));
}

const OPEN_ADVICE = new Set(['PROVIDER_RESPONSE_REQUIRED', 'REFERRER_TO_SUBMIT_FURTHER_INFORMATION', 'REFERRER_TO_REVIEW_RESPONSE']);

export async function fetchAdviceWorklist(context: OperationContext): Promise<Reply> {
  const body = ParametersBody.parse(await readFhirJson(context), PROFILE, PARAMETERS);
  body.code('listType', CODE.communicationListSelector, ['ADVICE_AND_GUIDANCE_REQUESTS'], true);
  const filters = readFilters(context, body);
  const items: AdviceRequest[] = [];
  for (const a of context.store.advice.values()) {
    if (!OPEN_ADVICE.has(a.status)) continue;
    if (findService(a.serviceId)?.ods !== context.caller.ods) continue;
    if (filters.specialtyAssigned === false) continue;
    if (!passes(filters, a)) continue;
    items.push(a);
  }
  items.sort(byPriorityThenAge);
  return jsonReply(200, adviceWorklist(context.fhirBase, items));
}
