/**
 * A005 ReferralRequest (also the answer of A013, A014, A027, A028) to the referral view.
 * The answer must be the referral that was asked for: a different UBRN is an error, never
 * a screen showing it.
 */
import * as v from 'valibot';
import { malformedError, type ErsErrorContext } from './ers-error';
import { codeOf, extensionOf, extensionsOf, firstCoding, identifierIn, referencedId, ResourceIndex } from './fhir-access';
import { EXT, ID } from './fhir-names';
import { Appointment, Coding, DocumentReference, Reference, ReferralRequest } from './fhir-types';
import { daysSince, formatNhsNumber, humaniseCode, isNhsNumber, ukDate } from './format';
import { mapAppointment } from './map-appointment';
import { mapDocumentReference } from './map-attachments';
import { isPriority } from './map-worklist';
import { parseResource } from './parse-fhir';
import { UBRN_PATTERN, type AttachmentView, type CodeView, type PersonRef, type ReferralView, type ServiceRef } from '../../contract';

export interface ReferralMapOptions {
  now: Date;
  /** The UBRN asked for; the answer must be that referral. */
  expectedUbrn?: string;
  specialtyName?: (code: string) => string | undefined;
}

const Shortlist = v.looseObject({
  resourceType: v.literal('List'),
  entry: v.optional(v.array(v.looseObject({ item: Reference }))),
});

const SearchCriteria = v.looseObject({
  resourceType: v.literal('Parameters'),
  parameter: v.optional(v.array(v.looseObject({ name: v.string(), valueCoding: v.optional(Coding) }))),
});

export function codeView(
  coding: { code?: string | undefined; display?: string | undefined } | undefined,
  name?: (code: string) => string | undefined,
): CodeView | null {
  if (!coding?.code) return null;
  return { code: coding.code, display: name?.(coding.code) ?? coding.display ?? humaniseCode(coding.code) };
}

export function shortlistOf(index: ResourceIndex, reference: string | undefined): ServiceRef[] {
  const list = index.find(reference, 'List', Shortlist, 'the shortlist');
  return (list?.entry ?? []).flatMap(({ item }) => {
    const id = identifierIn(item.identifier, ID.service);
    const name = item.display ?? id;
    return name ? [{ id, name }] : [];
  });
}

