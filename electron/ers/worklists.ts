/**
 * Worklists: A008 (referral worklists, with the provider filters) and A023 (advice and
 * guidance requests), and the app's three lists built on them.
 */
import type { WorklistKind, WorklistRow } from '../../contract';
import { callContext, type ErsContext } from './client-context';
import { CODE_SYSTEM, ID_OUT, PROFILE } from './fhir-names';
import type { ParameterOut } from './fhir-types';
import { ErsError } from './ers-error';
import type { ErsRequest, ErsRole } from './http';
import { mapAdviceWorklist, mapReferralWorklist } from './map-worklist';
import { codingOf, parametersOf } from './parameters';
import * as check from './validate-input';
import type { WorklistItem } from './view-models';

export const REFERRAL_LIST_TYPES = [
  'REFERRALS_FOR_REVIEW',
  'APPOINTMENT_SLOT_ISSUES',
  'REJECTED_TRIAGE_RESPONSE',
  'ASSESSMENT_RETURNED_CANCELLED_DNA',
  'AWAITING_BOOKING',
  'LETTERS_OUTSTANDING',
] as const;
export type ReferralListType = (typeof REFERRAL_LIST_TYPES)[number];

export interface ReferralWorklistInput {
  listType: ReferralListType;
  /** e-RS service id. */
  serviceId?: string;
  /** A specialty code (SPECIALTY code system), or only items with no specialty assigned. */
  specialty?: { assigned: true; code: string } | { assigned: false };
  /** ODS code of the service location. */
  locationOds?: string;
  /** An assigned clinician's SDS user id, or only items with no clinician assigned. */
  clinician?: { assigned: true; userId: string } | { assigned: false };
}

const assigned = (yes: boolean) => ({ coding: [codingOf(CODE_SYSTEM.assignedIndicator, yes ? 'ASSIGNED' : 'NOT_ASSIGNED')] });

export function referralWorklistRequest(input: ReferralWorklistInput, codeSystemBase: string): ErsRequest {
  const op = 'A008';
  const listType = check.oneOf(op, input.listType, REFERRAL_LIST_TYPES, 'listType', 'worklist');
  // Order as e-RS's parameter table lists them.
  const parameter: ParameterOut[] = [
    { name: 'listType', valueCodeableConcept: { coding: [codingOf(CODE_SYSTEM.referralListSelector, listType)] } },
  ];
  if (input.serviceId !== undefined) {
    parameter.push({
      name: 'service',
      valueIdentifier: { system: ID_OUT.service, value: check.token(op, input.serviceId, 'serviceId', 'service') },
    });
  }
  if (input.specialty !== undefined) {
    parameter.push({ name: 'specialtyAssignedIndicator', valueCodeableConcept: assigned(input.specialty.assigned) });
    if (input.specialty.assigned) {
      const code = check.token(op, input.specialty.code, 'specialty.code', 'specialty');
      parameter.push({
        name: 'specialty',
        valueCodeableConcept: { coding: [codingOf(`${codeSystemBase}/STU3/CodeSystem/SPECIALTY`, code)] },
      });
    }
  }
  if (input.locationOds !== undefined) {
    parameter.push({
      name: 'location',
      valueIdentifier: { system: ID_OUT.location, value: check.token(op, input.locationOds, 'locationOds', 'location') },
    });
  }
  if (input.clinician !== undefined) {
    parameter.push({ name: 'clinicianAssignedIndicator', valueCodeableConcept: assigned(input.clinician.assigned) });
    if (input.clinician.assigned) {
      parameter.push({
        name: 'clinician',
        valueIdentifier: { system: ID_OUT.sdsUser, value: check.token(op, input.clinician.userId, 'clinician.userId', 'clinician') },
      });
    }
  }
  return {
    operation: op,
    method: 'POST',
    path: '/FHIR/STU3/ReferralRequest/$ers.fetchworklist',
    json: parametersOf(PROFILE.fetchWorklist, parameter),
  };
}

export function adviceWorklistRequest(): ErsRequest {
  return {
    operation: 'A023',
    method: 'POST',
    path: '/FHIR/STU3/CommunicationRequest/$ers.fetchworklist',
    json: parametersOf(PROFILE.fetchWorklist, [
      {
        name: 'listType',
        valueCodeableConcept: { coding: [codingOf(CODE_SYSTEM.communicationListSelector, 'ADVICE_AND_GUIDANCE_REQUESTS')] },
      },
    ]),
  };
}

export async function fetchReferralWorklist(
  ctx: ErsContext,
  input: ReferralWorklistInput,
  signal?: AbortSignal,
  role?: ErsRole,
): Promise<WorklistItem[]> {
  const request = referralWorklistRequest(input, ctx.codeSystemBase('A008'));
  const result = await ctx.transport.json({ ...request, signal, ...(role ? { role } : {}) });
  return mapReferralWorklist(result.body, { now: ctx.now(), specialtyName: ctx.specialtyName }, callContext('A008', result.correlationId));
}

export async function fetchAdviceWorklist(ctx: ErsContext, signal?: AbortSignal): Promise<WorklistRow[]> {
  const result = await ctx.transport.json({ ...adviceWorklistRequest(), signal });
  return mapAdviceWorklist(result.body, { now: ctx.now(), specialtyName: ctx.specialtyName }, callContext('A023', result.correlationId));
}

/** Parts of a split list asked for at once: within e-RS's rate limit, and few enough answers held in memory. */
const SPLIT_CONCURRENCY = 4;

function tooLarge(error: unknown): boolean {
  return error instanceof ErsError && error.code === 'ERS_ANSWER_TOO_LARGE';
}

