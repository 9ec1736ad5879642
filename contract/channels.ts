/**
 * Every channel the renderer may call, named here once, with a runtime schema for its
 * input (valibot) and the TypeScript type of its output.
 */
import * as v from 'valibot';
import type {
  AdviceScreen,
  AppInfo,
  AttachmentContent,
  DecisionOutcome,
  DraftView,
  OfflineStatus,
  OutboxItemView,
  ReferralScreen,
  SessionView,
  WorklistView,
} from './views';

// ---------------------------------------------------------------------------------------
// Shared input pieces

/** e-RS Unique Booking Reference Number: 12 digits. */
export const Ubrn = v.pipe(v.string(), v.regex(/^\d{12}$/, 'A UBRN is 12 digits.'));
/** A FHIR resource version as e-RS gives it (the `meta.versionId`), e.g. "8". */
export const Version = v.pipe(v.string(), v.regex(/^\d{1,9}$/, 'A version is a whole number.'));
/** Attachment (Binary) ids: a UUID, or e-RS's `att-` prefixed form. */
export const AttachmentId = v.pipe(
  v.string(),
  v.maxLength(100),
  v.regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'An attachment id holds letters, digits, dots, dashes and underscores only.'),
);
export const NoInput = v.strictObject({});
export const ShortText = (max: number) => v.pipe(v.string(), v.maxLength(max));

export const WorklistKind = v.picklist(['referrals', 'triage', 'advice']);

/** e-RS's upload limit per file (A020), and the types it accepts. */
export const MAX_UPLOAD_BYTES = 5 * 1024 * 1024;
const UploadFile = v.strictObject({
  fileName: v.pipe(v.string(), v.minLength(1), v.maxLength(200)),
  contentType: v.pipe(v.string(), v.maxLength(200)),
  bytes: v.pipe(
    v.custom<Uint8Array>((b) => b instanceof Uint8Array, 'Expected the bytes of a file.'),
    v.check((b) => b.byteLength > 0, 'The file is empty.'),
    v.check((b) => b.byteLength <= MAX_UPLOAD_BYTES, 'e-RS accepts files of up to 5 MB.'),
  ),
});
const Comments = v.pipe(v.string(), v.maxLength(8000, 'e-RS accepts up to 8,000 characters.'));
const PriorityInput = v.picklist(['TWO_WEEK_WAIT', 'URGENT', 'ROUTINE']);
const DraftValue = v.union([v.pipe(v.string(), v.maxLength(10_000)), v.boolean()]);
export type WorklistKind = v.InferOutput<typeof WorklistKind>;

// ---------------------------------------------------------------------------------------
// Channels

interface ChannelDef<I extends v.GenericSchema, O> {
  readonly input: I;
  /** Phantom: never set at run time, only carries the output type. */
  readonly output?: O;
}
function channel<O>() {
  return <I extends v.GenericSchema>(input: I): ChannelDef<I, O> => ({ input });
}

