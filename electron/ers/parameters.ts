/**
 * Builders for the FHIR Parameters bodies e-RS's operations take, written field for
 * field as the NHS examples write them (the sandbox matches bodies exactly).
 */
import { CODE_SYSTEM, PROFILE } from './fhir-names';
import type { CodingOut, DocumentReferenceOut, ParameterOut, ParametersOut } from './fhir-types';
import type { OperationId } from './operations';
import * as check from './validate-input';

export function parametersOf(profile: string, parameter: ParameterOut[]): ParametersOut {
  return { meta: { profile: [profile] }, resourceType: 'Parameters', parameter };
}

export function codingOf(system: string, code: string): CodingOut {
  return { system, code };
}

/** A file already uploaded with A020, to be attached by a decision. */
export interface AttachmentInput {
  /** The Binary id A020 returned. */
  binaryId: string;
  /** Shown to the recipient beside the file name. */
  description?: string;
  /** When the user attached it. */
  attachedAt: Date | string;
}

export function documentReferenceOf(
  operation: OperationId,
  attachment: AttachmentInput,
  typeCode: 'PROVIDER' | 'GUIDANCE_RESPONSE',
  path: string,
): DocumentReferenceOut {
  const binaryId = check.token(operation, attachment.binaryId, `${path}.binaryId`, 'uploaded file reference');
  const description = check.text(operation, attachment.description, {
    path: `${path}.description`,
    label: 'file description',
    max: 255,
    required: false,
  });
  const doc: DocumentReferenceOut = {
    meta: { profile: [PROFILE.documentReference] },
    resourceType: 'DocumentReference',
    type: { coding: [codingOf(CODE_SYSTEM.attachmentType, typeCode)] },
    status: 'current',
    indexed: check.indexedTime(operation, attachment.attachedAt, `${path}.attachedAt`),
    content: [{ attachment: { url: `Binary/${binaryId}` } }],
  };
  if (description !== undefined) doc.description = description;
  return doc;
}

export function attachmentParameters(
  operation: OperationId,
  name: string,
  attachments: readonly AttachmentInput[] | undefined,
  typeCode: 'PROVIDER' | 'GUIDANCE_RESPONSE',
  path: string,
): ParameterOut[] {
  return (attachments ?? []).map((attachment, index) => ({
    name,
    resource: documentReferenceOf(operation, attachment, typeCode, `${path}.${index}`),
  }));
}
