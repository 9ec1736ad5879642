/**
 * TIFFs written tag by tag, for the structure check's tests and the viewer's: any tag, any
 * type, values inline, after the IFD, or pointing at one shared blob (which is also each
 * page's one strip). Little-endian.
 */

export const SHORT = 3;
export const LONG = 4;

/** An entry's values, written inline or after the IFD; or `shared`: `count` values at the shared blob. */
export type Entry = { tag: number; type: number; values: number[] } | { tag: number; type: number; shared: number };

/** A little-endian TIFF: a shared blob (also the pages' one strip) after the header, then one IFD per page. */
export function buildTiff(ifds: Entry[][], sharedBytes = 64): Uint8Array {
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
export function page(width: number, height: number, extra: Entry[] = []): Entry[] {
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
