/**
 * The one contract between the renderer and the main process.
 *
 * Every channel the renderer may call is named here once, with a runtime schema for its
 * input (valibot) and the TypeScript type of its output. Every event the main process may
 * push is named here once, with the type of its payload. Both transports (Electron IPC in
 * main.ts/preload.ts, and the browser host in host/) carry exactly this and nothing else,
 * and both validate input through `dispatch()` before a handler runs.
 *
 * The renderer imports this file type-only (a lint rule enforces it), so nothing here may
 * be needed at run time by the renderer. Keep view models plain JSON-able data:
 * strings, numbers, booleans, null, arrays, objects, and Uint8Array for file bytes.
 */
import * as v from 'valibot';
import type { SafeDocument } from './convert/safe-document';
import type { AdviceRequestView, ConversationView, ReferralView } from './ers/view-models';

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
// View models (outputs). The renderer shows these; it never sees raw FHIR or tokens.

export type EnvironmentName = 'local' | 'sandbox' | 'int' | 'production';

export interface AppInfo {
  name: string;
  version: string;
  environment: EnvironmentName;
  /** A human label for the environment, e.g. "Local (training data)". */
  environmentLabel: string;
  /** True when a trust's configuration fixed the environment; the user cannot switch. */
  managed: boolean;
  /** Which transport is carrying the contract. */
  transport: 'electron' | 'browser-host';
  /**
   * Set when this computer has no trust configuration (a packaged build): the app can do
   * nothing but say so, and where IT must put the configuration.
   */
  setup: { expectedPath: string } | null;
}

export type Priority = 'TWO_WEEK_WAIT' | 'URGENT' | 'ROUTINE';

export type SessionPhase =
  | 'signed-out'
  | 'waiting-for-browser'
  | 'choosing-role'
  | 'signed-in'
  | 'locked';

export interface RoleOption {
  /** Opaque id of this role choice (PractitionerRole id). */
  id: string;
  businessFunction: 'SERVICE_PROVIDER_CLINICIAN' | 'SERVICE_PROVIDER_CLINICIAN_ADMIN' | 'SERVICE_PROVIDER_ADMIN';
  /** Human label of the role, e.g. "Service provider clinician". */
  label: string;
  organisationOds: string;
  organisationName: string;
  /** For SERVICE_PROVIDER_CLINICIAN_ADMIN: the clinicians this user may act for. */
  actsFor: { userId: string; name: string }[];
}

export interface SessionView {
  phase: SessionPhase;
  environment: EnvironmentName;
  /** Present once the user is identified. */
  user: { id: string; name: string } | null;
  /** Offered while choosing a role. */
  roles: RoleOption[];
  /** The role in use once signed in. */
  role: {
    businessFunction: RoleOption['businessFunction'];
    label: string;
    organisationOds: string;
    organisationName: string;
    onBehalfOf: { userId: string; name: string } | null;
  } | null;
  /** True in environments without sign-in (the NHS public sandbox). */
  signInNotRequired: boolean;
  /** A sentence for the user when the last step failed or needs attention. */
  notice: { kind: 'error' | 'info'; message: string } | null;
  /**
   * Signed in, but the session ended (refresh failed): the user must sign in again. The
   * screen and any draft stay as they are underneath.
   */
  needsReauth: boolean;
  /** The role last chosen by this user, to preselect in the picker. */
  rememberedRoleId: string | null;
}

export interface WorklistRow {
  /** The item's id: a UBRN for referrals, the CommunicationRequest id for A&G. */
  id: string;
  ubrn: string;
  version: string;
  priority: Priority;
  /** Formatted 3 3 4, e.g. "999 000 0001". */
  nhsNumber: string;
  patientName: string;
  service: string;
  specialty: string;
  /** ISO date (yyyy-mm-dd). */
  referralDate: string;
  daysWaiting: number;
  reviewStatus: string;
  assignedClinician: string | null;
}

export interface WorklistView {
  kind: WorklistKind;
  rows: WorklistRow[];
  /** ISO time the data came from e-RS. */
  fetchedAt: string;
  /** True when shown from the offline cache. */
  stale: boolean;
}

// View models of e-RS data, defined beside their mappers in electron/ers.
export type {
  AdviceReplyResult,
  AdviceRequestView,
  AppointmentView,
  AttachmentAvailability,
  AttachmentView,
  CodeConceptView,
  CodeSystemView,
  CodeView,
  ConversationMessageView,
  ConversationView,
  PersonRef,
  ReferralView,
  ServiceRef,
} from './ers/view-models';

