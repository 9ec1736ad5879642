/**
 * Building the safe document tree (contract/safe-document.ts) the viewer shows: its limits,
 * and plain text to paragraphs. The DOCX conversion is docx-to-safe-document.ts.
 */
import type { SafeBlock, SafeDocument, SafeDocumentRemoved } from '../../contract';

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
