/**
 * Text layout for the synthetic PDFs on top of pdf-lib, which only draws single lines:
 * word wrapping, headings kept with their text, bullet lists, ruled tables, and a flow
 * that fills exactly the number of pages asked for. A letter's core content goes first
 * (blocks that do not fit on the final page are left out, but required ones, like the
 * signature, always keep their room); then an endless supply of extra blocks fills pages
 * until the last page is filled to a chosen depth.
 */
import { PDFDocument, type PDFFont, type PDFPage, rgb, type RGB } from 'pdf-lib';

export interface Fonts {
  regular: PDFFont;
  bold: PDFFont;
  italic: PDFFont;
}

export const INK = rgb(0.1, 0.1, 0.12);
export const MUTED = rgb(0.35, 0.37, 0.4);
export const RULE = rgb(0.7, 0.72, 0.75);
export const SHADE = rgb(0.92, 0.93, 0.95);

/** The standard fonts speak WinAnsi only: keep what they can draw, drop accents, and show "?" for the rest. */
export function makeSanitiser(font: PDFFont): (text: string) => string {
  const supported = new Set(font.getCharacterSet());
  return (text) =>
    [...text.replace(/[\t\r\n]+/g, ' ')]
      .map((char) => {
        if (supported.has(char.codePointAt(0) ?? 0)) return char;
        const plain = char.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
        return [...plain].every((c) => supported.has(c.codePointAt(0) ?? 0)) ? plain : '?';
      })
      .join('');
}

/** One line that must not run off the page: long text is cut short with an ellipsis. */
export function fitLine(text: string, font: PDFFont, size: number, maxWidth: number): string {
  if (font.widthOfTextAtSize(text, size) <= maxWidth) return text;
  let kept = text;
  while (kept.length > 0 && font.widthOfTextAtSize(`${kept}...`, size) > maxWidth)
    kept = kept.slice(0, Math.max(0, kept.length - Math.max(1, Math.floor(kept.length / 20))));
  return `${kept.trimEnd()}...`;
}

export function wrapText(text: string, font: PDFFont, size: number, maxWidth: number): string[] {
  const space = font.widthOfTextAtSize(' ', size);
  const lines: string[] = [];
  let line = '';
  let lineWidth = 0;
  for (const word of text.split(' ').filter(Boolean)) {
    const width = font.widthOfTextAtSize(word, size);
    if (line && lineWidth + space + width > maxWidth) {
      lines.push(line);
      line = word;
      lineWidth = width;
    } else {
      line = line ? `${line} ${word}` : word;
      lineWidth = line === word ? width : lineWidth + space + width;
    }
  }
  if (line) lines.push(line);
  return lines.length > 0 ? lines : [''];
}

/** One unbreakable strip of a page: a line of text, a table row, a gap. */
export interface Row {
  height: number;
  /** Draws the row with its top edge at `top`. */
  draw(page: PDFPage, left: number, top: number): void;
  /** A heading: never left alone at the bottom of a page. */
  keepWithNext?: boolean;
}

export interface Block {
  rows: Row[];
  /** Always placed, even on a full last page (the space is kept for it). */
  required?: boolean;
}

export interface TextStyle {
  font: PDFFont;
  size: number;
  colour?: RGB;
  leading?: number;
}

export class BlockBuilder {
  constructor(
    private readonly fonts: Fonts,
    readonly width: number,
    private readonly clean: (text: string) => string,
  ) {}

  gap(height: number): Row {
    return { height, draw: () => undefined };
  }

  lines(text: string, style: TextStyle, indent = 0, keepWithNext = false): Row[] {
    const leading = style.leading ?? style.size * 1.35;
    return wrapText(this.clean(text), style.font, style.size, this.width - indent).map((line) => ({
      height: leading,
      keepWithNext,
      draw: (page, left, top) =>
        page.drawText(line, { x: left + indent, y: top - style.size, size: style.size, font: style.font, color: style.colour ?? INK }),
    }));
  }

  heading(text: string, size = 11.5): Row[] {
    return [this.gap(size * 0.6), ...this.lines(text, { font: this.fonts.bold, size }, 0, true)];
  }

  paragraph(text: string, size = 10.5): Block {
    return { rows: [...this.lines(text, { font: this.fonts.regular, size }), this.gap(size * 0.5)] };
  }

  section(title: string, paragraphs: readonly string[], size = 10.5): Block {
    return {
      rows: [
        ...this.heading(title),
        ...paragraphs.flatMap((text) => [...this.lines(text, { font: this.fonts.regular, size }), this.gap(size * 0.5)]),
      ],
    };
  }

  bullets(title: string, items: readonly string[], size = 10.5): Block {
    const rows = items.flatMap((item) => {
      const [first, ...rest] = this.lines(item, { font: this.fonts.regular, size }, 14);
      if (!first) return [];
      const withBullet: Row = {
        ...first,
        draw: (page, left, top) => {
          page.drawCircle({ x: left + 5, y: top - size * 0.62, size: 1.6, color: INK });
          first.draw(page, left, top);
        },
      };
      return [withBullet, ...rest];
    });
    return { rows: [...this.heading(title), ...rows, this.gap(size * 0.5)] };
  }

  /** A banner: a shaded bar with a bold title, as e-RS's printouts head their sections. */
  banner(title: string, size = 11): Row[] {
    const height = size * 1.9;
    const text = this.clean(title);
    return [
      this.gap(6),
      {
        height,
        keepWithNext: true,
        draw: (page, left, top) => {
          page.drawRectangle({ x: left, y: top - height, width: this.width, height, color: SHADE });
          page.drawText(text, { x: left + 6, y: top - height + size * 0.6, size, font: this.fonts.bold, color: INK });
        },
      },
      this.gap(4),
    ];
  }

