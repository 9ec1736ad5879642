/**
 * The provider's decisions on a referral: A013 accept and A014 reject (referrals booked into
 * bookable services) and A028 triage outcome (triage referrals and those deferred to the
 * provider). Each needs If-Match with the current version, changes the referral, bumps its
 * version, records history, and so moves it off or between worklists.
 */
import { type Referral } from '../../seed/model';
import { APPOINTMENT_CANCELLATION_REASONS, isEffective } from '../../seed/reference-data';
import { attachmentRequests, ParametersBody } from '../fhir-parameters';
import { etag, referralRequestResource } from '../fhir/referral-request';
import { CODE, localCodeSystem } from '../fhir/vocabulary';
import { jsonReply, type Reply } from '../http-io';
import { fhirContext, readFhirJson, requireCurrentVersion, requireIfMatch, type OperationContext } from '../operation-context';
import { unprocessable } from '../outcome';
import { attachUploads, requireReferral } from '../records';

/** Records a change: next version, last updated now, a history line. */
export function recordChange(context: OperationContext, referral: Referral, action: string, detail?: string): void {
  const now = context.now().toISOString();
  referral.version += 1;
  referral.lastUpdated = now;
  const entry: Referral['history'][number] = {
    version: referral.version,
    at: now,
    action,
    by: context.caller.user.uid,
    organisation: context.caller.ods ?? '',
  };
  if (context.caller.onBehalfOf) entry.onBehalfOf = context.caller.onBehalfOf;
  if (detail !== undefined) entry.detail = detail;
  referral.history.push(entry);
}

async function answer(context: OperationContext, referral: Referral): Promise<Reply> {
  context.store.saveReferral(referral);
  await context.store.persist();
  const fhir = await fhirContext(
    context,
    referral.attachments.map((a) => a.binaryId),
  );
  return jsonReply(200, referralRequestResource(fhir, referral), { ETag: etag(referral.version) });
}

/** A booked referral the provider has not yet reviewed: what A013 and A014 act on. */
function requireAwaitingReview(referral: Referral): NonNullable<Referral['appointment']> {
  const appointment = referral.appointment;
  if (referral.review) {
    throw unprocessable(
      'INVALID_REQUEST_STATE',
      `Referral ${referral.ubrn} has already been ${referral.review.outcome === 'ACCEPTED' ? 'accepted' : 'reviewed'}: reload it to see its current state.`,
    );
  }
  if (
    !appointment ||
    appointment.status !== 'booked' ||
    referral.status.code !== 'BOOKED' ||
    (appointment.kind !== 'DBS' && appointment.kind !== 'IBS')
  ) {
    throw unprocessable(
      'INVALID_REQUEST_STATE',
      `Referral ${referral.ubrn} is not booked into a bookable service awaiting review, so it cannot be accepted or rejected: for triage referrals record a triage outcome.`,
    );
  }
  return appointment;
}

export async function acceptReferral(context: OperationContext): Promise<Reply> {
  const sent = requireIfMatch(context);
  const referral = requireReferral(context, context.params.ubrn ?? '');
  requireCurrentVersion(sent, referral.version, `Referral ${referral.ubrn}`);
  requireAwaitingReview(referral);
  const now = context.now().toISOString();
  referral.review = { outcome: 'ACCEPTED', at: now, by: context.caller.actingUid };
  recordChange(context, referral, 'ACCEPTED');
  return answer(context, referral);
}

const REJECT_PROFILE = 'https://fhir.nhs.uk/STU3/StructureDefinition/eRS-RejectReferral-Parameters-1';

export async function rejectReferral(context: OperationContext): Promise<Reply> {
  const sent = requireIfMatch(context);
  const referral = requireReferral(context, context.params.ubrn ?? '');
  const body = ParametersBody.parse(await readFhirJson(context), REJECT_PROFILE, [
    'rejectionReason',
    'rejectionComments',
    'appointmentCancelledInPAS',
  ]);
  const now = context.now();
  const rejectCodes = APPOINTMENT_CANCELLATION_REASONS.filter((r) => r.type === 'PROVIDER_REJECT' && isEffective(r, now)).map(
    (r) => r.code,
  );
  const code = body.code('rejectionReason', localCodeSystem(context.fhirBase, 'APPOINTMENT-CANCELLATION-REASON'), rejectCodes, true);
  const comments = body.string('rejectionComments', false, 2000);
  const cancelledInPas = body.boolean('appointmentCancelledInPAS');
  requireCurrentVersion(sent, referral.version, `Referral ${referral.ubrn}`);
  const appointment = requireAwaitingReview(referral);
  const reason = APPOINTMENT_CANCELLATION_REASONS.find((r) => r.code === code);
  if (reason?.commentIsMandatory && !comments)
    throw unprocessable('VALUE_IS_REQUIRED', `The rejection reason ${code} needs a comment: add rejectionComments.`);
  if (appointment.kind === 'IBS' && cancelledInPas === undefined) {
    throw unprocessable(
      'VALUE_IS_REQUIRED',
      'This referral is booked into an indirectly bookable service: say whether the appointment was cancelled in the PAS (appointmentCancelledInPAS).',
    );
  }
  if (appointment.kind === 'DBS' && cancelledInPas !== undefined) {
    throw unprocessable(
      'FIELD_NOT_PERMITTED',
      'appointmentCancelledInPAS applies only to indirectly bookable services: remove it for this referral.',
    );
  }
  const stateReason = { system: 'APPOINTMENT_CANCELLATION_REASON' as const, code };
  referral.appointment = {
    id: appointment.id,
    version: appointment.version + 1,
    kind: appointment.kind,
    status: 'cancelled',
    serviceId: appointment.serviceId,
    created: now.toISOString(),
    reason: stateReason,
    ...(comments !== undefined ? { comment: comments } : {}),
    ...(appointment.consultantUid ? { consultantUid: appointment.consultantUid } : {}),
  };
  referral.status = { code: 'REJECTED', reason: stateReason, ...(comments !== undefined ? { comments } : {}) };
  referral.review = { outcome: 'REJECTED', at: now.toISOString(), by: context.caller.actingUid };
  recordChange(context, referral, 'REJECTED', code);
  return answer(context, referral);
}

