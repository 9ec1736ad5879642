/**
 * How the viewer asks for a Word or RTF file to be made safe: the host passes a function
 * that calls the main process (the converters live in electron/convert) and resolves
 * with a SafeDocument, or rejects with an error whose message is a user-facing sentence.
 */
import type { SafeDocument } from './safe-document-types';

export interface ConvertDocumentRequest {
  kind: 'docx' | 'rtf';
  bytes: Uint8Array;
  fileName: string;
}

export type ConvertDocument = (request: ConvertDocumentRequest) => Promise<SafeDocument>;
