/**
 * DocumentReferences to the attachment list. One broken attachment must not take the
 * referral with it: a file without a usable link is listed as unavailable, with a reason.
 */
import { visibleName, visibleNameOrNull } from '../files/name-characters';
import { extensionOf, identifierIn, referencedId } from './fhir-access';
import { EXT, ID } from './fhir-names';
import type { DocumentReference } from './fhir-types';
import type { AttachmentAvailability, AttachmentView, PersonRef } from '../../contract';

const ATTACHMENT_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
const KNOWN: readonly AttachmentAvailability[] = ['AVAILABLE', 'PENDING', 'THREATS_FOUND', 'VALIDATION_FAILED'];

/** e-RS's guidance for each availability status, as a sentence for the user. */
export function unavailableReason(availability: AttachmentAvailability, uploaderOds: string | null): string | null {
  const uploader = uploaderOds ? `the organisation that uploaded it (ODS ${uploaderOds})` : 'the organisation that uploaded it';
  switch (availability) {
    case 'PENDING':
      return 'e-RS is still scanning this file for viruses. Try again in at least 5 minutes.';
    case 'THREATS_FOUND':
      return `e-RS quarantined this file because a threat was found. Contact ${uploader} for the information you need.`;
    case 'VALIDATION_FAILED':
      return `This file failed e-RS validation (its type, content or size is not supported). Contact ${uploader} for the information you need.`;
    default:
      return null;
  }
}

/** The Binary id in an attachment url such as "Binary/19eb7224-…" or a full e-RS URL ending so. */
export function binaryIdOf(url: string | undefined): string | null {
  const target = referencedId(url, 'Binary');
  return target && ATTACHMENT_ID.test(target.id) ? target.id : null;
}

export function mapDocumentReference(doc: DocumentReference): AttachmentView[] {
  const attachmentType = doc.type?.coding?.find((coding) => coding.code)?.code ?? null;
  return doc.content.map(({ attachment }) => {
    const id = binaryIdOf(attachment.url);
    const statusCode = extensionOf(attachment.extension, EXT.availabilityStatus)?.valueCoding?.code;
    const availability: AttachmentAvailability = (KNOWN as readonly string[]).includes(statusCode ?? '')
      ? (statusCode as AttachmentAvailability)
      : 'UNKNOWN';
    const byRef = extensionOf(attachment.extension, EXT.attachedBy)?.valueReference;
    const orgRef = extensionOf(attachment.extension, EXT.attachedByOrganisation)?.valueReference;
    const onBehalfRef = extensionOf(attachment.extension, EXT.attachedOnBehalfOf)?.valueReference;
    const organisationOds = identifierIn(orgRef?.identifier, ID.ods);
    const attachedBy: PersonRef | null =
      byRef || orgRef
        ? { userId: identifierIn(byRef?.identifier, ID.sdsUser), name: byRef?.display ?? null, organisationOds, businessFunction: null }
        : null;
    // A missing status is read as "ask e-RS": its answer (A042's 422) carries the reason.
    const available = id !== null && (availability === 'AVAILABLE' || availability === 'UNKNOWN');
    let reason = unavailableReason(availability, organisationOds);
    if (id === null) reason = 'e-RS did not give a link to this file, so it cannot be opened. Contact the organisation that uploaded it.';
    return {
      id,
      // Names from the referrer: no bidirectional or control character reaches the screen.
      title: visibleName(attachment.title ?? doc.description ?? 'Untitled file'),
      description: visibleNameOrNull(doc.description),
      contentType: attachment.contentType ?? 'application/octet-stream',
      size: typeof attachment.size === 'number' ? attachment.size : null,
      createdAt: attachment.creation ?? doc.indexed ?? null,
      attachmentType,
      availability,
      available,
      unavailableReason: available ? null : reason,
      attachedBy,
      attachedOnBehalfOfUserId: identifierIn(onBehalfRef?.identifier, ID.sdsUser),
    };
  });
}
