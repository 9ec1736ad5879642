/**
 * `npm run bench`: starts the local environment on the seed's large mode and the browser
 * host, drives Chromium, and measures, in one run and side by side, the figures of issue 9
 * (and issue 15's PDS figures). Prints one table and writes bench-results/bench.json. A
 * figure that misses its target is named with what limits it; a section that could not be
 * measured is named with why, and makes the run fail.
 *
 * `npm run bench -- --only pds,contract` runs only the sections named (and the sign-in
 * they need), for working on one figure; the full run is what gets reported.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { launchChromium } from '../helpers/chromium';
import { LARGE_COUNT } from '../../local-env/src/seed/generate';
import { repoRoot } from '../helpers/repo';
import { signInToApp } from '../helpers/sign-in';
import { startLargeAppHost } from './bench-app';
import type { BenchContext } from './bench-context';
import { buildHarness, buildRenderer } from './build-pages';
import { contractBench } from './contract';
import { pdsBench } from './pds';
import { prefetchBench } from './prefetch';
import { outcomeOf, renderMisses, renderTable, writeJson, type Figure } from './report';
import { startupBench } from './startup';
import { round } from './stats';
import { viewerBench } from './viewer';
import { fetchAndMapBench, firstPaintBench, interactionBench, scrollBench } from './worklist';

const OUTPUT = path.join(repoRoot, 'bench-results', 'bench.json');

const loadText = (): string => `${os.loadavg()[0]?.toFixed(2) ?? '?'} on ${os.cpus().length} cores`;

const SECTIONS = [
  'start-up',
  'worklist fetch',
  'worklist first paint',
  'worklist interactions',
  'worklist scroll',
  'contract',
  'pds',
  'viewer',
  'prefetch',
] as const;

/** The sections asked for with --only (comma-separated names; "first-paint" matches "worklist first paint"), or all. */
function chosenSections(argv: readonly string[]): Set<string> {
  const at = argv.findIndex((arg) => arg === '--only' || arg.startsWith('--only='));
  if (at < 0) return new Set(SECTIONS);
  const value = argv[at]?.includes('=') ? argv[at]?.slice('--only='.length) : argv[at + 1];
  const asked = (value ?? '')
    .split(',')
    .map((name) => name.trim().replace(/-/g, ' '))
    .filter((name) => name !== '');
  const plain = (name: string): string => name.replace(/-/g, ' ');
  const chosen = new Set(SECTIONS.filter((section) => asked.some((name) => plain(section) === name || plain(section).endsWith(name))));
  if (chosen.size === 0) throw new Error(`--only names no section; the sections are: ${SECTIONS.join(', ')}.`);
  return chosen;
}

