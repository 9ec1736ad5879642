/**
 * Starts what a PDF or TIFF viewer needs while the attachment's bytes are still on their
 * way: the viewer's chunk (pdf.js or utif) and, as that chunk loads, its worker
 * (pdf-document.ts, tiff-decoder.ts keep one warm). The same chunks AttachmentViewer loads,
 * so nothing leaves its own chunk; a failure here is left for the viewer to report.
 */
import { declaredKind } from './attachment-kind';

export function prewarmViewer(contentType: string, fileName: string): void {
  const kind = declaredKind(contentType, fileName);
  if (kind === 'pdf') void import('./components/PdfViewer.vue').catch(() => undefined);
  else if (kind === 'tiff') void import('./components/TiffViewer.vue').catch(() => undefined);
}