export const channels = {
  /** The app's name, version and environment, for the sign-in screen and the header. */
  'app.info': channel<AppInfo>()(NoInput),


  // Session (electron/auth)
  'session.get': channel<SessionView>()(NoInput),
  /** Opens CIS2 in the system browser; progress arrives as `session.changed` events. */
  'session.signIn': channel<SessionView>()(NoInput),
  'session.cancelSignIn': channel<SessionView>()(NoInput),
  'session.chooseRole': channel<SessionView>()(
    v.strictObject({
      roleId: ShortText(200),
      /** For SERVICE_PROVIDER_CLINICIAN_ADMIN: the SDS user id of the clinician acted for. */
      onBehalfOfUserId: v.optional(v.pipe(v.string(), v.regex(/^\d{12}$/, 'A clinician\'s user id is 12 digits.'))),
    }),
  ),
  'session.signOut': channel<SessionView>()(NoInput),
  /** The renderer reports user activity (throttled) so the idle lock can run in main. */
  'session.activity': channel<null>()(NoInput),


  // Worklists (electron/ers)
  /** One of the three worklists; from e-RS, or from the offline cache when e-RS is unreachable. */
  'worklist.fetch': channel<WorklistView>()(v.strictObject({ kind: WorklistKind, refresh: v.optional(v.boolean()) })),


  // Referral review (electron/review)
  'referral.open': channel<ReferralScreen>()(v.strictObject({ ubrn: Ubrn })),
  'referral.attachment': channel<AttachmentContent>()(v.strictObject({ ubrn: Ubrn, attachmentId: AttachmentId })),
  /** A007: the clinical information summary PDF. */
  'referral.clinicalInfo': channel<AttachmentContent>()(v.strictObject({ ubrn: Ubrn })),
  /** The reasons e-RS accepts for a rejection, in force today. */
  'referral.rejectionReasons': channel<{ code: string; display: string }[]>()(NoInput),
  'referral.accept': channel<DecisionOutcome>()(v.strictObject({ ubrn: Ubrn, version: Version })),
  'referral.reject': channel<DecisionOutcome>()(
    v.strictObject({
      ubrn: Ubrn,
      version: Version,
      reasonCode: ShortText(100),
      comments: Comments,
      /** For indirectly bookable services: the provider already cancelled the appointment in its PAS. */
      appointmentCancelledInPas: v.optional(v.boolean()),
    }),
  ),
  'referral.recordTriageOutcome': channel<DecisionOutcome>()(
    v.strictObject({
      ubrn: Ubrn,
      version: Version,
      outcome: v.picklist(['RETURN_TO_REFERRER_WITH_ADVICE', 'ACCEPT_REFER_BOOK_LATER', 'CANCEL_APPOINTMENT_ACTION_LATER']),
      comments: Comments,
      priority: v.optional(PriorityInput),
      attachment: v.optional(UploadFile),
    }),
  ),
  /** Writes an attachment to a private temp file and opens it with the system's application. */
  'attachment.openExternally': channel<{ fileName: string }>()(
    v.strictObject({ source: v.picklist(['referral', 'advice']), ubrn: Ubrn, attachmentId: AttachmentId }),
  ),

  // Advice and guidance (electron/review)
  'advice.open': channel<AdviceScreen>()(v.strictObject({ ubrn: Ubrn })),
  'advice.attachment': channel<AttachmentContent>()(v.strictObject({ ubrn: Ubrn, attachmentId: AttachmentId })),
  /** A043: the request's overview PDF. */
  'advice.overview': channel<AttachmentContent>()(v.strictObject({ ubrn: Ubrn })),
  'advice.reply': channel<DecisionOutcome>()(
    v.strictObject({
      ubrn: Ubrn,
      outcome: v.picklist(['RETURN_TO_REFERRER_WITH_ADVICE', 'REQUIRE_FURTHER_INFORMATION']),
      intendedRecommendation: v.optional(
        v.picklist(['ADVICE_ONLY_NO_REFERRAL_RECOMMENDED', 'ADVICE_FOLLOWED_BY_REFERRAL_IF_REQUIRED', 'REFERRAL_RECOMMENDED', 'OTHER']),
      ),
      guidance: v.pipe(Comments, v.minLength(1, 'Write the guidance for the referrer.')),
      priority: PriorityInput,
      attachment: v.optional(UploadFile),
    }),
  ),
  'advice.convert': channel<DecisionOutcome>()(
    v.strictObject({
      ubrn: Ubrn,
      version: Version,
      guidance: v.pipe(Comments, v.minLength(1, 'Write the guidance for the referrer.')),
      priority: PriorityInput,
      reviewComments: Comments,
    }),
  ),

  // Drafts of decision forms (survive a restart)
  'draft.load': channel<DraftView | null>()(v.strictObject({ itemId: ShortText(100) })),
  'draft.save': channel<DraftView>()(
    v.strictObject({ itemId: ShortText(100), form: v.pipe(v.record(v.pipe(v.string(), v.maxLength(100)), DraftValue), v.check((f) => Object.keys(f).length <= 50, 'Too many fields.')) }),
  ),
  'draft.discard': channel<null>()(v.strictObject({ itemId: ShortText(100) })),

  // Offline (electron/offline)
  'offline.status': channel<OfflineStatus>()(NoInput),
  'outbox.cancel': channel<OutboxItemView[]>()(v.strictObject({ id: v.pipe(v.string(), v.maxLength(100)) })),

  // Later issues add their channels below, each with its input schema and output type.
} as const;

export type Channel = keyof typeof channels;
export type ChannelInput<C extends Channel> = v.InferInput<(typeof channels)[C]['input']>;
export type ChannelParsedInput<C extends Channel> = v.InferOutput<(typeof channels)[C]['input']>;
export type ChannelOutput<C extends Channel> = (typeof channels)[C] extends ChannelDef<v.GenericSchema, infer O> ? O : never;

export const channelNames = Object.keys(channels) as Channel[];
