/**
 * The app's AttachmentViewer, alone on a page, timed from bytes in memory to first page on
 * screen (its `rendered` event, then the next frame). The bench drives it through
 * `window.bench`. Word and RTF files go to the bench server for conversion, standing in
 * for the main process as the app's contract does.
 */
import { createApp, defineComponent, h, shallowRef } from 'vue';
import AttachmentViewer from '../../../renderer/viewer/components/AttachmentViewer.vue';
import '../../../renderer/styles/nhs.css';
import './harness.css';
import { afterNextPaint, fetchBytes, untilQuiet, waitForElement, type OpenResult } from './timing';

interface Shown {
  bytes: Uint8Array;
  contentType: string;
  fileName: string;
  key: number;
}

interface Pending {
  started: number;
  resolve: (result: OpenResult) => void;
}

interface OursBench {
  /** Clears the viewer and fetches the file: nothing of this is timed. */
  prepare(path: string): Promise<void>;
  /** Shows the prepared bytes, timed. */
  show(contentType: string, fileName: string): Promise<OpenResult>;
  open(path: string, contentType: string, fileName: string): Promise<OpenResult>;
  clear(): Promise<void>;
}

/** The bench drives the page through this. */
const harness = window as unknown as { bench: OursBench };

/** Kinds whose viewer announces its first page; the others are on screen once their element is. */
const ANNOUNCES = /^(application\/pdf|image\/(tiff|png|jpeg|gif))$/;
const SHOWN_WITHOUT_EVENT = '[data-testid="text-viewer"], [data-testid="rich-document-viewer"]';

const shown = shallowRef<Shown | null>(null);
let pending: Pending | null = null;
let prepared: Uint8Array | null = null;
let nextKey = 0;

function finish(result: (started: number) => Promise<OpenResult>): void {
  const current = pending;
  if (!current) return;
  pending = null;
  void result(current.started).then(current.resolve);
}

async function convertDocument(request: { kind: 'docx' | 'rtf'; bytes: Uint8Array; fileName: string }): Promise<{ blocks: unknown[] }> {
  const response = await fetch(`/convert/${request.kind}`, { method: 'POST', body: request.bytes.slice().buffer });
  const body = (await response.json()) as { document?: { blocks: unknown[] }; message?: string };
  if (!response.ok || !body.document) throw new Error(body.message ?? 'The document could not be converted.');
  return body.document;
}

harness.bench = {
  async clear() {
    shown.value = null;
    await untilQuiet();
  },
  async prepare(path) {
    await harness.bench.clear();
    prepared = await fetchBytes(path);
    await afterNextPaint();
  },
  async open(path, contentType, fileName) {
    await harness.bench.prepare(path);
    return harness.bench.show(contentType, fileName);
  },
  show(contentType, fileName) {
    const bytes = prepared;
    prepared = null;
    if (!bytes) return Promise.resolve({ ok: false, firstPageMs: NaN, paintedMs: NaN, message: 'nothing was prepared' });
    return new Promise<OpenResult>((resolve) => {
      const started = performance.now();
      pending = { started, resolve };
      nextKey += 1;
      shown.value = { bytes, contentType, fileName, key: nextKey };
      if (!ANNOUNCES.test(contentType)) {
        void waitForElement(SHOWN_WITHOUT_EVENT).then(
          () => finish(async (t0) => ({ ok: true, firstPageMs: performance.now() - t0, paintedMs: (await afterNextPaint()) - t0 })),
          (error: unknown) => finish(async () => ({ ok: false, firstPageMs: NaN, paintedMs: NaN, message: String(error) })),
        );
      }
    });
  },
};

const Harness = defineComponent({
  setup() {
    return () =>
      h('main', { class: 'bench-stage' }, [
        shown.value
          ? h(AttachmentViewer, {
              key: shown.value.key,
              bytes: shown.value.bytes,
              contentType: shown.value.contentType,
              fileName: shown.value.fileName,
              convertDocument,
              onRendered: () => {
                const drawn = performance.now();
                finish(async (t0) => ({ ok: true, firstPageMs: drawn - t0, paintedMs: (await afterNextPaint()) - t0 }));
              },
              onFailed: (message: string) => finish(async () => ({ ok: false, firstPageMs: NaN, paintedMs: NaN, message })),
            })
          : null,
      ]);
  },
});

createApp(Harness).mount('#app');
