/**
 * e-RS reference data as CodeSystem resources (A004), built from the local reference data
 * in the shape e-RS uses: concept properties for effective dates and each code system's
 * own attributes (contact days, cancellation reason types, business functions, usages).
 */
import {
  APPOINTMENT_CANCELLATION_REASONS,
  CLINIC_TYPES,
  NON_ATTENDANCE_REASONS,
  PRIORITIES,
  REFERRAL_CANCELLATION_REASONS,
  SPECIALTIES,
  type Concept,
} from '../../seed/reference-data';
import { CODE, coding, EXT, localCodeSystem, PROFILE, type Json, type LocalCodeSystem } from './vocabulary';

export const CODE_SYSTEM_NAMES: readonly LocalCodeSystem[] = [
  'SPECIALTY',
  'APPOINTMENT-CANCELLATION-REASON',
  'CLINIC-TYPE',
  'REFERRAL-CANCELLATION-REASON',
  'APPOINTMENT-NON-ATTENDANCE-REASON',
  'PRIORITY',
];

const TITLES: Record<LocalCodeSystem, string> = {
  SPECIALTY: 'e-RS Specialty',
  'APPOINTMENT-CANCELLATION-REASON': 'e-RS Appointment Cancellation Reason',
  'CLINIC-TYPE': 'e-RS Clinic Type',
  'REFERRAL-CANCELLATION-REASON': 'e-RS ReferralRequest Cancellation Reason',
  'APPOINTMENT-NON-ATTENDANCE-REASON': 'e-RS Appointment Non-attendance Reason',
  PRIORITY: 'e-RS Priority',
};

type PropertyType = 'dateTime' | 'integer' | 'Coding' | 'boolean';

function propertyDefinitions(extra: readonly (readonly [string, PropertyType])[]): Json[] {
  return [['effectiveFrom', 'dateTime'] as const, ['effectiveTo', 'dateTime'] as const, ...extra].map(([code, type]) => ({
    code,
    uri: `${CODE.conceptProperties}#${code}`,
    type,
  }));
}

function dateProperties(concept: Concept): Json[] {
  const properties: Json[] = [{ code: 'effectiveFrom', valueDateTime: concept.effectiveFrom }];
  if (concept.effectiveTo) properties.push({ code: 'effectiveTo', valueDateTime: concept.effectiveTo });
  return properties;
}

function concepts(name: LocalCodeSystem, fhirBase: string): Json[] {
  switch (name) {
    case 'SPECIALTY':
      return SPECIALTIES.map((s) => {
        const extension: Json[] = [{ url: EXT.effectiveFrom, valueDate: s.effectiveFrom.slice(0, 10) }];
        if (s.effectiveTo) extension.push({ url: EXT.effectiveTo, valueDate: s.effectiveTo.slice(0, 10) });
        return { extension, code: s.code, display: s.display, property: dateProperties(s) };
      });
    case 'CLINIC-TYPE':
      return CLINIC_TYPES.map((c) => ({
        code: c.code,
        display: c.display,
        property: [...dateProperties(c), { code: 'specialty', valueCoding: coding(localCodeSystem(fhirBase, 'SPECIALTY'), c.specialty) }],
      }));
    case 'PRIORITY':
      return PRIORITIES.map((p) => ({
        code: p.code,
        display: p.display,
        property: [
          ...dateProperties(p),
          { code: 'deferToProviderContactDays', valueInteger: p.deferToProviderContactDays },
          { code: 'triageContactDays', valueInteger: p.triageContactDays },
        ],
      }));
    case 'APPOINTMENT-CANCELLATION-REASON':
      return APPOINTMENT_CANCELLATION_REASONS.map((r) => {
        const property: Json[] = [
          ...dateProperties(r),
          { code: 'appointmentBookingCancellationReasonType', valueCoding: coding(CODE.appointmentBookingCancellationReasonType, r.type) },
          { code: 'willCancelWholeRequest', valueBoolean: false },
          { code: 'commentIsMandatory', valueBoolean: r.commentIsMandatory },
        ];
        for (const f of r.businessFunctions ?? [])
          property.push({ code: 'businessFunction', valueCoding: coding(CODE.businessFunction, f) });
        if (r.usage) property.push({ code: 'usage', valueCoding: coding(CODE.appointmentCancellationReasonUsage, r.usage) });
        return { code: r.code, display: r.display, property };
      });
    case 'REFERRAL-CANCELLATION-REASON':
      return REFERRAL_CANCELLATION_REASONS.map((r) => {
        const property: Json[] = [
          ...dateProperties(r),
          { code: 'appointmentRequestCancellationReasonType', valueCoding: coding(CODE.appointmentRequestCancellationReasonType, r.type) },
          { code: 'commentIsMandatory', valueBoolean: r.commentIsMandatory },
          { code: 'canCancelAppointment', valueBoolean: r.canCancelAppointment },
        ];
        for (const f of r.businessFunctions ?? [])
          property.push({ code: 'businessFunction', valueCoding: coding(CODE.businessFunction, f) });
        if (r.businessFunctions)
          property.push({ code: 'referrerUsage', valueCoding: coding(CODE.referralCancellationReasonUsage, 'CANCEL_REFERRAL') });
        return { code: r.code, display: r.display, property };
      });
    case 'APPOINTMENT-NON-ATTENDANCE-REASON':
      return NON_ATTENDANCE_REASONS.map((r) => ({ code: r.code, display: r.display, property: dateProperties(r) }));
  }
}

const EXTRA_PROPERTIES: Record<LocalCodeSystem, readonly (readonly [string, PropertyType])[]> = {
  SPECIALTY: [],
  'CLINIC-TYPE': [['specialty', 'Coding']],
  PRIORITY: [
    ['deferToProviderContactDays', 'integer'],
    ['triageContactDays', 'integer'],
  ],
  'APPOINTMENT-CANCELLATION-REASON': [
    ['appointmentBookingCancellationReasonType', 'Coding'],
    ['willCancelWholeRequest', 'boolean'],
    ['commentIsMandatory', 'boolean'],
    ['businessFunction', 'Coding'],
    ['usage', 'Coding'],
  ],
  'REFERRAL-CANCELLATION-REASON': [
    ['appointmentRequestCancellationReasonType', 'Coding'],
    ['commentIsMandatory', 'boolean'],
    ['canCancelAppointment', 'boolean'],
    ['businessFunction', 'Coding'],
    ['referrerUsage', 'Coding'],
  ],
  'APPOINTMENT-NON-ATTENDANCE-REASON': [],
};

export function codeSystemResource(name: LocalCodeSystem, fhirBase: string, date: string): Json {
  return {
    id: name,
    meta: { profile: [name === 'SPECIALTY' ? PROFILE.specialtyCodeSystem : PROFILE.shareableCodeSystem] },
    resourceType: 'CodeSystem',
    url: localCodeSystem(fhirBase, name),
    version: '1',
    name: TITLES[name],
    status: 'active',
    experimental: false,
    date,
    publisher: 'e-Referral Service',
    description: TITLES[name],
    copyright: 'Copyright (c) 2016 HL7 UK',
    caseSensitive: true,
    content: 'complete',
    property: propertyDefinitions(EXTRA_PROPERTIES[name]),
    concept: concepts(name, fhirBase),
  };
}
