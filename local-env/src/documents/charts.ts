/**
 * Drawn clinical pictures in flat colours: a results trend, an ECG rhythm strip and a
 * symptom diary bar chart. Flat colours keep them small as PNG and within a GIF palette.
 */
import { shortDate, addDays, type DocumentContext } from './document-context';
import type { Rng } from './prng';
import { type Colour, Raster } from './raster';

const WHITE: Colour = [255, 255, 255];
const BLACK: Colour = [20, 20, 20];
const GRID: Colour = [220, 224, 230];
const AXIS: Colour = [90, 96, 104];
const NHS_BLUE: Colour = [0, 94, 184];
const BAND: Colour = [221, 240, 224];
const WARN: Colour = [212, 53, 28];

interface Trend {
  name: string;
  unit: string;
  low: number;
  high: number;
  /** Where the axis runs from and to. */
  min: number;
  max: number;
  decimals: number;
}

const TRENDS: readonly Trend[] = [
  { name: 'HbA1c', unit: 'mmol/mol', low: 20, high: 48, min: 30, max: 110, decimals: 0 },
  { name: 'eGFR', unit: 'mL/min', low: 60, high: 120, min: 20, max: 100, decimals: 0 },
  { name: 'PSA', unit: 'ug/L', low: 0, high: 4, min: 0, max: 16, decimals: 1 },
  { name: 'Haemoglobin', unit: 'g/L', low: 120, high: 160, min: 80, max: 170, decimals: 0 },
  { name: 'Weight', unit: 'kg', low: 0, high: 0, min: 50, max: 120, decimals: 1 },
];

function title(raster: Raster, text: string, subtitle: string): void {
  raster.text(text, 16, 12, 2, BLACK, true);
  raster.text(subtitle, 16, 34, 1, AXIS);
}

/** A laboratory result plotted over two years, with the reference range shaded. */
export function drawTrendChart(ctx: DocumentContext, rng: Rng, width = 560, height = 360): Raster {
  const raster = new Raster(width, height, 3, WHITE);
  const trend = rng.pick(TRENDS.filter((t) => ctx.sex !== 'female' || t.name !== 'PSA'));
  const points = rng.int(6, 10);
  const left = 64;
  const right = width - 24;
  const top = 60;
  const bottom = height - 48;
  const toY = (value: number) => bottom - ((value - trend.min) / (trend.max - trend.min)) * (bottom - top);
  title(raster, `${trend.name} (${trend.unit})`, `${ctx.patientName} - NHS ${ctx.nhsNumber} - synthetic`);

  if (trend.high > trend.low) {
    const bandTop = Math.max(top, toY(trend.high));
    const bandBottom = Math.min(bottom, toY(trend.low));
    raster.fillRect(left, bandTop, right - left, bandBottom - bandTop, BAND);
  }
  for (let i = 0; i <= 5; i++) {
    const value = trend.min + ((trend.max - trend.min) * i) / 5;
    const y = Math.round(toY(value));
    raster.line(left, y, right, y, GRID);
    const label = value.toFixed(trend.decimals);
    raster.text(label, left - 8 - label.length * 6, y - 4, 1, AXIS);
  }
  raster.line(left, top, left, bottom, AXIS, 2);
  raster.line(left, bottom, right, bottom, AXIS, 2);

  // A drifting series, clamped to the axis, so each seed tells a slightly different story.
  let value = rng.float(trend.min + (trend.max - trend.min) * 0.25, trend.min + (trend.max - trend.min) * 0.6);
  const drift = rng.float(-0.06, 0.1) * (trend.max - trend.min);
  let previous: [number, number] | undefined;
  for (let i = 0; i < points; i++) {
    const x = Math.round(left + 16 + ((right - left - 32) * i) / (points - 1));
    value = Math.min(trend.max, Math.max(trend.min, value + drift + rng.gaussian(0, (trend.max - trend.min) * 0.04)));
    const y = Math.round(toY(value));
    if (previous) raster.line(previous[0], previous[1], x, y, NHS_BLUE, 3);
    previous = [x, y];
    const outOfRange = trend.high > trend.low && (value > trend.high || value < trend.low);
    raster.fillCircle(x, y, 5, outOfRange ? WARN : NHS_BLUE);
    if (i % 2 === 0) {
      const date = shortDate(addDays(ctx.date, -Math.round(((points - 1 - i) * 730) / (points - 1))));
      raster.text(date, x - date.length * 3, bottom + 10, 1, AXIS);
    }
  }
  if (trend.high > trend.low) raster.text('Red: outside the reference range (shaded)', left, height - 20, 1, AXIS);
  return raster;
}

