/**
 * Decodes TIFF pages with utif, off the main thread. The structure is checked first
 * (tiff-structure.ts) so utif never walks a looping or absurd file, and Deflate strips
 * are inflated here with a hard output bound instead of by utif's unbounded pako call.
 * Decoders can still be slow on hostile data; the viewer terminates this worker if a
 * reply takes too long, which is why this runs in a worker at all.
 */
import { Unzlib } from 'fflate';
import * as utifModule from 'utif';
import { inspectTiff, TiffRefusal, type TiffPage } from './tiff-structure';

// utif is CommonJS: depending on the bundler's interop its functions are on the namespace or on `default`.
const UTIF = (utifModule as unknown as { default?: typeof utifModule }).default ?? utifModule;

export type TiffRequest = { type: 'open'; bytes: ArrayBuffer } | { type: 'page'; index: number };

export type TiffReply =
  | { type: 'opened'; pages: { width: number; height: number }[] }
  | { type: 'page'; index: number; width: number; height: number; rgba: ArrayBuffer }
  | { type: 'failed'; reason: string };

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

function open(bytes: ArrayBuffer): void {
  const structure = inspectTiff(new Uint8Array(bytes));
  ifds = UTIF.decode(bytes);
  file = bytes;
  pages = structure.pages;
  scope.postMessage({ type: 'opened', pages: pages.map(({ width, height }) => ({ width, height })) });
}

function decodePage(index: number): void {
  const page = pages[index];
  const ifd = page ? ifds[page.ifdIndex] : undefined;
  if (!page || !ifd || !file) throw new TiffRefusal(DAMAGED);
  UTIF.decodeImage(file, ifd);
  if (ifd.width !== page.width || ifd.height !== page.height) throw new TiffRefusal(DAMAGED);
  const rgba = UTIF.toRGBA8(ifd);
  // The decoded strips are no longer needed; only the page being shown stays in memory.
  ifd.data = new Uint8Array(0);
  const copy = rgba.byteOffset === 0 && rgba.byteLength === rgba.buffer.byteLength ? rgba.buffer : rgba.slice().buffer;
  scope.postMessage({ type: 'page', index, width: page.width, height: page.height, rgba: copy as ArrayBuffer }, [copy as ArrayBuffer]);
}

scope.onmessage = (event) => {
  const request = event.data;
  try {
    if (request.type === 'open') open(request.bytes);
    else decodePage(request.index);
  } catch (error) {
    scope.postMessage({ type: 'failed', reason: reasonOf(error) });
  }
};
