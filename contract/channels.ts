/**
 * Every channel the renderer may call, named here once, with a runtime schema for its
 * input (valibot) and the TypeScript type of its output.
 */
import * as v from 'valibot';
import type { PatientLookup, PatientSummary } from './patient';
import type {
  AdviceScreen,
  AppInfo,
  AttachmentContent,
  DecisionOutcome,
  DraftView,
  OfflineStatus,
  SavedTextView,
  OutboxItemView,
  ReferralScreen,
  SessionView,
  WorklistView,
} from './views';
import {
  AttachmentId,
  ConvertComments,
  Guidance,
  IntendedRecommendation,
  Priority,
  RejectComments,
  RejectionReasonCode,
  ReplyOutcome,
  SAVED_TEXT_KINDS,
  SavedTextBody,
  SavedTextTitle,
  TriageComments,
  TriageOutcome,
  Ubrn,
  UploadFile,
  Version,
  WorklistKind,
} from './domain';

// ---------------------------------------------------------------------------------------
// Input pieces of the app's own (e-RS's rules are in domain.ts)

export const NoInput = v.strictObject({});
/** An NHS number as ten digits, no spaces (the modulus 11 check is the PDS client's to report). */
export const NhsNumber = v.pipe(v.string(), v.regex(/^\d{10}$/, 'An NHS number is 10 digits.'));
export const ShortText = (max: number) => v.pipe(v.string(), v.maxLength(max));
const SavedTextId = v.pipe(v.string(), v.regex(/^[A-Za-z0-9-]{1,64}$/, 'That saved text does not exist.'));
/** A draft's limits: the renderer trims to them before saving, the main process refuses past them. */
export const DRAFT_MAX_FIELDS = 50;
export const DRAFT_MAX_VALUE = 10_000;
const DraftValue = v.union([v.pipe(v.string(), v.maxLength(DRAFT_MAX_VALUE)), v.boolean()]);

// ---------------------------------------------------------------------------------------
// Channels

/**
 * Who may call a channel. 'required': only a session that is signed in with a role chosen
 * and not locked; dispatch() refuses anyone else (NOT_SIGNED_IN, or LOCKED) before the
 * handler runs, so no handler checks it itself. 'none': callable before sign-in (the
 * sign-in screen's own channels).
 */
export type SessionPolicy = 'required' | 'none';

export interface ChannelDef<I extends v.GenericSchema, O> {
  readonly session: SessionPolicy;
  readonly input: I;
  /** Phantom: never set at run time, only carries the output type. */
  readonly output?: O;
}
function channel<O>() {
  return <I extends v.GenericSchema>(def: { session: SessionPolicy; input: I }): ChannelDef<I, O> => def;
}

