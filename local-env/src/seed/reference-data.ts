/**
 * The local e-RS's reference data: the code systems A004 serves and the codes the seed and
 * the emulator's validation use. e-RS's published codes where the referral workflow needs
 * them (rejection and cancellation reasons, priorities); a synthetic but plausible set of
 * specialties and clinic types. Dates are e-RS's ISO instants.
 */
import { type Priority } from './model';

export interface Concept {
  code: string;
  display: string;
  effectiveFrom: string;
  effectiveTo?: string;
}

const FROM_2004 = '2004-06-01T00:00:00.000Z';

export interface SpecialtyConcept extends Concept {
  /** Words a referral letter in this specialty would use. */
  topic: string;
}

export const SPECIALTIES: readonly SpecialtyConcept[] = [
  { code: 'CARDIOLOGY', display: 'Cardiology', effectiveFrom: FROM_2004, topic: 'cardiac' },
  { code: 'GASTROENTEROLOGY', display: 'Gastroenterology', effectiveFrom: FROM_2004, topic: 'gastrointestinal' },
  { code: 'DERMATOLOGY', display: 'Dermatology', effectiveFrom: FROM_2004, topic: 'skin' },
  { code: 'EAR_NOSE_THROAT', display: 'Ear, Nose and Throat', effectiveFrom: FROM_2004, topic: 'ENT' },
  { code: 'ORTHOPAEDICS', display: 'Orthopaedics', effectiveFrom: FROM_2004, topic: 'musculoskeletal' },
  { code: 'NEUROLOGY', display: 'Neurology', effectiveFrom: FROM_2004, topic: 'neurological' },
  { code: 'RESPIRATORY_MEDICINE', display: 'Respiratory Medicine', effectiveFrom: FROM_2004, topic: 'respiratory' },
  { code: 'UROLOGY', display: 'Urology', effectiveFrom: FROM_2004, topic: 'urological' },
  { code: 'GYNAECOLOGY', display: 'Gynaecology', effectiveFrom: FROM_2004, topic: 'gynaecological' },
  { code: 'RHEUMATOLOGY', display: 'Rheumatology', effectiveFrom: FROM_2004, topic: 'rheumatological' },
  // Retired specialties stay in the code system with an end date, as e-RS keeps them.
  {
    code: 'ADULT_MENTAL_ILLNESS',
    display: 'Adult Mental Illness',
    effectiveFrom: FROM_2004,
    effectiveTo: '2008-05-09T00:00:00.000Z',
    topic: 'mental health',
  },
];

export interface ClinicTypeConcept extends Concept {
  specialty: string;
}

function clinic(code: string, display: string, specialty: string, effectiveTo?: string): ClinicTypeConcept {
  return effectiveTo
    ? { code, display, specialty, effectiveFrom: FROM_2004, effectiveTo }
    : { code, display, specialty, effectiveFrom: FROM_2004 };
}

export const CLINIC_TYPES: readonly ClinicTypeConcept[] = [
  clinic('HEART_FAILURE', 'Heart Failure', 'CARDIOLOGY'),
  clinic('CHEST_PAIN', 'Chest Pain', 'CARDIOLOGY'),
  clinic('ARRHYTHMIA', 'Arrhythmia', 'CARDIOLOGY'),
  clinic('UPPER_GI', 'Upper GI', 'GASTROENTEROLOGY'),
  clinic('LOWER_GI', 'Lower GI', 'GASTROENTEROLOGY'),
  clinic('INFLAMMATORY_BOWEL_DISEASE', 'Inflammatory Bowel Disease', 'GASTROENTEROLOGY'),
  clinic('LIVER', 'Liver', 'GASTROENTEROLOGY'),
  clinic('SKIN_LESION', 'Skin Lesion', 'DERMATOLOGY'),
  clinic('ECZEMA_PSORIASIS', 'Eczema and Psoriasis', 'DERMATOLOGY'),
  clinic('EAR', 'Ear', 'EAR_NOSE_THROAT'),
  clinic('NOSE_SINUS', 'Nose and Sinus', 'EAR_NOSE_THROAT'),
  clinic('THROAT_VOICE', 'Throat and Voice', 'EAR_NOSE_THROAT'),
  clinic('KNEE', 'Knee', 'ORTHOPAEDICS'),
  clinic('HIP', 'Hip', 'ORTHOPAEDICS'),
  clinic('SPINE', 'Spine', 'ORTHOPAEDICS'),
  clinic('HEADACHE', 'Headache', 'NEUROLOGY'),
  clinic('EPILEPSY', 'Epilepsy', 'NEUROLOGY'),
  clinic('ASTHMA', 'Asthma', 'RESPIRATORY_MEDICINE'),
  clinic('CHRONIC_OBSTRUCTIVE_PULMONARY_DISEASE', 'COPD', 'RESPIRATORY_MEDICINE'),
  clinic('PROSTATE', 'Prostate', 'UROLOGY'),
  clinic('HAEMATURIA', 'Haematuria', 'UROLOGY'),
  clinic('MENSTRUAL_DISORDERS', 'Menstrual Disorders', 'GYNAECOLOGY'),
  clinic('POSTMENOPAUSAL_BLEEDING', 'Postmenopausal Bleeding', 'GYNAECOLOGY'),
  clinic('INFLAMMATORY_ARTHRITIS', 'Inflammatory Arthritis', 'RHEUMATOLOGY'),
  clinic('GENERAL_ADULT_MENTAL_ILLNESS', 'General Adult Mental Illness', 'ADULT_MENTAL_ILLNESS', '2008-05-09T00:00:00.000Z'),
];

