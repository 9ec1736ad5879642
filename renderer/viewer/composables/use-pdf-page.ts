/**
 * The page on screen in the PDF viewer. One page is drawn at a time into a fresh canvas,
 * swapped in when drawn, with pdf.js's text layer over it, for selection and find, and a
 * layer of link boxes (pdf-links.ts), which never navigate: following a link is the
 * viewer's choice. A newer draw cancels one still in flight.
 *
 * A page has a time limit (pdf-page-limit.ts): past it the drawing is cancelled and the
 * viewer fails with a sentence (closing the document takes its worker, and whatever the
 * page left running there, with it). A page slow to draw says so, with a Stop the user can
 * press; a stopped page says so and can be tried again. A page pdf.js could not read fails
 * with a sentence rather than showing what it managed to draw.
 */
import {
  AnnotationMode,
  RenderingCancelledException,
  TextLayer,
  type PDFDocumentProxy,
  type PDFPageProxy,
  type RenderTask,
} from 'pdfjs-dist';
import { computed, ref, type Ref, type ShallowRef } from 'vue';
import { pdfFailure, PDF_TO_CSS, type DrawErrors } from '../pdf-document';
import { linkBoxes, type LinkBox, type PdfViewport } from '../pdf-links';
import { PAGE_DRAW_SLOW_MS } from '../pdf-page-limit';
import { ASK_AGAIN, cannotShow } from '../viewer-failure';
import type { Zoom } from './use-zoom';

/** Canvas backing-store limit, as pdf.js's own viewer has: deep zoom lowers resolution instead. */
const MAX_CANVAS_PIXELS = 16_777_216;

export interface PdfPageOptions {
  pdf: Readonly<ShallowRef<PDFDocumentProxy | null>>;
  /** 1-based: the page to draw. */
  pageNumber: Readonly<Ref<number>>;
  fileName: () => string;
  zoom: Zoom;
  /** The scrolling stage, whose width fit-to-width fits, and the page's box and layers. */
  stage: Readonly<Ref<HTMLElement | null>>;
  pageBox: Readonly<Ref<HTMLElement | null>>;
  canvasHost: Readonly<Ref<HTMLElement | null>>;
  textHost: Readonly<Ref<HTMLElement | null>>;
  /** The page's text layer is drawn: mark any find matches on it. */
  textDrawn(): void;
  failed(message: string): void;
  /** The document's first page is on screen. */
  rendered(page: number): void;
  /** The longest a page may take to draw, in milliseconds. */
  timeoutMs(): number;
  /** Pages whose operators the worker could not read: such a page's drawing ended early. */
  drawErrors(): DrawErrors;
}

/** A page being drawn: which, and whether it has taken long enough to offer Stop. */
export interface DrawingState {
  page: number;
  slow: boolean;
}

function releaseCanvas(canvas: HTMLCanvasElement | null): void {
  if (!canvas) return;
  // Shrinking gives the backing store back at once, not at the next garbage collection.
  canvas.width = 0;
  canvas.height = 0;
}

/** The sentence for a page pdf.js would not draw: a picture over the size limit, or damage. */
export function pageFailure(error: unknown, page: number): string {
  const message = error instanceof Error ? error.message : typeof error === 'string' ? error : '';
  if (/exceeded maximum allowed size/i.test(message)) return cannotShow(`page ${page} has a picture too large to show safely.`);
  return cannotShow(`page ${page} of the PDF is damaged and could not be drawn.`);
}

