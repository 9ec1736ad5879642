/**
 * The references our viewers are measured against, on the same files in the same run:
 * pdf.js's own PDFViewer (pdfjs-dist/web), given the same pdf.js options as the app's
 * viewer, and utif's plain recipe for a TIFF, on the main thread and in a bare worker.
 * Timed exactly as the app's viewer is (timing.ts).
 */
import { pdfjsLib } from './pdfjs-global';
import { EventBus, PDFLinkService, PDFViewer } from 'pdfjs-dist/web/pdf_viewer.mjs';
import 'pdfjs-dist/web/pdf_viewer.css';
import './harness.css';
import { afterNextPaint, fetchBytes, untilQuiet, type OpenResult } from './timing';
import { decodeFirstPage, type DecodedPage } from './utif-page';

interface ReferenceBench {
  /** Clears the viewers and fetches the file: nothing of this is timed. */
  prepare(path: string): Promise<void>;
  /** Shows the prepared PDF in pdf.js's PDFViewer, timed. */
  showPdf(): Promise<OpenResult>;
  openPdf(path: string): Promise<OpenResult>;
  openTiff(path: string, where: 'main' | 'worker'): Promise<OpenResult>;
  clear(): Promise<void>;
}

/** The bench drives the page through this. */
const harness = window as unknown as { bench: ReferenceBench };

function assetUrl(folder: string): string {
  return new URL(`/pdfjs/${folder}/`, window.location.href).href;
}

const container = document.getElementById('viewerContainer') as HTMLDivElement;
const viewerElement = document.getElementById('viewer') as HTMLDivElement;
const tiffCanvas = document.getElementById('tiffCanvas') as HTMLCanvasElement;
const eventBus = new EventBus();
const linkService = new PDFLinkService({ eventBus });
const pdfViewer = new PDFViewer({ container, viewer: viewerElement, eventBus, linkService });
linkService.setViewer(pdfViewer);
eventBus.on('pagesinit', () => {
  pdfViewer.currentScaleValue = 'page-width';
});

let task: ReturnType<typeof pdfjsLib.getDocument> | null = null;
let prepared: Uint8Array | null = null;
let onFirstPage: (() => void) | null = null;
eventBus.on('pagerendered', (event: { pageNumber: number }) => {
  if (event.pageNumber === 1) onFirstPage?.();
});

async function clear(): Promise<void> {
  onFirstPage = null;
  pdfViewer.setDocument(null as unknown as Parameters<PDFViewer['setDocument']>[0]);
  linkService.setDocument(null);
  const previous = task;
  task = null;
  if (previous) await previous.destroy();
  tiffCanvas.width = 0;
  tiffCanvas.height = 0;
  tiffCanvas.hidden = true;
  container.hidden = false;
  await untilQuiet();
}

function draw(page: DecodedPage): void {
  tiffCanvas.width = page.width;
  tiffCanvas.height = page.height;
  const context = tiffCanvas.getContext('2d');
  if (!context) throw new Error('no 2d context');
  context.putImageData(
    new ImageData(
      new Uint8ClampedArray(page.rgba.buffer as ArrayBuffer, page.rgba.byteOffset, page.rgba.byteLength),
      page.width,
      page.height,
    ),
    0,
    0,
  );
  tiffCanvas.hidden = false;
}

function decodeInWorker(buffer: ArrayBuffer): Promise<DecodedPage> {
  const worker = new Worker(new URL('./utif.worker.ts', import.meta.url), { type: 'module' });
  return new Promise<DecodedPage>((resolve, reject) => {
    worker.onmessage = (event: MessageEvent<{ width: number; height: number; rgba: ArrayBuffer }>) => {
      resolve({ width: event.data.width, height: event.data.height, rgba: new Uint8Array(event.data.rgba) });
      worker.terminate();
    };
    worker.onerror = (event) => {
      reject(new Error(event.message));
      worker.terminate();
    };
    worker.postMessage(buffer, [buffer]);
  });
}

harness.bench = {
  clear,
  async prepare(path) {
    await clear();
    prepared = await fetchBytes(path);
    await afterNextPaint();
  },
  async openPdf(path) {
    await harness.bench.prepare(path);
    return harness.bench.showPdf();
  },
  async showPdf() {
    const bytes = prepared;
    prepared = null;
    if (!bytes) return { ok: false, firstPageMs: NaN, paintedMs: NaN, message: 'nothing was prepared' };
    const started = performance.now();
    const drawn = new Promise<number>((resolve) => {
      onFirstPage = () => resolve(performance.now());
    });
    try {
      task = pdfjsLib.getDocument({
        data: bytes.slice(),
        isEvalSupported: false,
        enableXfa: false,
        useSystemFonts: false,
        wasmUrl: assetUrl('wasm'),
        standardFontDataUrl: assetUrl('standard_fonts'),
        cMapUrl: assetUrl('cmaps'),
        cMapPacked: true,
        iccUrl: assetUrl('iccs'),
        verbosity: pdfjsLib.VerbosityLevel.ERRORS,
      });
      const doc = await task.promise;
      pdfViewer.setDocument(doc);
      linkService.setDocument(doc, null);
      const firstPage = (await drawn) - started;
      return { ok: true, firstPageMs: firstPage, paintedMs: (await afterNextPaint()) - started };
    } catch (error) {
      return { ok: false, firstPageMs: NaN, paintedMs: NaN, message: String(error) };
    }
  },
  async openTiff(path, where) {
    await clear();
    container.hidden = true;
    const bytes = await fetchBytes(path);
    await afterNextPaint();
    const started = performance.now();
    try {
      // The app's viewer copies the bytes before handing them to its worker; so does this.
      const buffer = bytes.slice().buffer;
      const page = where === 'main' ? decodeFirstPage(buffer) : await decodeInWorker(buffer);
      draw(page);
      const firstPage = performance.now() - started;
      return { ok: true, firstPageMs: firstPage, paintedMs: (await afterNextPaint()) - started };
    } catch (error) {
      return { ok: false, firstPageMs: NaN, paintedMs: NaN, message: String(error) };
    }
  },
};
