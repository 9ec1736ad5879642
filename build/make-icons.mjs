// Draws the app icon (NHS Blue tile with a white tick over a white document) as PNG and
// ICO with no image library, so the build needs nothing from the network.
// Run `node build/make-icons.mjs` to regenerate build/icon.png and build/icon.ico.
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

function crc32(buf) {
  let c;
  const table = [];
  for (let n = 0; n < 256; n++) {
    c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  let crc = 0xffffffff;
  for (const b of buf) crc = table[(crc ^ b) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}

function png(size) {
  const blue = [0x00, 0x5e, 0xb8, 255];
  const white = [255, 255, 255, 255];
  const green = [0x00, 0x7f, 0x3b, 255];
  const raw = Buffer.alloc((size * 4 + 1) * size);
  const s = size / 512;
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0;
    for (let x = 0; x < size; x++) {
      const X = x / s;
      const Y = y / s;
      let px = blue;
      if (X > 136 && X < 376 && Y > 96 && Y < 416) px = white; // the letter
      if (px === white && Y > 150 && Y < 170 && X > 170 && X < 340) px = blue; // lines of text
      if (px === white && Y > 200 && Y < 220 && X > 170 && X < 300) px = blue;
      // the tick
      const onStroke1 = Math.abs(Y - (X - 200) - 300) < 18 && X > 200 && X < 260;
      const onStroke2 = Math.abs(Y - (-1.4 * (X - 260) + 360)) < 22 && X >= 255 && X < 345;
      if (onStroke1 || onStroke2) px = green;
      raw.set(px, y * (size * 4 + 1) + 1 + x * 4);
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8;
  ihdr[9] = 6;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const big = png(512);
writeFileSync(new URL('./icon.png', import.meta.url), big);

// ICO holding one 256x256 PNG image (Windows Vista and later read PNG inside ICO).
const img = png(256);
const header = Buffer.alloc(6);
header.writeUInt16LE(0, 0);
header.writeUInt16LE(1, 2);
header.writeUInt16LE(1, 4);
const entry = Buffer.alloc(16);
entry[0] = 0; // 256
entry[1] = 0;
entry.writeUInt16LE(1, 4);
entry.writeUInt16LE(32, 6);
entry.writeUInt32LE(img.length, 8);
entry.writeUInt32LE(22, 12);
writeFileSync(new URL('./icon.ico', import.meta.url), Buffer.concat([header, entry, img]));
console.log('wrote build/icon.png and build/icon.ico');
