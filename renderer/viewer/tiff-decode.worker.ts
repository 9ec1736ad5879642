/**
 * Decodes TIFF pages with utif, off the main thread. The structure is checked first
 * (tiff-structure.ts) so utif never walks a looping or absurd file, nor allocates beyond
 * the memory budget, and Deflate strips are inflated here with a hard output bound instead
 * of by utif's unbounded pako call. Decoders can still be slow on hostile data; the viewer
 * terminates this worker if a reply takes too long, which is why this runs in a worker.
 *
 * Speed: the worker outlives a scan that behaved and decodes the next (tiff-decoder.ts), so
 * its compiled code is warm; the first page is decoded as part of opening and sent with the
 * page list, in one reply; grey and bilevel pages (what scanners send) become pixels a word at a time rather
 * than utif's byte at a time; and the page leaves as an ImageBitmap made here, transferred,
 * so the screen's thread only draws it.
 */
import { Unzlib } from 'fflate';
import * as utifModule from 'utif';
import { inspectTiff, TiffRefusal, type TiffPage } from './tiff-structure';

// utif is CommonJS: depending on the bundler's interop its functions are on the namespace or on `default`.
const UTIF = (utifModule as unknown as { default?: typeof utifModule }).default ?? utifModule;

/** Every request but `close` carries an id its reply repeats: a reply to anything else is never taken for it. */
export type TiffRequest =
  | { type: 'open'; id: number; bytes: ArrayBuffer }
  | { type: 'page'; id: number; index: number }
  /** The scan is closed: let go of it (the worker may then decode another scan). */
  | { type: 'close' };

/** A decoded page: an ImageBitmap where the worker can make one, otherwise its RGBA pixels. */
export interface TiffPageImage {
  index: number;
  width: number;
  height: number;
  bitmap?: ImageBitmap;
  rgba?: ArrayBuffer;
}

export type TiffReply = { id: number } & (
  | { type: 'opened'; pages: { width: number; height: number }[]; first: TiffPageImage }
  | ({ type: 'page' } & TiffPageImage)
  | { type: 'failed'; reason: string }
);

type Decompress = (
  img: unknown,
  ifds: unknown,
  data: Uint8Array,
  off: number,
  len: number,
  cmpr: number,
  tgt: Uint8Array,
  toff: number,
  fo: number,
) => void;

const DAMAGED = 'the scan is damaged.';
const INFLATE_STEP = 4096;

function inflateBounded(source: Uint8Array, max: number): Uint8Array {
  const out = new Uint8Array(Math.max(0, max));
  let size = 0;
  let over = false;
  const inflater = new Unzlib((chunk) => {
    if (over) return;
    if (size + chunk.length > out.length) {
      over = true;
      return;
    }
    out.set(chunk, size);
    size += chunk.length;
  });
  for (let at = 0; at < source.length && !over; at += INFLATE_STEP) {
    const end = Math.min(source.length, at + INFLATE_STEP);
    inflater.push(source.subarray(at, end), end === source.length);
  }
  if (over) throw new TiffRefusal('a page expands to more than its size allows, which is a sign of a damaged or malicious file.');
  return out.subarray(0, size);
}

const decodeInternals = UTIF.decode as unknown as { _decompress: Decompress };
const utifDecompress = decodeInternals._decompress;
decodeInternals._decompress = (img, ifds, data, off, len, cmpr, tgt, toff, fo) => {
  if (cmpr === 8 || cmpr === 32946) {
    const inflated = inflateBounded(data.subarray(off, off + len), tgt.length - toff);
    // Hand utif the inflated bytes as uncompressed, so it still applies predictors and byte order.
    utifDecompress(img, ifds, inflated, 0, inflated.length, 1, tgt, toff, fo);
    return;
  }
  utifDecompress(img, ifds, data, off, len, cmpr, tgt, toff, fo);
};

interface WorkerScope {
  onmessage: ((event: MessageEvent<TiffRequest>) => void) | null;
  postMessage(message: TiffReply, transfer?: Transferable[]): void;
}
const scope = self as unknown as WorkerScope;

let file: ArrayBuffer | null = null;
let ifds: utifModule.IFD[] = [];
let pages: TiffPage[] = [];

function reasonOf(error: unknown): string {
  return error instanceof TiffRefusal ? error.message : DAMAGED;
}

/** Pages leave as ImageBitmaps where the worker can make them (Chromium can). */
const BITMAPS = typeof createImageBitmap === 'function' && typeof ImageData === 'function';

/** Scans hold on to this much pixel buffer between them; a larger one goes when its scan closes. */
const KEEP_PIXELS_BYTES = 64 * 1024 * 1024;
let pixelBuffer: ArrayBuffer | null = null;

/**
 * A page's RGBA words, in one buffer reused from page to page (and scan to scan): no
 * page-sized allocation, zero-fill and garbage for each page. Only where pages leave as
 * bitmaps, which are copies; every word is written before it is read.
 */
