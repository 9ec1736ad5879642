/**
 * The GP referral letter as a PDF: the practice letterhead, the patient and referral
 * identifiers, the clinical story, a signature, then the summary a GP system attaches
 * (consultations and results) until the asked-for page count is reached. A large letter
 * (for benchmarks) carries scanned enclosures as uncompressed bilevel images, which is
 * what makes it about 10 MB, and costs no compression time.
 */
import {
  concatTransformationMatrix,
  drawObject,
  type PDFName,
  popGraphicsState,
  pushGraphicsState,
  rgb,
  StandardFonts,
  type PDFDocument,
  type PDFPage,
} from 'pdf-lib';
import { consultationHistory, labPanel, type CaseNotes } from './clinical-text';
import { letterOutline, type LetterOutline } from './letter-outline';
import { formatNhsNumber, formatUbrn, resolveContext, type DocumentContext } from './document-context';
import { type Block, BlockBuilder, createDocument, fitLine, flowPages, type Fonts, INK, makeSanitiser, MUTED, RULE } from './pdf-layout';
import type { Rng } from './prng';
import { drawScannedPage } from './scan-page';
import type { DocumentSpec } from './spec';

const A4 = { width: 595.28, height: 841.89 };
const MARGIN = 56;
const ACCENT = rgb(0, 0.37, 0.72);
/** Pages of typed letter before the scanned enclosures in a large letter. */
const LARGE_TEXT_PAGES = 4;
/** Resolution of the enclosures; at 135 dpi, 46 bilevel A4 pages come to about 10 MB. */
const ENCLOSURE_DPI = 135;

async function embedFonts(doc: PDFDocument, rng: Rng): Promise<Fonts> {
  // Practices print in different typefaces; the seed picks one.
  const serif = rng.chance(0.3);
  return {
    regular: await doc.embedFont(serif ? StandardFonts.TimesRoman : StandardFonts.Helvetica),
    bold: await doc.embedFont(serif ? StandardFonts.TimesRomanBold : StandardFonts.HelveticaBold),
    italic: await doc.embedFont(serif ? StandardFonts.TimesRomanItalic : StandardFonts.HelveticaOblique),
  };
}

function drawFooter(
  page: PDFPage,
  fonts: Fonts,
  ctx: DocumentContext,
  clean: (text: string) => string,
  index: number,
  total: number,
): void {
  page.drawLine({ start: { x: MARGIN, y: 44 }, end: { x: A4.width - MARGIN, y: 44 }, thickness: 0.5, color: RULE });
  const note = fitLine(clean(`${ctx.organisation} - synthetic record, not a real patient`), fonts.regular, 8, A4.width - MARGIN * 2 - 70);
  page.drawText(note, { x: MARGIN, y: 30, size: 8, font: fonts.regular, color: MUTED });
  const label = `Page ${index + 1} of ${total}`;
  page.drawText(label, {
    x: A4.width - MARGIN - fonts.regular.widthOfTextAtSize(label, 8),
    y: 30,
    size: 8,
    font: fonts.regular,
    color: MUTED,
  });
}

function drawRunningHeader(page: PDFPage, fonts: Fonts, ctx: DocumentContext, clean: (text: string) => string): number {
  const text = fitLine(
    clean(`${ctx.patientName}   NHS No ${formatNhsNumber(ctx.nhsNumber)}   UBRN ${formatUbrn(ctx.ubrn)}`),
    fonts.regular,
    8.5,
    A4.width - MARGIN * 2,
  );
  page.drawText(text, { x: MARGIN, y: A4.height - 36, size: 8.5, font: fonts.regular, color: MUTED });
  page.drawLine({ start: { x: MARGIN, y: A4.height - 42 }, end: { x: A4.width - MARGIN, y: A4.height - 42 }, thickness: 0.5, color: RULE });
  return A4.height - 58;
}