/**
 * A provider list too large for one answer (the NHS API platform passes on at most 10 MB,
 * about 6,000 rows), asked for again one specialty at a time with e-RS's own specialty
 * filter, and the items with no specialty, then put back together. A part still too large
 * fails the whole list with the platform's sentence: a list shown with rows missing would
 * look complete.
 */
async function fetchBySpecialty(
  ctx: ErsContext,
  input: ReferralWorklistInput,
  signal?: AbortSignal,
  role?: ErsRole,
): Promise<WorklistItem[]> {
  if (!ctx.specialtyCodes) throw new Error('The specialty codes are needed to ask for a large worklist in parts.');
  const codes = await ctx.specialtyCodes(signal);
  const parts: ReferralWorklistInput[] = [
    ...codes.map((code): ReferralWorklistInput => ({ ...input, specialty: { assigned: true, code } })),
    { ...input, specialty: { assigned: false } },
  ];
  const answers: WorklistItem[][] = new Array<WorklistItem[]>(parts.length);
  let next = 0;
  const worker = async () => {
    while (next < parts.length) {
      const index = next++;
      const part = parts[index];
      if (part) answers[index] = await fetchReferralWorklist(ctx, part, signal, role);
    }
  };
  await Promise.all(Array.from({ length: Math.min(SPLIT_CONCURRENCY, parts.length) }, worker));
  const seen = new Set<string>();
  const items: WorklistItem[] = [];
  for (const answer of answers) {
    for (const item of answer ?? []) {
      if (seen.has(item.row.id)) continue;
      seen.add(item.row.id);
      items.push(item);
    }
  }
  return items;
}

/**
 * The lists each client has found too large for one answer: asked for in parts from then
 * on, rather than having e-RS build a whole answer only for the platform to refuse it. A
 * list that has become smaller still comes whole, in more calls.
 */
const tooLargeLists = new WeakMap<ErsContext, Set<string>>();

/**
 * What makes two asks for a list the same ask: the user, the role (business function,
 * organisation, the clinician acted for) and the list with every filter. Anything not the
 * same is a different key, so one role's list is never handed to another.
 */
export function worklistRequestKey(identity: { userId: string; role: ErsRole }, input: ReferralWorklistInput): string {
  const { role } = identity;
  return JSON.stringify([
    identity.userId,
    role.businessFunction,
    role.organisationOds,
    role.onBehalfOfUserId ?? null,
    input.listType,
    input.serviceId ?? null,
    input.specialty === undefined ? null : input.specialty.assigned ? ['assigned', input.specialty.code] : ['not-assigned'],
    input.locationOds ?? null,
    input.clinician === undefined ? null : input.clinician.assigned ? ['assigned', input.clinician.userId] : ['not-assigned'],
  ]);
}

/**
 * Lists on their way from e-RS, by worklistRequestKey: referrals and triage are both A008's
 * "Referrals for review", so the two screens asking at once make one set of calls. Only while
 * in flight: the next ask after an answer asks e-RS again.
 */
const inFlightLists = new WeakMap<ErsContext, Map<string, Promise<WorklistItem[]>>>();

/**
 * A provider list, whole if e-RS can send it in one answer, else in parts by specialty;
 * joined to the same list already on its way for the same user and role. An ask that can be
 * stopped (with a signal) is never shared, so stopping one caller cannot stop another.
 */
export function fetchWholeReferralWorklist(ctx: ErsContext, input: ReferralWorklistInput, signal?: AbortSignal): Promise<WorklistItem[]> {
  const identity = signal ? null : (ctx.identity?.() ?? null);
  if (!identity) return fetchWhole(ctx, input, signal);
  const key = worklistRequestKey(identity, input);
  let lists = inFlightLists.get(ctx);
  if (!lists) {
    lists = new Map();
    inFlightLists.set(ctx, lists);
  }
  const joined = lists.get(key);
  if (joined) return joined;
  const inFlight = lists;
  // Every call of this fetch carries the role it was keyed by, even if the session's role changes meanwhile.
  const run = fetchWhole(ctx, input, undefined, identity.role).finally(() => {
    if (inFlight.get(key) === run) inFlight.delete(key);
  });
  inFlight.set(key, run);
  return run;
}

async function fetchWhole(ctx: ErsContext, input: ReferralWorklistInput, signal?: AbortSignal, role?: ErsRole): Promise<WorklistItem[]> {
  // Only an unfiltered-by-specialty provider list can be split this way (e-RS refuses filters on the referrer lists).
  const splittable =
    input.specialty === undefined && (input.listType === 'REFERRALS_FOR_REVIEW' || input.listType === 'APPOINTMENT_SLOT_ISSUES');
  const key = JSON.stringify(input);
  const known = tooLargeLists.get(ctx);
  if (splittable && known?.has(key)) return fetchBySpecialty(ctx, input, signal, role);
  try {
    return await fetchReferralWorklist(ctx, input, signal, role);
  } catch (error) {
    if (!tooLarge(error) || !splittable) throw error;
    ctx.log?.info('ers.worklist.split', { operation: 'A008', listType: input.listType });
    if (known) known.add(key);
    else tooLargeLists.set(ctx, new Set([key]));
    return fetchBySpecialty(ctx, input, signal, role);
  }
}

/** One of the app's three lists: referrals and triage share A008's "Referrals for review". */
export async function fetchWorklist(
  ctx: ErsContext,
  kind: WorklistKind,
  filters: Omit<ReferralWorklistInput, 'listType'> = {},
  signal?: AbortSignal,
): Promise<WorklistRow[]> {
  if (kind === 'advice') return fetchAdviceWorklist(ctx, signal);
  const items = await fetchWholeReferralWorklist(ctx, { ...filters, listType: 'REFERRALS_FOR_REVIEW' }, signal);
  return items.filter((item) => item.kind === kind).map((item) => item.row);
}
