/**
 * Advice and guidance: the request (A024), its conversation (A025) and the answer to a
 * reply (A026). As with referrals, the answer must be about the request asked for.
 */
import { malformedError, type ErsErrorContext } from './ers-error';
import { codeOf, extensionOf, firstCoding, identifierIn, referencedId, ResourceIndex, wrappedReference } from './fhir-access';
import { EXT, ID } from './fhir-names';
import {
  Bundle,
  Communication,
  CommunicationRequest,
  DocumentReference,
  ParametersResponse,
  PractitionerRole,
  type AnyResource,
} from './fhir-types';
import { formatNhsNumber, isNhsNumber } from './format';
import { mapDocumentReference } from './map-attachments';
import { codeView, shortlistOf } from './map-referral';
import { isPriority } from './map-worklist';
import { parseResource, parseShape } from './parse-fhir';
import {
  UBRN_PATTERN,
  type AdviceRequestView,
  type AttachmentView,
  type ConversationMessageView,
  type ConversationView,
  type PersonRef,
} from '../../contract';
import type { AdviceReplyResult } from './view-models';

export interface AdviceMapOptions {
  expectedUbrn?: string;
  specialtyName?: (code: string) => string | undefined;
}

function personFromRole(index: ResourceIndex, reference: string | undefined, where: string): PersonRef | null {
  const role = index.find(reference, 'PractitionerRole', PractitionerRole, where);
  if (!role) return null;
  return {
    userId: identifierIn(role.practitioner?.identifier, ID.sdsUser),
    name: role.practitioner?.display ?? null,
    organisationOds: identifierIn(role.organization?.identifier, ID.ods),
    businessFunction: role.code?.map((concept) => codeOf(concept)).find((code) => code !== null) ?? null,
  };
}

function attachmentsFrom(
  index: ResourceIndex,
  payload: readonly { contentReference?: { reference?: string | undefined } | undefined }[] | undefined,
): AttachmentView[] {
  return (payload ?? []).flatMap((item) => {
    const doc = index.find(item.contentReference?.reference, 'DocumentReference', DocumentReference, 'an attachment');
    return doc ? mapDocumentReference(doc) : [];
  });
}

function mapRequestResource(body: unknown, options: AdviceMapOptions, context: ErsErrorContext): AdviceRequestView {
  const request = parseResource(CommunicationRequest, 'CommunicationRequest', body, context);
  if (!UBRN_PATTERN.test(request.id)) throw malformedError(context, 'the request has no valid UBRN');
  if (options.expectedUbrn !== undefined && request.id !== options.expectedUbrn) {
    throw malformedError(context, 'the advice request is not the one asked for');
  }
  const subject = request.subject.identifier;
  if ((subject.system !== undefined && !(ID.nhsNumber as readonly string[]).includes(subject.system)) || !isNhsNumber(subject.value)) {
    throw malformedError(context, 'no valid NHS number for the patient');
  }
  const priority = codeOf(extensionOf(request.extension, EXT.referralPriority)?.valueCodeableConcept);
  if (!isPriority(priority)) throw malformedError(context, 'the priority is missing or unknown');

  const index = new ResourceIndex(context).addContained(request.contained, 'the advice request');
  const shortlist = shortlistOf(index, extensionOf(request.extension, EXT.referralShortlist)?.valueReference?.reference);
  const recipientService = request.recipient
    ?.map((recipient) =>
      identifierIn(extensionOf(recipient.extension, EXT.healthcareServiceReference)?.valueReference?.identifier, ID.service),
    )
    .find((id) => id !== null);
  const requesterRef =
    wrappedReference(request.requester?.agent, EXT.practitionerRoleReference) ??
    wrappedReference(request.sender, EXT.practitionerRoleReference);

  return {
    ubrn: request.id,
    version: request.meta.versionId,
    nhsNumber: formatNhsNumber(subject.value),
    priority,
    specialty: codeView(extensionOf(request.extension, EXT.specialty)?.valueCoding, options.specialtyName),
    service: shortlist[0] ?? (recipientService ? { id: recipientService, name: recipientService } : null),
    status: codeView(request.category?.map((concept) => firstCoding(concept)).find((coding) => coding?.code)),
    requestStatus: request.status,
    requester: personFromRole(index, requesterRef, 'the requester'),
    conversionAuthorised:
      extensionOf(request.extension, EXT.providerConversionAuthorisation)?.valueCoding?.code === 'AUTHORISED_TO_CONVERT',
    attachments: attachmentsFrom(index, request.payload),
  };
}

