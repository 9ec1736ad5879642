/**
 * Opening a PDF with pdf.js, hardened. Every option that could let a document do more
 * than be looked at is off: no eval (PostScript functions are interpreted, and the CSP
 * forbids eval anyway), no XFA forms, no system fonts. Scripting is never enabled: the
 * viewer uses pdf.js's display API only, never its scripting sandbox, so JavaScript in a
 * document (an /OpenAction, a form action) is never run. pdf.js's worker, WebAssembly
 * decoders, standard fonts and CMaps come from the app itself (see renderer/vite.config.ts).
 *
 * Errors stop the page (`stopAtErrors`): pdf.js would otherwise skip what it cannot parse
 * and draw a page with parts missing. Even stopped, pdf.js's display API drops the error
 * once a page has started drawing (the page just ends early, looking complete), so the
 * viewer listens to its worker for the error itself (`drawErrors`) and says the page could
 * not be drawn. Pictures have a size limit, and large ones are scaled down in the worker,
 * so one page cannot hold gigabytes of pixels.
 *
 * Speed: each document gets a worker of its own (terminated with it, so a hostile file's
 * work and memory go with it), but the worker is started before the bytes arrive: one
 * spare is kept warm, and the viewer starts the next one once a page is drawn.
 */
import { getDocument, GlobalWorkerOptions, PDFWorker, VerbosityLevel, type PDFDocumentLoadingTask } from 'pdfjs-dist';
import workerUrl from 'pdfjs-dist/build/pdf.worker.min.mjs?url';
import { ASK_AGAIN, cannotShow } from './viewer-failure';

GlobalWorkerOptions.workerSrc = workerUrl;

/** Pictures inside a PDF larger than this fail the page rather than being decoded (a 600 dpi A4 scan is 35 million). */
export const PDF_MAX_IMAGE_PIXELS = 40_000_000;

/** Decoded pictures larger than this many bytes (32 million pixels) are scaled down in the worker. */
export const PDF_MAX_IMAGE_BYTES = 128 * 1024 * 1024;

/** Converts PDF points to CSS pixels, so 100% is the page's printed size. */
export const PDF_TO_CSS = 96 / 72;

function assetUrl(folder: string): string {
  return new URL(`${import.meta.env.BASE_URL}pdfjs/${folder}/`, window.location.href).href;
}

/** pdf.js's StreamKind.ERROR (src/shared/message_handler.js): a worker stream failed. */
const STREAM_ERROR = 5;

/** Operator-list errors the worker reported for one page: how many, and the last one's message. */
export interface PageErrors {
  count: number;
  message: string;
}

/** By 1-based page number: the pages whose operators the worker could not read in full. */
export type DrawErrors = ReadonlyMap<number, PageErrors>;

interface WarmWorker {
  worker: Worker;
  errors: Map<number, PageErrors>;
}

/**
 * A pdf.js worker, watched: the page of each operator-list stream pdf.js asks for is noted
 * as the request goes out, and an error on that stream is counted against the page.
 */
function startWorker(): WarmWorker {
  const worker = new Worker(workerUrl, { type: 'module', name: 'pdf-worker' });
  const errors = new Map<number, PageErrors>();
  const pageOfStream = new Map<number, number>();
  const post = worker.postMessage.bind(worker) as (message: unknown, transfer?: Transferable[]) => void;
  worker.postMessage = ((message: unknown, transfer?: Transferable[]) => {
    const request = message as { action?: unknown; streamId?: unknown; data?: { pageIndex?: unknown } } | null;
    if (request?.action === 'GetOperatorList' && typeof request.streamId === 'number' && typeof request.data?.pageIndex === 'number')
      pageOfStream.set(request.streamId, request.data.pageIndex + 1);
    post(message, transfer);
  }) as Worker['postMessage'];
  worker.addEventListener('message', (event: MessageEvent<unknown>) => {
    const data = event.data as { stream?: unknown; streamId?: unknown; reason?: { message?: unknown } } | null;
    if (data?.stream !== STREAM_ERROR || typeof data.streamId !== 'number') return;
    const page = pageOfStream.get(data.streamId);
    if (page === undefined) return;
    const seen = errors.get(page) ?? { count: 0, message: '' };
    errors.set(page, { count: seen.count + 1, message: typeof data.reason?.message === 'string' ? data.reason.message : '' });
  });
  return { worker, errors };
}

let spare: WarmWorker | null = null;

/** Starts a pdf.js worker now, so the next PDF does not wait for one to load. Idempotent. */
export function prewarmPdfWorker(): void {
  if (spare || typeof Worker === 'undefined') return;
  spare = startWorker();
}

export interface OpenedPdf {
  task: PDFDocumentLoadingTask;
  /** Pages whose operators this document's worker could not read in full. */
  drawErrors: DrawErrors;
  /** Destroys the document and terminates its worker. */
  destroy(): Promise<void>;
}

export function openPdf(bytes: Uint8Array): OpenedPdf {
  const warm = spare ?? startWorker();
  spare = null;
  // pdf.js talks to our Worker as a port (its documented `workerPort` use, though its types
  // say only null): it does not terminate a port, so destroy() does.
  const options = { port: warm.worker, verbosity: VerbosityLevel.ERRORS } as unknown as ConstructorParameters<typeof PDFWorker>[0];
  const pdfWorker = new PDFWorker(options);
  const task = getDocument({
    worker: pdfWorker,
    // pdf.js transfers the buffer to its worker; a copy leaves the caller's bytes intact.
    data: bytes.slice(),
    isEvalSupported: false,
    enableXfa: false,
    useSystemFonts: false,
    stopAtErrors: true,
    maxImageSize: PDF_MAX_IMAGE_PIXELS,
    canvasMaxAreaInBytes: PDF_MAX_IMAGE_BYTES,
    wasmUrl: assetUrl('wasm'),
    standardFontDataUrl: assetUrl('standard_fonts'),
    cMapUrl: assetUrl('cmaps'),
    cMapPacked: true,
    iccUrl: assetUrl('iccs'),
    verbosity: VerbosityLevel.ERRORS,
  });
  return {
    task,
    drawErrors: warm.errors,
    async destroy() {
      await task.destroy().catch(() => undefined);
      pdfWorker.destroy();
      warm.worker.terminate();
    },
  };
}

/** The sentence to show for a PDF that would not open. */
export function pdfFailure(error: unknown): string {
  const name = error instanceof Error ? error.name : '';
  if (name === 'PasswordException')
    return cannotShow('it is protected by a password.', 'Ask the referrer to send a copy without a password.');
  if (name === 'InvalidPDFException') return cannotShow('the file is damaged or is not a PDF.', ASK_AGAIN);
  return cannotShow('the PDF is damaged.', ASK_AGAIN);
}

// Loading the viewer's chunk starts the first worker.
prewarmPdfWorker();
