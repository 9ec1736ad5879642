import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../helpers/repo';

// ARCHITECTURE.md is the map of the code as it is: every folder of electron/ and renderer/,
// and every top-level folder of the repository, is named there.
const map = readFileSync(path.join(repoRoot, 'ARCHITECTURE.md'), 'utf8');
const folders = (dir: string): string[] =>
  readdirSync(path.join(repoRoot, dir), { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && !entry.name.startsWith('.'))
    .map((entry) => entry.name);

describe('ARCHITECTURE.md', () => {
  it('names every top-level folder of electron/ and renderer/', () => {
    for (const dir of ['electron', 'renderer']) {
      const missing = folders(dir).filter((name) => !map.includes(`${name}/`));
      expect(missing, `${dir}/ folders missing from ARCHITECTURE.md`).toEqual([]);
    }
  });

  it('names every top-level folder the repository tracks', () => {
    const ignored = new Set(['node_modules', 'dist', 'release', 'test-results', 'bench-results', 'coverage']);
    const missing = folders('.').filter((name) => !ignored.has(name) && !map.includes(`\`${name}/`));
    expect(missing).toEqual([]);
  });

  it('names only files of electron/ that exist', () => {
    const named = [...map.matchAll(/`(electron\/[\w/.-]+\.ts)`/g)].map((m) => m[1] ?? '');
    expect(named.length).toBeGreaterThan(10);
    const missing = named.filter((file) => {
      try {
        readFileSync(path.join(repoRoot, file));
        return false;
      } catch {
        return true;
      }
    });
    expect(missing).toEqual([]);
  });
});