export function mapAdviceRequest(body: unknown, options: AdviceMapOptions, context: ErsErrorContext): AdviceRequestView {
  return mapRequestResource(body, options, context);
}

function mapMessage(
  resource: AnyResource,
  index: ResourceIndex,
  expectedUbrn: string | undefined,
  context: ErsErrorContext,
): ConversationMessageView {
  const message = parseShape(Communication, resource, context, 'a message');
  for (const basis of message.basedOn ?? []) {
    const target = referencedId(basis.reference, 'CommunicationRequest');
    if (expectedUbrn !== undefined && target && target.id !== expectedUbrn) {
      throw malformedError(context, 'a message belongs to another advice request');
    }
  }
  const own = index.forResource(message.contained, 'a message');
  const senderRef =
    wrappedReference(message.sender, EXT.practitionerRoleReference) ??
    extensionOf(message.extension, EXT.communicationRequester)?.valueReference?.reference;
  const notes = (message.note ?? []).map((note) => note.text ?? '').filter((text) => text.length > 0);
  const strings = (message.payload ?? []).map((item) => item.contentString ?? '').filter((text) => text.length > 0);
  return {
    id: message.id,
    sentAt: message.sent ?? null,
    sentBy: message.category?.map((concept) => codeOf(concept)).find((code) => code !== null) ?? null,
    author: personFromRole(own, senderRef, 'a message author'),
    text: [...notes, ...strings].join('\n\n'),
    attachments: attachmentsFrom(own, message.payload),
  };
}

export interface ConversationMapOptions {
  ubrn: string;
  version: string;
}

export function mapConversation(body: unknown, options: ConversationMapOptions, context: ErsErrorContext): ConversationView {
  const bundle = parseResource(Bundle, 'Bundle', body, context);
  const index = new ResourceIndex(context);
  for (const entry of bundle.entry ?? []) index.addBundled(entry.resource, 'the conversation');
  const messages = (bundle.entry ?? [])
    .filter((entry) => entry.resource.resourceType === 'Communication' && entry.search?.mode !== 'include')
    .map((entry) => mapMessage(entry.resource, index, options.ubrn, context));
  // e-RS does not promise order; a thread reads oldest first. Unknown times go last.
  const time = (message: ConversationMessageView) => (message.sentAt ? Date.parse(message.sentAt) : Number.POSITIVE_INFINITY);
  messages.sort((a, b) => {
    const ta = time(a);
    const tb = time(b);
    if (ta === tb) return 0;
    if (Number.isNaN(ta)) return 1;
    if (Number.isNaN(tb)) return -1;
    return ta - tb;
  });
  return { ubrn: options.ubrn, version: options.version, messages };
}

/** A026's answer: the updated request and the message the reply created. */
export function mapAdviceReply(body: unknown, options: AdviceMapOptions, context: ErsErrorContext): AdviceReplyResult {
  const parameters = parseResource(ParametersResponse, 'Parameters', body, context);
  const requestParameter = parameters.parameter?.find((p) => p.name === 'updatedCommunicationRequest')?.resource;
  if (!requestParameter) throw malformedError(context, 'the updated request is missing');
  const request = mapRequestResource(requestParameter, options, context);
  const created = parameters.parameter?.find((p) => p.name === 'createdCommunication')?.resource;
  const message =
    created && created.resourceType === 'Communication'
      ? mapMessage(created, new ResourceIndex(context), options.expectedUbrn, context)
      : null;
  return { request, message };
}
