/**
 * DOCX to SafeDocument. The archive is checked against zip-bomb limits before mammoth
 * sees it, and mammoth is given a rebuilt, uncompressed archive holding only the XML
 * parts, so it never inflates anything, never reads images, macros or embedded objects,
 * and never touches the file system. Its HTML is then parsed with parse5 and walked
 * through a whitelist: whatever is not a heading, paragraph, list, table, bold or italic
 * text is reduced to its text or dropped.
 */
import mammoth from 'mammoth';
import { parseFragment, type DefaultTreeAdapterTypes } from 'parse5';
import { zipSync, type Zippable } from 'fflate';
import { AppError } from '../app-error';
import type { Logger } from '../log/logger';
import { DEFAULT_ZIP_LIMITS, extractZipEntries, inspectZip, type ZipLimits } from './zip-guard';
import type { SafeBlock, SafeDocument, SafeDocumentRemoved, SafeHeadingLevel, SafeListItem, SafeRun, SafeTableRow } from '../../contract';
import { emptyRemoved, SAFE_DOCUMENT_LIMITS } from './safe-document';

type Node = DefaultTreeAdapterTypes.ChildNode;
type Element = DefaultTreeAdapterTypes.Element;

export interface DocxConversionOptions {
  limits?: ZipLimits;
  logger?: Logger;
}

/** Parts mammoth needs are XML; media, embeddings and macros (vbaProject.bin) are not. */
function isXmlPart(name: string): boolean {
  return /\.(xml|rels)$/i.test(name) && !name.includes('..');
}

/** One per embedded OLE object or ActiveX control (the o:OLEObject sits inside w:object). */
const EMBEDDED_OBJECT = /<(?:w:object|w:control)\b/g;

