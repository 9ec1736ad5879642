/**
 * View models: what the main process answers with. The renderer shows these; it never sees
 * raw FHIR or tokens. Plain JSON-able data only: strings, numbers, booleans, null, arrays,
 * objects, and Uint8Array for file bytes.
 */
import type { SafeDocument } from './safe-document';
import type { Priority, SavedTextKind, WorklistKind } from './domain';

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
   * Set when this computer has no trust configuration (a packaged build), or one the app
   * must not run with (`problem`: one sentence for IT, such as a signing key ordinary users
   * can read): the app can do nothing but say so, and where IT keeps the configuration.
   */
  setup: { expectedPath: string; problem?: string } | null;
}

export type SessionPhase = 'signed-out' | 'waiting-for-browser' | 'choosing-role' | 'signed-in' | 'locked';

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
  /** e-RS's eReferralPathwayStart as given (the RTT clock start); null for A&G or where e-RS gave none. */
  pathwayStart: string | null;
  /** A008's appointmentStart (ISO time), where the referral is booked. */
  appointmentStart: string | null;
  /** For A&G awaiting the provider (PROVIDER_RESPONSE_REQUIRED): A023's adviceLastUpdated, the referrer's last word, which the reply's clock counts from. */
  adviceWaitingSince: string | null;
}

export interface WorklistView {
  kind: WorklistKind;
  rows: WorklistRow[];
  /** ISO time the data came from e-RS. */
  fetchedAt: string;
  /** True when shown from the offline cache. */
  stale: boolean;
}

// ---------------------------------------------------------------------------------------
// e-RS data, as the review screens show it (mapped from FHIR in electron/ers/map-*.ts)

/** A person as e-RS identifies them: SDS user id, organisation, role. e-RS rarely sends names. */
export interface PersonRef {
  userId: string | null;
  name: string | null;
  organisationOds: string | null;
  businessFunction: string | null;
}

export type AttachmentAvailability = 'AVAILABLE' | 'PENDING' | 'THREATS_FOUND' | 'VALIDATION_FAILED' | 'UNKNOWN';

export interface AttachmentView {
  /** The Binary id to fetch it by (A042/A006); null when e-RS gave no usable link. */
  id: string | null;
  /** The file name as uploaded. */
  title: string;
  description: string | null;
  contentType: string;
  size: number | null;
  /** ISO date or time the file was attached. */
  createdAt: string | null;
  /** e-RS attachment type: REFERRER, PROVIDER, ADVICE_REQUEST, GUIDANCE_RESPONSE... */
  attachmentType: string | null;
  availability: AttachmentAvailability;
  /** True when the file can be asked for. */
  available: boolean;
  /** e-RS's reason, as a sentence, when the file cannot be opened. */
  unavailableReason: string | null;
  attachedBy: PersonRef | null;
  /** The clinician the uploader acted for, if any. */
  attachedOnBehalfOfUserId: string | null;
}

export interface ServiceRef {
  id: string | null;
  name: string;
}

export interface AppointmentView {
  id: string | null;
  /** FHIR status: booked, proposed, cancelled... */
  status: string;
  /** ISO times. */
  start: string | null;
  end: string | null;
  service: ServiceRef | null;
  /** The named clinician's SDS user id, where the booking names one. */
  clinicianUserId: string | null;
  /**
   * True for a booking into an indirectly bookable service: booked, but into no e-RS slot
   * (the provider books it in its own PAS). Rejecting it (A014) must then say whether the
   * appointment was cancelled in the PAS; for a directly bookable service it must not.
   */
  indirectlyBookable: boolean;
}

export interface CodeView {
  code: string;
  display: string;
}

export interface ReferralView {
  ubrn: string;
  /** meta.versionId: what If-Match must carry for a decision. */
  version: string;
  /** Formatted 3 3 4. */
  nhsNumber: string;
  /** e-RS's A005 carries no name; null unless the source adds one. */
  patientName: string | null;
  /** FHIR status: active, cancelled, completed. */
  status: string;
  /** e-RS referral state, e.g. BOOKED / Booked. */
  state: CodeView | null;
  priority: Priority;
  specialty: CodeView | null;
  /** The booked service, else the first shortlisted one. */
  service: ServiceRef | null;
  shortlist: ServiceRef[];
  /** The referring clinician and organisation, where e-RS gives them. */
  referrer: PersonRef | null;
  /** The organisation whose commissioning rules apply (ODS). */
  commissioningOrganisationOds: string | null;
  pathwayStart: string | null;
  clinicalInfoFirstSubmitted: string | null;
  clinicalInfoLastUpdated: string | null;
  /** ISO date (yyyy-mm-dd, UK time) the days waiting count from; null if e-RS gave none. */
  referralDate: string | null;
  daysWaiting: number | null;
  /** UBRNs of the other referrals on this pathway. */
  relatedReferrals: string[];
  /** The advice and guidance request this referral was converted from, if any. */
  adviceRequestUbrn: string | null;
  appointment: AppointmentView | null;
  additionalRequirements: string[];
  attachments: AttachmentView[];
  /** e-RS's allowed actions for this user (A029 codes); null when not asked or e-RS would not list them (A029 answered 400/404). */
  allowedActions: string[] | null;
}

export interface AdviceRequestView {
  ubrn: string;
  version: string;
  nhsNumber: string;
  priority: Priority;
  specialty: CodeView | null;
  service: ServiceRef | null;
  /** e-RS A&G status, e.g. PROVIDER_RESPONSE_REQUIRED. */
  status: CodeView | null;
  /** FHIR status of the request. */
  requestStatus: string;
  requester: PersonRef | null;
  /** True when the referrer allows the provider to convert it to a referral (A027). */
  conversionAuthorised: boolean;
  attachments: AttachmentView[];
}

export interface ConversationMessageView {
  id: string;
  /** ISO time sent. */
  sentAt: string | null;
  /** e-RS's "sent by" code: REQUESTER, RESPONDER, or a system note such as REFERRER_CLINICAL_INFORMATION_UPDATED. */
  sentBy: string | null;
  author: PersonRef | null;
  text: string;
  attachments: AttachmentView[];
}

export interface ConversationView {
  ubrn: string;
  version: string;
  /** Oldest first. */
  messages: ConversationMessageView[];
}

// ---------------------------------------------------------------------------------------
// Screens and decisions

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
  /** The last time queued decisions went out: "2 queued decisions were sent to e-RS."; null until then. */
  sent: { count: number; message: string; at: string } | null;
}

export interface PrefetchProgressView {
  phase: 'idle' | 'listing' | 'referrals' | 'files' | 'rate-limited' | 'offline' | 'done' | 'stopped' | 'cancelled';
  total: number;
  done: number;
  failed: number;
  bytes: number;
  message: string | null;
}

/** A user's saved wording for a comment or guidance field. */
export interface SavedTextView {
  id: string;
  kind: SavedTextKind;
  title: string;
  text: string;
  savedAt: string;
}

export interface DraftView {
  itemId: string;
  form: Record<string, string | boolean>;
  savedAt: string;
}
