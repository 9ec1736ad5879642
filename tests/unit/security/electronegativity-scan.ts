/**
 * Runs @doyensec/electronegativity, Doyensec's Electron security scanner, on the app's own
 * code, through the scanner's own loader, parser, atomic checks and global checks: the
 * same steps as its `run()`, minus two network calls this offline machine cannot make
 * (and must not try): the translation download in its i18n setup (we load its bundled
 * English strings instead) and AvailableSecurityFixesGlobalCheck, which downloads
 * Electron's release list from GitHub to compare versions (excluded by its own
 * exclusion option). The scanner's inline `eng-disable` comments are deliberately not
 * honoured: the only way past a finding is the justification comment the test checks.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { repoRoot } from '../../helpers/repo';

const require = createRequire(import.meta.url);
const scannerDir = path.dirname(require.resolve('@doyensec/electronegativity/package.json'));

/** Checks that need the network; named as the scanner's exclusion option wants them. */
export const OFFLINE_EXCLUDED_CHECKS = ['AvailableSecurityFixesGlobalCheck'];

export interface Finding {
  id: string;
  severity: string;
  confidence: string;
  /** Relative to the repository, or 'N/A' for a finding about the app as a whole. */
  file: string;
  /** 1-based; 0 for a finding about the app as a whole. */
  line: number;
  sample: string;
  description: string;
}

export interface ScanResult {
  findings: Finding[];
  files: string[];
  parseErrors: { file: string; message: string }[];
  checkIds: string[];
  atomicChecks: number;
  globalChecks: number;
  electronVersion: string;
  durationMs: number;
}

function field(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}
function text(value: unknown, fallback = ''): string {
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : fallback;
}
function construct(ctor: unknown, ...args: unknown[]): unknown {
  if (typeof ctor !== 'function') throw new Error('electronegativity: expected a class');
  return Reflect.construct(ctor, args);
}
async function call(target: unknown, method: string, ...args: unknown[]): Promise<unknown> {
  const fn = field(target, method);
  if (typeof fn !== 'function') throw new Error(`electronegativity: no method ${method}`);
  return await (Reflect.apply(fn, target, args) as Promise<unknown>);
}

function loadStrings(): void {
  const i18n = require(require.resolve('i18n', { paths: [scannerDir] })) as {
    configure(options: object): void;
    setLocale(locale: string): void;
  };
  i18n.configure({
    locales: ['en-US'],
    defaultLocale: 'en-US',
    directory: path.join(scannerDir, 'dist', 'locales'),
    updateFiles: false,
    objectNotation: true,
    retryInDefaultLocale: true,
    register: globalThis,
  });
  i18n.setLocale('en-US');
}

/** The installed Electron, which is what ships; the scanner's defaults depend on it. */
export function installedElectronVersion(): string {
  const pkg: unknown = JSON.parse(readFileSync(require.resolve('electron/package.json'), 'utf8'));
  return text(field(pkg, 'version'), '0.1.0');
}

