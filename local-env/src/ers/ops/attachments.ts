/**
 * Files: A006 (STU3 download, 5 MB at most), A042 (R4: a 307 redirect to a short-lived
 * signed URL on the object store) and A020 (upload, 5 MB at most, e-RS's file types).
 * A file e-RS has not released (still scanning, quarantined, failed validation) is refused
 * with 422 and the availability code, as e-RS does.
 */
import { createHash, randomUUID } from 'node:crypto';
import { type BinaryRecord } from '../../seed/model';
import { bytesReply, emptyReply, header, readBody, type Reply } from '../http-io';
import { type OperationContext } from '../operation-context';
import { badRequest, ErsError, forbidden, notFound, unprocessable } from '../outcome';
import { binaryVisibleTo, checkUbrn, referralVisibleTo, adviceVisibleTo } from '../records';

export const MAX_FILE_BYTES = 5 * 1024 * 1024;

/** e-RS's accepted upload types and the file extensions that go with each. */
export const UPLOAD_TYPES: Record<string, readonly string[]> = {
  'text/plain': ['txt'],
  'application/pdf': ['pdf'],
  'text/xml': ['xml'],
  'text/rtf': ['rtf', 'rtx'],
  'audio/basic': ['au'],
  'audio/mpeg': ['mp3'],
  'image/png': ['png'],
  'image/gif': ['gif'],
  'image/jpeg': ['jpg', 'jpe', 'jpeg'],
  'image/tiff': ['tif', 'tiff'],
  'video/mpeg': ['mpg', 'mpeg', 'mpe'],
  'application/msword': ['doc'],
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': ['docx'],
  'application/dicom': ['dcm'],
};

const UNAVAILABLE: Record<string, string> = {
  PENDING: 'The file is being scanned and cannot be retrieved: wait at least 5 minutes before trying again.',
  THREATS_FOUND: 'The file was quarantined after a threat was found and cannot be retrieved: contact the organisation that uploaded it.',
  VALIDATION_FAILED: 'The file failed validation and cannot be retrieved: contact the organisation that uploaded it.',
};

function isBinaryId(id: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id) || /^att-[0-9]+(-[0-9]+)*$/.test(id);
}

function requireAvailable(binary: BinaryRecord): void {
  if (binary.availability !== 'AVAILABLE')
    throw unprocessable(binary.availability, UNAVAILABLE[binary.availability] ?? 'The file cannot be retrieved yet.');
}

function findVisibleBinary(context: OperationContext, id: string): BinaryRecord {
  const binary = context.store.binary(id);
  if (!binary) throw notFound('REFERENCE_NOT_FOUND', `No file has the id ${id}: check the attachment reference on the referral.`);
  if (!binaryVisibleTo(context.store, binary, context.caller))
    throw forbidden('NO_RELATIONSHIP', 'Your organisation has no relationship with the referral this file belongs to.');
  return binary;
}

function disposition(fileName: string): string {
  return `attachment; filename="${fileName.replace(/["\\\r\n]/g, '_')}"`;
}

export async function retrieveAttachmentStu3(context: OperationContext): Promise<Reply> {
  const id = context.params.id ?? '';
  if (!isBinaryId(id)) throw notFound('REFERENCE_NOT_FOUND', `${id} is not an attachment id: use the Binary URL given on the referral.`);
  const binary = findVisibleBinary(context, id);
  requireAvailable(binary);
  if ((await context.files.size(binary)) > MAX_FILE_BYTES) {
    throw unprocessable(
      'FILE_SIZE_ERROR',
      'The file is larger than 5 MB and cannot be retrieved here: retrieve it with the R4 attachment endpoint (A042).',
    );
  }
  const bytes = await context.files.bytes(binary);
  return bytesReply(200, bytes, binary.contentType, { 'Content-Disposition': disposition(binary.fileName) });
}

export async function retrieveAttachmentR4(context: OperationContext): Promise<Reply> {
  const id = context.params.id ?? '';
  if (!isBinaryId(id)) throw badRequest('INVALID_VALUE', `${id} is not an attachment id: use the Binary URL given on the referral.`);
  const binary = findVisibleBinary(context, id);
  requireAvailable(binary);
  return emptyReply(307, { Location: context.signedObjectUrl(binary.id), 'Cache-Control': 'no-store' });
}

function extensionOf(fileName: string): string {
  const dot = fileName.lastIndexOf('.');
  return dot < 0 ? '' : fileName.slice(dot + 1).toLowerCase();
}

export async function uploadFile(context: OperationContext): Promise<Reply> {
  const fileName = header(context.request, 'nhsd-ers-file-name');
  if (!fileName) throw unprocessable('MISSING_VALUE', 'The NHSD-eRS-File-Name header is missing: send the file name, with its extension.');
  if (fileName.length > 255 || /[\\/\0]/.test(fileName))
    throw unprocessable('INVALID_VALUE', 'The file name is not valid: use a plain file name of up to 255 characters.');
  const contentType = (header(context.request, 'content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  const extensions = UPLOAD_TYPES[contentType];
  if (!extensions) {
    throw new ErsError(
      415,
      'UNSUPPORTED_MEDIA_TYPE',
      `e-RS does not accept ${contentType || 'files without a Content-Type'}: send a PDF, image, text, RTF, Word, audio, video or DICOM file.`,
    );
  }
  if (!extensions.includes(extensionOf(fileName))) {
    throw unprocessable(
      'CONFLICTING_VALUES',
      `The file name ${fileName} does not match its type ${contentType}: use a .${extensions[0]} file name or the right Content-Type.`,
    );
  }
  const referralId = header(context.request, 'nhsd-ers-referral-id');
  if (referralId !== undefined) {
    checkUbrn(referralId);
    const referral = context.store.referral(referralId);
    const advice = context.store.adviceRequest(referralId);
    const visible = (referral && referralVisibleTo(referral, context.caller)) || (advice && adviceVisibleTo(advice, context.caller));
    if (!visible)
      throw unprocessable(
        'INAPPROPRIATE_VALUE',
        `NHSD-eRS-Referral-ID ${referralId} is not a referral or A&G request your organisation can attach files to.`,
      );
  }
  const bytes = await readBody(context.request, MAX_FILE_BYTES, () =>
    unprocessable('FILE_SIZE_ERROR', 'The file is larger than 5 MB: e-RS accepts files up to 5 MB.'),
  );
  if (bytes.length === 0) throw unprocessable('FILE_SIZE_ERROR', 'The file is empty: choose a file with content.');

  const id = randomUUID();
  await context.store.writeUpload(id, bytes);
  const binary: BinaryRecord = {
    id,
    fileName,
    contentType,
    availability: 'AVAILABLE',
    content: { source: 'upload', size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') },
    uploadedAt: context.now().toISOString(),
    uploadedBy: { uid: context.caller.user.uid, ods: context.caller.ods ?? '', businessFunction: context.caller.businessFunction },
  };
  if (referralId !== undefined) binary.referralId = referralId;
  context.store.saveBinary(binary);
  await context.store.persist();
  return emptyReply(201, { Location: `Binary/${id}` });
}