/** The first page's letterhead, addresses and "Re:" block; returns where the letter body starts. */
function drawLetterhead(page: PDFPage, fonts: Fonts, outline: LetterOutline, clean: (text: string) => string): number {
  const { ctx } = outline;
  const right = A4.width - MARGIN;
  const rightText = (text: string, y: number, size: number, bold = false) => {
    const font = bold ? fonts.bold : fonts.regular;
    const line = fitLine(clean(text), font, size, right - MARGIN);
    page.drawText(line, { x: right - font.widthOfTextAtSize(line, size), y, size, font, color: bold ? ACCENT : INK });
  };
  let y = A4.height - 60;
  rightText(ctx.organisation, y, 14, true);
  for (const line of [...ctx.organisationAddress, `Telephone ${ctx.organisationPhone}`]) {
    y -= 13;
    rightText(line, y, 9);
  }
  page.drawRectangle({ x: MARGIN, y: y - 14, width: right - MARGIN, height: 2.5, color: ACCENT });
  y -= 40;

  const left = (text: string, size = 10, font = fonts.regular) => {
    page.drawText(fitLine(clean(text), font, size, right - MARGIN), { x: MARGIN, y, size, font, color: INK });
    y -= size * 1.4;
  };
  for (const [label, value] of outline.meta) left(`${label}: ${value}`, 10, label === 'Priority' ? fonts.bold : fonts.regular);
  y -= 8;
  left(`To: ${outline.recipient[0] ?? ''}`);
  for (const line of outline.recipient.slice(1)) left(line);
  y -= 12;
  left(outline.salutation);
  y -= 4;
  left(outline.re, 10.5, fonts.bold);
  left(ctx.patientAddress.join(', '), 9.5);
  y -= 6;
  left(ctx.title, 12, fonts.bold);
  return y + 4;
}

function coreBlocks(b: BlockBuilder, fonts: Fonts, outline: LetterOutline): Block[] {
  const blocks: Block[] = [b.paragraph(outline.opening)];
  for (const section of outline.sections) {
    if (section.bullets) blocks.push(b.bullets(section.heading, section.bullets));
    else blocks.push(b.section(section.heading, section.paragraphs));
    if (section.table) {
      const { header, rows, flagged } = section.table;
      blocks.push({
        rows: [
          ...b.table(
            header,
            rows,
            [0.3, 0.14, 0.18, 0.22, 0.16],
            9,
            flagged.map((f) => [false, f]),
          ),
          b.gap(8),
        ],
      });
    }
  }
  blocks.push(b.paragraph(outline.closing));
  const { valediction, name, role } = outline.signature;
  blocks.push({
    required: true,
    rows: [
      ...b.lines(valediction, { font: fonts.regular, size: 10.5 }),
      b.gap(6),
      ...b.lines(name, { font: fonts.italic, size: 15, colour: rgb(0.1, 0.15, 0.45) }),
      ...b.lines(name, { font: fonts.bold, size: 10.5 }),
      ...b.lines(role, { font: fonts.regular, size: 10 }),
      b.gap(10),
    ],
  });
  return blocks;
}

function* summaryBlocks(b: BlockBuilder, fonts: Fonts, ctx: DocumentContext, notes: CaseNotes, rng: Rng): Generator<Block> {
  yield { rows: [...b.banner('Summary from the practice record (attached by the clinical system)')] };
  const consultations = consultationHistory(ctx, notes, rng.fork('consultations'));
  for (let i = 0; ; i++) {
    if (i % 5 === 4) {
      const panel = labPanel(ctx, rng.fork(`panel-${i}`));
      yield {
        rows: [
          ...b.heading(`Results: ${panel[0]?.date ?? ''}`, 10),
          ...b.table(
            ['Test', 'Result', 'Units', 'Reference range'],
            panel.map((r) => [r.test, r.abnormal ? `${r.value} *` : r.value, r.unit, r.range]),
            [0.4, 0.18, 0.2, 0.22],
            8.5,
          ),
          b.gap(6),
        ],
      };
      continue;
    }
    const note = consultations.next().value;
    if (!note) return;
    yield {
      rows: [
        ...b.lines(note.heading, { font: fonts.bold, size: 9.5 }, 0, true),
        ...b.lines(note.text, { font: fonts.regular, size: 9.5 }, 10),
        b.gap(5),
      ],
    };
  }
}