export function usePdfPage(options: PdfPageOptions) {
  const { pdf, pageNumber, zoom } = options;
  const pageSize = ref({ width: 0, height: 0 });
  const links = ref<LinkBox[]>([]);
  const pageStyle = computed(() => ({ width: `${pageSize.value.width}px`, height: `${pageSize.value.height}px` }));

  let renderTask: RenderTask | null = null;
  let textLayer: TextLayer | null = null;
  let renderToken = 0;
  let shownPage: PDFPageProxy | null = null;
  let firstRenderReported = false;
  /** The page being drawn, once it is slow, and a page the user stopped. */
  const drawing = ref<DrawingState | null>(null);
  const stopped = ref<number | null>(null);
  let slowTimer: number | undefined;
  let limitTimer: number | undefined;

  function clearTimers(): void {
    window.clearTimeout(slowTimer);
    window.clearTimeout(limitTimer);
    drawing.value = null;
  }

  /** The user stops the page being drawn. */
  function stop(): void {
    const current = drawing.value;
    if (!current) return;
    renderToken += 1;
    renderTask?.cancel();
    renderTask = null;
    clearTimers();
    stopped.value = current.page;
  }

  /** The document is going: stop drawing and let go of the page, its canvas and layers. */
  function release(): void {
    renderToken += 1;
    clearTimers();
    stopped.value = null;
    renderTask?.cancel();
    renderTask = null;
    textLayer?.cancel();
    textLayer = null;
    shownPage = null;
    // The next document reports its own first page.
    firstRenderReported = false;
    releaseCanvas(options.canvasHost.value?.querySelector('canvas') ?? null);
    options.canvasHost.value?.replaceChildren();
    options.textHost.value?.replaceChildren();
    links.value = [];
  }

  function availableWidth(): number {
    const host = options.stage.value;
    if (!host) return 800;
    const style = getComputedStyle(host);
    return Math.max(100, host.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight));
  }

  async function render(): Promise<void> {
    const doc = pdf.value;
    if (!doc) return;
    const token = ++renderToken;
    renderTask?.cancel();
    textLayer?.cancel();
    clearTimers();
    stopped.value = null;
    const number = pageNumber.value;
    const limit = options.timeoutMs();
    slowTimer = window.setTimeout(() => {
      if (token === renderToken) drawing.value = { page: number, slow: true };
    }, PAGE_DRAW_SLOW_MS);
    limitTimer = window.setTimeout(() => {
      if (token !== renderToken) return;
      renderToken += 1;
      renderTask?.cancel();
      renderTask = null;
      clearTimers();
      options.failed(
        cannotShow(
          `page ${number} took longer than ${Math.round(limit / 1000)} seconds to draw, which can happen with a damaged or malicious file.`,
          ASK_AGAIN,
        ),
      );
    }, limit);
    let page: PDFPageProxy;
    try {
      page = await doc.getPage(number);
    } catch (error) {
      if (token === renderToken) {
        clearTimers();
        options.failed(pdfFailure(error));
      }
      return;
    }
    if (token !== renderToken) return;
    if (shownPage && shownPage !== page) shownPage.cleanup();
    shownPage = page;

    const rotation = (page.rotate + zoom.rotation.value) % 360;
    const unscaled = page.getViewport({ scale: PDF_TO_CSS, rotation });
    if (zoom.mode.value === 'fit') zoom.fitScale.value = availableWidth() / unscaled.width;
    const viewport = page.getViewport({ scale: zoom.scale.value * PDF_TO_CSS, rotation });
    const cssWidth = Math.floor(viewport.width);
    const cssHeight = Math.floor(viewport.height);
    let outputScale = window.devicePixelRatio || 1;
    if (viewport.width * viewport.height * outputScale * outputScale > MAX_CANVAS_PIXELS) {
      outputScale = Math.sqrt(MAX_CANVAS_PIXELS / (viewport.width * viewport.height));
    }

    // A fresh canvas, swapped in when drawn: no flicker, and no clash with a cancelled render.
    const canvas = document.createElement('canvas');
    canvas.width = Math.max(1, Math.floor(viewport.width * outputScale));
    canvas.height = Math.max(1, Math.floor(viewport.height * outputScale));
    canvas.style.width = `${cssWidth}px`;
    canvas.style.height = `${cssHeight}px`;
    canvas.className = 'pdf-page__canvas';
    canvas.setAttribute('role', 'img');
    canvas.setAttribute('aria-label', `${options.fileName()}, page ${number}`);
    const task = page.render({
      canvas,
      viewport,
      transform: outputScale === 1 ? undefined : [outputScale, 0, 0, outputScale, 0, 0],
      annotationMode: AnnotationMode.ENABLE,
    });
    renderTask = task;
    try {
      await task.promise;
      // pdf.js finishes the drawing of a page whose operators failed part way, and only its worker says so.
      const errors = options.drawErrors().get(number);
      if (errors) throw errors.message;
    } catch (error) {
      releaseCanvas(canvas);
      if (error instanceof RenderingCancelledException || token !== renderToken) return;
      clearTimers();
      // Part of the page could not be read (pdf.js stops at errors): say so rather than show what was drawn.
      options.failed(pageFailure(error, number));
      return;
    }
    if (token !== renderToken) {
      releaseCanvas(canvas);
      return;
    }
    clearTimers();
    renderTask = null;
    pageSize.value = { width: cssWidth, height: cssHeight };
    const box = options.pageBox.value;
    if (box) {
      box.style.setProperty('--scale-factor', String(viewport.scale));
      box.style.setProperty('--total-scale-factor', String(viewport.scale));
      box.style.setProperty('--scale-round-x', '1px');
      box.style.setProperty('--scale-round-y', '1px');
    }
    releaseCanvas(options.canvasHost.value?.querySelector('canvas') ?? null);
    options.canvasHost.value?.replaceChildren(canvas);
    if (!firstRenderReported) {
      firstRenderReported = true;
      options.rendered(number);
    }
    await Promise.all([renderTextLayer(page, viewport, token), renderLinks(page, viewport, token)]);
  }

  async function renderTextLayer(page: PDFPageProxy, viewport: PdfViewport, token: number): Promise<void> {
    const host = options.textHost.value;
    if (!host) return;
    host.replaceChildren();
    const layer = new TextLayer({ textContentSource: page.streamTextContent(), container: host, viewport });
    textLayer = layer;
    try {
      await layer.render();
    } catch {
      // Cancelled by a newer render, or text that could not be read: the page is still shown.
      return;
    }
    if (token !== renderToken) return;
    options.textDrawn();
  }

  async function renderLinks(page: PDFPageProxy, viewport: PdfViewport, token: number): Promise<void> {
    let annotations: unknown[];
    try {
      annotations = await page.getAnnotations({ intent: 'display' });
    } catch {
      annotations = [];
    }
    if (token !== renderToken) return;
    links.value = linkBoxes(annotations, viewport, pageNumber.value);
  }

  return { links, pageStyle, drawing, stopped, render, release, stop, textLayer: (): TextLayer | null => textLayer };
}
