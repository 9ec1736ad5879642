/**
 * Opening a PDF with pdf.js, hardened. Every option that could let a document do more
 * than be looked at is off: no eval (PostScript functions are interpreted, and the CSP
 * forbids eval anyway), no XFA forms, no system fonts. Scripting is never enabled: the
 * viewer uses pdf.js's display API only, never its scripting sandbox, so JavaScript in a
 * document (an /OpenAction, a form action) is never run. pdf.js's worker, WebAssembly
 * decoders, standard fonts and CMaps come from the app itself (see renderer/vite.config.ts).
 */
import { getDocument, GlobalWorkerOptions, VerbosityLevel, type PDFDocumentLoadingTask } from 'pdfjs-dist';
import workerUrl from 'pdfjs-dist/build/pdf.worker.min.mjs?url';
import { ASK_AGAIN, cannotShow } from './viewer-failure';

GlobalWorkerOptions.workerSrc = workerUrl;

/** Pictures inside a PDF larger than this are skipped rather than decoded. */
export const PDF_MAX_IMAGE_PIXELS = 50_000_000;

/** Converts PDF points to CSS pixels, so 100% is the page's printed size. */
export const PDF_TO_CSS = 96 / 72;

function assetUrl(folder: string): string {
  return new URL(`${import.meta.env.BASE_URL}pdfjs/${folder}/`, window.location.href).href;
}

export function openPdf(bytes: Uint8Array): PDFDocumentLoadingTask {
  return getDocument({
    // pdf.js transfers the buffer to its worker; a copy leaves the caller's bytes intact.
    data: bytes.slice(),
    isEvalSupported: false,
    enableXfa: false,
    useSystemFonts: false,
    maxImageSize: PDF_MAX_IMAGE_PIXELS,
    wasmUrl: assetUrl('wasm'),
    standardFontDataUrl: assetUrl('standard_fonts'),
    cMapUrl: assetUrl('cmaps'),
    cMapPacked: true,
    iccUrl: assetUrl('iccs'),
    verbosity: VerbosityLevel.ERRORS,
  });
}

/** The sentence to show for a PDF that would not open. */
export function pdfFailure(error: unknown): string {
  const name = error instanceof Error ? error.name : '';
  if (name === 'PasswordException')
    return cannotShow('it is protected by a password.', 'Ask the referrer to send a copy without a password.');
  if (name === 'InvalidPDFException') return cannotShow('the file is damaged or is not a PDF.', ASK_AGAIN);
  return cannotShow('the PDF is damaged.', ASK_AGAIN);
}
