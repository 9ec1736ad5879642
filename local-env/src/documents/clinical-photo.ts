/**
 * A photo-like clinical image: a close-up of skin with a pigmented lesion and a paper
 * ruler, under uneven lighting, as a GP takes with a dermatoscope or a phone for a skin
 * referral. Smooth gradients and fine grain make it behave like a photograph under JPEG.
 */
import type { DocumentContext } from './document-context';
import type { Rng } from './prng';
import { Raster } from './raster';

const SKIN_TONES: readonly (readonly [number, number, number])[] = [
  [236, 200, 178],
  [224, 178, 150],
  [198, 148, 114],
  [160, 110, 80],
  [122, 82, 58],
  [92, 62, 44],
];

/** Smooth random field: a coarse grid of random values, interpolated (value noise). */
function valueNoise(rng: Rng, width: number, height: number, cell: number): (x: number, y: number) => number {
  const columns = Math.ceil(width / cell) + 2;
  const rows = Math.ceil(height / cell) + 2;
  const grid = Float32Array.from({ length: columns * rows }, () => rng.next());
  return (x, y) => {
    const gx = x / cell;
    const gy = y / cell;
    const x0 = Math.floor(gx);
    const y0 = Math.floor(gy);
    const fx = gx - x0;
    const fy = gy - y0;
    const sx = fx * fx * (3 - 2 * fx);
    const sy = fy * fy * (3 - 2 * fy);
    const at = (cx: number, cy: number) => grid[cy * columns + cx] ?? 0;
    const top = at(x0, y0) + (at(x0 + 1, y0) - at(x0, y0)) * sx;
    const bottom = at(x0, y0 + 1) + (at(x0 + 1, y0 + 1) - at(x0, y0 + 1)) * sx;
    return top + (bottom - top) * sy;
  };
}

export function drawLesionPhoto(_ctx: DocumentContext, rng: Rng, width = 640, height = 480): Raster {
  const raster = new Raster(width, height, 3);
  const skin = rng.pick(SKIN_TONES);
  const texture = valueNoise(rng.fork('texture'), width, height, 9);
  const mottling = valueNoise(rng.fork('mottling'), width, height, 70);
  const lesionNoise = valueNoise(rng.fork('lesion'), width, height, 14);
  const grain = rng.fork('grain');

  // The lesion's outline: a circle with a few harmonics, so it is asymmetric and irregular.
  const cx = width * rng.float(0.4, 0.6);
  const cy = height * rng.float(0.38, 0.55);
  const radius = Math.min(width, height) * rng.float(0.1, 0.2);
  const harmonics = Array.from({ length: 5 }, (_, k) => ({ k: k + 2, amplitude: rng.float(0.02, 0.12), phase: rng.float(0, Math.PI * 2) }));
  const edgeAt = (angle: number) => radius * (1 + harmonics.reduce((sum, h) => sum + h.amplitude * Math.sin(h.k * angle + h.phase), 0));
  const maxEdge = radius * (1 + harmonics.reduce((sum, h) => sum + h.amplitude, 0));
  const lesionDark = rng.float(0.25, 0.5);
  const light = { x: width * rng.float(0.2, 0.8), y: height * rng.float(0.1, 0.4) };
  const rulerTop = height - 56;

  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const dx = x - light.x;
      const dy = y - light.y;
      const lighting = 1.08 - Math.min(0.4, Math.sqrt(dx * dx + dy * dy) / (width * 1.6));
      const shade = lighting * (0.92 + 0.08 * mottling(x, y)) * (0.96 + 0.06 * texture(x, y));
      let r = skin[0] * shade;
      let g = skin[1] * shade;
      let b = skin[2] * shade;

      const ex = x - cx;
      const ey = y - cy;
      const distance = Math.sqrt(ex * ex + ey * ey);
      // The outline is at most 1.6 radii out; skip the trigonometry for pixels beyond it.
      const edge = distance < maxEdge + 6 ? edgeAt(Math.atan2(ey, ex)) : 0;
      if (distance < edge + 6) {
        // A soft border, and two or three shades of brown inside (variegation).
        const inside = Math.min(1, Math.max(0, (edge + 6 - distance) / 8));
        const variegation = 0.7 + 0.6 * lesionNoise(x, y);
        const darkness = lesionDark * variegation;
        const lr = 70 * darkness + 20;
        const lg = 45 * darkness + 12;
        const lb = 30 * darkness + 10;
        r = r * (1 - inside) + lr * inside;
        g = g * (1 - inside) + lg * inside;
        b = b * (1 - inside) + lb * inside;
      }
      const noise = (grain.next() - 0.5) * 8;
      const offset = (y * width + x) * 3;
      raster.data[offset] = clamp(r + noise);
      raster.data[offset + 1] = clamp(g + noise);
      raster.data[offset + 2] = clamp(b + noise);
    }
  }

  // A paper ruler in millimetres across the bottom, as clinical photographs include for scale.
  raster.fillRect(0, rulerTop, width, 56, [244, 242, 232]);
  raster.line(0, rulerTop, width, rulerTop, [120, 120, 110]);
  const pxPerMm = 6;
  for (let mm = 0; mm * pxPerMm < width - 10; mm++) {
    const x = 10 + mm * pxPerMm;
    const tick = mm % 10 === 0 ? 18 : mm % 5 === 0 ? 12 : 7;
    raster.line(x, rulerTop, x, rulerTop + tick, [30, 30, 30]);
    if (mm % 10 === 0) raster.text(String(mm / 10), x - 2, rulerTop + 24, 1, [30, 30, 30]);
  }
  raster.text('cm   synthetic image', width - 140, rulerTop + 40, 1, [60, 60, 60]);
  return raster;
}

function clamp(value: number): number {
  return value < 0 ? 0 : value > 255 ? 255 : Math.round(value);
}
