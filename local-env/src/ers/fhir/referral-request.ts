/**
 * A referral as e-RS serves it (eRS-ReferralRequest-1, FHIR STU3): the priority, shortlist
 * and commissioning extensions, the referral state with its reason and comments, and the
 * search criteria, shortlist, appointment and attachments as contained resources.
 */
import { findService } from '../../seed/catalogue';
import { type Appointment, type Attachment, type BinaryRecord, type Referral, type SearchCriteria } from '../../seed/model';
import {
  ADDITIONAL_REQUIREMENTS,
  priorityConcept,
  reasonDisplay,
  REFERRAL_STATE_DISPLAY,
  specialtyDisplay,
} from '../../seed/reference-data';
import { CODE, codeable, coding, EXT, ID, identifier, localCodeSystem, PROFILE, reasonSystemUrl, type Json } from './vocabulary';

export interface FhirContext {
  /** What the NHS examples write as `_baseUrl_`: `<origin>/referrals/FHIR`. */
  fhirBase: string;
  binary(id: string): BinaryRecord | undefined;
  size(binaryId: string): number;
}

const ATTACHMENT_TYPE_DISPLAY: Record<string, string> = {
  REFERRER: 'Referrer',
  PROVIDER: 'Provider',
  ADVICE_REQUEST: 'Advice Request',
  GUIDANCE_RESPONSE: 'Guidance Response',
};

export function priorityExtension(priority: Referral['priority']): Json {
  return { url: EXT.priority, valueCodeableConcept: codeable(CODE.priority, priority, priorityConcept(priority).referralDisplay) };
}

export function searchCriteriaResource(
  ctx: FhirContext,
  item: { priority: string; specialty: string; clinicType: string; searchCriteria: SearchCriteria },
): Json {
  const parameter: Json[] = [
    { name: 'priority', valueCoding: coding(CODE.priority, item.priority) },
    { name: 'specialty', valueCoding: coding(localCodeSystem(ctx.fhirBase, 'SPECIALTY'), item.specialty) },
    { name: 'clinicType', valueCoding: coding(CODE.clinicType, item.clinicType) },
  ];
  const c = item.searchCriteria;
  if (c.postcode !== undefined) parameter.push({ name: 'postcode', valueString: c.postcode });
  if (c.distanceLimit !== undefined) parameter.push({ name: 'distanceLimit', valueUnsignedInt: c.distanceLimit });
  parameter.push({ name: 'ageAndGenderAppropriate', valueBoolean: c.ageAndGenderAppropriate });
  if (c.commissioningProvisioning !== undefined)
    parameter.push({ name: 'commissioningProvisioning', valueCoding: coding(CODE.commissioningProvisioning, c.commissioningProvisioning) });
  return { id: 'serviceSearchCriteria', meta: { profile: [PROFILE.searchCriteria] }, resourceType: 'Parameters', parameter };
}

export function shortlistResource(serviceIds: readonly string[]): Json {
  return {
    id: 'shortlist',
    meta: { profile: [PROFILE.shortlist] },
    resourceType: 'List',
    extension: [{ url: EXT.shortlistSearchCriteria, valueReference: { reference: '#serviceSearchCriteria' } }],
    status: 'current',
    mode: 'snapshot',
    entry: serviceIds.map((id) => ({
      item: { identifier: identifier(ID.service, id), display: findService(id)?.name ?? `Service ${id}` },
    })),
  };
}

/** A DocumentReference; `contained` gives it the `DocumentReference-<id>` id e-RS uses inside a resource. */
export function documentReference(ctx: FhirContext, attachment: Attachment, contained: boolean): Json {
  const availability = ctx.binary(attachment.binaryId)?.availability ?? 'PENDING';
  const extension: Json[] = [
    { url: EXT.availability, valueCoding: coding(CODE.availability, availability) },
    { url: EXT.attachedBy, valueReference: { identifier: identifier(ID.sdsUser, attachment.attachedBy) } },
    { url: EXT.attachedByOrganisation, valueReference: { identifier: identifier(ID.ods, attachment.attachedByOrg) } },
  ];
  if (attachment.attachedOnBehalfOf)
    extension.push({ url: EXT.attachedOnBehalfOf, valueReference: { identifier: identifier(ID.sdsUser, attachment.attachedOnBehalfOf) } });
  const resource: Json = {
    id: contained ? `DocumentReference-${attachment.id}` : attachment.id,
    meta: { profile: [PROFILE.documentReference] },
    resourceType: 'DocumentReference',
    type: codeable(CODE.attachmentType, attachment.type, ATTACHMENT_TYPE_DISPLAY[attachment.type]),
    status: 'current',
    indexed: attachment.indexed,
  };
  if (attachment.description !== undefined) resource.description = attachment.description;
  resource.content = [
    {
      attachment: {
        id: attachment.id,
        extension,
        contentType: attachment.contentType,
        url: `Binary/${attachment.binaryId}`,
        size: ctx.size(attachment.binaryId),
        title: attachment.title,
        creation: attachment.indexed.slice(0, 10),
      },
    },
  ];
  return resource;
}

