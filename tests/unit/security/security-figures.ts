/**
 * Each security test writes what it measured to test-results/security/<name>.json, so the
 * one summary line `npm test` prints (scanner findings, fuzz runs, bad inputs tried) is
 * counted from the runs themselves, never written in by hand.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../../helpers/repo';

export const figuresDir = path.join(repoRoot, 'test-results', 'security');

export function writeFigures(name: string, figures: Record<string, unknown>): string {
  mkdirSync(figuresDir, { recursive: true });
  const file = path.join(figuresDir, `${name}.json`);
  writeFileSync(file, `${JSON.stringify({ name, measuredAt: new Date().toISOString(), ...figures }, null, 2)}\n`);
  return file;
}
