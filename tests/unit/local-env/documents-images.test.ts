import { crc32, inflateSync } from 'node:zlib';
import jpeg from 'jpeg-js';
import UTIF from 'utif';
import { describe, expect, it } from 'vitest';
import { encodeGif } from '../../../local-env/src/documents/gif';
import { encodePng } from '../../../local-env/src/documents/png';
import { createRng } from '../../../local-env/src/documents/prng';
import { Raster } from '../../../local-env/src/documents/raster';
import { renderDocument } from '../../../local-env/src/documents/render';
import { encodeTiff, type TiffPage } from '../../../local-env/src/documents/tiff';

const CONTEXT = {
  ubrn: '000000070000',
  nhsNumber: '9990001234',
  patientName: 'Margaret Hartley',
  specialty: 'Dermatology',
  referrer: 'Dr Sunita Fletcher',
};

/** A picture with gradients, noise and hard edges: enough variety to exercise every encoder path. */
function testRaster(width: number, height: number, channels: 1 | 3, seed: number): Raster {
  const rng = createRng(seed);
  const raster = new Raster(width, height, channels);
  for (let i = 0; i < raster.data.length; i++) raster.data[i] = (i * 7 + (i % width) * 3) & 0xff;
  for (let i = 0; i < 400; i++)
    raster.set(rng.int(0, width - 1), rng.int(0, height - 1), [rng.int(0, 255), rng.int(0, 255), rng.int(0, 255)]);
  raster.text('Synthetic 123', 4, 4, 2, channels === 1 ? [0] : [200, 20, 20]);
  return raster;
}

// ---------- PNG: chunks and CRCs checked with zlib's own crc32, pixels by inflating and unfiltering ----------

interface PngChunk {
  type: string;
  data: Buffer;
}

