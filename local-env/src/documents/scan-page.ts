/**
 * One page of paper as a scanner sees it: an earlier clinic letter or a laboratory report,
 * printed in the bitmap font, then given the marks of a real scan (uneven paper, a slight
 * skew, punch holes, a shadow at the edge, dust). Used for multi-page TIFF scans and for
 * the scanned enclosures of a large PDF letter.
 */
import { clinicLetterParagraphs, labPanel } from './clinical-text';
import { formatNhsNumber, longDate, shortDate, type DocumentContext } from './document-context';
import type { Rng } from './prng';
import { Raster } from './raster';
import { wrapChars } from './text-wrap';

export interface ScanOptions {
  /** Pixels per inch; an A4 page is 8.27 x 11.69 inches. */
  dpi: number;
  pageNumber: number;
  pageCount: number;
  /** How grainy the paper is: the largest change noise makes to a pixel (0 for a clean scan). */
  grain: number;
}

const INK: readonly number[] = [0];
const TRUSTS = [
  'Riverside University Hospitals NHS Trust',
  'Northgate Community Healthcare NHS Trust',
  'Kingsmere and District Hospitals NHS Trust',
] as const;

/** A greyscale A4 page at the given resolution. */
export function drawScannedPage(ctx: DocumentContext, rng: Rng, options: ScanOptions): Raster {
  const width = Math.round(8.27 * options.dpi);
  const height = Math.round(11.69 * options.dpi);
  const page = new Raster(width, height, 1, [255]);
  const scale = Math.max(2, Math.round(options.dpi / 70));
  const margin = Math.round(options.dpi * 0.9);
  const lineHeight = scale * 12;
  const maxChars = Math.floor((width - margin * 2) / (scale * 6));
  const trust = `${rng.pick(TRUSTS)} (synthetic)`;
  let y = margin;

  // The trust's name is printed large, but never wider than the text block.
  const headerScale = Math.max(scale, Math.min(scale * 2, Math.floor((width - margin * 2) / (trust.length * 6 + 2))));
  page.text(trust, margin, y, headerScale, INK, true);
  y += scale * 22;
  const report = rng.chance(0.35);
  page.text(report ? 'Department of Clinical Biochemistry' : `Department of ${ctx.specialty}`, margin, y, scale, INK);
  y += lineHeight;
  page.line(margin, y, width - margin, y, INK, Math.max(1, scale - 1));
  y += lineHeight * 2;

  const details = [
    `Patient: ${ctx.patientName}`,
    `NHS number: ${formatNhsNumber(ctx.nhsNumber)}    Date of birth: ${shortDate(ctx.dateOfBirth)}`,
    `Page ${options.pageNumber} of ${options.pageCount}`,
  ];
  for (const line of details) {
    page.text(line, margin, y, scale, INK, line.startsWith('Patient'));
    y += lineHeight;
  }
  y += lineHeight;

  if (report) {
    page.text('LABORATORY REPORT', margin, y, scale * 2, INK, true);
    y += lineHeight * 2.5;
    const columns = [0, 0.38, 0.55, 0.72, 0.92].map((share) => margin + Math.round((width - margin * 2) * share));
    ['Test', 'Result', 'Units', 'Reference range', 'Flag'].forEach((label, i) =>
      page.text(label, columns[i] ?? margin, y, scale, INK, true),
    );
    y += lineHeight * 1.5;
    for (const row of labPanel(ctx, rng)) {
      const cells = [row.test, row.value, row.unit, row.range, row.abnormal ? '*' : ''];
      cells.forEach((cell, i) => page.text(cell, columns[i] ?? margin, y, scale, INK));
      y += lineHeight * 1.3;
    }
    y += lineHeight;
    page.text(`Sample collected ${shortDate(ctx.date)}. Authorised by the duty biochemist.`, margin, y, scale, INK);
  } else {
    page.text(longDate(ctx.date), width - margin - scale * 6 * longDate(ctx.date).length, y, scale, INK);
    y += lineHeight * 2;
    for (const paragraph of clinicLetterParagraphs(ctx, rng)) {
      for (const line of wrapChars(paragraph, maxChars)) {
        if (y > height - margin - lineHeight * 3) break;
        page.text(line, margin, y, scale, INK, /^(Diagnosis|Plan|Medication):/.test(line));
        y += lineHeight;
      }
      y += lineHeight * 0.6;
      if (paragraph === 'Yours sincerely,') {
        signature(page, rng, margin + scale * 10, y + lineHeight, scale);
        y += lineHeight * 2.5;
      }
    }
  }
  if (rng.chance(0.5)) {
    // A received stamp, as the hospital's post room adds.
    const stampX = width - margin - scale * 120;
    const stampY = margin + scale * 34;
    page.strokeRect(stampX, stampY, scale * 110, scale * 30, [90], Math.max(1, scale));
    page.text('RECEIVED', stampX + scale * 30, stampY + scale * 5, scale, [90], true);
    page.text(shortDate(ctx.date).toUpperCase(), stampX + scale * 22, stampY + scale * 17, scale, [90]);
  }
  return ageAsScan(page, rng, options);
}

