/**
 * A document reduced to what a reader needs and nothing that can act: headings,
 * paragraphs, lists and tables holding plain text runs. DOCX and RTF attachments are
 * turned into this in the main process, so the renderer never parses a zip or an RTF
 * and never receives markup, URLs, styles or images, only data it shows through Vue
 * interpolation.
 *
 * These are the types that travel (inside AttachmentContent); the conversion that builds
 * them is electron/convert/.
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