function readPngChunks(bytes: Uint8Array): PngChunk[] {
  const buffer = Buffer.from(bytes);
  expect([...buffer.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const chunks: PngChunk[] = [];
  let offset = 8;
  while (offset < buffer.length) {
    const length = buffer.readUInt32BE(offset);
    const type = buffer.toString('latin1', offset + 4, offset + 8);
    const data = buffer.subarray(offset + 8, offset + 8 + length);
    const storedCrc = buffer.readUInt32BE(offset + 8 + length);
    expect(storedCrc, `CRC of ${type}`).toBe(crc32(buffer.subarray(offset + 4, offset + 8 + length)));
    chunks.push({ type, data });
    offset += 12 + length;
  }
  expect(offset).toBe(buffer.length);
  return chunks;
}

function decodePng(bytes: Uint8Array): {
  width: number;
  height: number;
  channels: number;
  pixels: Uint8Array;
  text: Record<string, string>;
} {
  const chunks = readPngChunks(bytes);
  expect(chunks[0]?.type).toBe('IHDR');
  expect(chunks.at(-1)?.type).toBe('IEND');
  const header = chunks[0]?.data ?? Buffer.alloc(13);
  const width = header.readUInt32BE(0);
  const height = header.readUInt32BE(4);
  expect(header[8]).toBe(8);
  const channels = header[9] === 2 ? 3 : 1;
  const text: Record<string, string> = {};
  for (const chunk of chunks.filter((c) => c.type === 'tEXt')) {
    const nul = chunk.data.indexOf(0);
    text[chunk.data.toString('latin1', 0, nul)] = chunk.data.toString('latin1', nul + 1);
  }
  const raw = inflateSync(Buffer.concat(chunks.filter((c) => c.type === 'IDAT').map((c) => c.data)));
  const stride = width * channels;
  expect(raw.length).toBe((stride + 1) * height);
  const pixels = new Uint8Array(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    for (let i = 0; i < stride; i++) {
      const x = raw[y * (stride + 1) + 1 + i] ?? 0;
      const a = i >= channels ? (pixels[y * stride + i - channels] ?? 0) : 0;
      const b = y > 0 ? (pixels[(y - 1) * stride + i] ?? 0) : 0;
      const c = i >= channels && y > 0 ? (pixels[(y - 1) * stride + i - channels] ?? 0) : 0;
      let predictor = 0;
      if (filter === 1) predictor = a;
      else if (filter === 2) predictor = b;
      else if (filter === 3) predictor = (a + b) >> 1;
      else if (filter === 4) {
        const p = a + b - c;
        const pa = Math.abs(p - a);
        const pb = Math.abs(p - b);
        const pc = Math.abs(p - c);
        predictor = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      } else expect(filter).toBe(0);
      pixels[y * stride + i] = (x + predictor) & 0xff;
    }
  }
  return { width, height, channels, pixels, text };
}

// ---------- GIF: an independent decoder written from the GIF89a specification ----------

function decodeGif(bytes: Uint8Array): { width: number; height: number; rgb: Uint8Array; comments: string[] } {
  let p = 0;
  const byte = () => bytes[p++] ?? 0;
  const u16 = () => byte() | (byte() << 8);
  const signature = String.fromCharCode(...bytes.subarray(0, 6));
  expect(signature).toBe('GIF89a');
  p = 6;
  const width = u16();
  const height = u16();
  const flags = byte();
  p += 2;
  const palette = flags & 0x80 ? bytes.slice(p, p + 3 * (1 << ((flags & 7) + 1))) : new Uint8Array(0);
  p += palette.length;
  const comments: string[] = [];
  const readBlocks = () => {
    const parts: number[] = [];
    for (let size = byte(); size > 0; size = byte()) for (let i = 0; i < size; i++) parts.push(byte());
    return Uint8Array.from(parts);
  };
  let rgb = new Uint8Array(0);
  for (;;) {
    const introducer = byte();
    if (introducer === 0x3b) break;
    if (introducer === 0x21) {
      const label = byte();
      const data = readBlocks();
      if (label === 0xfe) comments.push(String.fromCharCode(...data));
      continue;
    }
    expect(introducer).toBe(0x2c);
    p += 8;
    expect(byte() & 0x80).toBe(0); // no local table
    const minCodeSize = byte();
    const data = readBlocks();
    // LZW, least significant bit first, variable code width, clear and end codes.
    const clear = 1 << minCodeSize;
    const end = clear + 1;
    let codeSize = minCodeSize + 1;
    let dictionary: number[][] = [];
    const reset = () => {
      dictionary = Array.from({ length: clear + 2 }, (_, i) => (i < clear ? [i] : []));
      codeSize = minCodeSize + 1;
    };
    reset();
    const out: number[] = [];
    let bitPos = 0;
    let previous: number[] | undefined;
    for (;;) {
      let code = 0;
      for (let i = 0; i < codeSize; i++) {
        const bit = ((data[(bitPos + i) >> 3] ?? 0) >> ((bitPos + i) & 7)) & 1;
        code |= bit << i;
      }
      bitPos += codeSize;
      if (bitPos > data.length * 8) throw new Error('LZW data ran out before the end code');
      if (code === clear) {
        reset();
        previous = undefined;
        continue;
      }
      if (code === end) break;
      let entry: number[];
      if (code < dictionary.length) entry = dictionary[code] ?? [];
      else if (code === dictionary.length && previous) entry = [...previous, previous[0] ?? 0];
      else throw new Error(`bad LZW code ${code}`);
      out.push(...entry);
      if (previous && dictionary.length < 4096) dictionary.push([...previous, entry[0] ?? 0]);
      if (dictionary.length === 1 << codeSize && codeSize < 12) codeSize++;
      previous = entry;
    }
    expect(out.length).toBe(width * height);
    rgb = new Uint8Array(width * height * 3);
    out.forEach((index, i) => rgb.set(palette.subarray(index * 3, index * 3 + 3), i * 3));
  }
  return { width, height, rgb, comments };
}

describe('PNG', () => {
  it('round-trips RGB and grey pixels through zlib and the PNG filters', () => {
    for (const channels of [3, 1] as const) {
      const raster = testRaster(123, 77, channels, channels);
      const decoded = decodePng(encodePng(raster, { Title: 'Test' }));
      expect(decoded).toMatchObject({ width: 123, height: 77, channels, text: { Title: 'Test' } });
      expect(Buffer.from(decoded.pixels).equals(Buffer.from(raster.data))).toBe(true);
    }
  });

  it('renders a chart a few hundred pixels across, naming the document in a text chunk', async () => {
    for (const seed of [1, 2, 3, 4]) {
      const decoded = decodePng(await renderDocument({ kind: 'png', seed, title: 'Results trend', context: CONTEXT }));
      expect(decoded.width).toBeGreaterThanOrEqual(300);
      expect(decoded.width).toBeLessThanOrEqual(1000);
      expect(decoded.text.Title).toBe('Results trend');
      // A drawn chart: more than a handful of colours, not a blank page.
      const colours = new Set<number>();
      for (let i = 0; i < decoded.pixels.length; i += 3)
        colours.add(((decoded.pixels[i] ?? 0) << 16) | ((decoded.pixels[i + 1] ?? 0) << 8) | (decoded.pixels[i + 2] ?? 0));
      expect(colours.size).toBeGreaterThan(4);
    }
  });
});

describe('JPEG', () => {
  it('is decoded by jpeg-js as a photo-like picture with the ruler and skin tones', async () => {
    const bytes = await renderDocument({ kind: 'jpeg', seed: 11, title: 'Lesion photograph', context: CONTEXT });
    const decoded = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true });
    expect(decoded.width).toBe(640);
    expect(decoded.height).toBe(480);
    let darkest = 255;
    let brightest = 0;
    const distinct = new Set<number>();
    for (let i = 0; i < decoded.data.length; i += 4) {
      const luminance = ((decoded.data[i] ?? 0) + (decoded.data[i + 1] ?? 0) + (decoded.data[i + 2] ?? 0)) / 3;
      darkest = Math.min(darkest, luminance);
      brightest = Math.max(brightest, luminance);
      distinct.add((decoded.data[i] ?? 0) * 65536 + (decoded.data[i + 1] ?? 0) * 256 + (decoded.data[i + 2] ?? 0));
    }
    expect(darkest).toBeLessThan(60); // the lesion and the ruler's ticks
    expect(brightest).toBeGreaterThan(200); // the paper ruler
    expect(distinct.size).toBeGreaterThan(2000); // a photograph, not flat colour
  });
});

