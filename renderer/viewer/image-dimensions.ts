/**
 * Width and height read from an image's header, before anything decodes it, so a tiny
 * file claiming a gigantic picture (a decompression bomb) is refused instead of being
 * decoded into gigabytes.
 */
import type { AttachmentKind } from './attachment-kind';

export interface Dimensions {
  width: number;
  height: number;
}

/** Decoded pictures above this are refused: an A4 page scanned at 600 dpi is about 35 million. */
export const MAX_IMAGE_PIXELS = 50_000_000;

function u16be(bytes: Uint8Array, at: number): number {
  return ((bytes[at] ?? 0) << 8) | (bytes[at + 1] ?? 0);
}

function u32be(bytes: Uint8Array, at: number): number {
  return (((bytes[at] ?? 0) << 24) >>> 0) + (((bytes[at + 1] ?? 0) << 16) | ((bytes[at + 2] ?? 0) << 8) | (bytes[at + 3] ?? 0));
}

function u16le(bytes: Uint8Array, at: number): number {
  return (bytes[at] ?? 0) | ((bytes[at + 1] ?? 0) << 8);
}

/** JPEG: the first start-of-frame marker holds the size. */
function jpegDimensions(bytes: Uint8Array): Dimensions | null {
  let at = 2;
  while (at + 9 < bytes.length) {
    if (bytes[at] !== 0xff) return null;
    const marker = bytes[at + 1] ?? 0;
    if (marker === 0xff) {
      at += 1;
      continue;
    }
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      at += 2;
      continue;
    }
    const length = u16be(bytes, at + 2);
    const isFrame = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isFrame) return { height: u16be(bytes, at + 5), width: u16be(bytes, at + 7) };
    if (length < 2) return null;
    at += 2 + length;
  }
  return null;
}

export function imageDimensions(kind: AttachmentKind, bytes: Uint8Array): Dimensions | null {
  switch (kind) {
    case 'png':
      return bytes.length >= 24 ? { width: u32be(bytes, 16), height: u32be(bytes, 20) } : null;
    case 'gif':
      return bytes.length >= 10 ? { width: u16le(bytes, 6), height: u16le(bytes, 8) } : null;
    case 'jpeg':
      return jpegDimensions(bytes);
    default:
      return null;
  }
}
