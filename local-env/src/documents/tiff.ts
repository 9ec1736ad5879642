/**
 * Multi-page TIFF scans, written by hand to the baseline TIFF 6.0 rules: little-endian,
 * one IFD per page, one sample per pixel (bilevel or 8-bit grey), uncompressed or
 * PackBits, in strips of about 8 KB. Most fax-style scans in e-RS are bilevel; some
 * scanners send grey.
 */
import { resolveContext } from './document-context';
import type { Rng } from './prng';
import { drawScannedPage } from './scan-page';
import type { DocumentSpec } from './spec';

export interface TiffPage {
  width: number;
  height: number;
  /** One byte per pixel, 0 black to 255 white; bilevel pages are thresholded from it. */
  grey: Uint8Array;
  format: 'bilevel' | 'grey';
  compression: 'none' | 'packbits';
  dpi: number;
}

export interface TiffMetadata {
  documentName: string;
  description: string;
  software: string;
  /** TIFF's own format: "YYYY:MM:DD HH:MM:SS". */
  dateTime: string;
}

const TAG = {
  NewSubfileType: 254,
  ImageWidth: 256,
  ImageLength: 257,
  BitsPerSample: 258,
  Compression: 259,
  PhotometricInterpretation: 262,
  DocumentName: 269,
  ImageDescription: 270,
  StripOffsets: 273,
  SamplesPerPixel: 277,
  RowsPerStrip: 278,
  StripByteCounts: 279,
  XResolution: 282,
  YResolution: 283,
  ResolutionUnit: 296,
  PageNumber: 297,
  Software: 305,
  DateTime: 306,
} as const;

const TYPE = { ASCII: 2, SHORT: 3, LONG: 4, RATIONAL: 5 } as const;

class ByteWriter {
  private buffer = new Uint8Array(1 << 16);
  private view = new DataView(this.buffer.buffer);
  length = 0;

  private ensure(extra: number): void {
    if (this.length + extra <= this.buffer.length) return;
    let size = this.buffer.length * 2;
    while (size < this.length + extra) size *= 2;
    const bigger = new Uint8Array(size);
    bigger.set(this.buffer.subarray(0, this.length));
    this.buffer = bigger;
    this.view = new DataView(bigger.buffer);
  }

  u16(value: number): void {
    this.ensure(2);
    this.view.setUint16(this.length, value, true);
    this.length += 2;
  }

  u32(value: number): void {
    this.ensure(4);
    this.view.setUint32(this.length, value, true);
    this.length += 4;
  }

  bytes(data: Uint8Array): void {
    this.ensure(data.length);
    this.buffer.set(data, this.length);
    this.length += data.length;
  }

  /** TIFF wants every offset on a word boundary. */
  align(): void {
    if (this.length % 2 === 1) this.bytes(Uint8Array.of(0));
  }

  patchU32(offset: number, value: number): void {
    this.view.setUint32(offset, value, true);
  }

  result(): Uint8Array {
    return this.buffer.slice(0, this.length);
  }
}

/** PackBits (Apple's run-length scheme, TIFF compression 32773) for one row. */
export function packBits(row: Uint8Array): Uint8Array {
  const out: number[] = [];
  let i = 0;
  while (i < row.length) {
    let run = 1;
    while (i + run < row.length && run < 128 && row[i + run] === row[i]) run++;
    if (run >= 3) {
      out.push(257 - run, row[i] ?? 0);
      i += run;
      continue;
    }
    // A literal stretch runs until the next run of three equal bytes.
    const start = i;
    while (i < row.length && i - start < 128) {
      if (i + 2 < row.length && row[i] === row[i + 1] && row[i] === row[i + 2]) break;
      i++;
    }
    out.push(i - start - 1);
    for (let k = start; k < i; k++) out.push(row[k] ?? 0);
  }
  return Uint8Array.from(out);
}

function rowBytes(page: TiffPage, y: number): Uint8Array {
  const source = page.grey.subarray(y * page.width, (y + 1) * page.width);
  if (page.format === 'grey') return source;
  // WhiteIsZero bilevel: a set bit is black ink, eight pixels a byte, leftmost first.
  const packed = new Uint8Array(Math.ceil(page.width / 8));
  for (let x = 0; x < page.width; x++) {
    if ((source[x] ?? 255) < 128) packed[x >> 3] = (packed[x >> 3] ?? 0) | (0x80 >> (x & 7));
  }
  return packed;
}

function asciiBytes(text: string): Uint8Array {
  // TIFF ASCII is 7-bit with a closing NUL; anything else becomes "?".
  return Uint8Array.from([...text].map((char) => (char.charCodeAt(0) < 128 ? char.charCodeAt(0) : 63)).concat(0));
}

interface Entry {
  tag: number;
  type: number;
  count: number;
  /** Little-endian bytes of the value(s); placed inline when four bytes or fewer. */
  data: Uint8Array;
}

function shorts(...values: number[]): Uint8Array {
  const data = new Uint8Array(values.length * 2);
  const view = new DataView(data.buffer);
  values.forEach((value, i) => view.setUint16(i * 2, value, true));
  return data;
}

function longs(values: number[]): Uint8Array {
  const data = new Uint8Array(values.length * 4);
  const view = new DataView(data.buffer);
  values.forEach((value, i) => view.setUint32(i * 4, value, true));
  return data;
}

