/**
 * A document reduced to what a reader needs and nothing that can act: headings,
 * paragraphs, lists and tables holding plain text runs. DOCX and RTF attachments are
 * turned into this in the main process, so the renderer never parses a zip or an RTF
 * and never receives markup, URLs, styles or images, only data it shows through Vue
 * interpolation.
 */

export interface SafeRun {
  text: string;
  bold: boolean;
  italic: boolean;
}

export type SafeHeadingLevel = 1 | 2 | 3 | 4 | 5 | 6;

export interface SafeHeading {
  type: 'heading';
  level: SafeHeadingLevel;
  runs: SafeRun[];
}

export interface SafeParagraph {
  type: 'paragraph';
  runs: SafeRun[];
}

export interface SafeListItem {
  blocks: SafeBlock[];
}

export interface SafeList {
  type: 'list';
  ordered: boolean;
  items: SafeListItem[];
}

export interface SafeTableCell {
  header: boolean;
  blocks: SafeBlock[];
}

export interface SafeTableRow {
  cells: SafeTableCell[];
}

export interface SafeTable {
  type: 'table';
  rows: SafeTableRow[];
}

export type SafeBlock = SafeHeading | SafeParagraph | SafeList | SafeTable;

/** What the conversion left out, so the viewer can say so rather than hide it. */
export interface SafeDocumentRemoved {
  /** Pictures, each shown as an "[image]" placeholder. */
  images: number;
  /** Hyperlinks, kept as their text only. */
  links: number;
  /** Embedded objects (OLE, packages, fields that run code), dropped entirely. */
  objects: number;
  /** Content cut because the document was longer or deeper than the viewer shows. */
  truncated: boolean;
}

export interface SafeDocument {
  blocks: SafeBlock[];
  removed: SafeDocumentRemoved;
}

/** Limits on a converted document, so a hostile file cannot make a huge payload. */
export const SAFE_DOCUMENT_LIMITS = {
  /** Total characters of text across all runs. */
  maxTextChars: 2_000_000,
  /** Total blocks, counting nested ones. */
  maxBlocks: 50_000,
  /** Lists in lists, tables in tables: deeper content is flattened to paragraphs. */
  maxDepth: 6,
} as const;

export function emptyRemoved(): SafeDocumentRemoved {
  return { images: 0, links: 0, objects: 0, truncated: false };
}

/**
 * Plain text as paragraphs, one per line; blank lines separate nothing further. Used for
 * RTF, whose text the tokenizer has already made safe.
 */
export function textToSafeDocument(text: string, removed: SafeDocumentRemoved = emptyRemoved()): SafeDocument {
  const blocks: SafeBlock[] = [];
  let chars = 0;
  const result: SafeDocument = { blocks, removed: { ...removed } };
  for (const line of text.split('\n')) {
    const trimmed = line.replace(/\s+$/u, '');
    if (trimmed === '') continue;
    if (blocks.length >= SAFE_DOCUMENT_LIMITS.maxBlocks || chars + trimmed.length > SAFE_DOCUMENT_LIMITS.maxTextChars) {
      result.removed.truncated = true;
      break;
    }
    chars += trimmed.length;
    blocks.push({ type: 'paragraph', runs: [{ text: trimmed, bold: false, italic: false }] });
  }
  return result;
}
