import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../helpers/repo';

// The hazard log names the tests that prove each control. A named test that does not exist
// (a file moved, a test renamed or deleted) fails here, so the log cannot quietly go stale.
const logPath = path.join(repoRoot, 'docs', 'clinical-safety', 'hazard-log.md');
const log = readFileSync(logPath, 'utf8');

interface Hazard {
  id: string;
  title: string;
  body: string;
}

function hazards(text: string): Hazard[] {
  const parts = text.split(/^## (HAZ-\d+) (.+)$/m);
  const found: Hazard[] = [];
  for (let i = 1; i + 2 < parts.length + 1; i += 3) {
    found.push({ id: parts[i] ?? '', title: parts[i + 1] ?? '', body: parts[i + 2] ?? '' });
  }
  return found;
}

/** Every `tests/… .test.ts` › "test title" reference in a piece of the log. */
function testReferences(text: string): { file: string; title: string }[] {
  return [...text.matchAll(/`(tests\/[^`]+?\.test\.ts)` › "([^"]+)"/g)].map((m) => ({ file: m[1] ?? '', title: m[2] ?? '' }));
}

/** A test title as it may stand in source: quoted with ' (apostrophes escaped), " or `. */
function titleInSource(source: string, title: string): boolean {
  return [title, title.replace(/'/g, "\\'")].some(
    (t) => source.includes(`'${t}'`) || source.includes(`"${t}"`) || source.includes(`\`${t}\``),
  );
}

export function missingTests(text: string, root: string): string[] {
  const missing: string[] = [];
  for (const { file, title } of testReferences(text)) {
    const full = path.join(root, file);
    if (!existsSync(full)) missing.push(`${file} does not exist`);
    else if (!titleInSource(readFileSync(full, 'utf8'), title)) missing.push(`${file} has no test "${title}"`);
  }
  return missing;
}

describe('the clinical safety hazard log', () => {
  const all = hazards(log);

  it('holds at least ten hazards, each with causes, controls and at least one test per control', () => {
    expect(all.length).toBeGreaterThanOrEqual(10);
    for (const hazard of all) {
      expect(hazard.body, hazard.id).toMatch(/\*\*Causes\*\*/);
      expect(hazard.body, hazard.id).toMatch(/\*\*Controls\*\*/);
      const controls = hazard.body.split(/^- \*\*C\d+\*\*/m).slice(1);
      expect(controls.length, `${hazard.id} has no numbered controls`).toBeGreaterThan(0);
      controls.forEach((control, i) =>
        expect(testReferences(control).length, `${hazard.id} control C${i + 1} names no test`).toBeGreaterThan(0),
      );
    }
  });

  it('names only tests that exist', () => {
    expect(missingTests(log, repoRoot)).toEqual([]);
  });

  it('catches a named test that does not exist (the check can fail)', () => {
    const stale = '- `tests/unit/foundation/architecture.test.ts` › "a test nobody wrote"\n- `tests/nowhere/gone.test.ts` › "anything"';
    expect(missingTests(stale, repoRoot)).toEqual([
      'tests/unit/foundation/architecture.test.ts has no test "a test nobody wrote"',
      'tests/nowhere/gone.test.ts does not exist',
    ]);
  });

  it('covers the hazards the product owners named', () => {
    const titles = all.map((h) => h.title.toLowerCase()).join('\n');
    for (const words of [
      'wrong patient',
      'decision lost',
      'sent twice',
      'shown as failed',
      'stale data',
      'attachment missing or truncated',
      'priority',
      'wrong role or organisation',
      "another organisation's data",
      'patient details contradict',
    ]) {
      expect(titles, words).toContain(words);
    }
  });
});
