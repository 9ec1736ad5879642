/**
 * Find in the PDF viewer: each page's text read once (and kept until the document goes),
 * matched as pdf-find.ts matches, the matches stepped through starting from the page being
 * read, and those on the page shown marked in its text layer. Emptying the query clears
 * the marks.
 */
import type { PDFDocumentProxy, TextLayer } from 'pdfjs-dist';
import { ref, shallowRef, watch, type Ref, type ShallowRef } from 'vue';
import { findInPage, highlightMatches, normaliseQuery, pageText, type FindMatch, type PageText } from '../pdf-find';

export interface PdfFindOptions {
  pdf: Readonly<ShallowRef<PDFDocumentProxy | null>>;
  /** 1-based: the page on screen. */
  pageNumber: Readonly<Ref<number>>;
  /** The text layer of the page on screen, once drawn. */
  textLayer: () => TextLayer | null;
  goToPage(page: number): Promise<void>;
}

export function usePdfFind(options: PdfFindOptions) {
  const { pdf, pageNumber } = options;
  const query = ref('');
  const status = ref('');
  const matches = shallowRef<FindMatch[]>([]);
  const matchIndex = ref(-1);
  const pageTexts = new Map<number, PageText>();
  let queryUsed = '';

  async function textOfPage(doc: PDFDocumentProxy, number: number): Promise<PageText> {
    const cached = pageTexts.get(number);
    if (cached) return cached;
    const page = await doc.getPage(number);
    const content = await page.getTextContent();
    const text = pageText(content.items as { str?: string; hasEOL?: boolean }[]);
    pageTexts.set(number, text);
    return text;
  }

  async function find(direction: 1 | -1): Promise<void> {
    const doc = pdf.value;
    const wanted = normaliseQuery(query.value);
    if (!doc || wanted === '') {
      matches.value = [];
      matchIndex.value = -1;
      status.value = '';
      highlight();
      return;
    }
    if (wanted !== queryUsed) {
      queryUsed = wanted;
      status.value = 'Searching…';
      const found: FindMatch[] = [];
      for (let number = 1; number <= doc.numPages; number += 1) {
        found.push(...findInPage(number, await textOfPage(doc, number), wanted));
        if (doc !== pdf.value || wanted !== queryUsed) return;
      }
      matches.value = found;
      // Start from the page being read, not from the top.
      const first = found.findIndex((match) => match.page >= pageNumber.value);
      matchIndex.value = found.length === 0 ? -1 : direction === 1 ? (first === -1 ? 0 : first) : first <= 0 ? found.length - 1 : first - 1;
    } else if (matches.value.length > 0) {
      matchIndex.value = (matchIndex.value + direction + matches.value.length) % matches.value.length;
    }
    const current = matches.value[matchIndex.value];
    if (!current) {
      status.value = `No matches for “${query.value.trim()}”`;
      highlight();
      return;
    }
    status.value = `Match ${matchIndex.value + 1} of ${matches.value.length}, on page ${current.page}`;
    if (current.page !== pageNumber.value) await options.goToPage(current.page);
    else highlight();
  }

  /** Marks the matches on the page on screen, and brings the selected one into view. */
  function highlight(): void {
    const layer = options.textLayer();
    const text = pageTexts.get(pageNumber.value);
    if (!layer) return;
    const onPage = text ? matches.value.filter((match) => match.page === pageNumber.value) : [];
    const selected = matches.value[matchIndex.value] ?? null;
    const element = highlightMatches(
      layer.textDivs as HTMLElement[],
      layer.textContentItemsStr as string[],
      text ?? { text: '', starts: [], lengths: [] },
      onPage,
      selected,
    );
    element?.scrollIntoView({ block: 'center', inline: 'nearest' });
  }

  /** A new document: nothing found in it yet (the query stays in the box). */
  function reset(): void {
    matches.value = [];
    matchIndex.value = -1;
    status.value = '';
    queryUsed = '';
  }

  /** The document is going: forget its text. */
  function release(): void {
    pageTexts.clear();
  }

  watch(query, (value) => {
    if (value.trim() === '') void find(1);
  });

  return { query, status, find, highlight, reset, release };
}
