/**
 * A file the user chose to send with a decision: checked against what e-RS accepts (A020:
 * type by extension, a header-safe name, up to 5 MB) before its bytes are read, so a 2 GB
 * video is refused without being loaded. The table mirrors electron/ers/uploads.ts, which
 * checks again in the main process.
 */
import { checkAttachmentKind, declaredKind } from '../viewer/attachment-kind';
import type { PickedFile } from './decision-rules';

export const MAX_UPLOAD_BYTES = 5 * 1024 * 1024;

/** e-RS's accepted types, by the extensions it accepts for each. */
const TYPE_BY_EXTENSION: Readonly<Record<string, string>> = {
  txt: 'text/plain',
  pdf: 'application/pdf',
  xml: 'text/xml',
  rtf: 'text/rtf',
  rtx: 'text/rtf',
  au: 'audio/basic',
  mp3: 'audio/mpeg',
  png: 'image/png',
  gif: 'image/gif',
  jpg: 'image/jpeg',
  jpe: 'image/jpeg',
  jpeg: 'image/jpeg',
  tif: 'image/tiff',
  tiff: 'image/tiff',
  mpg: 'video/mpeg',
  mpeg: 'video/mpeg',
  mpe: 'video/mpeg',
  doc: 'application/msword',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  dcm: 'application/dicom',
};

/** For the file input's `accept`, so the system's file chooser offers the right files first. */
export const ACCEPT_ATTRIBUTE = Object.keys(TYPE_BY_EXTENSION)
  .map((extension) => `.${extension}`)
  .join(',');

/** File names travel to e-RS in a header: printable ASCII only, and nothing that could end it. */
const SAFE_FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9 ._()-]{0,199}$/;

export interface FileFacts {
  name: string;
  size: number;
}

export type FileCheck = { ok: true; contentType: string } | { ok: false; message: string };

/** The checks that need only the name and size. */
export function checkFileFacts(file: FileFacts): FileCheck {
  const extension = /\.([A-Za-z0-9]{1,5})$/.exec(file.name)?.[1]?.toLowerCase() ?? '';
  const contentType = TYPE_BY_EXTENSION[extension];
  if (contentType === undefined) {
    return { ok: false, message: 'e-RS does not accept this type of file. Choose a PDF, Word, text, RTF or image file.' };
  }
  if (file.size === 0) return { ok: false, message: 'The file is empty. Choose another file.' };
  if (file.size > MAX_UPLOAD_BYTES) {
    return { ok: false, message: `The file is ${(file.size / (1024 * 1024)).toFixed(1)} MB: e-RS accepts files of up to 5 MB. Choose a smaller file.` };
  }
  if (!SAFE_FILE_NAME.test(file.name)) {
    return { ok: false, message: 'Rename the file using only letters, digits, spaces, dots, dashes, underscores and brackets, then choose it again.' };
  }
  return { ok: true, contentType };
}

/**
 * Reads a chosen file once its name and size pass, and checks that its first bytes agree
 * with its extension for the types the app can recognise (a ".pdf" that is really a
 * program is refused here rather than by e-RS).
 */
export async function readPickedFile(file: File): Promise<{ ok: true; file: PickedFile } | { ok: false; message: string }> {
  const facts = checkFileFacts(file);
  if (!facts.ok) return facts;
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await file.arrayBuffer());
  } catch {
    return { ok: false, message: 'The file could not be read. Check it is not open in another program, then choose it again.' };
  }
  if (bytes.byteLength > MAX_UPLOAD_BYTES) return { ok: false, message: 'The file is larger than 5 MB: e-RS accepts files of up to 5 MB. Choose a smaller file.' };
  if (declaredKind(facts.contentType, file.name) !== null) {
    const kind = checkAttachmentKind(bytes, facts.contentType, file.name);
    if (!kind.ok) return { ok: false, message: `This file cannot be sent: ${kind.reason} Choose another file.` };
  }
  return { ok: true, file: { fileName: file.name, contentType: facts.contentType, bytes } };
}
