/**
 * Turns a file from e-RS into what the viewer shows. DOCX and RTF are converted here, in
 * the main process, so the renderer never parses a zip or an RTF; everything else goes to
 * the renderer's sandboxed viewers as bytes.
 */
import type { AttachmentContent } from '../api';
import { docxToSafeDocument } from '../convert/docx-to-safe-document';
import { rtfToText } from '../convert/rtf-to-text';
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

export async function toAttachmentContent(file: Pick<ErsFile, 'bytes' | 'contentType' | 'fileName'>, fallbackName: string, stale = false): Promise<AttachmentContent> {
  const type = baseType(file.contentType);
  // From a Content-Disposition header or a title: shown, so made visible (no bidi tricks).
  const fileName = visibleName(file.fileName ?? fallbackName);
  const name = fileName.toLowerCase();
  if ((type === DOCX || name.endsWith('.docx')) && isZip(file.bytes)) {
    return { kind: 'document', contentType: DOCX, fileName, document: await docxToSafeDocument(file.bytes), stale };
  }
  if ((type === 'application/rtf' || type === 'text/rtf' || name.endsWith('.rtf')) && isRtf(file.bytes)) {
    const rtf = rtfToText(file.bytes);
    return { kind: 'text', contentType: 'application/rtf', fileName, text: rtf.text, removedObjects: rtf.objects, stale };
  }
  return { kind: 'file', contentType: type || 'application/octet-stream', fileName, bytes: file.bytes, stale };
}