export type { SafeBlock, SafeDocument, SafeDocumentRemoved, SafeRun } from './convert/safe-document';

/** A referral as the review screen shows it. */
export interface ReferralScreen {
  referral: ReferralView;
  /** ISO time the data came from e-RS. */
  fetchedAt: string;
  /** True when shown from the offline cache. */
  stale: boolean;
}

/** An A&G request with its conversation, as the A&G screen shows it. */
export interface AdviceScreen {
  request: AdviceRequestView;
  conversation: ConversationView;
  /** Set when e-RS would not give the conversation: the request still shows, with this sentence. */
  conversationProblem: string | null;
  fetchedAt: string;
  stale: boolean;
}

/**
 * An attachment ready to show. PDFs, images, TIFF scans and plain text travel as bytes
 * (the renderer's viewers parse them in a sandboxed page); DOCX and RTF are converted in
 * the main process to a safe tree or plain text, so the renderer never parses them.
 */
export type AttachmentContent =
  | { kind: 'file'; contentType: string; fileName: string; bytes: Uint8Array; stale: boolean }
  | { kind: 'document'; contentType: string; fileName: string; document: SafeDocument; stale: boolean }
  | { kind: 'text'; contentType: string; fileName: string; text: string; removedObjects: number; stale: boolean };

export interface FieldChange {
  /** Human label of what changed, e.g. "Priority". */
  field: string;
  before: string;
  after: string;
}

/** What a decision came to. A conflict is an answer, not an error: the draft is kept. */
export type DecisionOutcome =
  | { status: 'sent'; correlationId: string; message: string }
  | { status: 'queued'; outboxId: string; message: string }
  | { status: 'conflict'; referral: ReferralView; changes: FieldChange[]; message: string };

/** A decision waiting in the outbox (made offline, or held back by a conflict). */
export interface OutboxItemView {
  id: string;
  /** The contract channel it came from, e.g. referral.reject. */
  operation: string;
  ubrn: string;
  createdAt: string;
  state: 'queued' | 'sending' | 'conflict';
  /** What the user must do, when it needs them. */
  problem: string | null;
}

export interface OfflineStatus {
  online: boolean;
  /** "Offline since 10:42, showing data from 10:31"; null while online. */
  banner: string | null;
  prefetch: PrefetchProgressView | null;
  outbox: OutboxItemView[];
}

export interface PrefetchProgressView {
  phase: 'idle' | 'listing' | 'referrals' | 'files' | 'rate-limited' | 'offline' | 'done' | 'stopped' | 'cancelled';
  total: number;
  done: number;
  failed: number;
  bytes: number;
  message: string | null;
}

export interface DraftView {
  itemId: string;
  form: Record<string, string | boolean>;
  savedAt: string;
}

export interface ApiErrorShape {
  /** Stable machine code, e.g. 'INVALID_INPUT', 'UNKNOWN_CHANNEL', 'ERS_412'. */
  code: string;
  /** A sentence for the user: what happened and what to do. */
  message: string;
  /** The X-Correlation-ID of the e-RS call, where there was one. */
  correlationId?: string;
  /** Field-level problems with the input, for forms. */
  issues?: { path: string; message: string }[];
}

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
      /** A file for the referrer, sent with the guidance (A027 guidanceAttachmentFile). */
      guidanceAttachment: v.optional(UploadFile),
      /** A file for the team that books the new referral (A027 reviewAttachmentFile). */
      referralAttachment: v.optional(UploadFile),
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

// ---------------------------------------------------------------------------------------
// Events pushed from main to the renderer

export interface Events {
  'session.changed': SessionView;
  'offline.changed': OfflineStatus;
}
export type EventName = keyof Events;
export const eventNames: readonly EventName[] = ['session.changed', 'offline.changed'];

// ---------------------------------------------------------------------------------------
// What crosses the boundary for each call

export type CallResult<C extends Channel> =
  | { ok: true; value: ChannelOutput<C> }
  | { ok: false; error: ApiErrorShape };

/** What the preload exposes as `window.triage`, and what the host client imitates. */
export interface TriageBridge {
  invoke<C extends Channel>(channel: C, input: ChannelInput<C>): Promise<CallResult<C>>;
  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void;
}
