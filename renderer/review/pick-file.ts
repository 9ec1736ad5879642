/**
 * A file the user chose to send with a decision: checked against what e-RS accepts (A020:
 * type by extension, a header-safe name, up to 5 MB) before its bytes are read, so a 2 GB
 * video is refused without being loaded. The rules are the contract's (contract/domain.ts),
 * which the main process checks again.
 */
import * as v from 'valibot';
import { UPLOAD_FILE_NAME_PATTERN, UPLOAD_MAX_BYTES, UPLOAD_TYPES, UploadFile, uploadTypeOf } from '../../contract';
import { checkAttachmentKind, declaredKind } from '../viewer/attachment-kind';
import type { PickedFile } from './decision-rules';

/** For the file input's `accept`, so the system's file chooser offers the right files first. */
export const ACCEPT_ATTRIBUTE = Object.values(UPLOAD_TYPES)
  .flat()
  .map((extension) => `.${extension}`)
  .join(',');

export interface FileFacts {
  name: string;
  size: number;
}

export type FileCheck = { ok: true; contentType: string } | { ok: false; message: string };

/** The checks that need only the name and size. */
export function checkFileFacts(file: FileFacts): FileCheck {
  const contentType = uploadTypeOf(file.name);
  if (contentType === null) {
    return { ok: false, message: 'e-RS does not accept this type of file. Choose a PDF, Word, text, RTF or image file.' };
  }
  if (file.size === 0) return { ok: false, message: 'The file is empty. Choose another file.' };
  if (file.size > UPLOAD_MAX_BYTES) {
    return {
      ok: false,
      message: `The file is ${(file.size / (1024 * 1024)).toFixed(1)} MB: e-RS accepts files of up to 5 MB. Choose a smaller file.`,
    };
  }
  if (!UPLOAD_FILE_NAME_PATTERN.test(file.name)) {
    return {
      ok: false,
      message: 'Rename the file using only letters, digits, spaces, dots, dashes, underscores and brackets, then choose it again.',
    };
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
  if (bytes.byteLength > UPLOAD_MAX_BYTES)
    return { ok: false, message: 'The file is larger than 5 MB: e-RS accepts files of up to 5 MB. Choose a smaller file.' };
  if (declaredKind(facts.contentType, file.name) !== null) {
    const kind = checkAttachmentKind(bytes, facts.contentType, file.name);
    if (!kind.ok) return { ok: false, message: `This file cannot be sent: ${kind.reason} Choose another file.` };
  }
  const picked: PickedFile = { fileName: file.name, contentType: facts.contentType, bytes };
  // The same schema the main process checks the decision's attachment against.
  const checked = v.safeParse(UploadFile, picked);
  if (!checked.success)
    return {
      ok: false,
      message: `This file cannot be sent: ${checked.issues[0]?.message ?? 'e-RS would not accept it.'} Choose another file.`,
    };
  return { ok: true, file: picked };
}