export function mapReferral(body: unknown, options: ReferralMapOptions, context: ErsErrorContext): ReferralView {
  const referral = parseResource(ReferralRequest, 'ReferralRequest', body, context);
  if (!UBRN_PATTERN.test(referral.id)) throw malformedError(context, 'the referral has no valid UBRN');
  if (options.expectedUbrn !== undefined && referral.id !== options.expectedUbrn) {
    throw malformedError(context, 'the referral is not the one asked for');
  }
  const subject = referral.subject.identifier;
  if ((subject.system !== undefined && !(ID.nhsNumber as readonly string[]).includes(subject.system)) || !isNhsNumber(subject.value)) {
    throw malformedError(context, 'no valid NHS number for the patient');
  }
  const priority = codeOf(extensionOf(referral.extension, EXT.referralPriority)?.valueCodeableConcept);
  if (!isPriority(priority)) throw malformedError(context, 'the priority is missing or unknown');

  const index = new ResourceIndex(context).addContained(referral.contained, 'the referral');
  const state = codeView(extensionOf(referral.extension, EXT.referralState)?.extension?.find((item) => item.url === 'state')?.valueCoding);

  let specialty = codeView(firstCoding(referral.specialty), options.specialtyName);
  if (!specialty) {
    // Unbooked referrals carry the specialty only in their search criteria.
    const criteria = index
      .containedOfType('Parameters')
      .map((resource) => v.safeParse(SearchCriteria, resource))
      .find((result) => result.success);
    const coding = criteria?.success ? criteria.output.parameter?.find((p) => p.name === 'specialty')?.valueCoding : undefined;
    specialty = codeView(coding, options.specialtyName);
  }

  const shortlist = shortlistOf(index, extensionOf(referral.extension, EXT.referralShortlist)?.valueReference?.reference);
  const appointmentRef = extensionOf(referral.extension, EXT.appointment)?.valueReference?.reference;
  const appointmentId =
    referencedId(extensionOf(referral.extension, EXT.appointmentReference)?.valueReference?.reference, 'Appointment')?.id ?? null;
  const appointmentResource = index.find(appointmentRef, 'Appointment', Appointment, 'the appointment');
  const appointment = appointmentResource ? mapAppointment(appointmentResource, appointmentId) : null;

  const attachments: AttachmentView[] = [];
  const relatedReferrals: string[] = [];
  let adviceRequestUbrn: string | null = null;
  const seen = new Set<string>();
  for (const info of referral.supportingInfo ?? []) {
    const reference = info.reference ?? '';
    if (reference.startsWith('#')) {
      const doc = index.find(reference, 'DocumentReference', DocumentReference, 'an attachment');
      if (doc) {
        seen.add(reference.slice(1));
        attachments.push(...mapDocumentReference(doc));
      }
      continue;
    }
    const related = referencedId(reference, 'ReferralRequest');
    if (related && related.id !== referral.id) relatedReferrals.push(related.id);
    const advice = referencedId(reference, 'CommunicationRequest');
    if (advice) adviceRequestUbrn = advice.id;
  }
  for (const resource of index.containedOfType('DocumentReference')) {
    if (resource.id && !seen.has(resource.id)) {
      const doc = index.find(`#${resource.id}`, 'DocumentReference', DocumentReference, 'an attachment');
      if (doc) attachments.push(...mapDocumentReference(doc));
    }
  }

  const pathwayStart = extensionOf(referral.extension, EXT.pathwayStart);
  const pathwayStartValue = pathwayStart?.valueInstant ?? pathwayStart?.valueDateTime ?? pathwayStart?.valueDate ?? null;
  const firstSubmitted = extensionOf(referral.extension, EXT.clinicalInfoFirstSubmitted)?.valueDateTime ?? null;
  const lastUpdated = extensionOf(referral.extension, EXT.clinicalInfoLastUpdated)?.valueDateTime ?? null;
  const referralDate = ukDate(pathwayStartValue) ?? ukDate(firstSubmitted) ?? ukDate(referral.authoredOn);

  const agent = referral.requester?.agent;
  const onBehalfOf = referral.requester?.onBehalfOf;
  const referrer: PersonRef | null =
    agent || onBehalfOf
      ? {
          userId: identifierIn(agent?.identifier, ID.sdsUser),
          name: agent?.display ?? null,
          organisationOds: identifierIn(onBehalfOf?.identifier, ID.ods),
          businessFunction: null,
        }
      : null;

  return {
    ubrn: referral.id,
    version: referral.meta.versionId,
    nhsNumber: formatNhsNumber(subject.value),
    patientName: null,
    status: referral.status,
    state,
    priority,
    specialty,
    service: appointment?.service ?? shortlist[0] ?? null,
    shortlist,
    referrer,
    commissioningOrganisationOds: extensionOf(referral.extension, EXT.commissioningRuleOrg)?.valueIdentifier?.value ?? null,
    pathwayStart: pathwayStartValue,
    clinicalInfoFirstSubmitted: firstSubmitted,
    clinicalInfoLastUpdated: lastUpdated,
    referralDate,
    daysWaiting: referralDate === null ? null : daysSince(referralDate, options.now),
    relatedReferrals,
    appointment,
    additionalRequirements: extensionsOf(referral.extension, EXT.additionalRequirement).flatMap((extension) => {
      const coding = extension.valueCoding;
      return coding?.code ? [coding.display ?? humaniseCode(coding.code)] : [];
    }),
    attachments,
    allowedActions: null,
    adviceRequestUbrn,
  };
}
