/**
 * The URLs e-RS's FHIR resources use: profiles, extensions, identifier systems and code
 * systems. e-RS's own reference-data code systems live under the server's base
 * (`<base>/STU3/CodeSystem/SPECIALTY`), which the NHS examples write as `_baseUrl_`.
 */
import { type ReasonSystem } from '../../seed/model';

export type Json = Record<string, unknown>;

export const SD = 'https://fhir.nhs.uk/STU3/StructureDefinition/';
export const CS = 'https://fhir.nhs.uk/STU3/CodeSystem/';

export const PROFILE = {
  referralRequest: `${SD}eRS-ReferralRequest-1`,
  appointment: `${SD}eRS-Appointment-1`,
  careConnectAppointment: 'https://fhir.hl7.org.uk/STU3/StructureDefinition/CareConnect-Appointment-1',
  documentReference: `${SD}eRS-DocumentReference-1`,
  searchCriteria: `${SD}eRS-ServiceSearchCriteria-Parameters-1`,
  shortlist: `${SD}eRS-Shortlist-List-1`,
  communicationRequest: `${SD}eRS-CommunicationRequest-1`,
  communication: `${SD}eRS-Communication-1`,
  careConnectPractitionerRole: 'https://fhir.hl7.org.uk/STU3/StructureDefinition/CareConnect-PractitionerRole-1',
  careConnectTask: 'https://fhir.hl7.org.uk/STU3/StructureDefinition/CareConnect-Task-1',
  bundle: 'http://hl7.org/fhir/STU3/StructureDefinition/Bundle',
  worklist: `${SD}eRS-FetchWorklist-List-1`,
  worklistPatient: `${SD}eRS-Patient-1`,
  worklistPractitioner: `${SD}eRS-Practitioner-1`,
  sendCommunicationResponse: `${SD}eRS-SendCommunicationToRequester-Response-Parameters-1`,
  shareableCodeSystem: 'http://hl7.org/fhir/StructureDefinition/shareablecodesystem',
  specialtyCodeSystem: `${SD}eRS-Specialty-CodeSystem-1`,
} as const;

export const EXT = {
  appointment: `${SD}Extension-eRS-Appointment-1`,
  appointmentReference: `${SD}Extension-eRS-Appointment-Reference-1`,
  clinicalInfoFirstSubmitted: `${SD}Extension-eRS-ClinicalInfoFirstSubmitted-1`,
  clinicalInfoLastUpdated: `${SD}Extension-eRS-ClinicalInfoLastUpdated-1`,
  pathwayStart: `${SD}Extension-eRS-eReferralPathwayStart-1`,
  priority: `${SD}Extension-eRS-ReferralPriority-1`,
  shortlist: `${SD}Extension-eRS-ReferralShortlist-1`,
  commissioningRuleOrg: `${SD}Extension-eRS-Commissioning-Rule-Org-1`,
  referralState: `${SD}Extension-eRS-ReferralState-1`,
  additionalRequirement: `${SD}Extension-eRS-PatientAdditionalRequirement-1`,
  shortlistSearchCriteria: `${SD}Extension-eRS-Shortlist-SearchCriteria-1`,
  availability: `${SD}Extension-eRS-AvailabilityStatus-1`,
  attachedBy: `${SD}Extension-eRS-AttachedBy-1`,
  attachedByOrganisation: `${SD}Extension-eRS-AttachedByOrganisation-1`,
  attachedOnBehalfOf: `${SD}Extension-eRS-AttachedOnBehalfOf-1`,
  conversionAuthorisation: `${SD}Extension-eRS-ProviderConversionAuthorisation-1`,
  specialty: `${SD}Extension-eRS-Specialty-1`,
  healthcareServiceReference: `${SD}Extension-HealthcareService-Reference-1`,
  practitionerRoleReference: `${SD}Extension-PractitionerRole-Reference-1`,
  communicationRequester: `${SD}Extension-Communication-Requester-1`,
  effectiveFrom: `${SD}Extension-eRS-EffectivefromDate-1`,
  effectiveTo: `${SD}Extension-eRS-EffectivetoDate-1`,
} as const;

export const ID = {
  nhsNumber: 'http://fhir.nhs.net/Id/nhs-number',
  sdsUser: 'http://fhir.nhs.net/Id/sds-user-id',
  ods: 'https://fhir.nhs.uk/Id/ods-organization-code',
  service: 'http://fhir.nhs.net/Id/ers-service',
  request: 'https://fhir.nhs.uk/Id/ers-request-id',
  r4SdsUser: 'https://fhir.nhs.uk/Id/sds-user-id',
} as const;