export function encodeTiff(pages: readonly TiffPage[], metadata: TiffMetadata): Uint8Array {
  const out = new ByteWriter();
  out.bytes(Uint8Array.of(0x49, 0x49, 42, 0)); // "II", 42: little-endian TIFF
  let nextIfdPointer = out.length;
  out.u32(0);

  pages.forEach((page, pageIndex) => {
    const bytesPerRow = page.format === 'grey' ? page.width : Math.ceil(page.width / 8);
    const rowsPerStrip = Math.max(1, Math.floor(8192 / bytesPerRow));
    const stripOffsets: number[] = [];
    const stripCounts: number[] = [];
    for (let top = 0; top < page.height; top += rowsPerStrip) {
      out.align();
      const start = out.length;
      for (let y = top; y < Math.min(page.height, top + rowsPerStrip); y++) {
        const row = rowBytes(page, y);
        out.bytes(page.compression === 'packbits' ? packBits(row) : row);
      }
      stripOffsets.push(start);
      stripCounts.push(out.length - start);
    }

    const entries: Entry[] = [
      { tag: TAG.NewSubfileType, type: TYPE.LONG, count: 1, data: longs([2]) }, // 2: one page of many
      { tag: TAG.ImageWidth, type: TYPE.LONG, count: 1, data: longs([page.width]) },
      { tag: TAG.ImageLength, type: TYPE.LONG, count: 1, data: longs([page.height]) },
      { tag: TAG.BitsPerSample, type: TYPE.SHORT, count: 1, data: shorts(page.format === 'grey' ? 8 : 1) },
      { tag: TAG.Compression, type: TYPE.SHORT, count: 1, data: shorts(page.compression === 'packbits' ? 32773 : 1) },
      { tag: TAG.PhotometricInterpretation, type: TYPE.SHORT, count: 1, data: shorts(page.format === 'grey' ? 1 : 0) },
      { tag: TAG.DocumentName, type: TYPE.ASCII, count: 0, data: asciiBytes(metadata.documentName) },
      { tag: TAG.ImageDescription, type: TYPE.ASCII, count: 0, data: asciiBytes(metadata.description) },
      { tag: TAG.StripOffsets, type: TYPE.LONG, count: stripOffsets.length, data: longs(stripOffsets) },
      { tag: TAG.SamplesPerPixel, type: TYPE.SHORT, count: 1, data: shorts(1) },
      { tag: TAG.RowsPerStrip, type: TYPE.LONG, count: 1, data: longs([rowsPerStrip]) },
      { tag: TAG.StripByteCounts, type: TYPE.LONG, count: stripCounts.length, data: longs(stripCounts) },
      { tag: TAG.XResolution, type: TYPE.RATIONAL, count: 1, data: longs([page.dpi, 1]) },
      { tag: TAG.YResolution, type: TYPE.RATIONAL, count: 1, data: longs([page.dpi, 1]) },
      { tag: TAG.ResolutionUnit, type: TYPE.SHORT, count: 1, data: shorts(2) }, // inches
      { tag: TAG.PageNumber, type: TYPE.SHORT, count: 2, data: shorts(pageIndex, pages.length) },
      { tag: TAG.Software, type: TYPE.ASCII, count: 0, data: asciiBytes(metadata.software) },
      { tag: TAG.DateTime, type: TYPE.ASCII, count: 0, data: asciiBytes(metadata.dateTime) },
    ].map((entry) => (entry.type === TYPE.ASCII ? { ...entry, count: entry.data.length } : entry));

    // Values too big for their entry go before the IFD, which then points at them.
    const valueOffsets = entries.map((entry) => {
      if (entry.data.length <= 4) return -1;
      out.align();
      const offset = out.length;
      out.bytes(entry.data);
      return offset;
    });
    out.align();
    const ifdOffset = out.length;
    out.patchU32(nextIfdPointer, ifdOffset);
    out.u16(entries.length);
    entries.forEach((entry, i) => {
      out.u16(entry.tag);
      out.u16(entry.type);
      out.u32(entry.count);
      const offset = valueOffsets[i] ?? -1;
      if (offset >= 0) out.u32(offset);
      else {
        const inline = new Uint8Array(4);
        inline.set(entry.data);
        out.bytes(inline);
      }
    });
    nextIfdPointer = out.length;
    out.u32(0);
  });
  return out.result();
}

function tiffDateTime(date: Date): string {
  const two = (n: number) => String(n).padStart(2, '0');
  return `${date.getUTCFullYear()}:${two(date.getUTCMonth() + 1)}:${two(date.getUTCDate())} ${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:00`;
}

export function renderTiff(spec: DocumentSpec, rng: Rng): Uint8Array {
  const ctx = resolveContext(spec, rng);
  const pageCount = spec.pages ?? (spec.large ? 20 : 3);
  const style = rng.fork('style');
  const format = style.chance(0.7) ? 'bilevel' : 'grey';
  // Bilevel scans are sharp at 200 dpi; grey ones are sent at 100 dpi to stay a sensible size.
  const dpi = format === 'bilevel' ? 200 : 100;
  const pages: TiffPage[] = Array.from({ length: pageCount }, (_, index) => {
    const raster = drawScannedPage(ctx, rng.fork(`page-${index}`), { dpi, pageNumber: index + 1, pageCount, grain: 0 });
    return { width: raster.width, height: raster.height, grey: raster.data, format, compression: 'packbits', dpi };
  });
  return encodeTiff(pages, {
    documentName: spec.title,
    description: `Scanned correspondence (synthetic) - ${spec.title}`,
    software: 'e-RS Triage local environment',
    dateTime: tiffDateTime(ctx.date),
  });
}
