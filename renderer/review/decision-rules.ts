/**
 * Which decisions a referral or an A&G request offers, and what e-RS requires of each
 * form, checked here before anything is sent so the user hears about a missing reason or
 * an over-long comment at once, beside the field. The rules themselves (lengths, codes,
 * priorities) are the contract's (contract/domain.ts): the forms validate with the same
 * valibot schemas the main process checks every call against, so the two cannot disagree.
 */
import * as v from 'valibot';
import type { FieldError } from '../ui/form-field';
import {
  CONVERT_COMMENTS_MAX,
  ConvertComments,
  Guidance,
  GUIDANCE_MAX,
  INTENDED_RECOMMENDATIONS,
  PRIORITIES,
  REJECT_COMMENTS_MAX,
  RejectComments,
  RejectionReasonCode,
  REPLY_OUTCOMES,
  TRIAGE_COMMENTS_MAX,
  TRIAGE_OUTCOMES,
  TriageComments,
  type AdviceRequestView,
  type IntendedRecommendation,
  type Priority,
  type ReferralView,
  type ReplyOutcome,
  type SessionView,
  type TriageOutcome,
} from '../../contract';

/** e-RS's length limits, for the fields' character counts. */
export const LIMITS = {
  rejectComments: REJECT_COMMENTS_MAX,
  triageComments: TRIAGE_COMMENTS_MAX,
  guidance: GUIDANCE_MAX,
  reviewComments: CONVERT_COMMENTS_MAX,
} as const;

/** Least urgent first, as e-RS lists them. */
export { PRIORITIES };

/** A028 records only these two ("Refer/book now" and cancelling are other operations). */
export { TRIAGE_OUTCOMES };
export type { TriageOutcome };

export const TRIAGE_OUTCOME_TEXT: Readonly<Record<TriageOutcome, { label: string; hint: string }>> = {
  RETURN_TO_REFERRER_WITH_ADVICE: {
    label: 'Return to referrer with advice',
    hint: 'Your comments go to the referrer. The priority cannot be changed with this outcome.',
  },
  ACCEPT_REFER_BOOK_LATER: {
    label: 'Accept, refer or book later',
    hint: 'Your comments go to your admin team, who book the patient into the right service.',
  },
};

export { REPLY_OUTCOMES };
export type { ReplyOutcome };

export const REPLY_OUTCOME_TEXT: Readonly<Record<ReplyOutcome, string>> = {
  RETURN_TO_REFERRER_WITH_ADVICE: 'Return to referrer with advice',
  REQUIRE_FURTHER_INFORMATION: 'Ask the referrer for more information',
};

export const RECOMMENDATIONS = INTENDED_RECOMMENDATIONS;
export type Recommendation = IntendedRecommendation;

export const RECOMMENDATION_TEXT: Readonly<Record<Recommendation, string>> = {
  ADVICE_ONLY_NO_REFERRAL_RECOMMENDED: 'Advice only, no referral recommended',
  ADVICE_FOLLOWED_BY_REFERRAL_IF_REQUIRED: 'Advice, then a referral if needed',
  REFERRAL_RECOMMENDED: 'Referral recommended',
  OTHER: 'Other',
};

export function isOneOf<T extends string>(list: readonly T[], value: unknown): value is T {
  return typeof value === 'string' && (list as readonly string[]).includes(value);
}

// ---------------------------------------------------------------------------------------
// Which decisions show

/** e-RS's A029 code for recording a review (triage) outcome with A028. */
export const RECORD_REVIEW_OUTCOME = 'RECORD_REVIEW_OUTCOME';

export interface ReferralDecisions {
  accept: boolean;
  reject: boolean;
  triage: boolean;
  /** Why nothing can be decided, when nothing can. */
  none: string | null;
}

type RoleFunction = NonNullable<SessionView['role']>['businessFunction'] | null;

