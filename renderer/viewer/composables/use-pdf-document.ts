/**
 * The pdf.js document behind the PDF viewer, from bytes to destroyed. It is opened,
 * hardened (pdf-document.ts), when the viewer mounts and again whenever the bytes change;
 * the document, its worker and its memory are destroyed before the next one opens and when
 * the viewer goes. When opens overlap, the newest wins and an older one is dropped. Call it
 * from a component's setup: it registers its own watch and lifecycle hooks.
 */
import type { PDFDocumentProxy } from 'pdfjs-dist';
import { onBeforeUnmount, onMounted, ref, shallowRef, watch } from 'vue';
import { openPdf, pdfFailure, type DrawErrors, type OpenedPdf } from '../pdf-document';

export interface PdfDocumentHooks {
  /** The document is going: drop everything drawn or read from it. */
  release(): void;
  /** A new document is about to open: back to the first page, fit width, nothing found. */
  reset(): void;
  /** The document is open (and on `pdf`): show it. A throw here fails the open. */
  opened(doc: PDFDocumentProxy): Promise<void>;
  /** It would not open: the sentence to show. */
  failed(message: string): void;
}

export function usePdfDocument(bytes: () => Uint8Array, hooks: PdfDocumentHooks) {
  // Shallow: pdf.js objects keep private state that a deep reactive proxy would break.
  const pdf = shallowRef<PDFDocumentProxy | null>(null);
  const pageCount = ref(0);
  const loading = ref(true);

  let opened: OpenedPdf | null = null;
  let documentToken = 0;

  async function close(): Promise<void> {
    hooks.release();
    const current = opened;
    opened = null;
    pdf.value = null;
    // Destroys the document and terminates its worker, with whatever a hostile file left running there.
    if (current) await current.destroy();
  }

  async function open(): Promise<void> {
    const mine = ++documentToken;
    await close();
    if (mine !== documentToken) return;
    loading.value = true;
    pageCount.value = 0;
    hooks.reset();
    const current = openPdf(bytes());
    opened = current;
    try {
      const doc = await current.task.promise;
      if (mine !== documentToken) return;
      pdf.value = doc;
      pageCount.value = doc.numPages;
      loading.value = false;
      await hooks.opened(doc);
    } catch (error) {
      if (mine !== documentToken) return;
      await close();
      hooks.failed(pdfFailure(error));
    }
  }

  watch(bytes, () => void open());
  onMounted(() => void open());
  onBeforeUnmount(() => {
    documentToken += 1;
    void close();
  });

  /** The open document's pages whose operators could not be read in full (see pdf-document.ts). */
  const drawErrors = (): DrawErrors => opened?.drawErrors ?? new Map();

  return { pdf, pageCount, loading, drawErrors };
}
