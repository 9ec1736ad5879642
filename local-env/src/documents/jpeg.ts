/** JPEG encoding through jpeg-js (pure JavaScript, so the bytes are the same everywhere). */
import jpeg from 'jpeg-js';
import type { Raster } from './raster';

export function encodeJpeg(raster: Raster, quality: number, comment: string): Uint8Array {
  // jpeg-js writes one byte per UTF-16 unit and a 16-bit length: keep the comment short and ASCII.
  const safeComment = [...comment.slice(0, 2000)].map((char) => (char.charCodeAt(0) < 128 ? char : '?')).join('');
  const encoded = jpeg.encode({ data: raster.toRgba(), width: raster.width, height: raster.height, comments: [safeComment] }, quality);
  return new Uint8Array(encoded.data.buffer, encoded.data.byteOffset, encoded.data.byteLength);
}