/**
 * A029 offers providers RECORD_REVIEW_OUTCOME (A028: triage referrals, and referrals deferred
 * to the provider) and CANCEL_REFERRAL, but no code for A013/A014: e-RS allows accepting and
 * rejecting a referral booked into a bookable service that awaits review. So triage follows
 * A029, and accept/reject follow the booking, never both for one referral. When e-RS did not
 * list the actions (A029 refused, as NHS's sandbox does at its examples' version) the
 * referral's state stands in for it: A028 is for triage referrals awaiting review and for
 * referrals deferred to the provider (A008's "Appointment slot issues").
 */
export function referralDecisions(referral: ReferralView, role: RoleFunction): ReferralDecisions {
  const none = (why: string): ReferralDecisions => ({ accept: false, reject: false, triage: false, none: why });
  if (role === 'SERVICE_PROVIDER_ADMIN') return none('Only a clinician, or an admin acting for one, can record a decision on a referral.');
  const actions = referral.allowedActions;
  const state = referral.state?.code ?? '';
  // Without A029, A028's own rule: a triage referral awaiting review, or one deferred to the provider.
  const triage =
    actions !== null ? actions.includes(RECORD_REVIEW_OUTCOME) : state === 'AWAITING_TRIAGE' || state === 'DEFERRED_TO_PROVIDER';
  if (triage) return { accept: false, reject: false, triage: true, none: null };
  const booked = referral.status === 'active' && state === 'BOOKED' && referral.appointment?.status === 'booked';
  if (booked) return { accept: true, reject: true, triage: false, none: null };
  const shown = referral.state?.display ?? referral.status;
  return none(`e-RS allows no review decision on this referral now (its state is ${shown}).`);
}

export interface AdviceDecisions {
  reply: boolean;
  convert: boolean;
  none: string | null;
}

const OPEN_FOR_CONVERSION = ['PROVIDER_RESPONSE_REQUIRED', 'REFERRER_TO_SUBMIT_FURTHER_INFORMATION', 'REFERRER_TO_REVIEW_RESPONSE'];

/** e-RS takes a reply only while the provider owes one, and a conversion only when the referrer allowed it. */
export function adviceDecisions(request: AdviceRequestView, role: RoleFunction): AdviceDecisions {
  if (role === 'SERVICE_PROVIDER_ADMIN') {
    return { reply: false, convert: false, none: 'Only a clinician, or an admin acting for one, can reply to an advice request.' };
  }
  const status = request.status?.code ?? null;
  const reply = status === null || status === 'PROVIDER_RESPONSE_REQUIRED';
  const convert = request.conversionAuthorised && (status === null || OPEN_FOR_CONVERSION.includes(status));
  if (reply || convert) return { reply, convert, none: null };
  const shown = request.status?.display ?? request.requestStatus;
  return { reply: false, convert: false, none: `This advice request is not waiting for your reply (its status is ${shown}).` };
}

// ---------------------------------------------------------------------------------------
// Validation

/** A file chosen for upload, read and checked. */
export interface PickedFile {
  fileName: string;
  contentType: string;
  bytes: Uint8Array;
}

/** A file field's state: the file that passed its checks, or why the chosen one did not. */
export interface FileChoice {
  file: PickedFile | null;
  error: string | null;
}

export interface RejectForm {
  reasonCode: string;
  comments: string;
  /**
   * Asked only for a booking into an indirectly bookable service, where e-RS requires the
   * answer (A014 appointmentCancelledInPAS) and refuses it for any other: '' until answered.
   */
  cancelledInPas: 'yes' | 'no' | '';
}

/** A014 needs appointmentCancelledInPAS exactly when the referral is booked into an indirectly bookable service. */
export function rejectAsksPas(referral: ReferralView): boolean {
  return referral.appointment?.indirectlyBookable === true;
}

export interface TriageForm {
  outcome: TriageOutcome | '';
  comments: string;
  /** '' keeps the referral's priority. */
  priority: Priority | '';
  file: PickedFile | null;
  /** Why the chosen file was refused, if it was. */
  fileError: string | null;
}

export interface ReplyForm {
  outcome: ReplyOutcome | '';
  recommendation: Recommendation | '';
  guidance: string;
  priority: Priority | '';
  file: PickedFile | null;
  fileError: string | null;
}