export const channels = {
  /** The app's name, version and environment, for the sign-in screen and the header. */
  'app.info': channel<AppInfo>()({ session: 'none', input: NoInput }),

  // Session (electron/auth)
  'session.get': channel<SessionView>()({ session: 'none', input: NoInput }),
  /** Opens CIS2 in the system browser; progress arrives as `session.changed` events. */
  'session.signIn': channel<SessionView>()({ session: 'none', input: NoInput }),
  'session.cancelSignIn': channel<SessionView>()({ session: 'none', input: NoInput }),
  'session.chooseRole': channel<SessionView>()({
    session: 'none',
    input: v.strictObject({
      roleId: ShortText(200),
      /** For SERVICE_PROVIDER_CLINICIAN_ADMIN: the SDS user id of the clinician acted for. */
      onBehalfOfUserId: v.optional(v.pipe(v.string(), v.regex(/^\d{12}$/, "A clinician's user id is 12 digits."))),
    }),
  }),
  'session.signOut': channel<SessionView>()({ session: 'none', input: NoInput }),
  /** The renderer reports user activity (throttled) so the idle lock can run in main. */
  'session.activity': channel<null>()({ session: 'none', input: NoInput }),

  // Worklists (electron/ers)
  /** One of the three worklists; from e-RS, or from the offline cache when e-RS is unreachable. */
  'worklist.fetch': channel<WorklistView>()({
    session: 'required',
    input: v.strictObject({ kind: WorklistKind, refresh: v.optional(v.boolean()) }),
  }),

  // Referral review (electron/review)
  'referral.open': channel<ReferralScreen>()({ session: 'required', input: v.strictObject({ ubrn: Ubrn }) }),
  'referral.attachment': channel<AttachmentContent>()({
    session: 'required',
    input: v.strictObject({ ubrn: Ubrn, attachmentId: AttachmentId }),
  }),
  /** A007: the clinical information summary PDF. */
  'referral.clinicalInfo': channel<AttachmentContent>()({ session: 'required', input: v.strictObject({ ubrn: Ubrn }) }),
  /** The reasons e-RS accepts for a rejection, in force today. */
  'referral.rejectionReasons': channel<{ code: string; display: string }[]>()({ session: 'required', input: NoInput }),
  'referral.accept': channel<DecisionOutcome>()({ session: 'required', input: v.strictObject({ ubrn: Ubrn, version: Version }) }),
  'referral.reject': channel<DecisionOutcome>()({
    session: 'required',
    input: v.strictObject({
      ubrn: Ubrn,
      version: Version,
      reasonCode: RejectionReasonCode,
      comments: RejectComments,
      /** For indirectly bookable services: the provider already cancelled the appointment in its PAS. */
      appointmentCancelledInPas: v.optional(v.boolean()),
    }),
  }),
  'referral.recordTriageOutcome': channel<DecisionOutcome>()({
    session: 'required',
    input: v.strictObject({
      ubrn: Ubrn,
      version: Version,
      outcome: TriageOutcome,
      comments: TriageComments,
      priority: v.optional(Priority),
      attachment: v.optional(UploadFile),
    }),
  }),
  /** Writes an attachment to a private temp file and opens it with the system's application. */
  'attachment.openExternally': channel<{ fileName: string }>()({
    session: 'required',
    input: v.strictObject({ source: v.picklist(['referral', 'advice']), ubrn: Ubrn, attachmentId: AttachmentId }),
  }),

  // Advice and guidance (electron/review)
  'advice.open': channel<AdviceScreen>()({ session: 'required', input: v.strictObject({ ubrn: Ubrn }) }),
  'advice.attachment': channel<AttachmentContent>()({
    session: 'required',
    input: v.strictObject({ ubrn: Ubrn, attachmentId: AttachmentId }),
  }),
  /** A043: the request's overview PDF. */
  'advice.overview': channel<AttachmentContent>()({ session: 'required', input: v.strictObject({ ubrn: Ubrn }) }),
  'advice.reply': channel<DecisionOutcome>()({
    session: 'required',
    input: v.strictObject({
      ubrn: Ubrn,
      outcome: ReplyOutcome,
      intendedRecommendation: v.optional(IntendedRecommendation),
      guidance: Guidance,
      priority: Priority,
      attachment: v.optional(UploadFile),
    }),
  }),
  'advice.convert': channel<DecisionOutcome>()({
    session: 'required',
    input: v.strictObject({
      ubrn: Ubrn,
      version: Version,
      guidance: Guidance,
      priority: Priority,
      reviewComments: ConvertComments,
      /** A file for the referrer, sent with the guidance (A027 guidanceAttachmentFile). */
      guidanceAttachment: v.optional(UploadFile),
      /** A file for the team that books the new referral (A027 reviewAttachmentFile). */
      referralAttachment: v.optional(UploadFile),
    }),
  }),

  // Drafts of decision forms (survive a restart)
  'draft.load': channel<DraftView | null>()({ session: 'required', input: v.strictObject({ itemId: ShortText(100) }) }),
  'draft.save': channel<DraftView>()({
    session: 'required',
    input: v.strictObject({
      itemId: ShortText(100),
      form: v.pipe(
        v.record(v.pipe(v.string(), v.maxLength(100)), DraftValue),
        v.check((f) => Object.keys(f).length <= DRAFT_MAX_FIELDS, 'Too many fields.'),
      ),
    }),
  }),
  'draft.discard': channel<null>()({ session: 'required', input: v.strictObject({ itemId: ShortText(100) }) }),

  // Saved texts: the user's own wording for comments and guidance, kept encrypted with their
  // data (electron/offline/saved-texts.ts). Listed newest first.
  'templates.list': channel<SavedTextView[]>()({ session: 'required', input: NoInput }),
  'templates.save': channel<SavedTextView[]>()({
    session: 'required',
    input: v.strictObject({
      /** Present to change a saved text; absent to add one. */
      id: v.optional(SavedTextId),
      kind: v.picklist(SAVED_TEXT_KINDS),
      title: SavedTextTitle,
      text: SavedTextBody,
    }),
  }),
  'templates.delete': channel<SavedTextView[]>()({ session: 'required', input: v.strictObject({ id: SavedTextId }) }),

  // Offline (electron/offline)
  'offline.status': channel<OfflineStatus>()({ session: 'required', input: NoInput }),
  'outbox.cancel': channel<OutboxItemView[]>()({
    session: 'required',
    input: v.strictObject({ id: v.pipe(v.string(), v.maxLength(100)) }),
  }),

  // Patient details from PDS (electron/pds), only for patients e-RS has shown the user
  /** The banner: PDS now, or the copy kept offline, or why the details could not be checked. */
  'patient.get': channel<PatientLookup>()({ session: 'required', input: v.strictObject({ nhsNumber: NhsNumber }) }),
  /** Worklist names and ages, in the background: kept copies while fresh, else PDS at a pace it allows. */
  'patient.summaries': channel<PatientSummary[]>()({
    session: 'required',
    input: v.strictObject({
      nhsNumbers: v.pipe(v.array(NhsNumber), v.minLength(1), v.maxLength(50, 'Ask for at most 50 patients at a time.')),
    }),
  }),

  // Later issues add their channels below, each with its session policy, input schema and output type.
} as const;

export type Channel = keyof typeof channels;
export type ChannelInput<C extends Channel> = v.InferInput<(typeof channels)[C]['input']>;
export type ChannelParsedInput<C extends Channel> = v.InferOutput<(typeof channels)[C]['input']>;
export type ChannelOutput<C extends Channel> = (typeof channels)[C] extends ChannelDef<v.GenericSchema, infer O> ? O : never;

export const channelNames = Object.keys(channels) as Channel[];
