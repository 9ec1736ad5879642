/**
 * Worklists: A008 (referral worklists, with the provider filters) and A023 (advice and
 * guidance requests), and the app's three lists built on them.
 */
import type { WorklistKind, WorklistRow } from '../../contract';
import { callContext, type ErsContext } from './client-context';
import { CODE_SYSTEM, ID_OUT, PROFILE } from './fhir-names';
import type { ParameterOut } from './fhir-types';
import type { ErsRequest } from './http';
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

export async function fetchReferralWorklist(ctx: ErsContext, input: ReferralWorklistInput, signal?: AbortSignal): Promise<WorklistItem[]> {
  const request = referralWorklistRequest(input, ctx.codeSystemBase('A008'));
  const result = await ctx.transport.json({ ...request, signal });
  return mapReferralWorklist(result.body, { now: ctx.now(), specialtyName: ctx.specialtyName }, callContext('A008', result.correlationId));
}

export async function fetchAdviceWorklist(ctx: ErsContext, signal?: AbortSignal): Promise<WorklistRow[]> {
  const result = await ctx.transport.json({ ...adviceWorklistRequest(), signal });
  return mapAdviceWorklist(result.body, { now: ctx.now(), specialtyName: ctx.specialtyName }, callContext('A023', result.correlationId));
}

/** One of the app's three lists: referrals and triage share A008's "Referrals for review". */
export async function fetchWorklist(
  ctx: ErsContext,
  kind: WorklistKind,
  filters: Omit<ReferralWorklistInput, 'listType'> = {},
  signal?: AbortSignal,
): Promise<WorklistRow[]> {
  if (kind === 'advice') return fetchAdviceWorklist(ctx, signal);
  const items = await fetchReferralWorklist(ctx, { ...filters, listType: 'REFERRALS_FOR_REVIEW' }, signal);
  return items.filter((item) => item.kind === kind).map((item) => item.row);
}