function reusablePixels(count: number): Uint32Array {
  if (!pixelBuffer || pixelBuffer.byteLength < count * 4) pixelBuffer = new ArrayBuffer(count * 4);
  return new Uint32Array(pixelBuffer, 0, count);
}

/** One opaque pixel per grey level, as a little-endian RGBA word. */
const GREY = Uint32Array.from({ length: 256 }, (_, v) => (0xff000000 | (v << 16) | (v << 8) | v) >>> 0);

/**
 * Grey (8 bits) and bilevel (1 bit) pages with one sample, black- or white-is-zero, to RGBA
 * a word per pixel; anything else is null and goes to utif's toRGBA8.
 */
function greyToRgba(ifd: utifModule.IFD): Uint8Array | null {
  const tags = ifd as unknown as Record<string, number[] | undefined>;
  const photometric = tags.t262?.[0];
  const bits = tags.t258 ?? [1];
  const samples = tags.t277?.[0] ?? 1;
  if ((photometric !== 0 && photometric !== 1) || bits.length !== 1 || samples !== 1) return null;
  const depth = bits[0];
  if (depth !== 1 && depth !== 8) return null;
  const { width, height } = ifd;
  const data = ifd.data;
  const invert = photometric === 0;
  const rowBytes = Math.ceil((depth * width) / 8);
  if (data.length < rowBytes * height) return null;
  const out = BITMAPS ? reusablePixels(width * height) : new Uint32Array(width * height);
  // A set bit is white when black is zero, and black when white is.
  const zero = GREY[invert ? 255 : 0] ?? 0;
  const one = GREY[invert ? 0 : 255] ?? 0;
  if (depth === 8) {
    for (let y = 0; y < height; y += 1) {
      const from = y * rowBytes;
      let at = y * width;
      for (let x = 0; x < width; x += 1) out[at++] = GREY[invert ? 255 - (data[from + x] ?? 0) : (data[from + x] ?? 0)] ?? 0;
    }
    return new Uint8Array(out.buffer);
  }
  // Bilevel: every pixel the colour of a clear bit, then the set bits, a byte (8 pixels) at a time.
  out.fill(zero);
  for (let y = 0; y < height; y += 1) {
    const from = y * rowBytes;
    const row = y * width;
    for (let byte = 0; byte < rowBytes; byte += 1) {
      const eight = data[from + byte] ?? 0;
      if (eight === 0) continue;
      const at = row + byte * 8;
      const end = Math.min(8, width - byte * 8);
      for (let k = 0; k < end; k += 1) if (eight & (128 >> k)) out[at + k] = one;
    }
  }
  return new Uint8Array(out.buffer);
}

function open(id: number, bytes: ArrayBuffer): void {
  close();
  const structure = inspectTiff(new Uint8Array(bytes));
  ifds = UTIF.decode(bytes);
  file = bytes;
  pages = structure.pages;
  decodePage(0).then(
    ({ image, transfer }) =>
      scope.postMessage({ id, type: 'opened', pages: pages.map(({ width, height }) => ({ width, height })), first: image }, transfer),
    (error: unknown) => fail(id, error),
  );
}

function close(): void {
  file = null;
  ifds = [];
  pages = [];
  if (pixelBuffer && pixelBuffer.byteLength > KEEP_PIXELS_BYTES) pixelBuffer = null;
}

async function decodePage(index: number): Promise<{ image: TiffPageImage; transfer: Transferable[] }> {
  const page = pages[index];
  const ifd = page ? ifds[page.ifdIndex] : undefined;
  if (!page || !ifd || !file) throw new TiffRefusal(DAMAGED);
  UTIF.decodeImage(file, ifd);
  if (ifd.width !== page.width || ifd.height !== page.height) throw new TiffRefusal(DAMAGED);
  const rgba = greyToRgba(ifd) ?? UTIF.toRGBA8(ifd);
  // The decoded strips are no longer needed; only the page being shown stays in memory.
  ifd.data = new Uint8Array(0);
  const { width, height } = page;
  if (BITMAPS) {
    const bitmap = await createImageBitmap(
      new ImageData(new Uint8ClampedArray(rgba.buffer as ArrayBuffer, rgba.byteOffset, rgba.byteLength), width, height),
    );
    return { image: { index, width, height, bitmap }, transfer: [bitmap] };
  }
  const pixels = (rgba.byteOffset === 0 && rgba.byteLength === rgba.buffer.byteLength ? rgba.buffer : rgba.slice().buffer) as ArrayBuffer;
  return { image: { index, width, height, rgba: pixels }, transfer: [pixels] };
}

function fail(id: number, error: unknown): void {
  scope.postMessage({ id, type: 'failed', reason: reasonOf(error) });
}

scope.onmessage = (event) => {
  const request = event.data;
  if (request.type === 'close') {
    close();
    return;
  }
  try {
    if (request.type === 'open') open(request.id, request.bytes);
    else
      decodePage(request.index).then(
        ({ image, transfer }) => scope.postMessage({ id: request.id, type: 'page', ...image }, transfer),
        (error: unknown) => fail(request.id, error),
      );
  } catch (error) {
    fail(request.id, error);
  }
};