async function main(): Promise<number> {
  const chosen = chosenSections(process.argv.slice(2));
  const wanted = (name: (typeof SECTIONS)[number]): boolean => chosen.has(name);
  const startedAt = new Date();
  const clock = performance.now();
  const loadAtStart = os.loadavg();
  const figures: Figure[] = [];
  const notes: string[] = [
    'Background prefetch is off for the screen figures (machine configuration cache.prefetch "none"), so they do not measure the in-process emulator drawing documents; prefetch is measured on its own against a second emulator in its own process.',
  ];
  const failures: { section: string; message: string }[] = [];
  const progress = (message: string) =>
    process.stderr.write(`bench ${((performance.now() - clock) / 1000).toFixed(0).padStart(4)} s  ${message}\n`);

  const workDir = mkdtempSync(path.join(os.tmpdir(), 'ers-bench-build-'));
  const rendererDir = path.join(workDir, 'renderer');
  const harnessDir = path.join(workDir, 'harness');
  let chromiumVersion = 'unknown';
  try {
    progress('building the renderer and the viewer harness pages from the current sources');
    const renderer = await buildRenderer(rendererDir);
    await buildHarness(harnessDir);
    progress(`starting the local environment on the large seed (${LARGE_COUNT.toLocaleString('en-GB')} referrals) and the browser host`);
    const running = await startLargeAppHost(rendererDir);
    const chrome = await launchChromium();
    chromiumVersion = chrome.browser.version();
    try {
      const ctx: BenchContext = {
        running,
        browser: chrome.browser,
        renderer,
        harnessDir,
        load: loadText,
        progress,
        add: (figure) => figures.push(figure),
        note: (text) => notes.push(text),
      };
      const section = async (name: string, run: () => Promise<void>) => {
        if ((SECTIONS as readonly string[]).includes(name) && !chosen.has(name)) return;
        try {
          await run();
        } catch (error) {
          const message = error instanceof Error ? error.message : String(error);
          failures.push({ section: name, message });
          figures.push({
            id: `${name}.error`,
            label: `${name}: could not be measured`,
            value: null,
            unit: '',
            target: null,
            better: 'lower',
            error: message,
          });
          progress(`${name} failed: ${message}`);
        }
      };

      await section('start-up', () => startupBench(ctx));
      const page = chrome.page;
      let signedIn = false;
      const needSignIn = SECTIONS.some((name) => name !== 'start-up' && name !== 'viewer' && wanted(name));
      if (needSignIn)
        await section('sign-in', async () => {
          progress('signing in as the synthetic consultant');
          await page.goto(running.host.url);
          await signInToApp(page, running, 'Dr Amara Okoye', /\(R69\)/);
          await page.getByTestId('worklist-row').first().waitFor({ timeout: 30_000 });
          signedIn = true;
        });
      if (signedIn) {
        await section('worklist fetch', () => fetchAndMapBench(ctx));
        await section('worklist first paint', () => firstPaintBench(ctx, page));
        await section('worklist interactions', () => interactionBench(ctx, page));
        await section('worklist scroll', () => scrollBench(ctx, page));
        await section('contract', () => contractBench(ctx, page));
        await section('pds', () => pdsBench(ctx, page));
      }
      await section('viewer', () => viewerBench(ctx));
      if (signedIn) await section('prefetch', () => prefetchBench(ctx));
      if (chrome.consoleErrors.length > 0) progress(`the app page reported: ${chrome.consoleErrors.slice(0, 3).join(' | ')}`);
    } finally {
      await chrome.close();
      await running.close();
    }
  } catch (error) {
    failures.push({ section: 'setup', message: error instanceof Error ? error.message : String(error) });
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }

  const seconds = (performance.now() - clock) / 1000;
  const table = renderTable(figures);
  const misses = renderMisses(figures);
  const lines = [
    '',
    `e-RS Triage benchmarks — ${startedAt.toISOString()}, ${round(seconds, 0)} s, load average ${loadAtStart.map((l) => l.toFixed(2)).join(' ')} → ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')} on ${os.cpus().length} cores`,
    '',
    ...(chosen.size < SECTIONS.length ? [`Note: only these sections ran (--only): ${[...chosen].join(', ')}.`] : []),
    ...notes.map((n) => `Note: ${n}`),
    '',
    table,
    '',
    'Ratio: target/value where lower is better, value/target where higher is better, so 1 or more means met.',
  ];
  if (misses.length > 0) lines.push('', 'Missed, and what limits each:', ...misses);
  for (const failure of failures.filter((f) => f.section === 'setup')) lines.push('', `The bench could not run: ${failure.message}`);
  process.stdout.write(`${lines.join('\n')}\n`);

  writeJson(OUTPUT, {
    startedAt: startedAt.toISOString(),
    durationSeconds: round(seconds, 1),
    machine: {
      platform: `${os.platform()} ${os.release()}`,
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model ?? 'unknown',
      memoryGB: round(os.totalmem() / 1073741824, 1),
      loadAverageAtStart: loadAtStart,
      loadAverageAtEnd: os.loadavg(),
      node: process.version,
      chromium: chromiumVersion,
    },
    ratio: 'target/value where lower is better, value/target where higher is better: 1 or more means met',
    notes,
    figures: figures.map((f) => ({ ...f, outcome: outcomeOf(f) })),
    failures,
  });
  process.stdout.write(`\nWritten to ${path.relative(repoRoot, OUTPUT)}.\n`);
  return failures.length > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`The bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
