/**
 * Find-in-document over pdf.js text content: each page's text items joined into one
 * string (a space where a line ends), matched case-insensitively, and matches mapped back
 * to the text layer's spans to highlight them.
 */

export interface PageText {
  /** Lower-cased text of the page, items joined. */
  text: string;
  /** Where each text item starts in `text`; parallel to the text layer's spans. */
  starts: number[];
  /** Each item's length in `text`. */
  lengths: number[];
}

export interface FindMatch {
  /** 1-based page number. */
  page: number;
  start: number;
  end: number;
}

interface TextItemLike {
  str?: string;
  hasEOL?: boolean;
}

export function pageText(items: readonly TextItemLike[]): PageText {
  let text = '';
  const starts: number[] = [];
  const lengths: number[] = [];
  for (const item of items) {
    if (typeof item.str !== 'string') continue;
    // Lower-casing one character at a time keeps every offset aligned with the original.
    const lower = Array.from(item.str, (char) => (char.toLowerCase().length === char.length ? char.toLowerCase() : char)).join('');
    starts.push(text.length);
    lengths.push(lower.length);
    text += lower;
    if (item.hasEOL) text += ' ';
  }
  return { text, starts, lengths };
}

export function normaliseQuery(query: string): string {
  return query.trim().replace(/\s+/g, ' ').toLowerCase();
}

export function findInPage(page: number, text: PageText, query: string): FindMatch[] {
  const matches: FindMatch[] = [];
  if (query === '') return matches;
  const haystack = text.text.replace(/\s/g, ' ');
  let at = haystack.indexOf(query);
  while (at !== -1) {
    matches.push({ page, start: at, end: at + query.length });
    at = haystack.indexOf(query, at + query.length);
  }
  return matches;
}

/**
 * Marks the matches on one rendered page: each span's text is rebuilt from text nodes and
 * <span class="highlight"> pieces (DOM nodes only, never markup). `originals` are the
 * spans' own strings, so a second call starts from clean text.
 */
export function highlightMatches(
  spans: readonly HTMLElement[],
  originals: readonly string[],
  text: PageText,
  matches: readonly FindMatch[],
  selected: FindMatch | null,
): HTMLElement | null {
  const ranges = new Map<number, { from: number; to: number; selected: boolean }[]>();
  for (const match of matches) {
    for (let index = 0; index < text.starts.length; index += 1) {
      const start = text.starts[index] ?? 0;
      const end = start + (text.lengths[index] ?? 0);
      if (end <= match.start || start >= match.end) continue;
      const list = ranges.get(index) ?? [];
      list.push({ from: Math.max(match.start, start) - start, to: Math.min(match.end, end) - start, selected: match === selected });
      ranges.set(index, list);
    }
  }
  let selectedElement: HTMLElement | null = null;
  spans.forEach((span, index) => {
    const original = originals[index] ?? '';
    const marks = ranges.get(index);
    if (!marks) {
      if (span.childElementCount > 0) span.textContent = original;
      return;
    }
    marks.sort((a, b) => a.from - b.from);
    const pieces: Node[] = [];
    let cursor = 0;
    for (const mark of marks) {
      if (mark.from > cursor) pieces.push(document.createTextNode(original.slice(cursor, mark.from)));
      const element = document.createElement('span');
      element.className = mark.selected ? 'highlight selected' : 'highlight';
      element.textContent = original.slice(mark.from, mark.to);
      pieces.push(element);
      if (mark.selected && !selectedElement) selectedElement = element;
      cursor = Math.max(cursor, mark.to);
    }
    if (cursor < original.length) pieces.push(document.createTextNode(original.slice(cursor)));
    span.replaceChildren(...pieces);
  });
  return selectedElement;
}