/** The specialties the generator refers into (the retired one only appears in A004). */
export const ACTIVE_SPECIALTIES = SPECIALTIES.filter((s) => !s.effectiveTo);

const clinicTypesBySpecialty = new Map<string, ClinicTypeConcept[]>();

export function clinicTypesFor(specialty: string): readonly ClinicTypeConcept[] {
  let found = clinicTypesBySpecialty.get(specialty);
  if (!found) {
    found = CLINIC_TYPES.filter((c) => c.specialty === specialty && !c.effectiveTo);
    clinicTypesBySpecialty.set(specialty, found);
  }
  return found;
}

export interface PriorityConcept extends Concept {
  code: Priority;
  /** How e-RS labels it on a referral (the code system's own display differs). */
  referralDisplay: string;
  deferToProviderContactDays: number;
  triageContactDays: number;
}

export const PRIORITIES: readonly PriorityConcept[] = [
  {
    code: 'ROUTINE',
    display: 'Routine',
    referralDisplay: 'Routine',
    effectiveFrom: FROM_2004,
    deferToProviderContactDays: 40,
    triageContactDays: 40,
  },
  {
    code: 'URGENT',
    display: 'urgent',
    referralDisplay: 'Urgent',
    effectiveFrom: FROM_2004,
    deferToProviderContactDays: 10,
    triageContactDays: 5,
  },
  {
    code: 'TWO_WEEK_WAIT',
    display: 'Two Week Wait',
    referralDisplay: '2 Week Wait',
    effectiveFrom: FROM_2004,
    deferToProviderContactDays: 5,
    triageContactDays: 2,
  },
];

export function priorityConcept(code: Priority): PriorityConcept {
  const found = PRIORITIES.find((p) => p.code === code);
  if (!found) throw new Error(`Unknown priority ${code}`);
  return found;
}

export interface AppointmentCancellationReason extends Concept {
  /** eRS-AppointmentBookingCancellationReasonType-1: who cancels; PROVIDER_REJECT ones are A014's. */
  type: 'PROVIDER' | 'PROVIDER_REJECT' | 'PATIENT' | 'UNKNOWN';
  commentIsMandatory: boolean;
  businessFunctions?: string[];
  usage?: 'REJECT' | 'CANCEL';
}

const PROVIDER_ROLES = ['SERVICE_PROVIDER_CLINICIAN_ADMIN', 'SERVICE_PROVIDER_CLINICIAN'];
const REFERRER_ROLES = ['REFERRING_CLINICIAN_ADMIN', 'REFERRING_CLINICIAN'];

function reject(code: string, display: string): AppointmentCancellationReason {
  return {
    code,
    display,
    effectiveFrom: FROM_2004,
    type: 'PROVIDER_REJECT',
    commentIsMandatory: false,
    businessFunctions: PROVIDER_ROLES,
    usage: 'REJECT',
  };
}
function patientCancel(code: string, display: string, commentIsMandatory = false): AppointmentCancellationReason {
  return {
    code,
    display,
    effectiveFrom: FROM_2004,
    type: 'PATIENT',
    commentIsMandatory,
    businessFunctions: REFERRER_ROLES,
    usage: 'CANCEL',
  };
}
function providerCancel(code: string, display: string, commentIsMandatory = false): AppointmentCancellationReason {
  return { code, display, effectiveFrom: FROM_2004, type: 'PROVIDER', commentIsMandatory };
}

