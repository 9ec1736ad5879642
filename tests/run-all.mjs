// `npm test`: every check the project has, in one run: types, lint, the renderer build the
// end-to-end tests serve, then unit, integration, component, conformance and e2e tests (vitest).
// Writes test-results/summary.json and ends with the line `N passed, N failed`, counted
// from the runners' own results (each static check counts as one).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';

const results = [];
mkdirSync('test-results', { recursive: true });

function step(name, command, args) {
  const started = Date.now();
  console.log(`\n▶ ${name}: ${command} ${args.join(' ')}`);
  const run = spawnSync(command, args, { stdio: 'inherit', shell: false });
  const ok = run.status === 0;
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`${ok ? '✔' : '✘'} ${name} (${seconds}s)`);
  return ok;
}

const bin = (name) => `node_modules/.bin/${name}`;

results.push({ name: 'types (electron)', ok: step('types (electron)', bin('tsc'), ['-p', 'tsconfig.electron.json', '--noEmit']) });
results.push({ name: 'types (tests and tools)', ok: step('types (tests and tools)', bin('tsc'), ['-p', 'tsconfig.node.json', '--noEmit']) });
results.push({ name: 'types (renderer, vue-tsc)', ok: step('types (renderer, vue-tsc)', bin('vue-tsc'), ['-p', 'tsconfig.renderer.json', '--noEmit']) });
results.push({ name: 'lint', ok: step('lint', bin('eslint'), ['--max-warnings', '0', '.']) });
const built = step('renderer build', bin('vite'), ['build', '--config', 'renderer/vite.config.ts', '--logLevel', 'warn']);
results.push({ name: 'renderer build', ok: built });

const vitestJson = 'test-results/vitest.json';
rmSync(vitestJson, { force: true });
// The security and fault tests write what they measured here; the summary adds it up.
rmSync('test-results/security', { recursive: true, force: true });
step('tests (unit, integration, component, conformance, e2e)', bin('vitest'), [
  'run',
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${vitestJson}`,
]);

let testsPassed = 0;
let testsFailed;
let testsSkipped = 0;
if (existsSync(vitestJson)) {
  const report = JSON.parse(readFileSync(vitestJson, 'utf8'));
  testsPassed = report.numPassedTests;
  // A file that failed without a failing test (it did not load, a hook threw) counts once.
  const brokenFiles = (report.testResults ?? []).filter(
    (file) => file.status === 'failed' && !(file.assertionResults ?? []).some((a) => a.status === 'failed'),
  ).length;
  testsFailed = report.numFailedTests + brokenFiles;
  testsSkipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
  if (report.numTotalTests === 0) testsFailed += 1;
} else {
  console.log('✘ vitest wrote no report: counting the test run as one failure.');
  testsFailed = 1;
}

// Issue 8's one summary: scanner findings, fuzz runs, bad inputs tried, faults injected,
// decisions lost and duplicate sends, from the figures the tests measured.
const figures = existsSync('test-results/security')
  ? readdirSync('test-results/security')
      .filter((f) => f.endsWith('.json'))
      .map((f) => JSON.parse(readFileSync(`test-results/security/${f}`, 'utf8')))
  : [];
const sum = (key) => figures.reduce((total, f) => total + (typeof f[key] === 'number' ? f[key] : 0), 0);
const scanner = figures.find((f) => f.name === 'electronegativity');
const security = {
  scannerHighOrMedium: scanner ? scanner.findings.high + scanner.findings.medium : null,
  scannerUnjustified: scanner ? scanner.highOrMediumUnjustified : null,
  fuzzRuns: sum('runs'),
  badInputsTried: sum('badInputsTried'),
  faultsInjected: sum('faultsInjected'),
  decisionsLost: sum('decisionsLost'),
  duplicateSends: sum('duplicateSends'),
};
const securityLine =
  `security: scanner ${security.scannerHighOrMedium ?? 'not run'} high/medium findings (${security.scannerUnjustified ?? '?'} unjustified), ` +
  `${security.fuzzRuns} fuzz runs, ${security.badInputsTried} bad inputs tried, ${security.faultsInjected} faults injected, ` +
  `${security.decisionsLost} decisions lost, ${security.duplicateSends} duplicate sends`;
results.push({
  name: 'security figures (no unjustified findings, nothing lost, nothing sent twice)',
  ok: security.scannerUnjustified === 0 && security.decisionsLost === 0 && security.duplicateSends === 0,
});

const checksPassed = results.filter((r) => r.ok).length;
const checksFailed = results.length - checksPassed;
const passed = checksPassed + testsPassed;
const failed = checksFailed + testsFailed;
writeFileSync('test-results/summary.json', JSON.stringify({ passed, failed, skipped: testsSkipped, checks: results, security }, null, 2));

console.log('\nSummary');
for (const r of results) console.log(`  ${r.ok ? '✔' : '✘'} ${r.name}`);
console.log(`  ${securityLine}`);
console.log(`  tests: ${testsPassed} passed, ${testsFailed} failed${testsSkipped ? `, ${testsSkipped} skipped` : ''}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
