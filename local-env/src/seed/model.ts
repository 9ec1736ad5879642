/**
 * The local e-RS as data: what the emulator holds and changes, and what the seed generator
 * produces. It follows e-RS's own concepts (UBRN, versions, referral state, appointment,
 * attachments with availability, A&G conversation) rather than any one FHIR shape; the
 * emulator turns it into the FHIR resources e-RS serves.
 */
import { type DocumentSpec } from '../documents/spec';

export type Priority = 'ROUTINE' | 'URGENT' | 'TWO_WEEK_WAIT';

/** e-RS's "at a glance" referral state (eRS-ReferralState-1). */
export type ReferralStateCode =
  | 'NOT_BOOKED'
  | 'BOOKED'
  | 'DEFERRED_TO_PROVIDER'
  | 'AWAITING_TRIAGE'
  | 'TRIAGED_PROVIDER_TO_ACTION'
  | 'TRIAGE_RESPONSE'
  | 'REJECTED'
  | 'CANCELLED_REFERRAL'
  | 'DID_NOT_ATTEND'
  | 'APPT_CANCELLED_BY_PATIENT'
  | 'APPT_CANCELLED_BY_PROVIDER'
  | 'ASSESSMENT_RESULT';

/** The code systems a state reason or appointment reason can come from. */
export type ReasonSystem =
  | 'REVIEW_OUTCOME'
  | 'REVIEW_REASON'
  | 'ASSESSMENT_OUTCOME'
  | 'APPOINTMENT_CANCELLATION_REASON'
  | 'REFERRAL_CANCELLATION_REASON'
  | 'APPOINTMENT_NON_ATTENDANCE_REASON';

export interface Reason {
  system: ReasonSystem;
  code: string;
}

export interface ReferralStatus {
  code: ReferralStateCode;
  reason?: Reason;
  comments?: string;
}

export type ServiceKind = 'DBS' | 'IBS' | 'TRIAGE' | 'ADVICE';

export type Availability = 'AVAILABLE' | 'PENDING' | 'THREATS_FOUND' | 'VALIDATION_FAILED';

export type AttachmentType = 'REFERRER' | 'PROVIDER' | 'ADVICE_REQUEST' | 'GUIDANCE_RESPONSE';

/** eRS-RequestContextStatus-1: what changed since the provider last reviewed. */
export type RequestContextStatus = 'NEVER_REVIEWED' | 'LETTER_CHANGED' | 'PRIORITY_CHANGED' | 'PRIORITY_AND_LETTER_CHANGED';

export type AdviceStatus =
  | 'PROVIDER_RESPONSE_REQUIRED'
  | 'REFERRER_TO_SUBMIT_FURTHER_INFORMATION'
  | 'REFERRER_TO_REVIEW_RESPONSE'
  | 'CONVERSATION_ENDED_CANCELLED'
  | 'CONVERSATION_ENDED_CLOSED'
  | 'ADVICE_CONVERTED';

export type ReviewOutcome =
  | 'ACCEPT_REFER_BOOK_LATER'
  | 'RETURN_TO_REFERRER_WITH_ADVICE'
  | 'PROVIDER_CONVERTED_ADVICE_AND_GUIDANCE_ADMIN_TO_REFER'
  | 'CANCEL_APPOINTMENT_ACTION_LATER';

export interface Organisation {
  ods: string;
  name: string;
  kind: 'provider' | 'practice';
}

export interface Service {
  id: string;
  name: string;
  /** The provider organisation that runs it. */
  ods: string;
  kind: ServiceKind;
  specialty: string;
  clinicType: string;
}

export interface Person {
  uid: string;
  title: string;
  givenName: string;
  familyName: string;
}

export interface Clinician extends Person {
  /** Provider organisations where this clinician reviews referrals. */
  organisations: string[];
  specialty: string;
}

export interface Referrer extends Person {
  ods: string;
}

export interface Patient {
  nhsNumber: string;
  givenName: string;
  familyName: string;
  birthDate: string;
  gender: 'female' | 'male';
  postcode: string;
}

/** Who did something in e-RS, in which role, at which organisation. */
export interface RoleRef {
  uid: string;
  ods: string;
  /** Null for system-recorded actions (e-RS shows a role without a business function). */
  businessFunction: string | null;
}