export const APPOINTMENT_CANCELLATION_REASONS: readonly AppointmentCancellationReason[] = [
  reject('FURTHER_INFORMATION_REQUIRED', 'Further information required'),
  reject('OTHER', 'Other reason'),
  reject('OUTPATIENT_APPT_NOT_REQUIRED', 'Outpatient appointment not required'),
  reject('SERVICE_INAPPROPRIATE', 'Inappropriate service'),
  reject('SERVICE_PREREQUISITES_NOT_COMPLETE', 'Pre-requisites for service not complete'),
  patientCancel('PATIENT_HOLIDAY', 'Patient on holiday'),
  patientCancel('PATIENT_ILL', 'Patient is sick'),
  patientCancel('PATIENT_OTHER_ENGAGEMENT', 'Patient - Other more pressing engagement', true),
  patientCancel('PATIENT_APPOINTMENT_CANCELLATION_OTHER', 'Other', true),
  providerCancel('CLINIC_CANCELLED', 'Clinic cancelled'),
  providerCancel('CLINIC_OVERRUN', 'Clinic overrun'),
  providerCancel('SLOT_CANCELLED', 'Slot cancelled'),
  providerCancel('PRIORITY_CHANGE', 'Priority change for other reasons', true),
  providerCancel('PROVIDER_CANCELLATION', 'Other - Provider cancellation', true),
  { ...providerCancel('ADDITIONAL_REQ_NOT_AVAILABLE', 'Additional requirement not available'), effectiveTo: '2007-06-25T00:00:00.000Z' },
  {
    code: 'APPT_MADE_FOR_WRONG_PATIENT',
    display: 'Appt. made for wrong patient',
    effectiveFrom: '2004-06-13T00:00:00.000Z',
    effectiveTo: '2014-10-01T00:00:00.000Z',
    type: 'UNKNOWN',
    commentIsMandatory: false,
  },
];

export interface ReferralCancellationReason extends Concept {
  type: 'PATIENT' | 'PROVIDER' | 'PROVIDER_TRIAGE' | 'UNKNOWN';
  commentIsMandatory: boolean;
  canCancelAppointment: boolean;
  businessFunctions?: string[];
}

const PROVIDER_CANCELLERS = ['SERVICE_PROVIDER_CLINICIAN', 'SERVICE_PROVIDER_CLINICIAN_ADMIN', 'PROVIDER_AUTHORISED_APPLICATION'];
const ANY_CANCELLER = ['REFERRING_CLINICIAN_ADMIN', 'REFERRING_CLINICIAN', ...PROVIDER_CANCELLERS];

export const REFERRAL_CANCELLATION_REASONS: readonly ReferralCancellationReason[] = [
  {
    code: 'INTEND_PRIVATE',
    display: 'Patient will go to a private clinic',
    effectiveFrom: FROM_2004,
    type: 'PATIENT',
    commentIsMandatory: false,
    canCancelAppointment: true,
    businessFunctions: ANY_CANCELLER,
  },
  {
    code: 'PATIENT_DIED',
    display: 'Patient died',
    effectiveFrom: FROM_2004,
    type: 'PATIENT',
    commentIsMandatory: false,
    canCancelAppointment: true,
    businessFunctions: ANY_CANCELLER,
  },
  {
    code: 'TREATMENT_NO_LONGER_REQUIRED',
    display: 'Referral no longer needed',
    effectiveFrom: FROM_2004,
    type: 'PATIENT',
    commentIsMandatory: false,
    canCancelAppointment: true,
    businessFunctions: ANY_CANCELLER,
  },
  {
    code: 'NO_LONGER_REQUIRED',
    display: 'Referral is no longer required',
    effectiveFrom: '2019-07-23T17:09:56.000Z',
    type: 'PROVIDER_TRIAGE',
    commentIsMandatory: true,
    canCancelAppointment: false,
    businessFunctions: PROVIDER_CANCELLERS,
  },
  {
    code: 'STRAIGHT_TO_TEST',
    display: 'Sent straight to test / procedure',
    effectiveFrom: '2019-07-23T17:09:56.000Z',
    type: 'PROVIDER_TRIAGE',
    commentIsMandatory: true,
    canCancelAppointment: false,
    businessFunctions: PROVIDER_CANCELLERS,
  },
  {
    code: 'TRIAGE_ENDED',
    display: 'Triage Ended',
    effectiveFrom: '2019-07-23T17:09:56.000Z',
    type: 'PROVIDER_TRIAGE',
    commentIsMandatory: false,
    canCancelAppointment: false,
    businessFunctions: PROVIDER_CANCELLERS,
  },
  {
    code: 'BOOKED_OUTSIDE_CAB',
    display: 'Patient booked outside NHS e-Referral Service',
    effectiveFrom: '2007-09-14T00:00:00.000Z',
    type: 'PROVIDER',
    commentIsMandatory: false,
    canCancelAppointment: true,
    businessFunctions: PROVIDER_CANCELLERS,
  },
  {
    code: 'RAISED_IN_ERROR',
    display: 'Referral created by mistake',
    effectiveFrom: '2007-09-14T00:00:00.000Z',
    type: 'UNKNOWN',
    commentIsMandatory: false,
    canCancelAppointment: true,
    businessFunctions: ['REFERRING_CLINICIAN_ADMIN', 'REFERRING_CLINICIAN'],
  },
  {
    code: 'PROVIDER_CANCELLATION',
    display: 'Other - Provider Cancellation',
    effectiveFrom: FROM_2004,
    type: 'UNKNOWN',
    commentIsMandatory: false,
    canCancelAppointment: true,
  },
];