/** The appointment, contained in its referral (`contained`) or on its own (A038). */
export function appointmentResource(ctx: FhirContext, appointment: Appointment, referral: Referral, contained: boolean): Json {
  const service = findService(appointment.serviceId);
  const resource: Json = {
    id: contained ? 'appointment' : appointment.id,
    meta: { versionId: String(appointment.version), profile: [PROFILE.appointment, PROFILE.careConnectAppointment] },
    language: 'en',
    resourceType: 'Appointment',
    status: appointment.status,
  };
  if (appointment.reason) {
    resource.reason = [
      codeable(
        reasonSystemUrl(ctx.fhirBase, appointment.reason.system),
        appointment.reason.code,
        reasonDisplay(appointment.reason.system, appointment.reason.code),
      ),
    ];
  }
  resource.description = 'e-Referral Appointment';
  if (appointment.start !== undefined) resource.start = appointment.start;
  if (appointment.end !== undefined) resource.end = appointment.end;
  if (appointment.slotId !== undefined) resource.slot = [{ reference: `Slot/${appointment.slotId}` }];
  resource.created = appointment.created;
  if (appointment.comment !== undefined) resource.comment = appointment.comment;
  resource.incomingReferral = [{ reference: `ReferralRequest/${referral.ubrn}/_history/${referral.version}` }];
  const participant: Json[] = [
    {
      actor: { identifier: identifier(ID.service, appointment.serviceId), display: service?.name ?? `Service ${appointment.serviceId}` },
      status: 'accepted',
    },
    { actor: { identifier: identifier(ID.nhsNumber, referral.patientNhsNumber) }, status: 'accepted' },
  ];
  if (appointment.consultantUid) {
    participant.push({
      type: codeable(CODE.encounterParticipantType, 'CON'),
      actor: { identifier: identifier(ID.sdsUser, appointment.consultantUid) },
      status: 'accepted',
    });
  }
  resource.participant = participant;
  return resource;
}

function stateExtension(ctx: FhirContext, referral: Referral): Json {
  const parts: Json[] = [
    { url: 'state', valueCoding: coding(CODE.referralState, referral.status.code, REFERRAL_STATE_DISPLAY[referral.status.code]) },
  ];
  const reason = referral.status.reason;
  if (reason)
    parts.push({
      url: 'reason',
      valueCoding: coding(reasonSystemUrl(ctx.fhirBase, reason.system), reason.code, reasonDisplay(reason.system, reason.code)),
    });
  if (referral.status.comments !== undefined) parts.push({ url: 'comments', valueString: referral.status.comments });
  return { url: EXT.referralState, extension: parts };
}

/**
 * The pathway start (the RTT clock start) a worklist row gives (A008: 1..1). Every referral
 * on a provider's list has one in the seed (it sits with a service), so the row and the
 * referral (A005: 0..1) tell the same date; the fallback only keeps a row well-formed.
 */
export function pathwayStartOf(referral: Referral): string {
  return referral.pathwayStart ?? referral.clinicalInfoFirstSubmitted ?? referral.created;
}

export function referralRequestResource(ctx: FhirContext, referral: Referral): Json {
  const extension: Json[] = [];
  if (referral.appointment) {
    extension.push({ url: EXT.appointment, valueReference: { reference: '#appointment' } });
    extension.push({ url: EXT.appointmentReference, valueReference: { reference: `Appointment/${referral.appointment.id}` } });
  }
  if (referral.clinicalInfoFirstSubmitted)
    extension.push({ url: EXT.clinicalInfoFirstSubmitted, valueDateTime: referral.clinicalInfoFirstSubmitted });
  if (referral.clinicalInfoLastUpdated)
    extension.push({ url: EXT.clinicalInfoLastUpdated, valueDateTime: referral.clinicalInfoLastUpdated });
  // Only where e-RS has one (0..1): NHS's unbooked and converted examples carry none.
  if (referral.pathwayStart) extension.push({ url: EXT.pathwayStart, valueInstant: referral.pathwayStart });
  extension.push(priorityExtension(referral.priority));
  extension.push({ url: EXT.shortlist, valueReference: { reference: '#shortlist' } });
  extension.push({ url: EXT.commissioningRuleOrg, valueIdentifier: identifier(ID.ods, referral.commissioningRuleOrg) });
  extension.push(stateExtension(ctx, referral));
  for (const requirement of referral.additionalRequirements) {
    extension.push({
      url: EXT.additionalRequirement,
      valueCoding: coding(CODE.additionalRequirement, requirement, ADDITIONAL_REQUIREMENTS[requirement]),
    });
  }

  const contained: Json[] = [searchCriteriaResource(ctx, referral), shortlistResource(referral.shortlist)];
  if (referral.appointment) contained.push(appointmentResource(ctx, referral.appointment, referral, true));
  for (const attachment of referral.attachments) contained.push(documentReference(ctx, attachment, true));

  const resource: Json = {
    id: referral.ubrn,
    meta: { versionId: String(referral.version), profile: [PROFILE.referralRequest] },
    resourceType: 'ReferralRequest',
    extension,
    contained,
    status: referral.status.code === 'CANCELLED_REFERRAL' ? 'cancelled' : 'active',
  };
  if (referral.serviceId !== null) {
    const system = referral.legacySpecialtySystem
      ? `${ctx.fhirBase}/STU3/v1/CodeSystem/SPECIALTY`
      : localCodeSystem(ctx.fhirBase, 'SPECIALTY');
    resource.specialty = codeable(system, referral.specialty, specialtyDisplay(referral.specialty));
  }
  resource.subject = { identifier: identifier(ID.nhsNumber, referral.patientNhsNumber) };
  const supportingInfo = [
    ...referral.attachments.map((a) => ({ reference: `#DocumentReference-${a.id}` })),
    ...referral.relatedUbrns.map((ubrn) => ({ reference: `ReferralRequest/${ubrn}` })),
    ...(referral.convertedFromAdvice ? [{ reference: `CommunicationRequest/${referral.convertedFromAdvice}` }] : []),
  ];
  if (supportingInfo.length > 0) resource.supportingInfo = supportingInfo;
  resource.intent = 'plan';
  resource.identifier = [identifier(ID.request, referral.requestId)];
  return resource;
}

export function etag(version: number): string {
  return `W/"${version}"`;
}