/** A file stored in e-RS: seeded (described by a DocumentSpec) or uploaded through A020. */
export interface BinaryRecord {
  id: string;
  fileName: string;
  contentType: string;
  availability: Availability;
  content: { source: 'document'; spec: DocumentSpec } | { source: 'upload'; size: number; sha256: string };
  /** NHSD-eRS-Referral-ID given at upload: only such files may be attached by A026/A027/A028. */
  referralId?: string;
  uploadedBy?: RoleRef;
  uploadedAt: string;
  /** The DocumentReference that now uses it, once attached. */
  attachedAs?: string;
}

/** An attachment as e-RS lists it on a referral or A&G request (a DocumentReference). */
export interface Attachment {
  id: string;
  binaryId: string;
  type: AttachmentType;
  title: string;
  description?: string;
  contentType: string;
  indexed: string;
  attachedBy: string;
  attachedByOrg: string;
  attachedOnBehalfOf?: string;
}

export type AppointmentKind = 'DBS' | 'IBS' | 'DEFERRED' | 'TRIAGE';

export interface Appointment {
  id: string;
  version: number;
  kind: AppointmentKind;
  status: 'booked' | 'proposed' | 'cancelled';
  serviceId: string;
  created: string;
  start?: string;
  end?: string;
  slotId?: string;
  reason?: Reason;
  comment?: string;
  /** A named consultant on a directly booked slot (participant type CON). */
  consultantUid?: string;
}

export interface HistoryEntry {
  version: number;
  at: string;
  action: string;
  by?: string;
  organisation?: string;
  onBehalfOf?: string;
  detail?: string;
}

/** The provider's review of a booked or triage referral, once recorded. */
export interface Review {
  outcome: 'ACCEPTED' | 'REJECTED' | ReviewOutcome;
  at: string;
  by: string;
}

export interface SearchCriteria {
  postcode?: string;
  distanceLimit?: number;
  ageAndGenderAppropriate: boolean;
  commissioningProvisioning?: string;
}

export interface Referral {
  ubrn: string;
  version: number;
  /** e-RS's internal request id (ers-request-id): "r." and a UUID. */
  requestId: string;
  patientNhsNumber: string;
  referrer: RoleRef;
  created: string;
  lastUpdated: string;
  priority: Priority;
  specialty: string;
  clinicType: string;
  searchCriteria: SearchCriteria;
  shortlist: string[];
  /** The service the referral sits with (booked, deferred or sent for triage); null before booking. */
  serviceId: string | null;
  commissioningRuleOrg: string;
  clinicalInfoFirstSubmitted?: string;
  clinicalInfoLastUpdated?: string;
  pathwayStart?: string;
  status: ReferralStatus;
  appointment?: Appointment;
  review?: Review;
  attachments: Attachment[];
  relatedUbrns: string[];
  /** The A&G request this referral was converted from (same UBRN). */
  convertedFromAdvice?: string;
  additionalRequirements: string[];
  allocatedClinician?: string;
  requestContextStatus: RequestContextStatus;
  clinicalInfoPrinted: boolean;
  /** Set while the referrer still owes a referral letter (Letters Outstanding). */
  letterDue?: string;
  /**
   * Some e-RS records carry the specialty coding under the older versioned code-system
   * path (…/STU3/v1/CodeSystem/SPECIALTY), as one NHS example shows; clients must cope.
   */
  legacySpecialtySystem?: boolean;
  history: HistoryEntry[];
}

export interface AdviceMessage {
  id: string;
  sent: string;
  category: 'REQUESTER' | 'RESPONDER' | 'REFERRER_CLINICAL_INFORMATION_UPDATED';
  sender: RoleRef;
  text: string;
  attachments: Attachment[];
}

export interface AdviceRequest {
  ubrn: string;
  version: number;
  requestId: string;
  patientNhsNumber: string;
  priority: Priority;
  specialty: string;
  clinicType: string;
  searchCriteria: SearchCriteria;
  shortlist: string[];
  serviceId: string;
  requester: RoleRef;
  status: AdviceStatus;
  conversionAuthorised: boolean;
  firstRequested: string;
  lastUpdated: string;
  /** Files the referrer sent with the request itself. */
  attachments: Attachment[];
  messages: AdviceMessage[];
  allocatedClinician?: string;
  history: HistoryEntry[];
}

export interface SeedParams {
  seed: number;
  count: number;
  /** The "today" the seed's dates are spread back from (ISO date). */
  referenceDate: string;
}

export interface SeedData {
  params: SeedParams;
  organisations: Organisation[];
  services: Service[];
  clinicians: Clinician[];
  referrers: Referrer[];
  patients: Patient[];
  referrals: Referral[];
  advice: AdviceRequest[];
  binaries: BinaryRecord[];
}