const TRIAGE_PROFILE = 'https://fhir.nhs.uk/STU3/StructureDefinition/eRS-RecordReviewOutcome-Parameters-1';
const SUPPORTED_OUTCOMES = ['ACCEPT_REFER_BOOK_LATER', 'RETURN_TO_REFERRER_WITH_ADVICE'] as const;

export async function recordTriageOutcome(context: OperationContext): Promise<Reply> {
  const sent = requireIfMatch(context);
  const referral = requireReferral(context, context.params.ubrn ?? '');
  const body = ParametersBody.parse(await readFhirJson(context), TRIAGE_PROFILE, [
    'reviewOutcome',
    'reviewComments',
    'reviewPriority',
    'reviewAttachmentFile',
  ]);
  const outcome = body.code(
    'reviewOutcome',
    CODE.reviewOutcome,
    ['CANCEL_APPOINTMENT_ACTION_LATER', 'PROVIDER_CONVERTED_ADVICE_AND_GUIDANCE_ADMIN_TO_REFER', ...SUPPORTED_OUTCOMES],
    true,
  );
  if (!(SUPPORTED_OUTCOMES as readonly string[]).includes(outcome)) {
    throw unprocessable(
      'INVALID_CODE',
      `The review outcome ${outcome} cannot be recorded here: use ACCEPT_REFER_BOOK_LATER or RETURN_TO_REFERRER_WITH_ADVICE.`,
    );
  }
  const comments = body.string('reviewComments', true);
  const priority = body.code('reviewPriority', CODE.priority, ['ROUTINE', 'URGENT', 'TWO_WEEK_WAIT'], false);
  const files = attachmentRequests(body, 'reviewAttachmentFile', 'PROVIDER', CODE.attachmentType);
  requireCurrentVersion(sent, referral.version, `Referral ${referral.ubrn}`);

  const pendingTriage = referral.status.code === 'AWAITING_TRIAGE';
  const pendingDeferral = referral.status.code === 'DEFERRED_TO_PROVIDER' && referral.review === undefined;
  if (!referral.appointment || (!pendingTriage && !pendingDeferral)) {
    throw unprocessable(
      'INVALID_REQUEST_STATE',
      `Referral ${referral.ubrn} is not awaiting a triage review, so no outcome can be recorded: reload it to see its current state.`,
    );
  }
  if (outcome === 'RETURN_TO_REFERRER_WITH_ADVICE' && priority !== undefined && priority !== referral.priority) {
    throw unprocessable(
      'PRIORITY_NOT_CURRENT',
      'The priority cannot be changed when returning a referral to the referrer with advice: leave reviewPriority out or unchanged.',
    );
  }
  const attachments = attachUploads(context, referral.ubrn, files, 'PROVIDER');
  const now = context.now().toISOString();
  const reason = { system: 'REVIEW_OUTCOME' as const, code: outcome };
  if (priority !== undefined) referral.priority = priority as Referral['priority'];
  const appointment = referral.appointment;
  referral.appointment = {
    id: appointment.id,
    version: appointment.version + 1,
    kind: appointment.kind,
    status: 'proposed',
    serviceId: appointment.serviceId,
    created: now,
    reason,
    comment: comments,
  };
  referral.status = {
    code: outcome === 'RETURN_TO_REFERRER_WITH_ADVICE' ? 'TRIAGE_RESPONSE' : 'TRIAGED_PROVIDER_TO_ACTION',
    reason,
    comments,
  };
  referral.review = {
    outcome: outcome as 'ACCEPT_REFER_BOOK_LATER' | 'RETURN_TO_REFERRER_WITH_ADVICE',
    at: now,
    by: context.caller.actingUid,
  };
  if (attachments.length > 0) referral.attachments = [...attachments, ...referral.attachments];
  recordChange(context, referral, 'TRIAGE_OUTCOME_RECORDED', outcome);
  return answer(context, referral);
}
