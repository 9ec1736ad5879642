/**
 * A test-only page: mounts the renderer's AttachmentViewer on bytes fetched from the test
 * server, beside a stand-in for the rest of the referral screen, and records what the
 * tests check (CSP violations, link requests, failures). The test drives it through
 * `window.harness`. Link confirmation here is the app's job in miniature: it asks, and
 * never navigates.
 */
import { createApp, defineComponent, h, ref, shallowRef } from 'vue';
import AttachmentViewer from '../../../renderer/viewer/components/AttachmentViewer.vue';
import { PAGE_DRAW_TIMEOUT_KEY, PAGE_DRAW_TIMEOUT_MS } from '../../../renderer/viewer/pdf-page-limit';
import { DECODE_TIMEOUT_KEY, DECODE_TIMEOUT_MS } from '../../../renderer/viewer/tiff-decode-limit';
import '../../../renderer/styles/nhs.css';
import './harness.css';

interface Shown {
  bytes: Uint8Array;
  contentType: string;
  fileName: string;
  key: number;
}

interface SafeDocumentLike {
  blocks: unknown[];
}

interface HarnessState {
  violations: string[];
  links: string[];
  failures: string[];
  /** How many times a viewer reported its first page on screen. */
  rendered: number;
  linkDecisions: string[];
  clicks: number;
  /** The TIFF decoder's time limit for what is shown next: the product's unless a test sets a shorter one. */
  tiffDecodeTimeoutMs: number;
  /** The PDF page drawing time limit, likewise. */
  pdfPageTimeoutMs: number;
  show(path: string, contentType: string, fileName: string): Promise<void>;
}

declare global {
  interface Window {
    harness: HarnessState;
  }
}

const violations: string[] = [];
// Registered before anything else runs, so any violation the viewers cause is seen.
document.addEventListener('securitypolicyviolation', (event) => {
  violations.push(`${event.violatedDirective} ${event.blockedURI}`);
});

const shown = shallowRef<Shown | null>(null);
const pendingLink = ref<string | null>(null);
const clicks = ref(0);
let nextKey = 0;

const state: HarnessState = {
  violations,
  links: [],
  failures: [],
  rendered: 0,
  linkDecisions: [],
  clicks: 0,
  tiffDecodeTimeoutMs: DECODE_TIMEOUT_MS,
  pdfPageTimeoutMs: PAGE_DRAW_TIMEOUT_MS,
  async show(path, contentType, fileName) {
    const response = await fetch(path);
    const bytes = new Uint8Array(await response.arrayBuffer());
    nextKey += 1;
    shown.value = { bytes, contentType, fileName, key: nextKey };
  },
};
window.harness = state;

/** What the main process will do through the contract: here, the test server converts. */
async function convertDocument(request: { kind: 'docx' | 'rtf'; bytes: Uint8Array; fileName: string }): Promise<SafeDocumentLike> {
  const response = await fetch(`/convert/${request.kind}`, { method: 'POST', body: request.bytes.slice().buffer });
  const body = (await response.json()) as { document?: SafeDocumentLike; message?: string };
  if (!response.ok || !body.document) throw new Error(body.message ?? 'The document could not be converted.');
  return body.document;
}

const Harness = defineComponent({
  setup() {
    return () =>
      h('main', { class: 'harness' }, [
        h('h1', 'Attachment viewer harness'),
        h('div', { class: 'harness__layout' }, [
          h(
            'div',
            { class: 'harness__viewer' },
            shown.value
              ? [
                  h(AttachmentViewer, {
                    key: shown.value.key,
                    bytes: shown.value.bytes,
                    contentType: shown.value.contentType,
                    fileName: shown.value.fileName,
                    convertDocument,
                    onOpenLink: (url: string) => {
                      state.links.push(url);
                      pendingLink.value = url;
                    },
                    onFailed: (message: string) => state.failures.push(message),
                    onRendered: () => {
                      state.rendered += 1;
                    },
                  }),
                ]
              : [h('p', 'Nothing shown yet.')],
          ),
          h('section', { class: 'harness__form', 'aria-label': 'Decision' }, [
            h('h2', 'Decision'),
            h(
              'button',
              {
                type: 'button',
                class: 'button',
                'data-testid': 'other-control',
                onClick: () => {
                  clicks.value += 1;
                  state.clicks = clicks.value;
                },
              },
              `Still working (${clicks.value})`,
            ),
          ]),
        ]),
        pendingLink.value
          ? h(
              'div',
              {
                class: 'harness__dialog',
                role: 'dialog',
                'aria-modal': 'true',
                'aria-labelledby': 'link-dialog-title',
                'data-testid': 'link-dialog',
              },
              [
                h('h2', { id: 'link-dialog-title' }, 'Open this link in your web browser?'),
                h('p', { 'data-testid': 'link-dialog-url' }, pendingLink.value),
                h('button', { type: 'button', class: 'button', onClick: () => decide('open') }, 'Open link'),
                h(
                  'button',
                  { type: 'button', class: 'button button--secondary', 'data-testid': 'link-cancel', onClick: () => decide('cancel') },
                  'Cancel',
                ),
              ],
            )
          : null,
      ]);
  },
});

function decide(decision: 'open' | 'cancel'): void {
  // The app would hand an approved URL to the system browser; the harness only records it.
  state.linkDecisions.push(`${decision} ${pendingLink.value ?? ''}`);
  pendingLink.value = null;
}

createApp(Harness)
  .provide(DECODE_TIMEOUT_KEY, () => state.tiffDecodeTimeoutMs)
  .provide(PAGE_DRAW_TIMEOUT_KEY, () => state.pdfPageTimeoutMs)
  .mount('#app');
