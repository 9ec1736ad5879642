/**
 * Electronegativity over the main process, preload, platform adapter, window options and
 * the renderer, with package.json for the Electron version. No HIGH or MEDIUM finding may
 * stand unless the flagged code carries a justification the test checks:
 *
 *     // electronegativity-ok: CHECK_ID[, CHECK_ID…] — why this is safe here
 *
 * on the flagged line or in the comment lines directly above it. A finding about the app
 * as a whole (no file, e.g. CSP_GLOBAL_CHECK when the policy is sent as a header) is
 * justified by such a comment anywhere in the scanned code. The reason must say something
 * (at least a few words), and the check ids must be ones the scanner has.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '../../../electron/csp';
import { repoRoot } from '../../helpers/repo';
import { cspSeverities, evaluateCsp, OFFLINE_EXCLUDED_CHECKS, scan, type Finding, type ScanResult } from './electronegativity-scan';
import { writeFigures } from './security-figures';

const JUSTIFICATION =
  /(?:\/\/|\/\*|<!--)\s*electronegativity-ok:\s*([A-Z0-9_]+(?:\s*,\s*[A-Z0-9_]+)*)\s*(?:—|–|--|-)\s*(.*?)\s*(?:\*\/|-->)?\s*$/;
const BLOCKING = new Set(['HIGH', 'MEDIUM']);

interface Justification {
  file: string;
  line: number;
  ids: string[];
  reason: string;
}

const MIN_REASON_WORDS = 4;
const sampleDir = path.join(repoRoot, 'tests', 'unit', 'security', 'fixtures', 'electronegativity-sample');

let result: ScanResult;
let justifications: Justification[] = [];
const fileLines = new Map<string, string[]>();

function linesOf(file: string): string[] {
  let lines = fileLines.get(file);
  if (!lines) {
    lines = readFileSync(path.join(repoRoot, file), 'utf8').split('\n');
    fileLines.set(file, lines);
  }
  return lines;
}

function justificationsIn(file: string): Justification[] {
  const found: Justification[] = [];
  linesOf(file).forEach((line, index) => {
    const match = JUSTIFICATION.exec(line);
    if (!match) {
      if (line.includes('electronegativity-ok')) found.push({ file, line: index + 1, ids: [], reason: '' });
      return;
    }
    found.push({ file, line: index + 1, ids: (match[1] ?? '').split(',').map((id) => id.trim()), reason: match[2] ?? '' });
  });
  return found;
}

function wellFormed(j: Justification, knownIds: ReadonlySet<string>): boolean {
  return (
    j.ids.length > 0 &&
    j.ids.every((id) => knownIds.has(id)) &&
    j.reason.split(/\s+/).filter((w) => w.length > 0).length >= MIN_REASON_WORDS
  );
}

/** The justification covering a finding: on its line, or in the comment block right above. */
function justificationFor(finding: Finding, among: Justification[] = justifications): Justification | undefined {
  if (finding.file === 'N/A' || finding.line <= 0) return among.find((j) => j.ids.includes(finding.id));
  const lines = linesOf(finding.file);
  const candidates = new Set<number>([finding.line]);
  for (let n = finding.line - 1; n >= 1; n--) {
    const text = (lines[n - 1] ?? '').trim();
    if (!(text.startsWith('//') || text.startsWith('/*') || text.startsWith('*') || text.startsWith('<!--'))) break;
    candidates.add(n);
  }
  return among.find((j) => j.file === finding.file && candidates.has(j.line) && j.ids.includes(finding.id));
}

function describeFinding(finding: Finding): string {
  return `${finding.severity} ${finding.id} at ${finding.file}:${finding.line} — ${finding.sample || finding.description}`;
}

beforeAll(async () => {
  result = await scan([path.join(repoRoot, 'electron'), path.join(repoRoot, 'renderer')], [path.join(repoRoot, 'package.json')]);
  justifications = result.files.filter((file) => !file.endsWith('.json')).flatMap(justificationsIn);

  const bySeverity = (severity: string) => result.findings.filter((f) => f.severity === severity).length;
  const blocking = result.findings.filter((f) => BLOCKING.has(f.severity));
  const known = new Set(result.checkIds);
  const justified = blocking.filter((f) => {
    const j = justificationFor(f);
    return j !== undefined && wellFormed(j, known);
  });
  const figures = {
    scanner: '@doyensec/electronegativity',
    electronVersion: result.electronVersion,
    filesScanned: result.files.length,
    checksRun: result.atomicChecks + result.globalChecks,
    checksExcludedOffline: OFFLINE_EXCLUDED_CHECKS,
    findings: {
      high: bySeverity('HIGH'),
      medium: bySeverity('MEDIUM'),
      low: bySeverity('LOW'),
      informational: bySeverity('INFORMATIONAL'),
    },
    highOrMediumJustified: justified.length,
    highOrMediumUnjustified: blocking.length - justified.length,
    parseErrors: result.parseErrors.length,
    durationMs: result.durationMs,
    blocking: blocking.map((f) => ({
      id: f.id,
      severity: f.severity,
      file: f.file,
      line: f.line,
      justified: justificationFor(f) !== undefined,
    })),
  };
  writeFigures('electronegativity', figures);
  console.log(
    `electronegativity ${result.electronVersion === '' ? '' : `(Electron ${result.electronVersion}) `}scanned ${figures.filesScanned} files with ${figures.checksRun} checks in ${(result.durationMs / 1000).toFixed(1)} s: ` +
      `${figures.findings.high} high, ${figures.findings.medium} medium (${justified.length} justified, ${figures.highOrMediumUnjustified} not), ${figures.findings.low} low, ${figures.findings.informational} informational`,
  );
  for (const finding of blocking)
    console.log(`  ${justificationFor(finding) ? 'justified' : 'NOT JUSTIFIED'}: ${describeFinding(finding)}`);
}, 60_000);