export const CODE = {
  priority: `${CS}eRS-Priority-1`,
  referralState: `${CS}eRS-ReferralState-1`,
  reviewOutcome: `${CS}eRS-ReviewOutcome-1`,
  reviewReason: `${CS}eRS-ReviewReason-1`,
  assessmentOutcome: `${CS}eRS-AssessmentOutcome-1`,
  clinicType: `${CS}eRS-ClinicType-1`,
  commissioningProvisioning: `${CS}eRS-CommissioningProvisioning-1`,
  attachmentType: `${CS}eRS-AttachmentType-1`,
  availability: `${CS}eRS-AvailabilityStatus-1`,
  additionalRequirement: `${CS}eRS-AdditionalRequirementType-1`,
  adviceStatus: `${CS}eRS-AdviceAndGuidanceStatus-1`,
  conversionAuthorisation: `${CS}eRS-ProviderConversionAuthorisation-1`,
  businessFunction: `${CS}eRS-BusinessFunction-1`,
  r4BusinessFunction: 'https://fhir.nhs.uk/CodeSystem/eRS-BusinessFunction-1',
  communicationSentBy: `${CS}eRS-CommunicationSentBy-1`,
  availableActions: `${CS}eRS-AvailableActionsForUser-1`,
  referralListSelector: `${CS}eRS-ReferralListSelector-1`,
  communicationListSelector: `${CS}eRS-CommunicationListSelector-1`,
  assignedIndicator: `${CS}eRS-AssignedIndicator-1`,
  requestContextStatus: `${CS}eRS-RequestContextStatus-1`,
  referralType: `${CS}eRS-ReferralType-1`,
  clinicalInformationStatus: `${CS}eRS-ClinicalInformationStatus-1`,
  guidanceOutcome: `${CS}eRS-GuidanceResponseOutcome-1`,
  guidanceRecommendation: `${CS}eRS-GuidanceIntendedRecommendation-1`,
  conceptProperties: `${CS}eRS-Concept-Properties-1`,
  appointmentBookingCancellationReasonType: `${CS}eRS-AppointmentBookingCancellationReasonType-1`,
  appointmentCancellationReasonUsage: `${CS}eRS-AppointmentCancellationReasonUsage-1`,
  appointmentRequestCancellationReasonType: `${CS}eRS-AppointmentRequestCancellationReasonType-1`,
  referralCancellationReasonUsage: `${CS}eRS-ReferralRequestCancellationReasonUsage-1`,
  encounterParticipantType: 'http://hl7.org/fhir/ValueSet/encounter-participant-type',
} as const;

/** e-RS's reference data served by A004, whose URLs sit under the server's own base. */
export type LocalCodeSystem =
  | 'SPECIALTY'
  | 'CLINIC-TYPE'
  | 'PRIORITY'
  | 'APPOINTMENT-CANCELLATION-REASON'
  | 'REFERRAL-CANCELLATION-REASON'
  | 'APPOINTMENT-NON-ATTENDANCE-REASON';

export function localCodeSystem(fhirBase: string, name: LocalCodeSystem): string {
  return `${fhirBase}/STU3/CodeSystem/${name}`;
}

export function reasonSystemUrl(fhirBase: string, system: ReasonSystem): string {
  switch (system) {
    case 'REVIEW_OUTCOME':
      return CODE.reviewOutcome;
    case 'REVIEW_REASON':
      return CODE.reviewReason;
    case 'ASSESSMENT_OUTCOME':
      return CODE.assessmentOutcome;
    case 'APPOINTMENT_CANCELLATION_REASON':
      return localCodeSystem(fhirBase, 'APPOINTMENT-CANCELLATION-REASON');
    case 'REFERRAL_CANCELLATION_REASON':
      return localCodeSystem(fhirBase, 'REFERRAL-CANCELLATION-REASON');
    case 'APPOINTMENT_NON_ATTENDANCE_REASON':
      return localCodeSystem(fhirBase, 'APPOINTMENT-NON-ATTENDANCE-REASON');
  }
}

export function coding(system: string, code: string, display?: string): Json {
  return display === undefined ? { system, code } : { system, code, display };
}

export function codeable(system: string, code: string, display?: string): Json {
  return { coding: [coding(system, code, display)] };
}

export function identifier(system: string, value: string): Json {
  return { system, value };
}
