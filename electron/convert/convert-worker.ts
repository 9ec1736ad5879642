/**
 * The worker that converts one DOCX or RTF attachment, away from the main process (see
 * document-converter.ts): it receives one request, answers once, and is then ended by its
 * host. It runs under the heap limits the host gives it, so a document that needs too much
 * memory ends this worker, never the app. Nothing here logs: the host logs the outcome.
 *
 * Built as its own esbuild entry (dist/main/convert-worker.mjs, see build/bundle-main.mjs);
 * from source it is loaded through convert-worker.dev.mjs.
 */
import { parentPort } from 'node:worker_threads';
import { AppError } from '../app-error';
import { docxToSafeDocument } from './docx-to-safe-document';
import { rtfToText, type RtfText } from './rtf-to-text';
import type { SafeDocument } from '../../contract';

export interface ConvertRequest {
  kind: 'docx' | 'rtf';
  bytes: Uint8Array;
}

export type ConvertReply =
  | { ok: true; kind: 'docx'; document: SafeDocument }
  | { ok: true; kind: 'rtf'; rtf: RtfText }
  /** An AppError from the converters (a damaged file, a zip bomb): its code and sentence. */
  | { ok: false; code: string; message: string };

export async function convert(request: ConvertRequest): Promise<ConvertReply> {
  try {
    if (request.kind === 'docx') return { ok: true, kind: 'docx', document: await docxToSafeDocument(request.bytes) };
    return { ok: true, kind: 'rtf', rtf: rtfToText(request.bytes) };
  } catch (error) {
    if (error instanceof AppError) return { ok: false, code: error.code, message: error.message };
    // Anything else is a fault in a converter; the host turns it into a sentence.
    return { ok: false, code: 'DOCUMENT_CONVERSION_FAILED', message: '' };
  }
}

parentPort?.once('message', (request: ConvertRequest) => {
  void convert(request).then((reply) => parentPort?.postMessage(reply));
});