describe('electronegativity', () => {
  it('scans the main process, preload, platform adapter, window options and renderer, well under a minute', () => {
    for (const file of [
      'electron/main.ts',
      'electron/preload.ts',
      'electron/platform/electron-platform.ts',
      'electron/window-options.ts',
      'renderer/index.html',
      'package.json',
    ]) {
      expect(result.files).toContain(file);
    }
    expect(result.atomicChecks).toBeGreaterThan(20);
    expect(result.durationMs).toBeLessThan(45_000);
  });

  it('parses every file it scans (a file it cannot parse is a file it did not check)', () => {
    expect(result.parseErrors).toEqual([]);
  });

  it('leaves no HIGH or MEDIUM finding without a justification on the flagged code', () => {
    const unjustified = result.findings.filter((f) => BLOCKING.has(f.severity) && justificationFor(f) === undefined).map(describeFinding);
    expect(unjustified).toEqual([]);
  });

  it('accepts only well-formed justifications: known check ids and a real reason', () => {
    const known = new Set(result.checkIds);
    const malformed = justifications.filter((j) => !wellFormed(j, known)).map((j) => `${j.file}:${j.line}`);
    expect(malformed).toEqual([]);
  });

  it('finds an unsafe window in a sample, and lets it pass only with a well-formed justification above it', async () => {
    const sample = await scan([sampleDir], []);
    const sampleFile = path.relative(repoRoot, path.join(sampleDir, 'main.js'));
    const sampleJustifications = justificationsIn(sampleFile);
    const known = new Set(sample.checkIds);
    const isolation = sample.findings.filter(
      (f) => f.id === 'CONTEXT_ISOLATION_JS_CHECK' && f.severity === 'HIGH' && f.file === sampleFile,
    );
    const lineOf = (needle: string) => linesOf(sampleFile).findIndex((line) => line.includes(needle));
    const unsafeLine = lineOf('function unsafeWindow') + 2;
    const justifiedLine = lineOf('function justifiedWindow') + 3;
    const vagueLine = lineOf('function vaguelyJustifiedWindow') + 3;
    expect(isolation.map((f) => f.line).sort((a, b) => a - b)).toEqual([unsafeLine, justifiedLine, vagueLine]);
    const verdict = (line: number) => {
      const finding = isolation.find((f) => f.line === line);
      const j = finding ? justificationFor(finding, sampleJustifications) : undefined;
      return j === undefined ? 'none' : wellFormed(j, known) ? 'justified' : 'malformed';
    };
    expect([verdict(unsafeLine), verdict(justifiedLine), verdict(vagueLine)]).toEqual(['none', 'justified', 'malformed']);
    // A justification covers only the checks it names: the sandbox finding on the vague line stands.
    const sandbox = sample.findings.find((f) => f.id === 'SANDBOX_JS_CHECK' && f.line === vagueLine);
    expect(sandbox && justificationFor(sandbox, sampleJustifications)).toBeUndefined();
  });

  it("finds no weakness in the Content-Security-Policy the app sends, by the scanner's own CSP evaluator", () => {
    // The policy is sent as a response header by the app's protocol handler, which the
    // scanner cannot see; this is the evaluation its CSP_GLOBAL_CHECK would make. It calls
    // a policy weak for a HIGH or MEDIUM evaluator finding.
    const severities = cspSeverities();
    expect(typeof severities.HIGH).toBe('number');
    expect(typeof severities.MEDIUM).toBe('number');
    const findings = evaluateCsp(CONTENT_SECURITY_POLICY);
    expect(findings.filter((f) => f.severity === severities.HIGH || f.severity === severities.MEDIUM)).toEqual([]);
    // The evaluator predates CSP3's 'wasm-unsafe-eval' (WebAssembly only, never JS eval)
    // and reports it as a syntax problem; nothing else may be.
    const syntax = findings.filter((f) => f.severity === severities.SYNTAX);
    expect(syntax.every((f) => f.description.includes("'wasm-unsafe-eval'"))).toBe(true);
    for (const f of findings) console.log(`  CSP evaluator note (${f.directive}, severity ${f.severity}): ${f.description}`);
  });

  it('would catch a weak policy (the evaluator is really evaluating)', () => {
    const severities = cspSeverities();
    const findings = evaluateCsp("default-src *; script-src 'self' 'unsafe-inline' 'unsafe-eval' http:");
    expect(findings.some((f) => f.severity === severities.HIGH)).toBe(true);
  });
});
