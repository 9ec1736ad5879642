/**
 * Advice and guidance: read the request (A024) and its conversation (A025), reply to the
 * requester (A026), or convert the request into a referral (A027).
 */
import {
  CONVERT_COMMENTS_MAX,
  GUIDANCE_MAX,
  INTENDED_RECOMMENDATIONS,
  PRIORITIES,
  REPLY_OUTCOMES,
  type AdviceRequestView,
  type ConversationView,
  type IntendedRecommendation,
  type Priority,
  type ReferralView,
  type ReplyOutcome,
} from '../../contract';
import { callContext, type ErsContext } from './client-context';
import { readDecisionAnswer } from './decision-answer';
import { invalidInputError } from './ers-error';
import { CODE_SYSTEM, PROFILE } from './fhir-names';
import type { ParameterOut } from './fhir-types';
import type { ErsRequest } from './http';
import { mapAdviceReply, mapAdviceRequest, mapConversation } from './map-advice';
import { mapReferral } from './map-referral';
import { attachmentParameters, codingOf, parametersOf, type AttachmentInput } from './parameters';
import * as check from './validate-input';
import type { AdviceReplyResult, DecisionResult } from './view-models';

export interface AdviceRequestInput {
  ubrn: string;
  version?: string;
}

export interface ConversationInput {
  ubrn: string;
  /** The request's current version (e-RS only answers for the current one). */
  version: string;
}

export interface AdviceReplyInput {
  ubrn: string;
  outcome: ReplyOutcome;
  /** Required with RETURN_TO_REFERRER_WITH_ADVICE, and only then. */
  intendedRecommendation?: IntendedRecommendation;
  guidance: string;
  priority: Priority;
  /** Files uploaded with A020. */
  attachments?: AttachmentInput[];
}

export interface ConvertAdviceInput {
  ubrn: string;
  version: string;
  /** The reply to the referrer. */
  guidance: string;
  priority: Priority;
  /** For the provider's team that books the new referral. */
  reviewComments: string;
  guidanceAttachments?: AttachmentInput[];
  referralAttachments?: AttachmentInput[];
}

export function adviceRequestRequest(input: AdviceRequestInput): ErsRequest {
  const ubrn = check.ubrn('A024', input.ubrn);
  const history = input.version === undefined ? '' : `/_history/${check.version('A024', input.version)}`;
  return { operation: 'A024', method: 'GET', path: `/FHIR/STU3/CommunicationRequest/${ubrn}${history}` };
}

export function conversationRequest(input: ConversationInput): ErsRequest {
  const ubrn = check.ubrn('A025', input.ubrn);
  const version = check.version('A025', input.version);
  return {
    operation: 'A025',
    method: 'GET',
    path: '/FHIR/STU3/Communication',
    query: [['based-on', `CommunicationRequest/${ubrn}/_history/${version}`]],
  };
}

export function adviceReplyRequest(input: AdviceReplyInput): ErsRequest {
  const op = 'A026';
  const ubrn = check.ubrn(op, input.ubrn);
  const outcome = check.oneOf(op, input.outcome, REPLY_OUTCOMES, 'outcome', 'outcome');
  const guidance = check.text(op, input.guidance, { path: 'guidance', label: 'guidance', max: GUIDANCE_MAX, required: true }) ?? '';
  const priority = check.oneOf(op, input.priority, PRIORITIES, 'priority', 'priority');
  const parameter: ParameterOut[] = [{ name: 'guidanceOutcome', valueCoding: codingOf(CODE_SYSTEM.guidanceResponseOutcome, outcome) }];
  if (outcome === 'RETURN_TO_REFERRER_WITH_ADVICE') {
    const recommendation = check.oneOf(
      op,
      input.intendedRecommendation,
      INTENDED_RECOMMENDATIONS,
      'intendedRecommendation',
      'recommendation',
    );
    parameter.push({
      name: 'guidanceIntendedRecommendation',
      valueCoding: codingOf(CODE_SYSTEM.guidanceIntendedRecommendation, recommendation),
    });
  } else if (input.intendedRecommendation !== undefined) {
    throw invalidInputError(
      op,
      'A recommendation is only given when returning the request to the referrer with advice.',
      'intendedRecommendation',
    );
  }
  parameter.push({ name: 'guidance', valueString: guidance });
  parameter.push({ name: 'updatedPriority', valueCoding: codingOf(CODE_SYSTEM.priority, priority) });
  parameter.push(...attachmentParameters(op, 'guidanceAttachmentFile', input.attachments, 'GUIDANCE_RESPONSE', 'attachments'));
  return {
    operation: op,
    method: 'POST',
    path: `/FHIR/STU3/CommunicationRequest/${ubrn}/$ers.sendCommunicationToRequester`,
    json: parametersOf(PROFILE.sendCommunicationToRequester, parameter),
  };
}