/** A scribbled signature, left to right around the baseline `y`. */
function signature(page: Raster, rng: Rng, x: number, y: number, scale: number): void {
  let px = x;
  let py = y;
  for (let i = 0; i < 14; i++) {
    const nx = px + rng.int(scale * 3, scale * 9);
    const ny = y + rng.int(-scale * 6, scale * 6);
    page.line(px, py, nx, ny, INK, Math.max(1, scale - 1));
    px = nx;
    py = ny;
  }
}

/** Turns clean black-on-white into what comes out of an office scanner. */
function ageAsScan(clean: Raster, rng: Rng, options: ScanOptions): Raster {
  const { width, height } = clean;
  const out = new Raster(width, height, 1, [255]);
  const skew = rng.float(-0.006, 0.006);
  const paper = rng.int(236, 250);
  const shadowSide = rng.chance(0.5);
  const shadowWidth = Math.round(options.dpi * 0.08);
  const grain = options.grain;
  let state = rng.uint32() | 1;
  const src = clean.data;
  const dst = out.data;
  for (let y = 0; y < height; y++) {
    const shift = Math.round((y - height / 2) * skew);
    const light = paper - Math.round((4 * y) / height);
    for (let x = 0; x < width; x++) {
      const sx = x - shift;
      const ink = sx >= 0 && sx < width ? (src[y * width + sx] ?? 255) : 255;
      let value = ink === 255 ? light : Math.round(ink * 0.2 + 28);
      const edge = shadowSide ? x : width - 1 - x;
      if (edge < shadowWidth) value = Math.round(value * (0.45 + (0.55 * edge) / shadowWidth));
      if (grain > 0) {
        // xorshift32 inline: millions of pixels per page, so no function call per pixel.
        state ^= state << 13;
        state ^= state >>> 17;
        state ^= state << 5;
        value += ((state >>> 0) % (grain * 2 + 1)) - grain;
      }
      dst[y * width + x] = value < 0 ? 0 : value > 255 ? 255 : value;
    }
  }
  // Two punch holes in the margin and a little dust.
  const holeX = shadowSide ? Math.round(options.dpi * 0.35) : width - Math.round(options.dpi * 0.35);
  const holeRadius = Math.round(options.dpi * 0.12);
  out.fillCircle(holeX, Math.round(height * 0.38), holeRadius, [40]);
  out.fillCircle(holeX, Math.round(height * 0.62), holeRadius, [40]);
  for (let i = 0, specks = rng.int(20, 80); i < specks; i++) {
    out.fillCircle(rng.int(0, width - 1), rng.int(0, height - 1), rng.int(0, Math.max(1, Math.round(options.dpi / 100))), [
      rng.int(20, 120),
    ]);
  }
  return out;
}
