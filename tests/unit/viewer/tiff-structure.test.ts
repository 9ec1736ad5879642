/**
 * The TIFF structure check's memory budget (renderer/viewer/tiff-structure.ts): sizes are
 * worked out from what the tags declare, before utif allocates anything. Each hostile file
 * here is made in the test, small on disk, and passed the check before the budget existed.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_TIFF_LIMITS, inspectTiff, TiffRefusal } from '../../../renderer/viewer/tiff-structure';
import { buildTiff, LONG, page, SHORT, type Entry } from './tiff-fixture';

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
