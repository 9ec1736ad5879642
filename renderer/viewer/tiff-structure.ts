/**
 * Walks a TIFF's chain of image file directories (IFDs) before any decoder sees it, and
 * refuses what would make a decoder loop, recurse or allocate without limit: a chain
 * that points back on itself, more pages than anyone scans, entries whose data lies
 * outside the file, strips outside the file, and pages of absurd size. It also blanks
 * out the tags that make utif recurse into sub-directories (thumbnails, EXIF, maker
 * notes), which a scanned letter does not need.
 *
 * Memory has a budget per page and per document, checked from what the tags declare before
 * utif allocates anything: a page's decoded bytes (utif sizes them from the width, height,
 * BitsPerSample's value *and its count*, SamplesPerPixel and the tile size) plus its RGBA
 * copy; and, for the document, the tag values utif turns into JavaScript arrays, which
 * entries pointing at the same bytes could otherwise multiply far beyond the file's size.
 */

export interface TiffLimits {
  maxPages: number;
  maxPixelsPerPage: number;
  maxEntriesPerIfd: number;
  /** A page's decoded bytes, as utif will allocate them, plus its RGBA copy. */
  maxDecodedBytesPerPage: number;
  /** All the numeric tag values of the document, which utif copies into arrays. */
  maxTagValueBytes: number;
}

export const DEFAULT_TIFF_LIMITS: TiffLimits = {
  maxPages: 500,
  maxPixelsPerPage: 50_000_000,
  maxEntriesPerIfd: 1_000,
  // 35 million colour pixels (a 600 dpi A4 scan) decoded and as RGBA is 245 MB.
  maxDecodedBytesPerPage: 384 * 1024 * 1024,
  // Strip tables of 500 pages take well under 1 MB.
  maxTagValueBytes: 16 * 1024 * 1024,
};

export interface TiffPage {
  /** Position of this IFD in the chain (utif's decode() returns them in this order). */
  ifdIndex: number;
  width: number;
  height: number;
}

export interface TiffStructure {
  pages: TiffPage[];
}

/** A refusal with the reason as the user will read it. */
export class TiffRefusal extends Error {
  override readonly name = 'TiffRefusal';
}

/** Bytes per value for each TIFF field type; 0 for types utif ignores. */
const TYPE_SIZES: Readonly<Record<number, number>> = { 1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8, 13: 4 };

/** SubIFDs, EXIF, GPS, Interoperability, MakerNote, DNG private data: utif follows these. */
const NESTING_TAGS = new Set([330, 34665, 34853, 40965, 37500, 50740]);
/** A private tag number nothing reads, written over the nesting tags. */
const INERT_TAG = 65_000;

/** Tags whose values are read here, to check a page's size before decoding. */
const READ_TAGS = new Set([254, 256, 257, 258, 259, 262, 273, 277, 278, 279, 322, 323, 324, 325]);
/** Strip and tile offsets and byte counts. */
const CHUNK_TAGS = new Set([273, 279, 324, 325]);
/** Field types utif copies value by value into a JavaScript array (bytes and text it only views). */
const COPIED_TYPES = new Set([3, 4, 5, 8, 9, 10, 11, 12]);

const DAMAGED = 'the scan is damaged.';
const TOO_BIG = 'a page would need more memory than the viewer allows, which is a sign of a damaged or malicious file.';

