/**
 * View models: what the main process answers with. The renderer shows these; it never sees
 * raw FHIR or tokens. Plain JSON-able data only: strings, numbers, booleans, null, arrays,
 * objects, and Uint8Array for file bytes.
 */
import type { SafeDocument } from '../electron/convert/safe-document';
import type { AdviceRequestView, ConversationView, ReferralView } from '../electron/ers/view-models';
import type { WorklistKind } from './channels';

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
} from '../electron/ers/view-models';


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

export type { SafeBlock, SafeDocument, SafeDocumentRemoved, SafeRun } from '../electron/convert/safe-document';
