/**
 * A029: what the current user may do to a referral now, as a bundle of proposed Tasks.
 * e-RS answers only for the referral's current version (400 HISTORY_NOT_SUPPORTED
 * otherwise) and only with actions the API supports: for providers, recording a review
 * outcome and cancelling the referral.
 */
import { randomUUID } from 'node:crypto';
import { findService } from '../../seed/catalogue';
import { type Referral } from '../../seed/model';
import { isProviderRole, type Caller } from '../access';
import { CODE, codeable, PROFILE, type Json } from '../fhir/vocabulary';
import { jsonReply, type Reply } from '../http-io';
import { type OperationContext } from '../operation-context';
import { badRequest } from '../outcome';
import { requireReferral } from '../records';

const ACTION_DISPLAY: Record<string, string> = {
  RECORD_REVIEW_OUTCOME: 'Record Review Outcome',
  CANCEL_REFERRAL: 'Cancel Referral',
  CREATE_APPOINTMENT: 'Create Appointment',
  CHANGE_SHORTLIST: 'Change Shortlist',
};

const CANCELLABLE = new Set([
  'BOOKED',
  'DEFERRED_TO_PROVIDER',
  'AWAITING_TRIAGE',
  'TRIAGED_PROVIDER_TO_ACTION',
  'NOT_BOOKED',
  'APPT_CANCELLED_BY_PATIENT',
  'APPT_CANCELLED_BY_PROVIDER',
]);

export function availableActions(referral: Referral, caller: Caller): string[] {
  const actions: string[] = [];
  if (isProviderRole(caller)) {
    const atOurService = referral.serviceId !== null && findService(referral.serviceId)?.ods === caller.ods;
    if (!atOurService) return actions;
    const triagePending = referral.status.code === 'AWAITING_TRIAGE';
    const deferralPending = referral.status.code === 'DEFERRED_TO_PROVIDER' && referral.review === undefined;
    if (triagePending || deferralPending) actions.push('RECORD_REVIEW_OUTCOME');
    if (CANCELLABLE.has(referral.status.code) && referral.status.code !== 'NOT_BOOKED') actions.push('CANCEL_REFERRAL');
    return actions;
  }
  if (referral.status.code === 'NOT_BOOKED') actions.push('CREATE_APPOINTMENT', 'CHANGE_SHORTLIST');
  if (CANCELLABLE.has(referral.status.code)) actions.push('CANCEL_REFERRAL');
  return actions;
}

export async function listAvailableActions(context: OperationContext): Promise<Reply> {
  const query = context.url.searchParams;
  const focus = query.get('focus');
  if (!focus)
    throw badRequest('MISSING_PARAMETER', 'The focus search parameter is missing: send focus=ReferralRequest/<UBRN>/_history/<version>.');
  if (query.get('intent') !== 'proposal')
    throw badRequest(query.has('intent') ? 'INVALID_VALUE' : 'MISSING_PARAMETER', 'The intent search parameter must be proposal.');
  if (query.get('status') !== 'ready')
    throw badRequest(query.has('status') ? 'INVALID_VALUE' : 'MISSING_PARAMETER', 'The status search parameter must be ready.');
  const match = /^ReferralRequest\/([^/]+)\/_history\/(\d+)$/.exec(focus);
  if (!match?.[1] || !match[2])
    throw badRequest('INVALID_VALUE', `focus must look like ReferralRequest/<UBRN>/_history/<version>, not ${focus}.`);
  const referral = requireReferral(context, match[1]);
  if (Number(match[2]) !== referral.version) {
    throw badRequest(
      'HISTORY_NOT_SUPPORTED',
      `Only the current version (${referral.version}) of referral ${referral.ubrn} can be asked about: read it again and use its version.`,
    );
  }
  const entry: Json[] = availableActions(referral, context.caller).map((code) => {
    const id = randomUUID();
    return {
      fullUrl: `${context.fhirBase}/STU3/Task/${id}`,
      resource: {
        id,
        meta: { profile: [PROFILE.careConnectTask] },
        resourceType: 'Task',
        status: 'ready',
        intent: 'proposal',
        focus: { reference: focus },
        code: codeable(CODE.availableActions, code, ACTION_DISPLAY[code]),
      },
      search: { mode: 'match' },
    };
  });
  return jsonReply(200, {
    id: randomUUID(),
    meta: { lastUpdated: context.now().toISOString(), profile: [PROFILE.bundle] },
    resourceType: 'Bundle',
    type: 'searchset',
    link: [{ relation: 'self', url: `${context.fhirBase}/STU3/Task?focus=${focus}&intent=proposal&status=ready` }],
    entry,
  });
}