describe('GIF', () => {
  it('round-trips a flat-colour picture exactly through LZW, clear codes included', () => {
    const raster = new Raster(300, 200, 3);
    const rng = createRng(4);
    const colours = Array.from({ length: 40 }, () => [rng.int(0, 255), rng.int(0, 255), rng.int(0, 255)]);
    // Random pixels from 40 colours fill the 4096-entry table many times over.
    for (let i = 0; i < 300 * 200; i++) raster.set(i % 300, Math.floor(i / 300), rng.pick(colours));
    const decoded = decodeGif(encodeGif(raster, 'test comment'));
    expect(decoded).toMatchObject({ width: 300, height: 200, comments: ['test comment'] });
    expect(Buffer.from(decoded.rgb).equals(Buffer.from(raster.data))).toBe(true);
  });

  it('falls back to a fixed palette for pictures with more than 256 colours, staying close to the original', () => {
    const raster = testRaster(64, 64, 3, 8);
    const decoded = decodeGif(encodeGif(raster, ''));
    for (let i = 0; i < raster.data.length; i++) expect(Math.abs((decoded.rgb[i] ?? 0) - (raster.data[i] ?? 0))).toBeLessThanOrEqual(64);
  });

  it('renders a diary chart that decodes to its full size', async () => {
    const decoded = decodeGif(await renderDocument({ kind: 'gif', seed: 5, title: 'Symptom diary', context: CONTEXT }));
    expect(decoded.width).toBe(480);
    expect(decoded.height).toBe(320);
    expect(decoded.comments[0]).toContain('Symptom diary');
  });
});

describe('TIFF', () => {
  function decodeAll(bytes: Uint8Array) {
    const buffer = bytes.slice().buffer;
    const ifds = UTIF.decode(buffer);
    return ifds.map((ifd) => {
      UTIF.decodeImage(buffer, ifd);
      const rgba = UTIF.toRGBA8(ifd);
      return { ifd, rgba };
    });
  }

  it('writes pages that utif decodes back to the same pixels, for every format and compression', () => {
    const grey = testRaster(97, 61, 1, 3);
    const formats: [TiffPage['format'], TiffPage['compression']][] = [
      ['grey', 'none'],
      ['grey', 'packbits'],
      ['bilevel', 'none'],
      ['bilevel', 'packbits'],
    ];
    const pages: TiffPage[] = formats.map(([format, compression]) => ({
      width: 97,
      height: 61,
      grey: grey.data,
      format,
      compression,
      dpi: 200,
    }));
    const decoded = decodeAll(encodeTiff(pages, { documentName: 'n', description: 'd', software: 's', dateTime: '2025:01:01 09:00:00' }));
    expect(decoded).toHaveLength(4);
    decoded.forEach(({ ifd, rgba }, index) => {
      expect([ifd.width, ifd.height]).toEqual([97, 61]);
      expect(ifd.t297).toEqual([index, 4]);
      const format = formats[index]?.[0];
      for (let i = 0; i < 97 * 61; i++) {
        const original = grey.data[i] ?? 0;
        const expected = format === 'grey' ? original : original < 128 ? 0 : 255;
        expect(rgba[i * 4], `page ${index} pixel ${i}`).toBe(expected);
      }
    });
  });

  it('renders a three-page scan by default, every page an A4 letter with ink on paper', async () => {
    for (const seed of [1, 2, 3, 4]) {
      const decoded = decodeAll(await renderDocument({ kind: 'tiff', seed, title: 'Scanned letters', context: CONTEXT }));
      expect(decoded).toHaveLength(3);
      for (const { ifd, rgba } of decoded) {
        const dpi = (ifd.t282 as number[])[0] ?? 0;
        expect([100, 200]).toContain(dpi);
        expect(ifd.width).toBe(Math.round(8.27 * dpi));
        expect(ifd.height).toBe(Math.round(11.69 * dpi));
        expect(ifd.t259).toEqual([32773]);
        let ink = 0;
        for (let i = 0; i < rgba.length; i += 4) if ((rgba[i] ?? 255) < 100) ink++;
        const share = ink / (ifd.width * ifd.height);
        expect(share).toBeGreaterThan(0.003);
        expect(share).toBeLessThan(0.2);
      }
    }
  });

  it('renders the asked-for number of pages, and about twenty for a large scan', async () => {
    expect(decodeAll(await renderDocument({ kind: 'tiff', seed: 6, title: 't', pages: 5 }))).toHaveLength(5);
    expect(UTIF.decode((await renderDocument({ kind: 'tiff', seed: 6, title: 't', large: true })).slice().buffer)).toHaveLength(20);
  });
});