export function convertAdviceRequest(input: ConvertAdviceInput): ErsRequest {
  const op = 'A027';
  const ubrn = check.ubrn(op, input.ubrn);
  const version = check.version(op, input.version);
  const guidance = check.text(op, input.guidance, { path: 'guidance', label: 'guidance', max: GUIDANCE_MAX, required: true }) ?? '';
  const priority = check.oneOf(op, input.priority, PRIORITIES, 'priority', 'priority');
  const reviewComments =
    check.text(op, input.reviewComments, {
      path: 'reviewComments',
      label: 'comments for the booking team',
      max: CONVERT_COMMENTS_MAX,
      required: true,
    }) ?? '';
  return {
    operation: op,
    method: 'POST',
    path: '/FHIR/STU3/ReferralRequest/$ers.createFromCommunicationRequestActionLater',
    json: parametersOf(PROFILE.createFromCommunicationRequest, [
      { name: 'createFrom', valueReference: { reference: `CommunicationRequest/${ubrn}/_history/${version}` } },
      { name: 'guidance', valueString: guidance },
      { name: 'newReferralPriority', valueCoding: codingOf(CODE_SYSTEM.priority, priority) },
      { name: 'reviewComments', valueString: reviewComments },
      ...attachmentParameters(op, 'guidanceAttachmentFile', input.guidanceAttachments, 'GUIDANCE_RESPONSE', 'guidanceAttachments'),
      ...attachmentParameters(op, 'reviewAttachmentFile', input.referralAttachments, 'PROVIDER', 'referralAttachments'),
    ]),
  };
}

export async function getAdviceRequest(ctx: ErsContext, input: AdviceRequestInput, signal?: AbortSignal): Promise<AdviceRequestView> {
  const result = await ctx.transport.json({ ...adviceRequestRequest(input), signal });
  return mapAdviceRequest(
    result.body,
    { expectedUbrn: input.ubrn, specialtyName: ctx.specialtyName },
    callContext('A024', result.correlationId),
  );
}

export async function getConversation(ctx: ErsContext, input: ConversationInput, signal?: AbortSignal): Promise<ConversationView> {
  const result = await ctx.transport.json({ ...conversationRequest(input), signal });
  return mapConversation(result.body, { ubrn: input.ubrn, version: input.version }, callContext('A025', result.correlationId));
}

export async function sendAdviceReply(
  ctx: ErsContext,
  input: AdviceReplyInput,
  signal?: AbortSignal,
): Promise<DecisionResult<AdviceReplyResult>> {
  const result = await ctx.transport.decision({ ...adviceReplyRequest(input), signal });
  return readDecisionAnswer(ctx, 'A026', result, (body) =>
    mapAdviceReply(body, { expectedUbrn: input.ubrn, specialtyName: ctx.specialtyName }, callContext('A026', result.correlationId)),
  );
}

export async function convertAdviceToReferral(
  ctx: ErsContext,
  input: ConvertAdviceInput,
  signal?: AbortSignal,
): Promise<DecisionResult<ReferralView>> {
  const result = await ctx.transport.decision({ ...convertAdviceRequest(input), signal });
  // e-RS keeps the A&G request's UBRN for the referral it creates.
  return readDecisionAnswer(ctx, 'A027', result, (body) =>
    mapReferral(
      body,
      { now: ctx.now(), expectedUbrn: input.ubrn, specialtyName: ctx.specialtyName },
      callContext('A027', result.correlationId),
    ),
  );
}
