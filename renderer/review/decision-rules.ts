/**
 * Which decisions a referral or an A&G request offers, and what e-RS requires of each
 * form, checked here before anything is sent so the user hears about a missing reason or
 * an over-long comment at once, beside the field. e-RS and the main process check again;
 * these rules only mirror theirs (the renderer may import nothing of electron/ at run time).
 */
import type { AdviceRequestView, Priority, ReferralView, SessionView } from '../../electron/api';
import type { FieldError } from '../ui/form-field';

/** e-RS's length limits: rejection comments (A014) 2,000; triage comments and guidance 8,000. */
export const LIMITS = {
  rejectComments: 2000,
  triageComments: 8000,
  guidance: 8000,
  reviewComments: 8000,
} as const;

export const PRIORITIES: readonly Priority[] = ['ROUTINE', 'URGENT', 'TWO_WEEK_WAIT'];

/**
 * The outcomes A028 records. The contract's schema also admits CANCEL_APPOINTMENT_ACTION_LATER,
 * but e-RS documents that A028 records only these two ("Refer/book now" and cancelling are
 * other operations), so offering it would only ever produce an error.
 */
export const TRIAGE_OUTCOMES = ['RETURN_TO_REFERRER_WITH_ADVICE', 'ACCEPT_REFER_BOOK_LATER'] as const;
export type TriageOutcome = (typeof TRIAGE_OUTCOMES)[number];

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

export const REPLY_OUTCOMES = ['RETURN_TO_REFERRER_WITH_ADVICE', 'REQUIRE_FURTHER_INFORMATION'] as const;
export type ReplyOutcome = (typeof REPLY_OUTCOMES)[number];

export const REPLY_OUTCOME_TEXT: Readonly<Record<ReplyOutcome, string>> = {
  RETURN_TO_REFERRER_WITH_ADVICE: 'Return to referrer with advice',
  REQUIRE_FURTHER_INFORMATION: 'Ask the referrer for more information',
};

export const RECOMMENDATIONS = [
  'ADVICE_ONLY_NO_REFERRAL_RECOMMENDED',
  'ADVICE_FOLLOWED_BY_REFERRAL_IF_REQUIRED',
  'REFERRAL_RECOMMENDED',
  'OTHER',
] as const;
export type Recommendation = (typeof RECOMMENDATIONS)[number];

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
 * A029, and accept/reject follow the booking, never both for one referral. When A029 was not
 * asked (the copy came from the offline cache) the referral's state stands in for it.
 */
export function referralDecisions(referral: ReferralView, role: RoleFunction): ReferralDecisions {
  const none = (why: string): ReferralDecisions => ({ accept: false, reject: false, triage: false, none: why });
  if (role === 'SERVICE_PROVIDER_ADMIN') return none('Only a clinician, or an admin acting for one, can record a decision on a referral.');
  const actions = referral.allowedActions;
  const state = referral.state?.code ?? '';
  const triage = actions !== null ? actions.includes(RECORD_REVIEW_OUTCOME) : state === 'AWAITING_TRIAGE';
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

function tooLong(text: string, max: number, what: string): string | null {
  return text.length > max ? `${what} must be ${max.toLocaleString('en-GB')} characters or fewer: remove ${(text.length - max).toLocaleString('en-GB')}.` : null;
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
  if (form.reasonCode === '') p.add(ids.reason, 'Choose a reason for rejecting the referral.');
  if (!required(form.comments)) p.add(ids.comments, 'Write comments for the referrer explaining the rejection.');
  p.add(ids.comments, tooLong(form.comments, LIMITS.rejectComments, 'Comments'));
  if (asksPas && form.cancelledInPas === '') p.add(ids.pas, 'Say whether the appointment has already been cancelled in your patient administration system (PAS).');
  return p.list;
}

export function validateTriage(form: TriageForm, ids: { outcome: string; comments: string; priority: string; file: string }): FieldError[] {
  const p = new Problems();
  if (form.outcome === '') p.add(ids.outcome, 'Choose a triage outcome.');
  if (!required(form.comments)) {
    p.add(ids.comments, form.outcome === 'ACCEPT_REFER_BOOK_LATER' ? 'Write comments for your admin team.' : 'Write comments for the referrer.');
  }
  p.add(ids.comments, tooLong(form.comments, LIMITS.triageComments, 'Comments'));
  if (form.outcome === 'RETURN_TO_REFERRER_WITH_ADVICE' && form.priority !== '') {
    p.add(ids.priority, 'The priority cannot be changed when returning a referral with advice: choose "Keep the current priority".');
  }
  p.add(ids.file, form.fileError);
  return p.list;
}

export function validateReply(form: ReplyForm, ids: { outcome: string; recommendation: string; guidance: string; priority: string; file: string }): FieldError[] {
  const p = new Problems();
  if (form.outcome === '') p.add(ids.outcome, 'Choose what your reply does.');
  if (form.outcome === 'RETURN_TO_REFERRER_WITH_ADVICE' && form.recommendation === '') {
    p.add(ids.recommendation, 'Choose your intended recommendation.');
  }
  if (!required(form.guidance)) p.add(ids.guidance, 'Write the guidance for the referrer.');
  p.add(ids.guidance, tooLong(form.guidance, LIMITS.guidance, 'Guidance'));
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
  p.add(ids.guidance, tooLong(form.guidance, LIMITS.guidance, 'Guidance'));
  p.add(ids.guidanceFile, form.guidanceFile.error);
  if (form.priority === '') p.add(ids.priority, 'Choose a priority for the new referral.');
  if (!required(form.reviewComments)) p.add(ids.reviewComments, 'Write comments for the team that books the referral.');
  p.add(ids.reviewComments, tooLong(form.reviewComments, LIMITS.reviewComments, 'Comments'));
  p.add(ids.referralFile, form.referralFile.error);
  return p.list;
}