  /** Label and value pairs in two columns, each pair wrapped on its own. */
  fields(pairs: readonly (readonly [string, string])[], size = 10, labelShare = 0.32): Row[] {
    const labelWidth = this.width * labelShare;
    return pairs.map(([label, value]) => {
      const labelLines = wrapText(this.clean(label), this.fonts.bold, size, labelWidth - 8);
      const valueLines = wrapText(this.clean(value), this.fonts.regular, size, this.width - labelWidth);
      const leading = size * 1.35;
      return {
        height: Math.max(labelLines.length, valueLines.length) * leading + 2,
        draw: (page, left, top) => {
          labelLines.forEach((line, i) =>
            page.drawText(line, { x: left, y: top - size - i * leading, size, font: this.fonts.bold, color: MUTED }),
          );
          valueLines.forEach((line, i) =>
            page.drawText(line, { x: left + labelWidth, y: top - size - i * leading, size, font: this.fonts.regular, color: INK }),
          );
        },
      };
    });
  }

  /** A ruled table; `shares` are the column widths as parts of the whole. */
  table(
    header: readonly string[],
    rows: readonly (readonly string[])[],
    shares: readonly number[],
    size = 9,
    bold: readonly boolean[][] = [],
  ): Row[] {
    const widths = shares.map((share) => share * this.width);
    const leading = size * 1.3;
    const makeRow = (cells: readonly string[], isHeader: boolean, rowIndex: number): Row => {
      const wrapped = cells.map((cell, i) => {
        const font = isHeader || bold[rowIndex]?.[i] ? this.fonts.bold : this.fonts.regular;
        return { font, lines: wrapText(this.clean(cell), font, size, (widths[i] ?? 40) - 8) };
      });
      const height = Math.max(...wrapped.map((cell) => cell.lines.length)) * leading + 6;
      return {
        height,
        keepWithNext: isHeader,
        draw: (page, left, top) => {
          if (isHeader) page.drawRectangle({ x: left, y: top - height, width: this.width, height, color: SHADE });
          let x = left;
          wrapped.forEach((cell, i) => {
            cell.lines.forEach((line, l) =>
              page.drawText(line, { x: x + 4, y: top - 3 - size - l * leading, size, font: cell.font, color: INK }),
            );
            x += widths[i] ?? 0;
          });
          page.drawLine({
            start: { x: left, y: top - height },
            end: { x: left + this.width, y: top - height },
            thickness: 0.5,
            color: RULE,
          });
        },
      };
    };
    return [makeRow(header, true, -1), ...rows.map((cells, i) => makeRow(cells, false, i))];
  }
}

export interface PageFrame {
  page: PDFPage;
  /** Where content may start (top) and must end (bottom), in PDF points from the page's foot. */
  top: number;
  bottom: number;
}

export interface FlowOptions {
  pages: number;
  left: number;
  /** How full the final page gets once the core content is in, as a share of its body (0-1). */
  finalFill: number;
  newPage(index: number): PageFrame;
}

const heightOf = (rows: readonly Row[]) => rows.reduce((sum, row) => sum + row.height, 0);

/** Groups a heading with the row after it, so a page never ends on a heading. */
function units(rows: readonly Row[]): Row[][] {
  const out: Row[][] = [];
  let pending: Row[] = [];
  for (const row of rows) {
    pending.push(row);
    if (!row.keepWithNext) {
      out.push(pending);
      pending = [];
    }
  }
  if (pending.length > 0) out.push(pending);
  return out;
}

/** Lays blocks onto exactly `options.pages` pages. */
export function flowPages(core: readonly Block[], extra: Iterator<Block>, options: FlowOptions): void {
  const last = options.pages - 1;
  let index = 0;
  let frame = options.newPage(0);
  let y = frame.top;
  const room = () => y - frame.bottom;
  const turn = () => {
    index += 1;
    frame = options.newPage(index);
    y = frame.top;
  };
  const draw = (rows: readonly Row[]) => {
    for (const row of rows) {
      row.draw(frame.page, options.left, y);
      y -= row.height;
    }
  };
  const place = (block: Block, reserve: number): void => {
    if (index === last) {
      if (heightOf(block.rows) <= room() - (block.required ? 0 : reserve)) draw(block.rows);
      return;
    }
    for (const unit of units(block.rows)) {
      const height = heightOf(unit);
      if (height > room()) {
        if (index === last) return;
        turn();
      }
      if (index === last && height > room() - reserve) return;
      draw(unit);
    }
  };

  core.forEach((block, i) => {
    const reserve = core.slice(i + 1).reduce((sum, later) => sum + (later.required ? heightOf(later.rows) : 0), 0);
    place(block, reserve);
  });
  for (;;) {
    if (index === last && frame.top - y >= (frame.top - frame.bottom) * options.finalFill) break;
    const next = extra.next();
    if (next.done) break;
    if (index === last && heightOf(next.value.rows) > room()) break;
    place(next.value, 0);
  }
  while (index < last) turn();
}

/** Fixed metadata, so the same spec gives the same bytes (pdf-lib stamps the clock otherwise). */
export async function createDocument(info: { title: string; author: string; subject: string; date: Date }): Promise<PDFDocument> {
  const doc = await PDFDocument.create({ updateMetadata: false });
  doc.setTitle(info.title);
  doc.setAuthor(info.author);
  doc.setSubject(info.subject);
  doc.setCreator('e-RS Triage local environment (synthetic data)');
  doc.setProducer('pdf-lib');
  doc.setCreationDate(info.date);
  doc.setModificationDate(info.date);
  doc.setLanguage('en-GB');
  return doc;
}
