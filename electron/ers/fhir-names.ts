/**
 * The URLs e-RS names things by: identifier systems, fixed code systems, profiles and
 * extensions. e-RS uses both the old fhir.nhs.net and the newer fhir.nhs.uk spellings for
 * the same identifier, so readers accept either.
 */
export const ID = {
  nhsNumber: ['http://fhir.nhs.net/Id/nhs-number', 'https://fhir.nhs.uk/Id/nhs-number'],
  sdsUser: ['http://fhir.nhs.net/Id/sds-user-id', 'https://fhir.nhs.uk/Id/sds-user-id'],
  ods: ['https://fhir.nhs.uk/Id/ods-organization-code', 'https://directory.spineservices.nhs.uk/STU3/Organization'],
  service: ['http://fhir.nhs.net/Id/ers-service'],
} as const;

/** Identifier systems the client writes, exactly as the NHS examples spell them. */
export const ID_OUT = {
  sdsUser: 'http://fhir.nhs.net/Id/sds-user-id',
  service: 'http://fhir.nhs.net/Id/ers-service',
  location: 'https://directory.spineservices.nhs.uk/STU3/Organization',
} as const;

const CS = 'https://fhir.nhs.uk/STU3/CodeSystem/';
export const CODE_SYSTEM = {
  referralListSelector: `${CS}eRS-ReferralListSelector-1`,
  communicationListSelector: `${CS}eRS-CommunicationListSelector-1`,
  assignedIndicator: `${CS}eRS-AssignedIndicator-1`,
  priority: `${CS}eRS-Priority-1`,
  reviewOutcome: `${CS}eRS-ReviewOutcome-1`,
  attachmentType: `${CS}eRS-AttachmentType-1`,
  guidanceResponseOutcome: `${CS}eRS-GuidanceResponseOutcome-1`,
  guidanceIntendedRecommendation: `${CS}eRS-GuidanceIntendedRecommendation-1`,
} as const;

const SD = 'https://fhir.nhs.uk/STU3/StructureDefinition/';
export const PROFILE = {
  fetchWorklist: `${SD}eRS-FetchWorklist-Parameters-1`,
  rejectReferral: `${SD}eRS-RejectReferral-Parameters-1`,
  recordReviewOutcome: `${SD}eRS-RecordReviewOutcome-Parameters-1`,
  sendCommunicationToRequester: `${SD}eRS-SendCommunicationToRequester-Request-Parameters-1`,
  createFromCommunicationRequest: `${SD}eRS-CreateFromCommunicationRequestActionLater-Request-Parameters-1`,
  documentReference: `${SD}eRS-DocumentReference-1`,
} as const;

export const EXT = {
  appointment: `${SD}Extension-eRS-Appointment-1`,
  appointmentReference: `${SD}Extension-eRS-Appointment-Reference-1`,
  clinicalInfoFirstSubmitted: `${SD}Extension-eRS-ClinicalInfoFirstSubmitted-1`,
  clinicalInfoLastUpdated: `${SD}Extension-eRS-ClinicalInfoLastUpdated-1`,
  pathwayStart: `${SD}Extension-eRS-eReferralPathwayStart-1`,
  referralPriority: `${SD}Extension-eRS-ReferralPriority-1`,
  referralShortlist: `${SD}Extension-eRS-ReferralShortlist-1`,
  commissioningRuleOrg: `${SD}Extension-eRS-Commissioning-Rule-Org-1`,
  referralState: `${SD}Extension-eRS-ReferralState-1`,
  additionalRequirement: `${SD}Extension-eRS-PatientAdditionalRequirement-1`,
  availabilityStatus: `${SD}Extension-eRS-AvailabilityStatus-1`,
  attachedBy: `${SD}Extension-eRS-AttachedBy-1`,
  attachedByOrganisation: `${SD}Extension-eRS-AttachedByOrganisation-1`,
  attachedOnBehalfOf: `${SD}Extension-eRS-AttachedOnBehalfOf-1`,
  specialty: `${SD}Extension-eRS-Specialty-1`,
  providerConversionAuthorisation: `${SD}Extension-eRS-ProviderConversionAuthorisation-1`,
  practitionerRoleReference: `${SD}Extension-PractitionerRole-Reference-1`,
  healthcareServiceReference: `${SD}Extension-HealthcareService-Reference-1`,
  communicationRequester: `${SD}Extension-Communication-Requester-1`,
  effectiveFrom: `${SD}Extension-eRS-EffectivefromDate-1`,
  effectiveTo: `${SD}Extension-eRS-EffectivetoDate-1`,
} as const;

/** Worklist item extensions, one per list type; their parts are named by short urls. */
export const WORKLIST_ITEM_PREFIX = `${SD}Extension-eRS-`;