export async function docxToSafeDocument(bytes: Uint8Array, options: DocxConversionOptions = {}): Promise<SafeDocument> {
  const listing = inspectZip(bytes, options.limits ?? DEFAULT_ZIP_LIMITS);
  if (!listing.some((entry) => entry.name === 'word/document.xml' || entry.name === '[Content_Types].xml')) {
    throw notWord();
  }
  const parts = extractZipEntries(bytes, listing, isXmlPart);

  const removed = emptyRemoved();
  removed.objects += listing.filter((entry) => /^word\/embeddings\//i.test(entry.name)).length;
  const mainPart = parts.get('word/document.xml');
  if (mainPart) {
    const xml = new TextDecoder('utf-8', { fatal: false }).decode(mainPart);
    removed.objects = Math.max(removed.objects, (xml.match(EMBEDDED_OBJECT) ?? []).length);
  }

  const rebuilt: Zippable = {};
  for (const [name, data] of parts) rebuilt[name] = [data, { level: 0 }];
  let html: string;
  try {
    const result = await mammoth.convertToHtml(
      { buffer: Buffer.from(zipSync(rebuilt)) },
      {
        // Never read the picture: an "[image]" placeholder is all the viewer shows.
        convertImage: mammoth.images.imgElement(() => Promise.resolve({ src: '' })),
        externalFileAccess: false,
        includeEmbeddedStyleMap: false,
        ignoreEmptyParagraphs: true,
      },
    );
    html = result.value;
    options.logger?.debug('docx.converted', { htmlChars: html.length, warnings: result.messages.length });
  } catch (error) {
    options.logger?.warn('docx.unreadable', { error: error instanceof Error ? error.name : 'unknown' });
    throw notWord(error);
  }
  return htmlToSafeDocument(html, removed);
}

function notWord(cause?: unknown): AppError {
  return new AppError(
    'DOCUMENT_CORRUPT',
    'This document could not be opened because the file is damaged or is not a Word document. Ask the referrer to send it again.',
    cause === undefined ? {} : { cause },
  );
}

// ---------------------------------------------------------------------------------------
// The whitelist walk

const DROPPED = new Set([
  'script',
  'style',
  'template',
  'iframe',
  'object',
  'embed',
  'svg',
  'math',
  'noscript',
  'head',
  'title',
  'meta',
  'link',
  'base',
  'form',
  'input',
  'button',
  'select',
  'textarea',
  'video',
  'audio',
  'canvas',
]);
const BLOCK_CONTAINERS = new Set([
  'div',
  'section',
  'article',
  'blockquote',
  'body',
  'main',
  'header',
  'footer',
  'aside',
  'dl',
  'dd',
  'dt',
  'figure',
  'figcaption',
  'thead',
  'tbody',
  'tfoot',
]);

/** Element nesting beyond this is read as text only: parse5 builds any depth, the walk must not recurse that far. */
const MAX_NESTING = 48;

interface Walk {
  removed: SafeDocumentRemoved;
  chars: number;
  blocks: number;
}

function isElement(node: Node): node is Element {
  return 'tagName' in node;
}

function isText(node: Node): node is DefaultTreeAdapterTypes.TextNode {
  return node.nodeName === '#text';
}

/** Exported for tests: the sanitiser alone, on any HTML. */
export function htmlToSafeDocument(html: string, removed: SafeDocumentRemoved = emptyRemoved()): SafeDocument {
  const walk: Walk = { removed: { ...removed }, chars: 0, blocks: 0 };
  const fragment = parseFragment(html);
  const blocks = toBlocks(fragment.childNodes, walk, 0, 0);
  return { blocks, removed: walk.removed };
}

/** depth counts lists and tables (shown nested up to maxDepth); nest counts every element. */
function toBlocks(nodes: readonly Node[], walk: Walk, depth: number, nest: number): SafeBlock[] {
  const blocks: SafeBlock[] = [];
  let loose: SafeRun[] = [];
  const flushLoose = () => {
    if (loose.some((run) => run.text.trim() !== '')) push(blocks, { type: 'paragraph', runs: loose }, walk);
    loose = [];
  };
  for (const node of nodes) {
    if (walk.removed.truncated) break;
    if (!isElement(node)) {
      if (isText(node)) loose.push(...addRuns([{ text: node.value, bold: false, italic: false }], walk));
      continue;
    }
    const tag = node.tagName;
    if (DROPPED.has(tag)) {
      if (tag === 'object' || tag === 'embed' || tag === 'iframe' || tag === 'script') walk.removed.objects += 1;
      continue;
    }
    const heading = /^h([1-6])$/.exec(tag);
    if (nest >= MAX_NESTING) {
      flushLoose();
      blocks.push(...flatten(node, walk));
    } else if (heading) {
      flushLoose();
      push(
        blocks,
        { type: 'heading', level: Number(heading[1]) as SafeHeadingLevel, runs: toRuns(node.childNodes, walk, false, false, nest + 1) },
        walk,
      );
    } else if (tag === 'p') {
      flushLoose();
      const runs = toRuns(node.childNodes, walk, false, false, nest + 1);
      if (runs.length > 0) push(blocks, { type: 'paragraph', runs }, walk);
    } else if (tag === 'ul' || tag === 'ol') {
      flushLoose();
      if (depth >= SAFE_DOCUMENT_LIMITS.maxDepth) {
        blocks.push(...flatten(node, walk));
        continue;
      }
      const items: SafeListItem[] = [];
      for (const child of node.childNodes) {
        if (isElement(child) && child.tagName === 'li') items.push({ blocks: toBlocks(child.childNodes, walk, depth + 1, nest + 2) });
      }
      push(blocks, { type: 'list', ordered: tag === 'ol', items }, walk);
    } else if (tag === 'table') {
      flushLoose();
      if (depth >= SAFE_DOCUMENT_LIMITS.maxDepth) {
        blocks.push(...flatten(node, walk));
        continue;
      }
      push(blocks, { type: 'table', rows: tableRows(node, walk, depth, nest) }, walk);
    } else if (BLOCK_CONTAINERS.has(tag) || tag === 'li' || tag === 'tr' || tag === 'td' || tag === 'th') {
      flushLoose();
      blocks.push(...toBlocks(node.childNodes, walk, depth, nest + 1));
    } else {
      // Inline content between blocks (mammoth emits none, but other HTML might).
      loose.push(...toRuns([node], walk, false, false, nest));
    }
  }
  flushLoose();
  return blocks;
}

function tableRows(table: Element, walk: Walk, depth: number, nest: number): SafeTableRow[] {
  const rows: SafeTableRow[] = [];
  const visit = (nodes: readonly Node[]) => {
    for (const node of nodes) {
      if (!isElement(node)) continue;
      if (node.tagName === 'tr') {
        const cells = node.childNodes.filter(isElement).filter((cell) => cell.tagName === 'td' || cell.tagName === 'th');
        rows.push({
          cells: cells.map((cell) => ({ header: cell.tagName === 'th', blocks: toBlocks(cell.childNodes, walk, depth + 1, nest + 4) })),
        });
      } else if (node.tagName === 'thead' || node.tagName === 'tbody' || node.tagName === 'tfoot') {
        visit(node.childNodes);
      }
    }
  };
  visit(table.childNodes);
  return rows;
}

/** Content nested deeper than the viewer shows: its text as one paragraph. */
function flatten(node: Element, walk: Walk): SafeBlock[] {
  const runs = addRuns([{ text: textOf(node.childNodes, walk), bold: false, italic: false }], walk);
  return runs.length > 0 ? [{ type: 'paragraph', runs }] : [];
}

/** The text under some nodes, walked with an explicit stack so depth costs no call frames. */
function textOf(nodes: readonly Node[], walk: Walk): string {
  const parts: string[] = [];
  const stack: Node[] = [...nodes].reverse();
  let length = 0;
  while (stack.length > 0 && length < SAFE_DOCUMENT_LIMITS.maxTextChars) {
    const node = stack.pop() as Node;
    if (isText(node)) {
      parts.push(node.value);
      length += node.value.length;
    } else if (isElement(node)) {
      if (DROPPED.has(node.tagName)) continue;
      if (node.tagName === 'img') {
        walk.removed.images += 1;
        parts.push('[image]');
      } else {
        if (node.tagName === 'a' && node.attrs.some((attr) => attr.name === 'href')) walk.removed.links += 1;
        for (let index = node.childNodes.length - 1; index >= 0; index -= 1) stack.push(node.childNodes[index] as Node);
      }
    }
  }
  return parts.join(' ').replace(/\s+/g, ' ').trim();
}

function toRuns(nodes: readonly Node[], walk: Walk, bold: boolean, italic: boolean, nest: number): SafeRun[] {
  if (nest >= MAX_NESTING) return addRuns([{ text: textOf(nodes, walk), bold, italic }], walk);
  const runs: SafeRun[] = [];
  for (const node of nodes) {
    if (walk.removed.truncated) break;
    if (isText(node)) {
      runs.push(...addRuns([{ text: node.value, bold, italic }], walk));
      continue;
    }
    if (!isElement(node)) continue;
    const tag = node.tagName;
    if (DROPPED.has(tag)) {
      if (tag === 'object' || tag === 'embed' || tag === 'iframe' || tag === 'script') walk.removed.objects += 1;
      continue;
    }
    if (tag === 'img') {
      walk.removed.images += 1;
      runs.push(...addRuns([{ text: '[image]', bold, italic }], walk));
    } else if (tag === 'br') {
      runs.push(...addRuns([{ text: '\n', bold, italic }], walk));
    } else if (tag === 'a') {
      if (node.attrs.some((attr) => attr.name === 'href')) walk.removed.links += 1;
      runs.push(...toRuns(node.childNodes, walk, bold, italic, nest + 1));
    } else if (tag === 'strong' || tag === 'b') {
      runs.push(...toRuns(node.childNodes, walk, true, italic, nest + 1));
    } else if (tag === 'em' || tag === 'i') {
      runs.push(...toRuns(node.childNodes, walk, bold, true, nest + 1));
    } else {
      // Every other element (sup, sub, span, u, s, a nested block...) keeps its text only.
      if (BLOCK_CONTAINERS.has(tag) || tag === 'p' || /^h[1-6]$/.test(tag) || tag === 'li') {
        if (runs.length > 0) runs.push(...addRuns([{ text: ' ', bold, italic }], walk));
      }
      runs.push(...toRuns(node.childNodes, walk, bold, italic, nest + 1));
    }
  }
  return mergeRuns(runs);
}

function addRuns(runs: SafeRun[], walk: Walk): SafeRun[] {
  const kept: SafeRun[] = [];
  for (const run of runs) {
    // Control characters other than newline and tab have no business in a letter.
    const text = run.text.replace(/\p{Cc}/gu, (c) => (c === '\n' || c === '\t' ? c : ''));
    if (text === '') continue;
    const room = SAFE_DOCUMENT_LIMITS.maxTextChars - walk.chars;
    if (room <= 0) {
      walk.removed.truncated = true;
      break;
    }
    const cut = text.length > room ? text.slice(0, room) : text;
    if (cut.length < text.length) walk.removed.truncated = true;
    walk.chars += cut.length;
    kept.push({ text: cut, bold: run.bold, italic: run.italic });
  }
  return kept;
}

function mergeRuns(runs: SafeRun[]): SafeRun[] {
  const merged: SafeRun[] = [];
  for (const run of runs) {
    const last = merged[merged.length - 1];
    if (last && last.bold === run.bold && last.italic === run.italic) last.text += run.text;
    else merged.push({ ...run });
  }
  return merged;
}

function push(blocks: SafeBlock[], block: SafeBlock, walk: Walk): void {
  if (walk.blocks >= SAFE_DOCUMENT_LIMITS.maxBlocks) {
    walk.removed.truncated = true;
    return;
  }
  walk.blocks += 1;
  blocks.push(block);
}
