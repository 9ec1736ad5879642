/**
 * NHS England's PDS examples from ../shared/pds-reference (or PDS_REFERENCE_DIR), read as
 * they are published: in the upstream repository the files under
 * specification/components/examples/ are git symbolic links to sandbox/mocks/, so a copy
 * without symlink support holds the link's target path as the file's text. That path is
 * followed. The copy in ../shared does not include sandbox/, so where a link's target is
 * absent there, and only while ../shared names the same upstream commit, the target is read
 * from tests/conformance/fixtures/pds-upstream/ (those files copied unchanged from NHS
 * England's repository at that commit). Without ../shared, or at another commit, the
 * example is missing and the tests that need it say plainly that they skipped.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from './repo';

export const pdsReferenceDir = process.env.PDS_REFERENCE_DIR ?? path.resolve(repoRoot, '..', 'shared', 'pds-reference');
const examplesDir = path.join(pdsReferenceDir, 'specification', 'components', 'examples');
const upstreamDir = path.join(repoRoot, 'tests', 'conformance', 'fixtures', 'pds-upstream');

function upstreamCommit(dir: string): string | null {
  const file = path.join(dir, 'UPSTREAM_COMMIT');
  return existsSync(file) ? readFileSync(file, 'utf8').trim() : null;
}

/** A link's target inside ../shared, or the same file from NHS England's repository at the same commit. */
function linkTarget(file: string): string {
  if (existsSync(file)) return file;
  const inside = path.relative(pdsReferenceDir, file);
  const sameCommit = upstreamCommit(pdsReferenceDir) !== null && upstreamCommit(pdsReferenceDir) === upstreamCommit(upstreamDir);
  if (!sameCommit || inside.startsWith('..') || path.isAbsolute(inside)) return file;
  return path.join(upstreamDir, inside);
}

/** The example's JSON, or null when neither it nor the file its link names is present. */
export function readPdsExample(name: string): unknown {
  let file = path.join(examplesDir, name);
  for (let hops = 0; hops < 3; hops += 1) {
    if (!existsSync(file)) return null;
    const text = readFileSync(file, 'utf8').trim();
    if (text.startsWith('{') || text.startsWith('[')) return JSON.parse(text) as unknown;
    // A symbolic link stored as a file: its text is a relative path, nothing else.
    if (!/^[\w./-]+\.json$/.test(text)) throw new Error(`${name} in ${examplesDir} is neither JSON nor a link to it.`);
    file = linkTarget(path.resolve(path.dirname(file), text));
  }
  return null;
}

export const PDS_EXAMPLES = ['Patient.json', 'Sensitive_Patient.json', 'Minimal_Patient.json', 'PatientCompoundName.json'] as const;

export function missingPdsExamples(): string[] {
  return PDS_EXAMPLES.filter((name) => readPdsExample(name) === null);
}

export function warnIfNoPdsExamples(what: string): void {
  const missing = missingPdsExamples();
  if (missing.length > 0) {
    console.warn(
      `SKIPPED: ${what} — ${missing.join(', ')} not readable under ${examplesDir} (the reference copy holds links to sandbox/mocks/, which it does not include, and tests/conformance/fixtures/pds-upstream/ is from another upstream commit; set PDS_REFERENCE_DIR to a copy that has them).`,
    );
  }
}
