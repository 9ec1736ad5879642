/**
 * The bench's one table and its JSON. Every figure carries its target and a ratio turned so
 * that 1 or more always means met (target/value where lower is better, value/target where
 * higher is better); a missed figure must say what limits it, from what was measured.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export type Better = 'lower' | 'higher';

export interface Figure {
  id: string;
  label: string;
  value: number | null;
  unit: string;
  /** Null for a reference figure that is measured only to be the target of another. */
  target: number | null;
  better: Better;
  /** Shown instead of the bare target, e.g. "≤ pdf.js (412 ms)". */
  targetText?: string;
  /** Why this target. */
  targetBasis?: string;
  /** For a missed figure: what limits it, one sentence from the measurements. */
  limit?: string;
  /** Samples and breakdowns behind the value. */
  detail?: Record<string, unknown>;
  /** Set when the figure could not be measured at all. */
  error?: string;
}

export type Outcome = 'met' | 'MISSED' | 'reference' | 'ERROR';

export function outcomeOf(figure: Figure): Outcome {
  if (figure.error !== undefined || figure.value === null || !Number.isFinite(figure.value)) return 'ERROR';
  if (figure.target === null) return 'reference';
  return figure.better === 'lower' ? (figure.value <= figure.target ? 'met' : 'MISSED') : figure.value >= figure.target ? 'met' : 'MISSED';
}

/** ≥ 1 means met; Infinity when a lower-is-better value is zero. */
export function ratioOf(figure: Figure): number | null {
  if (figure.value === null || figure.target === null || !Number.isFinite(figure.value)) return null;
  if (figure.better === 'lower') {
    if (figure.value === 0) return Number.POSITIVE_INFINITY;
    return figure.target / figure.value;
  }
  if (figure.target === 0) return Number.POSITIVE_INFINITY;
  return figure.value / figure.target;
}

export function formatNumber(value: number, unit: string): string {
  if (!Number.isFinite(value)) return String(value);
  if (unit === 'count' || unit === 'calls/s' || unit === 'modules') return Math.round(value).toLocaleString('en-GB');
  if (Math.abs(value) >= 100) return Math.round(value).toLocaleString('en-GB');
  if (Math.abs(value) >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

function withUnit(value: number, unit: string): string {
  const number = formatNumber(value, unit);
  return unit === 'count' ? number : unit === '%' ? `${number}%` : `${number} ${unit}`;
}

export function valueText(figure: Figure): string {
  if (figure.value === null || !Number.isFinite(figure.value)) return 'not measured';
  return withUnit(figure.value, figure.unit);
}

export function targetText(figure: Figure): string {
  if (figure.targetText) return figure.targetText;
  if (figure.target === null) return '—';
  return `${figure.better === 'lower' ? '≤' : '≥'} ${withUnit(figure.target, figure.unit)}`;
}

export function ratioText(figure: Figure): string {
  const ratio = ratioOf(figure);
  if (ratio === null) return '—';
  if (!Number.isFinite(ratio)) return '∞';
  return ratio.toFixed(2);
}

export function renderTable(figures: readonly Figure[]): string {
  const header = ['Figure', 'Value', 'Target', 'Ratio', 'Result'];
  const rows = figures.map((f) => [f.label, valueText(f), targetText(f), ratioText(f), outcomeOf(f)]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

export function renderMisses(figures: readonly Figure[]): string[] {
  const lines: string[] = [];
  for (const figure of figures) {
    const outcome = outcomeOf(figure);
    if (outcome === 'MISSED')
      lines.push(
        `- ${figure.label}: ${valueText(figure)} against ${targetText(figure)}. ${figure.limit ?? 'No explanation was measured.'}`,
      );
    if (outcome === 'ERROR') lines.push(`- ${figure.label}: not measured. ${(figure.error ?? 'No value came back.').split('\n')[0] ?? ''}`);
  }
  return lines;
}

export function writeJson(file: string, body: unknown): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(
    file,
    `${JSON.stringify(body, (_key, value: unknown) => (typeof value === 'number' && !Number.isFinite(value) ? String(value) : value), 2)}\n`,
  );
}
