/**
 * GIF89a encoding with its variable-width LZW, written here (no package encodes GIF
 * without a canvas). One frame, a global colour table built from the picture's colours,
 * and a comment extension naming the document.
 */
import type { Raster } from './raster';

interface Indexed {
  palette: number[]; // packed 0xRRGGBB
  indices: Uint8Array;
}

/** Maps each pixel to a palette entry; pictures with more than 256 colours fall back to a 3-3-2 palette. */
function index(raster: Raster): Indexed {
  const pixels = raster.width * raster.height;
  const colourAt = (i: number): number => {
    const o = i * raster.channels;
    const r = raster.data[o] ?? 0;
    return raster.channels === 3 ? (r << 16) | ((raster.data[o + 1] ?? 0) << 8) | (raster.data[o + 2] ?? 0) : (r << 16) | (r << 8) | r;
  };
  const lookup = new Map<number, number>();
  const palette: number[] = [];
  const indices = new Uint8Array(pixels);
  for (let i = 0; i < pixels; i++) {
    const colour = colourAt(i);
    let entry = lookup.get(colour);
    if (entry === undefined) {
      if (palette.length === 256) return quantise(raster, colourAt);
      entry = palette.length;
      palette.push(colour);
      lookup.set(colour, entry);
    }
    indices[i] = entry;
  }
  return { palette, indices };
}

function quantise(raster: Raster, colourAt: (i: number) => number): Indexed {
  const palette = Array.from({ length: 256 }, (_, i) => {
    const r = Math.round(((i >> 5) & 7) * (255 / 7));
    const g = Math.round(((i >> 2) & 7) * (255 / 7));
    const b = Math.round((i & 3) * (255 / 3));
    return (r << 16) | (g << 8) | b;
  });
  const indices = new Uint8Array(raster.width * raster.height);
  for (let i = 0; i < indices.length; i++) {
    const c = colourAt(i);
    indices[i] = ((((c >> 16) & 0xff) >> 5) << 5) | ((((c >> 8) & 0xff) >> 5) << 2) | ((c & 0xff) >> 6);
  }
  return { palette, indices };
}

/** LZW as GIF uses it: codes written least significant bit first, a clear code whenever the table fills. */
export function lzwEncode(indices: Uint8Array, minCodeSize: number): Uint8Array {
  const clearCode = 1 << minCodeSize;
  const endCode = clearCode + 1;
  const out: number[] = [];
  let bitBuffer = 0;
  let bitCount = 0;
  let codeSize = minCodeSize + 1;
  const emit = (code: number) => {
    bitBuffer |= code << bitCount;
    bitCount += codeSize;
    while (bitCount >= 8) {
      out.push(bitBuffer & 0xff);
      bitBuffer >>>= 8;
      bitCount -= 8;
    }
  };
  let table = new Map<number, number>();
  let nextCode = endCode + 1;
  emit(clearCode);
  if (indices.length === 0) {
    emit(endCode);
    if (bitCount > 0) out.push(bitBuffer & 0xff);
    return Uint8Array.from(out);
  }
  let current = indices[0] ?? 0;
  for (let i = 1; i < indices.length; i++) {
    const k = indices[i] ?? 0;
    const key = (current << 8) | k;
    const known = table.get(key);
    if (known !== undefined) {
      current = known;
      continue;
    }
    emit(current);
    if (nextCode === 4096) {
      emit(clearCode);
      table = new Map();
      nextCode = endCode + 1;
      codeSize = minCodeSize + 1;
    } else {
      // The decoder adds its entry one code later than we do, so widen when the new code needs the extra bit.
      if (nextCode >= 1 << codeSize) codeSize++;
      table.set(key, nextCode++);
    }
    current = k;
  }
  emit(current);
  emit(endCode);
  if (bitCount > 0) out.push(bitBuffer & 0xff);
  return Uint8Array.from(out);
}

function subBlocks(data: Uint8Array): number[] {
  const out: number[] = [];
  for (let i = 0; i < data.length; i += 255) {
    const block = data.subarray(i, i + 255);
    out.push(block.length, ...block);
  }
  out.push(0);
  return out;
}

export function encodeGif(raster: Raster, comment: string): Uint8Array {
  const { palette, indices } = index(raster);
  // The colour table holds a power of two entries, at least four.
  const tableBits = Math.max(2, Math.ceil(Math.log2(Math.max(2, palette.length))));
  const tableSize = 1 << tableBits;
  const bytes: number[] = [...new TextEncoder().encode('GIF89a')];
  const u16 = (value: number) => bytes.push(value & 0xff, (value >> 8) & 0xff);
  u16(raster.width);
  u16(raster.height);
  bytes.push(0x80 | ((tableBits - 1) << 4) | (tableBits - 1), 0, 0); // global table, colour resolution, table size
  for (let i = 0; i < tableSize; i++) {
    const colour = palette[i] ?? 0;
    bytes.push((colour >> 16) & 0xff, (colour >> 8) & 0xff, colour & 0xff);
  }
  const commentBytes = Uint8Array.from([...comment].map((char) => (char.charCodeAt(0) < 128 ? char.charCodeAt(0) : 63)));
  bytes.push(0x21, 0xfe);
  for (const byte of subBlocks(commentBytes)) bytes.push(byte);
  bytes.push(0x2c);
  u16(0);
  u16(0);
  u16(raster.width);
  u16(raster.height);
  bytes.push(0); // no local colour table, not interlaced
  bytes.push(tableBits);
  // A loop, not a spread: the image data can be larger than a call's argument limit.
  for (const byte of subBlocks(lzwEncode(indices, tableBits))) bytes.push(byte);
  bytes.push(0x3b);
  return Uint8Array.from(bytes);
}
