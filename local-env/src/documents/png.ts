/**
 * PNG encoding (8-bit RGB or grey, non-interlaced), written here so the bytes depend only
 * on the pixels: fflate's deflate is plain JavaScript and gives the same output on every
 * runtime, where a platform zlib may not.
 */
import { zlibSync } from 'fflate';
import type { Raster } from './raster';

const SIGNATURE = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

export function crc32(...parts: Uint8Array[]): number {
  let crc = 0xffffffff;
  for (const part of parts) for (const byte of part) crc = (CRC_TABLE[(crc ^ byte) & 0xff] ?? 0) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const typeBytes = new TextEncoder().encode(type);
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  out.set(typeBytes, 4);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(typeBytes, data));
  return out;
}

function latin1(text: string): Uint8Array {
  return Uint8Array.from([...text].map((char) => (char.charCodeAt(0) < 256 ? char.charCodeAt(0) : 63)));
}

/** Each row gets the "Sub" or "Up" filter, whichever leaves smaller numbers to compress. */
function filterRows(raster: Raster): Uint8Array {
  const stride = raster.width * raster.channels;
  const bpp = raster.channels;
  const out = new Uint8Array((stride + 1) * raster.height);
  const sub = new Uint8Array(stride);
  const up = new Uint8Array(stride);
  for (let y = 0; y < raster.height; y++) {
    const row = raster.data.subarray(y * stride, (y + 1) * stride);
    const previous = y > 0 ? raster.data.subarray((y - 1) * stride, y * stride) : undefined;
    let subCost = 0;
    let upCost = 0;
    for (let i = 0; i < stride; i++) {
      const value = row[i] ?? 0;
      const s = (value - (i >= bpp ? (row[i - bpp] ?? 0) : 0)) & 0xff;
      const u = (value - (previous?.[i] ?? 0)) & 0xff;
      sub[i] = s;
      up[i] = u;
      subCost += s < 128 ? s : 256 - s;
      upCost += u < 128 ? u : 256 - u;
    }
    const offset = y * (stride + 1);
    out[offset] = upCost < subCost ? 2 : 1;
    out.set(upCost < subCost ? up : sub, offset + 1);
  }
  return out;
}

export function encodePng(raster: Raster, text: Record<string, string> = {}): Uint8Array {
  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, raster.width);
  view.setUint32(4, raster.height);
  header[8] = 8; // bits per channel
  header[9] = raster.channels === 3 ? 2 : 0; // truecolour or greyscale
  const chunks = [chunk('IHDR', header)];
  for (const [keyword, value] of Object.entries(text)) {
    chunks.push(chunk('tEXt', Uint8Array.from([...latin1(keyword.slice(0, 79)), 0, ...latin1(value)])));
  }
  chunks.push(chunk('IDAT', zlibSync(filterRows(raster), { level: 9 })));
  chunks.push(chunk('IEND', new Uint8Array(0)));
  const total = chunks.reduce((sum, part) => sum + part.length, SIGNATURE.length);
  const out = new Uint8Array(total);
  out.set(SIGNATURE, 0);
  let offset = SIGNATURE.length;
  for (const part of chunks) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
