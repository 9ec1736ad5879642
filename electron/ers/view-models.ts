/**
 * What the screens are shown of e-RS data: plain JSON-able view models, never raw FHIR.
 * WorklistRow is the contract's own (electron/api.ts); the rest are defined here until the
 * contract re-exports them for the channels that carry them.
 */
import type { Priority, WorklistKind, WorklistRow } from '../api';

export type { Priority, WorklistKind, WorklistRow };

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
  /** e-RS's allowed actions for this user (A029 codes); null until asked. */
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

export interface WorklistItem {
  /** Which of the app's three worklists the row belongs on. */
  kind: WorklistKind;
  row: WorklistRow;
}

export interface CodeConceptView {
  code: string;
  display: string;
  effectiveFrom: string | null;
  effectiveTo: string | null;
  /** Other e-RS concept properties; Codings are reduced to their code. */
  properties: Record<string, string | number | boolean>;
}

export interface CodeSystemView {
  id: string;
  name: string;
  version: string | null;
  concepts: CodeConceptView[];
}

/** One PractitionerRole from A030: the organisation and the business functions held there. */
export interface ErsRoleChoice {
  id: string;
  userId: string | null;
  organisationOds: string;
  businessFunctions: string[];
}

export interface ErsFile {
  bytes: Uint8Array;
  contentType: string;
  fileName: string | null;
  correlationId: string;
}

export interface UploadedFile {
  /** The Binary id to attach the file by in A026, A027 or A028. */
  binaryId: string;
  correlationId: string;
}

/** What a decision call returns: e-RS's updated item and the reference for the audit log. */
export interface DecisionResult<T> {
  value: T;
  correlationId: string;
}

export interface AdviceReplyResult {
  request: AdviceRequestView;
  message: ConversationMessageView | null;
}