export async function scan(dirs: string[], extraFiles: string[]): Promise<ScanResult> {
  const started = Date.now();
  loadStrings();
  const { LoaderDirectory } = require(path.join(scannerDir, 'dist', 'loader')) as Record<string, unknown>;
  const { Parser } = require(path.join(scannerDir, 'dist', 'parser')) as Record<string, unknown>;
  const { Finder, GlobalChecks } = require(path.join(scannerDir, 'dist', 'finder')) as Record<string, unknown>;

  const files: string[] = [];
  for (const dir of dirs) {
    const loader = construct(LoaderDirectory);
    await call(loader, 'load', dir);
    const listed = field(loader, 'list_files');
    if (listed instanceof Set || Array.isArray(listed)) for (const file of listed) files.push(String(file));
  }
  files.push(...extraFiles);

  const electronVersion = installedElectronVersion();
  const excluded = OFFLINE_EXCLUDED_CHECKS.map((name) => name.toLowerCase());
  const parser = construct(Parser, false, true);
  const globalChecker = construct(GlobalChecks, [], excluded, undefined);
  const finder = construct(Finder, [], [], undefined);

  let issues: unknown[] = [];
  const parseErrors: { file: string; message: string }[] = [];
  for (const file of files) {
    try {
      const parsed = await call(parser, 'parse', file, readFileSync(file));
      if (!Array.isArray(parsed)) continue;
      const [type, data, content, warnings] = parsed as unknown[];
      if (data === null) continue;
      if (Array.isArray(warnings)) for (const warning of warnings) parseErrors.push({ file, message: text(field(warning, 'message')) });
      const found = await call(finder, 'find', file, data, type, content, null, electronVersion);
      if (Array.isArray(found)) issues.push(...(found as unknown[]));
    } catch (error) {
      parseErrors.push({ file, message: error instanceof Error ? error.message : String(error) });
    }
  }
  const afterGlobal = await call(globalChecker, 'getResults', issues, undefined);
  issues = Array.isArray(afterGlobal) ? (afterGlobal as unknown[]) : issues;

  // The scanner keeps its constructed checks per source type (atomic) and in a list (global).
  const atomic: unknown[] = [];
  const byType = field(finder, '_checks_by_type');
  if (byType instanceof Map) for (const list of byType.values()) if (Array.isArray(list)) atomic.push(...(list as unknown[]));
  const globalList = field(globalChecker, '_constructed_checks');
  const global: unknown[] = Array.isArray(globalList) ? (globalList as unknown[]) : [];
  const checkIds = [...atomic, ...global].map((check) => text(field(check, 'id'))).filter((id) => id.length > 0);

  const findings = issues.map((issue): Finding => {
    const file = text(field(issue, 'file'), 'N/A');
    return {
      id: text(field(issue, 'id')),
      severity: text(field(field(issue, 'severity'), 'name')),
      confidence: text(field(field(issue, 'confidence'), 'name')),
      file: file === 'N/A' ? file : path.relative(repoRoot, file),
      line: Number(field(field(issue, 'location'), 'line') ?? 0),
      sample: text(field(issue, 'sample')),
      description: text(field(issue, 'description')),
    };
  });
  const atomicChecks = atomic.length;
  const globalChecks = global.length;
  return {
    findings,
    files: files.map((file) => path.relative(repoRoot, file)),
    parseErrors,
    checkIds,
    atomicChecks,
    globalChecks,
    electronVersion,
    durationMs: Date.now() - started,
  };
}

/** The scanner's own CSP evaluator (what its CSP_GLOBAL_CHECK uses), for a policy served as a header. */
export function evaluateCsp(policy: string): { severity: number; directive: string; description: string }[] {
  const csp = require(require.resolve('@doyensec/csp-evaluator', { paths: [scannerDir] })) as Record<string, unknown>;
  const parsed = construct(field(csp, 'CspParser'), policy);
  const evaluator = construct(field(csp, 'CspEvaluator'), field(parsed, 'csp'), field(field(csp, 'Version'), 'CSP3'));
  const evaluate = field(evaluator, 'evaluate');
  const results = typeof evaluate === 'function' ? (Reflect.apply(evaluate, evaluator, []) as unknown) : [];
  return (Array.isArray(results) ? (results as unknown[]) : []).map((finding) => ({
    severity: Number(field(finding, 'severity')),
    directive: text(field(finding, 'directive')),
    description: text(field(finding, 'description')),
  }));
}

/** Severity constants of the CSP evaluator: lower is worse. */
export function cspSeverities(): Record<string, number> {
  const csp = require(require.resolve('@doyensec/csp-evaluator', { paths: [scannerDir] })) as Record<string, unknown>;
  const severities = field(csp, 'severities');
  const out: Record<string, number> = {};
  if (typeof severities === 'object' && severities !== null)
    for (const [key, value] of Object.entries(severities)) out[key] = Number(value);
  return out;
}