/** Draws a greyscale raster on the page as a 1-bit image, stored uncompressed. */
function drawBilevelImage(
  doc: PDFDocument,
  page: PDFPage,
  grey: Uint8Array,
  width: number,
  height: number,
  box: { x: number; y: number; w: number; h: number },
): void {
  const rowBytes = Math.ceil(width / 8);
  const bits = new Uint8Array(rowBytes * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      // DeviceGray 1-bit: 1 is white, so set the bit for paper.
      if ((grey[y * width + x] ?? 255) >= 128) bits[y * rowBytes + (x >> 3)] = (bits[y * rowBytes + (x >> 3)] ?? 0) | (0x80 >> (x & 7));
    }
  }
  const stream = doc.context.stream(bits, {
    Type: 'XObject',
    Subtype: 'Image',
    Width: width,
    Height: height,
    ColorSpace: 'DeviceGray',
    BitsPerComponent: 1,
  });
  const name: PDFName = page.node.newXObject('Scan', doc.context.register(stream));
  page.pushOperators(
    pushGraphicsState(),
    concatTransformationMatrix(box.w, 0, 0, box.h, box.x, box.y),
    drawObject(name),
    popGraphicsState(),
  );
}

export async function renderPdfLetter(spec: DocumentSpec, rng: Rng): Promise<Uint8Array> {
  const ctx = resolveContext(spec, rng);
  const outline = letterOutline(ctx, rng);
  const { notes } = outline;
  const totalPages = spec.pages ?? (spec.large ? 50 : 2);
  const textPages = spec.large ? Math.min(totalPages, LARGE_TEXT_PAGES) : totalPages;
  const doc = await createDocument({ title: spec.title, author: ctx.referrer, subject: `Referral: ${notes.complaint}`, date: ctx.date });
  const fonts = await embedFonts(doc, rng.fork('fonts'));
  const clean = makeSanitiser(fonts.regular);
  const builder = new BlockBuilder(fonts, A4.width - MARGIN * 2, clean);

  flowPages(coreBlocks(builder, fonts, outline), summaryBlocks(builder, fonts, ctx, notes, rng.fork('summary')), {
    pages: textPages,
    left: MARGIN,
    finalFill: rng.fork('fill').float(0.35, 0.9),
    newPage: (index) => {
      const page = doc.addPage([A4.width, A4.height]);
      drawFooter(page, fonts, ctx, clean, index, totalPages);
      const top = index === 0 ? drawLetterhead(page, fonts, outline, clean) : drawRunningHeader(page, fonts, ctx, clean);
      return { page, top, bottom: 60 };
    },
  });

  const enclosures = totalPages - textPages;
  for (let i = 0; i < enclosures; i++) {
    const index = textPages + i;
    const page = doc.addPage([A4.width, A4.height]);
    drawFooter(page, fonts, ctx, clean, index, totalPages);
    const top = drawRunningHeader(page, fonts, ctx, clean);
    page.drawText(clean(`Enclosure ${i + 1} of ${enclosures}: scanned correspondence`), {
      x: MARGIN,
      y: top,
      size: 9,
      font: fonts.bold,
      color: INK,
    });
    const scan = drawScannedPage(ctx, rng.fork(`enclosure-${i}`), {
      dpi: ENCLOSURE_DPI,
      pageNumber: i + 1,
      pageCount: enclosures,
      grain: 0,
    });
    const boxHeight = top - 12 - 56;
    const boxWidth = (boxHeight * scan.width) / scan.height;
    drawBilevelImage(doc, page, scan.data, scan.width, scan.height, { x: (A4.width - boxWidth) / 2, y: 56, w: boxWidth, h: boxHeight });
  }
  return doc.save({ objectsPerTick: Number.POSITIVE_INFINITY });
}
