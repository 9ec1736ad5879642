/**
 * A plain pixel buffer with the few drawing operations the synthetic pictures need
 * (rectangles, lines, discs, bitmap text), so every image format is encoded from the same
 * pixels and nothing depends on a native canvas.
 */
import { ADVANCE, GLYPH_HEIGHT, GLYPH_WIDTH, glyph } from './bitmap-font';

/** One value per channel: [grey] or [red, green, blue], each 0-255. */
export type Colour = readonly number[];

export class Raster {
  readonly data: Uint8Array;

  constructor(
    readonly width: number,
    readonly height: number,
    readonly channels: 1 | 3,
    background: Colour = channels === 1 ? [255] : [255, 255, 255],
  ) {
    this.data = new Uint8Array(width * height * channels);
    this.fillRect(0, 0, width, height, background);
  }

  /** Sets one pixel; pixels outside the raster are ignored so shapes may overhang the edge. */
  set(x: number, y: number, colour: Colour): void {
    if (x < 0 || y < 0 || x >= this.width || y >= this.height) return;
    const offset = (y * this.width + x) * this.channels;
    for (let c = 0; c < this.channels; c++) this.data[offset + c] = colour[c] ?? 0;
  }

  fillRect(x: number, y: number, w: number, h: number, colour: Colour): void {
    const x0 = Math.max(0, Math.round(x));
    const y0 = Math.max(0, Math.round(y));
    const x1 = Math.min(this.width, Math.round(x + w));
    const y1 = Math.min(this.height, Math.round(y + h));
    if (x1 <= x0 || y1 <= y0) return;
    const rowPattern = new Uint8Array((x1 - x0) * this.channels);
    for (let i = 0; i < x1 - x0; i++) for (let c = 0; c < this.channels; c++) rowPattern[i * this.channels + c] = colour[c] ?? 0;
    for (let row = y0; row < y1; row++) this.data.set(rowPattern, (row * this.width + x0) * this.channels);
  }

  strokeRect(x: number, y: number, w: number, h: number, colour: Colour, thickness = 1): void {
    this.fillRect(x, y, w, thickness, colour);
    this.fillRect(x, y + h - thickness, w, thickness, colour);
    this.fillRect(x, y, thickness, h, colour);
    this.fillRect(x + w - thickness, y, thickness, h, colour);
  }

  /** A straight line drawn with a square brush `thickness` pixels wide. */
  line(x0: number, y0: number, x1: number, y1: number, colour: Colour, thickness = 1): void {
    const steps = Math.max(Math.abs(x1 - x0), Math.abs(y1 - y0), 1);
    const half = Math.floor(thickness / 2);
    for (let i = 0; i <= steps; i++) {
      const x = Math.round(x0 + ((x1 - x0) * i) / steps);
      const y = Math.round(y0 + ((y1 - y0) * i) / steps);
      this.fillRect(x - half, y - half, thickness, thickness, colour);
    }
  }

  fillCircle(cx: number, cy: number, radius: number, colour: Colour): void {
    for (let dy = -radius; dy <= radius; dy++) {
      const span = Math.floor(Math.sqrt(radius * radius - dy * dy));
      this.fillRect(cx - span, cy + dy, span * 2 + 1, 1, colour);
    }
  }

  /**
   * Draws text in the bitmap font with its top-left corner at (x, y); `scale` enlarges each
   * font pixel to a square. Returns the width drawn.
   */
  text(text: string, x: number, y: number, scale: number, colour: Colour, bold = false): number {
    let cursor = Math.round(x);
    for (const char of text) {
      const rows = glyph(char);
      for (let row = 0; row < GLYPH_HEIGHT; row++) {
        const bits = rows[row] ?? 0;
        if (bits === 0) continue;
        for (let column = 0; column < GLYPH_WIDTH; column++) {
          if ((bits & (1 << (GLYPH_WIDTH - 1 - column))) === 0) continue;
          const px = cursor + column * scale;
          const py = Math.round(y) + row * scale;
          this.fillRect(px, py, bold ? scale + Math.max(1, scale >> 1) : scale, scale, colour);
        }
      }
      cursor += ADVANCE * scale;
    }
    return cursor - Math.round(x);
  }

  /** The pixels as RGBA, what jpeg-js and most decoders speak. */
  toRgba(): Uint8Array {
    const rgba = new Uint8Array(this.width * this.height * 4);
    for (let i = 0, o = 0; i < this.data.length; i += this.channels, o += 4) {
      const r = this.data[i] ?? 0;
      rgba[o] = r;
      rgba[o + 1] = this.channels === 3 ? (this.data[i + 1] ?? 0) : r;
      rgba[o + 2] = this.channels === 3 ? (this.data[i + 2] ?? 0) : r;
      rgba[o + 3] = 255;
    }
    return rgba;
  }
}
