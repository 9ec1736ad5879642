/**
 * Decisions on a referral: accept (A013), reject (A014), record a triage outcome (A028).
 * Each carries If-Match with the version the user decided on, so e-RS refuses it (412)
 * if someone changed the referral meanwhile; none is ever retried by the transport.
 */
import {
  PRIORITIES,
  REJECT_COMMENTS_MAX,
  REJECTION_REASON_CODE_SYSTEM,
  TRIAGE_COMMENTS_MAX,
  TRIAGE_OUTCOMES,
  type Priority,
  type ReferralView,
  type TriageOutcome,
} from '../../contract';
import { callContext, type ErsContext } from './client-context';
import { readDecisionAnswer } from './decision-answer';
import { invalidInputError } from './ers-error';
import { CODE_SYSTEM, PROFILE } from './fhir-names';
import type { ParameterOut } from './fhir-types';
import type { ErsRequest } from './http';
import { mapReferral } from './map-referral';
import { attachmentParameters, codingOf, parametersOf, type AttachmentInput } from './parameters';
import * as check from './validate-input';
import type { DecisionResult } from './view-models';

export interface AcceptReferralInput {
  ubrn: string;
  /** The version the user reviewed. */
  version: string;
}

export interface RejectReferralInput {
  ubrn: string;
  version: string;
  /** An APPOINTMENT-CANCELLATION-REASON code of type PROVIDER_REJECT (see rejectionReasons). */
  reasonCode: string;
  /** Required by e-RS when the reason says so (commentIsMandatory). */
  comments?: string;
  /** Required for indirectly bookable services: has the appointment been cancelled in the PAS? */
  appointmentCancelledInPas?: boolean;
}

export interface TriageOutcomeInput {
  ubrn: string;
  version: string;
  outcome: TriageOutcome;
  /** Sent to the referrer (return with advice) or the provider's admin team (book later). */
  comments: string;
  /** A new priority; not allowed with RETURN_TO_REFERRER_WITH_ADVICE. */
  priority?: Priority;
  /** Files uploaded with A020 (with this UBRN as their referral id). */
  attachments?: AttachmentInput[];
}

const ifMatch = (version: string) => ({ 'If-Match': `W/"${version}"` });

export function acceptReferralRequest(input: AcceptReferralInput): ErsRequest {
  const ubrn = check.ubrn('A013', input.ubrn);
  const version = check.version('A013', input.version);
  return { operation: 'A013', method: 'POST', path: `/FHIR/STU3/ReferralRequest/${ubrn}/$ers.acceptReferral`, headers: ifMatch(version) };
}

export function rejectReferralRequest(input: RejectReferralInput, codeSystemBase: string): ErsRequest {
  const op = 'A014';
  const ubrn = check.ubrn(op, input.ubrn);
  const version = check.version(op, input.version);
  const reason = check.token(op, input.reasonCode, 'reasonCode', 'rejection reason');
  const comments = check.text(op, input.comments, {
    path: 'comments',
    label: 'rejection comments',
    max: REJECT_COMMENTS_MAX,
    required: false,
  });
  if (input.appointmentCancelledInPas !== undefined && typeof input.appointmentCancelledInPas !== 'boolean') {
    throw invalidInputError(op, 'Say whether the appointment has been cancelled in the PAS.', 'appointmentCancelledInPas');
  }
  const parameter: ParameterOut[] = [
    { name: 'rejectionReason', valueCoding: codingOf(`${codeSystemBase}/STU3/CodeSystem/${REJECTION_REASON_CODE_SYSTEM}`, reason) },
  ];
  if (comments !== undefined) parameter.push({ name: 'rejectionComments', valueString: comments });
  if (input.appointmentCancelledInPas !== undefined)
    parameter.push({ name: 'appointmentCancelledInPAS', valueBoolean: input.appointmentCancelledInPas });
  return {
    operation: op,
    method: 'POST',
    path: `/FHIR/STU3/ReferralRequest/${ubrn}/$ers.rejectReferral`,
    headers: ifMatch(version),
    json: parametersOf(PROFILE.rejectReferral, parameter),
  };
}

export function triageOutcomeRequest(input: TriageOutcomeInput): ErsRequest {
  const op = 'A028';
  const ubrn = check.ubrn(op, input.ubrn);
  const version = check.version(op, input.version);
  const outcome = check.oneOf(op, input.outcome, TRIAGE_OUTCOMES, 'outcome', 'triage outcome');
  const comments = check.text(op, input.comments, { path: 'comments', label: 'triage comments', max: TRIAGE_COMMENTS_MAX, required: true });
  const parameter: ParameterOut[] = [];
  if (input.priority !== undefined) {
    const priority = check.oneOf(op, input.priority, PRIORITIES, 'priority', 'priority');
    if (outcome === 'RETURN_TO_REFERRER_WITH_ADVICE') {
      throw invalidInputError(op, 'The priority cannot be changed when returning a referral to the referrer with advice.', 'priority');
    }
    parameter.push({ name: 'reviewPriority', valueCoding: codingOf(CODE_SYSTEM.priority, priority) });
  }
  parameter.push({ name: 'reviewOutcome', valueCoding: codingOf(CODE_SYSTEM.reviewOutcome, outcome) });
  parameter.push({ name: 'reviewComments', valueString: comments ?? '' });
  parameter.push(...attachmentParameters(op, 'reviewAttachmentFile', input.attachments, 'PROVIDER', 'attachments'));
  return {
    operation: op,
    method: 'POST',
    path: `/FHIR/STU3/ReferralRequest/${ubrn}/$ers.recordReviewOutcome`,
    headers: ifMatch(version),
    json: parametersOf(PROFILE.recordReviewOutcome, parameter),
  };
}

async function decide(ctx: ErsContext, request: ErsRequest, ubrn: string, signal?: AbortSignal): Promise<DecisionResult<ReferralView>> {
  const result = await ctx.transport.decision({ ...request, signal });
  return readDecisionAnswer(ctx, request.operation, result, (body) =>
    mapReferral(
      body,
      { now: ctx.now(), expectedUbrn: ubrn, specialtyName: ctx.specialtyName },
      callContext(request.operation, result.correlationId),
    ),
  );
}

export async function acceptReferral(
  ctx: ErsContext,
  input: AcceptReferralInput,
  signal?: AbortSignal,
): Promise<DecisionResult<ReferralView>> {
  return decide(ctx, acceptReferralRequest(input), input.ubrn, signal);
}

export async function rejectReferral(
  ctx: ErsContext,
  input: RejectReferralInput,
  signal?: AbortSignal,
): Promise<DecisionResult<ReferralView>> {
  return decide(ctx, rejectReferralRequest(input, ctx.codeSystemBase('A014')), input.ubrn, signal);
}

export async function recordTriageOutcome(
  ctx: ErsContext,
  input: TriageOutcomeInput,
  signal?: AbortSignal,
): Promise<DecisionResult<ReferralView>> {
  return decide(ctx, triageOutcomeRequest(input), input.ubrn, signal);
}