/** A lead II rhythm strip on ECG paper: 25 mm/s, 10 mm/mV, five pixels to the millimetre. */
export function drawEcgStrip(ctx: DocumentContext, rng: Rng, width = 760, height = 300): Raster {
  const raster = new Raster(width, height, 3, [255, 246, 246]);
  const mm = 5;
  for (let x = 0; x < width; x += mm) raster.line(x, 40, x, height - 1, x % (mm * 5) === 0 ? [240, 150, 160] : [250, 214, 218]);
  for (let y = 40; y < height; y += mm) raster.line(0, y, width - 1, y, (y - 40) % (mm * 5) === 0 ? [240, 150, 160] : [250, 214, 218]);
  raster.fillRect(0, 0, width, 40, WHITE);
  const rate = rng.int(54, 118);
  const irregular = rng.chance(0.35);
  raster.text(`${ctx.patientName}   NHS ${ctx.nhsNumber}   ${shortDate(ctx.date)}   synthetic`, 10, 8, 1, BLACK);
  raster.text(`Lead II   25 mm/s   10 mm/mV   Rate ${rate} bpm${irregular ? '   irregularly irregular' : ''}`, 10, 22, 1, BLACK);

  const baseline = 40 + Math.round((height - 40) * 0.6);
  const pxPerSecond = 25 * mm;
  const beat = (t: number): number => {
    // Sum of bumps for P, Q, R, S and T, in millivolts; t in seconds from the beat's start.
    const bump = (centre: number, widthS: number, height_: number) => height_ * Math.exp(-(((t - centre) / widthS) ** 2));
    return (
      (irregular ? 0 : bump(0.1, 0.025, 0.15)) +
      bump(0.2, 0.008, -0.12) +
      bump(0.22, 0.01, 1.3) +
      bump(0.245, 0.01, -0.3) +
      bump(0.45, 0.045, 0.3)
    );
  };
  let beatStart = 0;
  let nextBeat = 60 / rate;
  let previousY = baseline;
  for (let x = 0; x < width; x++) {
    const t = x / pxPerSecond;
    if (t >= beatStart + nextBeat) {
      beatStart += nextBeat;
      nextBeat = (60 / rate) * (irregular ? rng.float(0.7, 1.3) : rng.float(0.97, 1.03));
    }
    const fibrillation = irregular ? 0.04 * Math.sin(t * 37) + 0.03 * Math.sin(t * 53) : 0;
    const y = Math.round(baseline - (beat(t - beatStart) + fibrillation) * 10 * mm);
    raster.line(x - 1, previousY, x, y, BLACK, 2);
    previousY = y;
  }
  return raster;
}

/** A month-by-month bar chart from a symptom diary. */
export function drawDiaryChart(ctx: DocumentContext, rng: Rng, width = 480, height = 320): Raster {
  const raster = new Raster(width, height, 3, WHITE);
  const subject = rng.pick([
    'Headache days',
    'Episodes of palpitations',
    'Days with joint pain',
    'Night-time toilet visits (average)',
    'Days with loose stools',
  ]);
  title(raster, subject, `Patient diary - ${ctx.patientName} - synthetic`);
  const months = 6;
  const left = 48;
  const bottom = height - 40;
  const top = 64;
  const maxValue = 30;
  for (let v = 0; v <= maxValue; v += 5) {
    const y = Math.round(bottom - (v / maxValue) * (bottom - top));
    raster.line(left, y, width - 16, y, GRID);
    raster.text(String(v), left - 8 - String(v).length * 6, y - 4, 1, AXIS);
  }
  const slot = (width - 16 - left) / months;
  let value = rng.int(4, 14);
  for (let i = 0; i < months; i++) {
    value = Math.max(0, Math.min(maxValue, value + rng.int(-3, 5)));
    const barHeight = Math.round((value / maxValue) * (bottom - top));
    const x = Math.round(left + slot * i + slot * 0.2);
    raster.fillRect(x, bottom - barHeight, Math.round(slot * 0.6), barHeight, value > 15 ? WARN : NHS_BLUE);
    raster.text(String(value), x + Math.round(slot * 0.3) - String(value).length * 3, bottom - barHeight - 12, 1, BLACK);
    const month = shortDate(addDays(ctx.date, -30 * (months - 1 - i))).slice(3);
    raster.text(month, x + Math.round(slot * 0.3) - month.length * 3, bottom + 10, 1, AXIS);
  }
  raster.line(left, top, left, bottom, AXIS, 2);
  raster.line(left, bottom, width - 16, bottom, AXIS, 2);
  return raster;
}
