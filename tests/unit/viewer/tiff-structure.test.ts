/**
 * The TIFF structure check's memory budget (renderer/viewer/tiff-structure.ts): sizes are
 * worked out from what the tags declare, before utif allocates anything. Each hostile file
 * here is made in the test, small on disk, and passed the check before the budget existed.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_TIFF_LIMITS, inspectTiff, TiffRefusal } from '../../../renderer/viewer/tiff-structure';

const SHORT = 3;
const LONG = 4;

/** An entry's values, written inline or after the IFD; or `shared`: `count` values at the shared blob. */
type Entry = { tag: number; type: number; values: number[] } | { tag: number; type: number; shared: number };

/** A little-endian TIFF: a shared blob (also the pages' one strip) after the header, then one IFD per page. */
function buildTiff(ifds: Entry[][], sharedBytes = 64): Uint8Array {
  const width = (type: number) => (type === SHORT ? 2 : 4);
  const SHARED_AT = 8;
  let size = SHARED_AT + sharedBytes;
  const places = ifds.map((entries) => {
    const ifd = size;
    size += 2 + entries.length * 12 + 4;
    const external = entries.map((entry) => {
      if (!('values' in entry) || entry.values.length * width(entry.type) <= 4) return -1;
      const at = size;
      size += entry.values.length * width(entry.type);
      return at;
    });
    return { ifd, external };
  });
  const bytes = new Uint8Array(size);
  const view = new DataView(bytes.buffer);
  bytes.set([0x49, 0x49, 42, 0]);
  view.setUint32(4, places[0]?.ifd ?? 0, true);
  const put = (at: number, type: number, value: number) =>
    type === SHORT ? view.setUint16(at, value, true) : view.setUint32(at, value, true);
  ifds.forEach((entries, index) => {
    const { ifd, external } = places[index] ?? { ifd: 0, external: [] };
    view.setUint16(ifd, entries.length, true);
    entries.forEach((entry, n) => {
      const at = ifd + 2 + n * 12;
      view.setUint16(at, entry.tag, true);
      view.setUint16(at + 2, entry.type, true);
      if ('shared' in entry) {
        view.setUint32(at + 4, entry.shared, true);
        view.setUint32(at + 8, SHARED_AT, true);
        return;
      }
      view.setUint32(at + 4, entry.values.length, true);
      const out = external[n] ?? -1;
      if (out < 0) entry.values.forEach((value, i) => put(at + 8 + i * width(entry.type), entry.type, value));
      else {
        view.setUint32(at + 8, out, true);
        entry.values.forEach((value, i) => put(out + i * width(entry.type), entry.type, value));
      }
    });
    view.setUint32(ifd + 2 + entries.length * 12, places[index + 1]?.ifd ?? 0, true);
  });
  return bytes;
}

/** A page's tags: its size, one strip (the shared blob), and whatever else the test adds. */
function page(width: number, height: number, extra: Entry[] = []): Entry[] {
  return [
    { tag: 256, type: LONG, values: [width] },
    { tag: 257, type: LONG, values: [height] },
    { tag: 259, type: SHORT, values: [1] },
    { tag: 262, type: SHORT, values: [1] },
    { tag: 273, type: LONG, values: [8] },
    { tag: 279, type: LONG, values: [16] },
    ...extra,
  ];
}

function refusal(bytes: Uint8Array): string {
  try {
    inspectTiff(bytes);
  } catch (error) {
    expect(error).toBeInstanceOf(TiffRefusal);
    return (error as Error).message;
  }
  throw new Error('the file was accepted');
}

const TOO_BIG = 'a page would need more memory than the viewer allows, which is a sign of a damaged or malicious file.';

describe('the TIFF memory budget, from the declared sizes', () => {
  it('accepts an ordinary grey scan and a 35-megapixel colour page, within the page budget', () => {
    expect(inspectTiff(buildTiff([page(1654, 2339, [{ tag: 258, type: SHORT, values: [8] }])])).pages).toEqual([
      { ifdIndex: 0, width: 1654, height: 2339 },
    ]);
    const colour = buildTiff([
      page(7000, 5000, [
        { tag: 258, type: SHORT, values: [8, 8, 8] },
        { tag: 277, type: SHORT, values: [3] },
      ]),
    ]);
    expect(inspectTiff(colour).pages).toHaveLength(1);
  });

  it('refuses a page whose BitsPerSample count multiplies its row size (utif sizes rows by value times count)', () => {
    // 1000 x 1000 pixels, under the pixel limit, but 4,096 samples of 32 bits each: 16 GB of rows.
    const bits = Array.from({ length: 4096 }, () => 32);
    expect(refusal(buildTiff([page(1000, 1000, [{ tag: 258, type: SHORT, values: bits }])]))).toBe(TOO_BIG);
  });

  it('refuses a page whose SamplesPerPixel is absurd', () => {
    expect(refusal(buildTiff([page(2000, 2000, [{ tag: 277, type: SHORT, values: [65535] }])]))).toBe(TOO_BIG);
  });

  it('refuses a tiny page with a 65535 x 65535 tile (utif allocates one tile buffer of that size)', () => {
    const tiles: Entry[] = [
      { tag: 258, type: SHORT, values: [8] },
      { tag: 322, type: LONG, values: [65535] },
      { tag: 323, type: LONG, values: [65535] },
    ];
    expect(refusal(buildTiff([page(16, 16, tiles)]))).toBe(TOO_BIG);
  });

  it('refuses tag values that point at the same bytes again and again (the document budget)', () => {
    // 100 pages, each with a 64 K-value table over one shared 256 KB blob: 25 MB of arrays from a 256 KB file.
    const SHARED = 256 * 1024;
    const pages = Array.from({ length: 100 }, () => page(16, 16, [{ tag: 700, type: LONG, shared: SHARED / 4 }]));
    const bytes = buildTiff(pages, SHARED);
    expect(bytes.length).toBeLessThan(DEFAULT_TIFF_LIMITS.maxTagValueBytes);
    expect(refusal(bytes)).toBe(TOO_BIG);
    // The same table on a few pages is within the budget.
    expect(inspectTiff(buildTiff(pages.slice(0, 10), SHARED)).pages).toHaveLength(10);
  });
});
