import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const referenceDir = path.resolve(repoRoot, '..', 'shared', 'ers-reference');
export const hasReference = existsSync(path.join(referenceDir, 'scenarios.json'));
export const rendererDist = path.join(repoRoot, 'dist', 'renderer');

/** Say plainly, once per file, that tests needing ../shared/ers-reference were skipped. */
export function warnIfNoReference(what: string): void {
  if (!hasReference) console.warn(`SKIPPED: ${what} — ${referenceDir} is absent (CI has it beside the checkout).`);
}
