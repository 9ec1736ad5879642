/**
 * The links on a PDF page, as boxes laid over it. A link never navigates: the viewer
 * reports an outside address (`open-link`) and the app decides whether to ask and open it,
 * and a link inside the document only goes to its page. Only pdf.js's sanitised `url` is
 * used, never `unsafeUrl`.
 */
import type { PDFDocumentProxy, PDFPageProxy } from 'pdfjs-dist';

export type PdfViewport = ReturnType<PDFPageProxy['getViewport']>;

export interface LinkBox {
  key: string;
  left: number;
  top: number;
  width: number;
  height: number;
  url: string | null;
  /** For links inside the document. */
  dest: unknown;
  label: string;
}

/** The page's link annotations (pdf.js's, for display) as boxes in the viewport's pixels. */
export function linkBoxes(annotations: readonly unknown[], viewport: PdfViewport, pageNumber: number): LinkBox[] {
  const boxes: LinkBox[] = [];
  annotations.forEach((raw, index) => {
    const annotation = raw as { subtype?: unknown; url?: unknown; dest?: unknown; rect?: unknown };
    if (annotation.subtype !== 'Link' || !Array.isArray(annotation.rect) || annotation.rect.length !== 4) return;
    // `url` is pdf.js's sanitised absolute URL (http, https, mailto...); `unsafeUrl` is never used.
    const url = typeof annotation.url === 'string' && annotation.url !== '' ? annotation.url : null;
    const dest = annotation.dest ?? null;
    if (!url && !dest) return;
    const [x1, y1, x2, y2] = viewport.convertToViewportRectangle(annotation.rect as number[]) as [number, number, number, number];
    boxes.push({
      key: `${pageNumber}-${index}`,
      left: Math.min(x1, x2),
      top: Math.min(y1, y2),
      width: Math.abs(x2 - x1),
      height: Math.abs(y2 - y1),
      url,
      dest,
      label: url ? `Link to ${url}` : 'Link to another part of this document',
    });
  });
  return boxes;
}

/** The page (1-based) a link inside the document goes to; null for a broken one. */
export async function linkTarget(doc: PDFDocumentProxy, link: LinkBox): Promise<number | null> {
  try {
    const explicit = typeof link.dest === 'string' ? await doc.getDestination(link.dest) : link.dest;
    const target = Array.isArray(explicit) ? (explicit[0] as unknown) : null;
    if (typeof target === 'number') return target + 1;
    if (target && typeof target === 'object' && 'num' in target && 'gen' in target) {
      return (await doc.getPageIndex(target as { num: number; gen: number })) + 1;
    }
  } catch {
    // A broken internal link goes nowhere.
  }
  return null;
}