export function inspectTiff(bytes: Uint8Array, limits: TiffLimits = DEFAULT_TIFF_LIMITS): TiffStructure {
  if (bytes.length < 8) throw new TiffRefusal(DAMAGED);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const order = String.fromCharCode(bytes[0] ?? 0, bytes[1] ?? 0);
  if (order !== 'II' && order !== 'MM') throw new TiffRefusal(DAMAGED);
  const le = order === 'II';
  const magic = view.getUint16(2, le);
  if (magic === 43) throw new TiffRefusal('it is a BigTIFF file, which the app cannot show.');
  if (magic !== 42) throw new TiffRefusal(DAMAGED);

  const u16 = (at: number) => view.getUint16(at, le);
  const u32 = (at: number) => view.getUint32(at, le);
  const pages: TiffPage[] = [];
  const visited = new Set<number>();
  let offset = u32(4);
  let ifdIndex = 0;
  let copiedValueBytes = 0;

  while (offset !== 0) {
    if (visited.has(offset))
      throw new TiffRefusal('its list of pages loops back on itself, which is a sign of a damaged or malicious file.');
    visited.add(offset);
    if (visited.size > limits.maxPages) throw new TiffRefusal(`it has more than ${limits.maxPages} pages.`);
    if (offset + 2 > bytes.length) throw new TiffRefusal(DAMAGED);
    const count = u16(offset);
    if (count === 0 || count > limits.maxEntriesPerIfd) throw new TiffRefusal(DAMAGED);
    const end = offset + 2 + count * 12;
    if (end + 4 > bytes.length) throw new TiffRefusal(DAMAGED);

    const values = new Map<number, number[]>();
    const counts = new Map<number, number>();
    for (let entry = offset + 2; entry < end; entry += 12) {
      const tag = u16(entry);
      const type = u16(entry + 2);
      const n = u32(entry + 4);
      const size = (TYPE_SIZES[type] ?? 0) * n;
      if (size > bytes.length) throw new TiffRefusal(DAMAGED);
      const dataAt = size <= 4 ? entry + 8 : u32(entry + 8);
      if (dataAt + size > bytes.length) throw new TiffRefusal(DAMAGED);
      if (NESTING_TAGS.has(tag)) {
        view.setUint16(entry, INERT_TAG, le);
        continue;
      }
      if (COPIED_TYPES.has(type)) {
        copiedValueBytes += size;
        if (copiedValueBytes > limits.maxTagValueBytes) throw new TiffRefusal(TOO_BIG);
      }
      if (READ_TAGS.has(tag)) {
        if (type !== 3 && type !== 4) throw new TiffRefusal(DAMAGED);
        // Strip and tile tables are read whole; for the rest, the first value and the count.
        const read = CHUNK_TAGS.has(tag) ? n : Math.min(n, 1);
        const list: number[] = [];
        for (let index = 0; index < read; index += 1) list.push(type === 3 ? u16(dataAt + 2 * index) : u32(dataAt + 4 * index));
        values.set(tag, list);
        counts.set(tag, n);
      }
    }

    const width = values.get(256)?.[0];
    const height = values.get(257)?.[0];
    const reduced = ((values.get(254)?.[0] ?? 0) & 1) === 1;
    if (width !== undefined && height !== undefined) {
      if (width < 1 || height < 1) throw new TiffRefusal(DAMAGED);
      if (width * height > limits.maxPixelsPerPage) {
        throw new TiffRefusal(`a page is ${width} by ${height} pixels, too large to show safely.`);
      }
      if (decodedBytes(values, counts, width, height) > limits.maxDecodedBytesPerPage) throw new TiffRefusal(TOO_BIG);
      checkChunks(values.get(273) ?? values.get(324), values.get(279) ?? values.get(325), bytes.length);
      if (!reduced) pages.push({ ifdIndex, width, height });
    }
    offset = u32(end);
    ifdIndex += 1;
  }
  if (pages.length === 0) throw new TiffRefusal('the scan has no pages.');
  return { pages };
}

/**
 * The bytes utif's decodeImage and toRGBA8 will allocate for a page, worked out as utif
 * works them out (UTIF.js, decodeImage): bits per pixel from BitsPerSample's first value
 * times its count (or SamplesPerPixel without it), the row buffer, one tile buffer, then 4
 * bytes a pixel of RGBA. `values` holds each tag's first value (strip tables whole),
 * `declared` each tag's count of values.
 */
export function decodedBytes(
  values: ReadonlyMap<number, number[]>,
  declared: ReadonlyMap<number, number>,
  width: number,
  height: number,
): number {
  const bitsPerSample = values.get(258);
  let bitsPerPixel = bitsPerSample ? Math.min(32, bitsPerSample[0] ?? 0) * (declared.get(258) ?? 1) : (values.get(277)?.[0] ?? 1);
  const counts = values.get(279);
  const rowsPerStrip = values.get(278)?.[0];
  if ((values.get(259)?.[0] ?? 1) === 1 && counts && rowsPerStrip && values.get(262)?.[0] === 32803) {
    bitsPerPixel = Math.round(((counts[0] ?? 0) * 8) / (width * rowsPerStrip));
  }
  const rows = height * Math.ceil((width * bitsPerPixel) / 8);
  const tileWidth = values.get(322)?.[0] ?? 0;
  const tileHeight = values.get(323)?.[0] ?? 0;
  const tile = Math.ceil((tileWidth * tileHeight * bitsPerPixel) / 8);
  return rows + tile + width * height * 4;
}

/** Every strip or tile must lie inside the file, or decoders read past its end. */
function checkChunks(offsets: number[] | undefined, counts: number[] | undefined, length: number): void {
  if (!offsets || offsets.length === 0) throw new TiffRefusal(DAMAGED);
  offsets.forEach((start, index) => {
    const count = counts?.[index] ?? 0;
    if (start + count > length) throw new TiffRefusal(DAMAGED);
  });
}