export const NON_ATTENDANCE_REASONS: readonly Concept[] = [
  { code: 'CANCELLED_TOO_LATE', display: 'Cancelled too late', effectiveFrom: FROM_2004 },
  { code: 'ARRIVED_TOO_LATE', display: 'Patient arrived too late to be seen', effectiveFrom: FROM_2004 },
  { code: 'PATIENT_FORGOT', display: 'Patient forgot about appointment', effectiveFrom: FROM_2004 },
  { code: 'PATIENT_ILL', display: 'Patient ill', effectiveFrom: FROM_2004 },
  { code: 'UNKNOWN', display: 'Reason not known', effectiveFrom: FROM_2004 },
  {
    code: 'OTHER_MIGRATION_FROM_CAB',
    display: 'Other (Migration from CAB)',
    effectiveFrom: FROM_2004,
    effectiveTo: '2012-01-31T00:00:00.000Z',
  },
];

export const REVIEW_OUTCOME_DISPLAY: Record<string, string> = {
  ACCEPT_REFER_BOOK_LATER: 'Accept Refer Book Later',
  RETURN_TO_REFERRER_WITH_ADVICE: 'Return to Referrer With Advice',
  PROVIDER_CONVERTED_ADVICE_AND_GUIDANCE_ADMIN_TO_REFER: 'Provider Converted Advice and Guidance, Admin to Refer',
  CANCEL_APPOINTMENT_ACTION_LATER: 'Cancel Appointment Action Later',
};

export const REFERRAL_STATE_DISPLAY: Record<string, string> = {
  REJECTED: 'Rejected',
  CANCELLED_REFERRAL: 'Cancelled Referral',
  DID_NOT_ATTEND: 'Did Not Attend',
  ASSESSMENT_RESULT: 'Assessment Result',
  TRIAGE_RESPONSE: 'Triage Response',
  APPT_CANCELLED_BY_PROVIDER: 'Appointment Cancelled By Provider',
  APPT_CANCELLED_BY_PATIENT: 'Appointment Cancelled By Patient',
  AWAITING_TRIAGE: 'Awaiting Triage',
  NOT_BOOKED: 'Not Booked',
  DEFERRED_TO_PROVIDER: 'Deferred To Provider',
  BOOKED: 'Booked',
  TRIAGED_PROVIDER_TO_ACTION: 'Triaged - Provider To Action',
};

export const ADDITIONAL_REQUIREMENTS: Record<string, string> = {
  ADVOCACY: 'Advocacy',
  INTERPRETER: 'Interpreter',
  TRANSPORT: 'Transport',
};

/** Is the concept in force at this instant (effectiveFrom in the past, effectiveTo not)? */
export function isEffective(concept: Concept, at: Date): boolean {
  if (Date.parse(concept.effectiveFrom) > at.getTime()) return false;
  return concept.effectiveTo === undefined || Date.parse(concept.effectiveTo) > at.getTime();
}

export function specialtyDisplay(code: string): string {
  return SPECIALTIES.find((s) => s.code === code)?.display ?? code;
}

export function clinicTypeDisplay(code: string): string {
  return CLINIC_TYPES.find((c) => c.code === code)?.display ?? code;
}

/** Display for a state or appointment reason, from whichever code system it belongs to. */
export function reasonDisplay(system: string, code: string): string | undefined {
  switch (system) {
    case 'REVIEW_OUTCOME':
      return REVIEW_OUTCOME_DISPLAY[code];
    case 'APPOINTMENT_CANCELLATION_REASON':
      return APPOINTMENT_CANCELLATION_REASONS.find((r) => r.code === code)?.display;
    case 'REFERRAL_CANCELLATION_REASON':
      return REFERRAL_CANCELLATION_REASONS.find((r) => r.code === code)?.display;
    case 'APPOINTMENT_NON_ATTENDANCE_REASON':
      return NON_ATTENDANCE_REASONS.find((r) => r.code === code)?.display;
    default:
      return undefined;
  }
}
