/**
 * Walks a TIFF's chain of image file directories (IFDs) before any decoder sees it, and
 * refuses what would make a decoder loop, recurse or allocate without limit: a chain
 * that points back on itself, more pages than anyone scans, entries whose data lies
 * outside the file, strips outside the file, and pages of absurd size. It also blanks
 * out the tags that make utif recurse into sub-directories (thumbnails, EXIF, maker
 * notes), which a scanned letter does not need.
 */

export interface TiffLimits {
  maxPages: number;
  maxPixelsPerPage: number;
  maxEntriesPerIfd: number;
}

export const DEFAULT_TIFF_LIMITS: TiffLimits = {
  maxPages: 500,
  maxPixelsPerPage: 50_000_000,
  maxEntriesPerIfd: 1_000,
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

const DAMAGED = 'the scan is damaged.';

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
      if (tag === 254 || tag === 256 || tag === 257 || tag === 273 || tag === 279 || tag === 324 || tag === 325) {
        if (type !== 3 && type !== 4) throw new TiffRefusal(DAMAGED);
        const list: number[] = [];
        for (let index = 0; index < n; index += 1) list.push(type === 3 ? u16(dataAt + 2 * index) : u32(dataAt + 4 * index));
        values.set(tag, list);
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
      checkChunks(values.get(273) ?? values.get(324), values.get(279) ?? values.get(325), bytes.length);
      if (!reduced) pages.push({ ifdIndex, width, height });
    }
    offset = u32(end);
    ifdIndex += 1;
  }
  if (pages.length === 0) throw new TiffRefusal('the scan has no pages.');
  return { pages };
}

/** Every strip or tile must lie inside the file, or decoders read past its end. */
function checkChunks(offsets: number[] | undefined, counts: number[] | undefined, length: number): void {
  if (!offsets || offsets.length === 0) throw new TiffRefusal(DAMAGED);
  offsets.forEach((start, index) => {
    const count = counts?.[index] ?? 0;
    if (start + count > length) throw new TiffRefusal(DAMAGED);
  });
}
