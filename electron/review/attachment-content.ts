/**
 * Turns a file from e-RS into what the viewer shows. DOCX and RTF are converted outside
 * the renderer, in a worker thread of the main process with heap and time limits
 * (convert/document-converter.ts), so the renderer never parses a zip or an RTF and a
 * hostile document never stalls or kills the app; everything else goes to the renderer's
 * sandboxed viewers as bytes.
 */
import type { AttachmentContent } from '../../contract';
import type { DocumentConverter } from '../convert/document-converter';
import type { ErsFile } from '../ers/view-models';
import { visibleName } from '../files/name-characters';

const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

function baseType(contentType: string): string {
  return contentType.split(';')[0]?.trim().toLowerCase() ?? '';
}

function isZip(bytes: Uint8Array): boolean {
  return bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
}

function isRtf(bytes: Uint8Array): boolean {
  return new TextDecoder().decode(bytes.subarray(0, 5)) === '{\\rtf';
}

export async function toAttachmentContent(
  file: Pick<ErsFile, 'bytes' | 'contentType' | 'fileName'>,
  fallbackName: string,
  converter: DocumentConverter,
  stale = false,
): Promise<AttachmentContent> {
  const type = baseType(file.contentType);
  // From a Content-Disposition header or a title: shown, so made visible (no bidi tricks).
  const fileName = visibleName(file.fileName ?? fallbackName);
  const name = fileName.toLowerCase();
  if ((type === DOCX || name.endsWith('.docx')) && isZip(file.bytes)) {
    return { kind: 'document', contentType: DOCX, fileName, document: await converter.docx(file.bytes), stale };
  }
  if ((type === 'application/rtf' || type === 'text/rtf' || name.endsWith('.rtf')) && isRtf(file.bytes)) {
    const rtf = await converter.rtf(file.bytes);
    return { kind: 'text', contentType: 'application/rtf', fileName, text: rtf.text, removedObjects: rtf.objects, stale };
  }
  return { kind: 'file', contentType: type || 'application/octet-stream', fileName, bytes: file.bytes, stale };
}