export interface ConvertForm {
  guidance: string;
  priority: Priority | '';
  reviewComments: string;
  /** An optional file for the referrer, sent with the guidance. */
  guidanceFile: FileChoice;
  /** An optional file for the team that books the new referral. */
  referralFile: FileChoice;
}

/** What the contract's schema says is wrong with a value (its first issue), or null when it passes. */
function problem(schema: v.GenericSchema, value: unknown): string | null {
  const result = v.safeParse(schema, value);
  return result.success ? null : (result.issues[0]?.message ?? null);
}

function required(text: string): boolean {
  return text.trim() !== '';
}

/** Collects the problems in field order; a field gets at most one message. */
class Problems {
  readonly list: FieldError[] = [];
  add(field: string, message: string | null): void {
    if (message !== null && !this.list.some((p) => p.field === field)) this.list.push({ field, message });
  }
}

export function validateReject(form: RejectForm, ids: { reason: string; comments: string; pas: string }, asksPas: boolean): FieldError[] {
  const p = new Problems();
  p.add(ids.reason, problem(RejectionReasonCode, form.reasonCode));
  // e-RS makes comments optional for some reasons; this app always asks for them.
  if (!required(form.comments)) p.add(ids.comments, 'Write comments for the referrer explaining the rejection.');
  p.add(ids.comments, problem(RejectComments, form.comments));
  if (asksPas && form.cancelledInPas === '')
    p.add(ids.pas, 'Say whether the appointment has already been cancelled in your patient administration system (PAS).');
  return p.list;
}

export function validateTriage(form: TriageForm, ids: { outcome: string; comments: string; priority: string; file: string }): FieldError[] {
  const p = new Problems();
  if (form.outcome === '') p.add(ids.outcome, 'Choose a triage outcome.');
  if (!required(form.comments)) {
    p.add(
      ids.comments,
      form.outcome === 'ACCEPT_REFER_BOOK_LATER' ? 'Write comments for your admin team.' : 'Write comments for the referrer.',
    );
  }
  p.add(ids.comments, problem(TriageComments, form.comments));
  if (form.outcome === 'RETURN_TO_REFERRER_WITH_ADVICE' && form.priority !== '') {
    p.add(ids.priority, 'The priority cannot be changed when returning a referral with advice: choose "Keep the current priority".');
  }
  p.add(ids.file, form.fileError);
  return p.list;
}

export function validateReply(
  form: ReplyForm,
  ids: { outcome: string; recommendation: string; guidance: string; priority: string; file: string },
): FieldError[] {
  const p = new Problems();
  if (form.outcome === '') p.add(ids.outcome, 'Choose what your reply does.');
  if (form.outcome === 'RETURN_TO_REFERRER_WITH_ADVICE' && form.recommendation === '') {
    p.add(ids.recommendation, 'Choose your intended recommendation.');
  }
  if (!required(form.guidance)) p.add(ids.guidance, 'Write the guidance for the referrer.');
  p.add(ids.guidance, problem(Guidance, form.guidance));
  if (form.priority === '') p.add(ids.priority, 'Choose a priority.');
  p.add(ids.file, form.fileError);
  return p.list;
}

export function validateConvert(
  form: ConvertForm,
  ids: { guidance: string; guidanceFile: string; priority: string; reviewComments: string; referralFile: string },
): FieldError[] {
  const p = new Problems();
  if (!required(form.guidance)) p.add(ids.guidance, 'Write the guidance for the referrer.');
  p.add(ids.guidance, problem(Guidance, form.guidance));
  p.add(ids.guidanceFile, form.guidanceFile.error);
  if (form.priority === '') p.add(ids.priority, 'Choose a priority for the new referral.');
  if (!required(form.reviewComments)) p.add(ids.reviewComments, 'Write comments for the team that books the referral.');
  p.add(ids.reviewComments, problem(ConvertComments, form.reviewComments));
  p.add(ids.referralFile, form.referralFile.error);
  return p.list;
}
