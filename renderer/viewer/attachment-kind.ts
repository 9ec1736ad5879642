/**
 * Which viewer an attachment gets, decided from what e-RS says it is (its content type,
 * or its file name when the type is generic) and checked against what its first bytes
 * say it is. A file whose bytes disagree with its label is refused rather than guessed
 * at: a "PNG" that is really a PDF is either a mistake or an attack.
 */

export type AttachmentKind = 'pdf' | 'png' | 'jpeg' | 'gif' | 'tiff' | 'docx' | 'rtf' | 'text' | 'xml';

/** What each kind is called in a sentence the user reads. */
export const KIND_NAMES: Readonly<Record<AttachmentKind, string>> = {
  pdf: 'a PDF document',
  png: 'a PNG image',
  jpeg: 'a JPEG image',
  gif: 'a GIF image',
  tiff: 'a TIFF scan',
  docx: 'a Word document',
  rtf: 'an RTF document',
  text: 'a text file',
  xml: 'an XML file',
};

const BY_CONTENT_TYPE: Readonly<Record<string, AttachmentKind>> = {
  'application/pdf': 'pdf',
  'application/x-pdf': 'pdf',
  'image/png': 'png',
  'image/jpeg': 'jpeg',
  'image/jpg': 'jpeg',
  'image/pjpeg': 'jpeg',
  'image/gif': 'gif',
  'image/tiff': 'tiff',
  'image/tif': 'tiff',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
  'application/rtf': 'rtf',
  'text/rtf': 'rtf',
  'text/plain': 'text',
  'text/xml': 'xml',
  'application/xml': 'xml',
};

const BY_EXTENSION: Readonly<Record<string, AttachmentKind>> = {
  pdf: 'pdf',
  png: 'png',
  jpg: 'jpeg',
  jpeg: 'jpeg',
  gif: 'gif',
  tif: 'tiff',
  tiff: 'tiff',
  docx: 'docx',
  rtf: 'rtf',
  txt: 'text',
  xml: 'xml',
};

const GENERIC_TYPES = new Set(['', 'application/octet-stream', 'binary/octet-stream', 'application/unknown']);

/** The kind the label claims, or null when it names a type no viewer shows. */
export function declaredKind(contentType: string, fileName: string): AttachmentKind | null {
  const type = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  if (!GENERIC_TYPES.has(type)) return BY_CONTENT_TYPE[type] ?? null;
  const extension = /\.([a-z0-9]{1,8})$/i.exec(fileName.trim())?.[1]?.toLowerCase() ?? '';
  return BY_EXTENSION[extension] ?? null;
}

function startsWith(bytes: Uint8Array, signature: readonly number[], at = 0): boolean {
  if (bytes.length < at + signature.length) return false;
  return signature.every((byte, index) => bytes[at + index] === byte);
}

const ascii = (text: string) => Array.from(text, (char) => char.charCodeAt(0));
const PDF = ascii('%PDF-');
const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const JPEG = [0xff, 0xd8, 0xff];
const GIF87 = ascii('GIF87a');
const GIF89 = ascii('GIF89a');
const TIFF_LE = [0x49, 0x49, 0x2a, 0x00];
const TIFF_BE = [0x4d, 0x4d, 0x00, 0x2a];
const ZIP = [0x50, 0x4b, 0x03, 0x04];
const RTF = ascii('{\\rtf');
const UTF8_BOM = [0xef, 0xbb, 0xbf];

/** pdf.js, like Acrobat, accepts a header anywhere in the first kilobyte. */
function findPdfHeader(bytes: Uint8Array): boolean {
  const limit = Math.min(bytes.length - PDF.length, 1024);
  for (let at = 0; at <= limit; at += 1) if (startsWith(bytes, PDF, at)) return true;
  return false;
}

/** What the first bytes say the file is; 'text' for anything that looks like text; null otherwise. */
export function sniffKind(bytes: Uint8Array): AttachmentKind | null {
  if (startsWith(bytes, PNG)) return 'png';
  if (startsWith(bytes, JPEG)) return 'jpeg';
  if (startsWith(bytes, GIF87) || startsWith(bytes, GIF89)) return 'gif';
  if (startsWith(bytes, TIFF_LE) || startsWith(bytes, TIFF_BE)) return 'tiff';
  if (startsWith(bytes, ZIP)) return 'docx';
  const bom = startsWith(bytes, UTF8_BOM) ? UTF8_BOM.length : 0;
  if (startsWith(bytes, RTF, bom)) return 'rtf';
  if (findPdfHeader(bytes)) return 'pdf';
  if (looksLikeText(bytes)) return 'text';
  return null;
}

/** UTF-16 with a byte order mark, or no NUL bytes and few control characters early on. */
function looksLikeText(bytes: Uint8Array): boolean {
  if (startsWith(bytes, [0xff, 0xfe]) || startsWith(bytes, [0xfe, 0xff])) return true;
  const sample = bytes.subarray(0, 8192);
  let controls = 0;
  for (const byte of sample) {
    if (byte === 0) return false;
    if (byte < 0x09 || (byte > 0x0d && byte < 0x20 && byte !== 0x1b)) controls += 1;
  }
  return controls <= sample.length / 100;
}

export type KindCheck = { ok: true; kind: AttachmentKind } | { ok: false; reason: string };

/**
 * The viewer to use, or why none will: the label names nothing we show, or the bytes
 * disagree with it. Text and XML are both "text" to the sniffer.
 */
export function checkAttachmentKind(bytes: Uint8Array, contentType: string, fileName: string): KindCheck {
  const declared = declaredKind(contentType, fileName);
  if (declared === null) {
    return { ok: false, reason: 'this type of file cannot be shown in the app.' };
  }
  if (bytes.length === 0) return { ok: false, reason: 'the file is empty.' };
  const sniffed = sniffKind(bytes);
  const agrees = sniffed === declared || (declared === 'xml' && sniffed === 'text');
  if (!agrees) {
    const actual = sniffed === null ? 'something else' : sniffed === 'docx' ? 'a zip archive' : KIND_NAMES[sniffed];
    return { ok: false, reason: `it is labelled as ${KIND_NAMES[declared]} but its contents are ${actual}.` };
  }
  return { ok: true, kind: declared };
}
