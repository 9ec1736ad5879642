/**
 * A020: upload a file to e-RS's document store, ready to be attached by A026, A027 or
 * A028. The checks e-RS makes (type, extension, 5 MB: contract/domain.ts) are made here
 * first, so the user hears about a wrong file before it travels.
 */
import { UPLOAD_FILE_NAME_PATTERN, UPLOAD_MAX_BYTES, UPLOAD_TYPES } from '../../contract';
import { callContext, type ErsContext } from './client-context';
import { invalidInputError, malformedError } from './ers-error';
import type { ErsRequest } from './http';
import { binaryIdOf } from './map-attachments';
import * as check from './validate-input';
import type { UploadedFile } from './view-models';

export interface UploadInput {
  bytes: Uint8Array;
  /** With its extension, e.g. guidance.pdf. */
  fileName: string;
  contentType: string;
  /** The UBRN the file is for; A028 only attaches files uploaded with one. */
  referralId?: string;
}

export function uploadRequest(input: UploadInput): ErsRequest {
  const op = 'A020';
  if (!(input.bytes instanceof Uint8Array) || input.bytes.byteLength === 0) {
    throw invalidInputError(op, 'The file is empty. Choose another file.', 'bytes');
  }
  if (input.bytes.byteLength > UPLOAD_MAX_BYTES) {
    throw invalidInputError(op, 'The file is larger than e-RS accepts (5 MB). Choose a smaller file.', 'bytes');
  }
  if (typeof input.fileName !== 'string' || !UPLOAD_FILE_NAME_PATTERN.test(input.fileName)) {
    throw invalidInputError(
      op,
      'Rename the file using only letters, digits, spaces, dots, dashes, underscores and brackets, then try again.',
      'fileName',
    );
  }
  const contentType = typeof input.contentType === 'string' ? input.contentType.toLowerCase() : '';
  const extensions = UPLOAD_TYPES[contentType];
  if (!extensions)
    throw invalidInputError(
      op,
      'e-RS does not accept this type of file. Save it as PDF, Word, text, RTF, an image or another type e-RS accepts.',
      'contentType',
    );
  const extension = input.fileName.includes('.') ? (input.fileName.split('.').pop() ?? '').toLowerCase() : '';
  if (!extensions.includes(extension)) {
    throw invalidInputError(
      op,
      `The file name must end in .${extensions.join(' or .')} for this type of file. Rename it and try again.`,
      'fileName',
    );
  }
  const headers: Record<string, string> = { 'NHSD-eRS-File-Name': input.fileName };
  if (input.referralId !== undefined) headers['NHSD-eRS-Referral-Id'] = check.ubrn(op, input.referralId, 'referralId');
  return { operation: op, method: 'POST', path: '/FHIR/STU3/Binary', headers, file: { bytes: input.bytes, contentType } };
}

export async function uploadFile(ctx: ErsContext, input: UploadInput, signal?: AbortSignal): Promise<UploadedFile> {
  const result = await ctx.transport.empty({ ...uploadRequest(input), signal });
  const binaryId = binaryIdOf(result.headers.get('location') ?? undefined);
  if (binaryId === null) throw malformedError(callContext('A020', result.correlationId), 'no location for the uploaded file');
  return { binaryId, correlationId: result.correlationId };
}
