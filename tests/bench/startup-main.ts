/**
 * Start-up of the main process: from the start of the process to `new BrowserWindow`, for
 * the bundled main (dist/main/main.mjs, built here exactly as `npm run build:main` builds it)
 * with a trust's configuration (the `int` environment of resources/config.example.json,
 * with a synthetic signing key), so createApp() builds the whole app as on a managed PC.
 *
 * There is no Electron binary on this machine, so this is plain Node with a stub for the
 * `electron` module (startup-main/electron-stub.mjs) and the development-only local
 * environment left out, as in a packaged build (startup-main/hooks.mjs). It therefore
 * leaves out Electron's own start (Chromium's browser process, before `ready`) and what
 * happens after the window is asked for (the renderer's start is the sign-in figure); it
 * counts Node's boot, loading and evaluating main and its packages, the configuration, the
 * policy read, and composing the app.
 */
import { execFile } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { repoRoot } from '../helpers/repo';
import type { BenchContext } from './bench-context';
import { round, summarise } from './stats';

const SAMPLES = 7;

interface Sample {
  booted: number;
  ready: number;
  window: number;
}

function runOnce(mainFile: string, env: NodeJS.ProcessEnv): Promise<Sample> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--import', path.join(repoRoot, 'tests', 'bench', 'startup-main', 'register.mjs'), mainFile],
      { env, cwd: repoRoot, timeout: 60_000 },
      (error, stdout) => {
        const marks: Record<string, number | string> = {};
        for (const line of stdout.split('\n')) {
          if (line.startsWith('BENCH-STARTUP ')) Object.assign(marks, JSON.parse(line.slice('BENCH-STARTUP '.length)) as object);
        }
        if (typeof marks.error === 'string') reject(new Error(`The main process stopped before its window: ${marks.error}`));
        else if (typeof marks.window !== 'number' || typeof marks.ready !== 'number' || typeof marks.booted !== 'number')
          reject(new Error(`The main process never asked for its window${error ? ` (${error.message})` : ''}.`));
        else resolve({ booted: marks.booted, ready: marks.ready, window: marks.window });
      },
    );
  });
}

export async function mainProcessStartupBench(ctx: BenchContext): Promise<void> {
  ctx.progress('start-up: the bundled main process, from its start to new BrowserWindow');
  const { bundles } = (await import(path.join(repoRoot, 'build', 'bundle-main.mjs'))) as {
    bundles: { main: Parameters<typeof build>[0] };
  };
  // Inside the repository, so the bundle's external packages resolve from node_modules as they do from dist/main.
  const outDir = path.join(repoRoot, 'dist', 'bench-startup');
  const mainFile = path.join(outDir, 'main', 'main.mjs');
  await build({ ...bundles.main, absWorkingDir: repoRoot, outfile: mainFile });
  const work = mkdtempSync(path.join(os.tmpdir(), 'ers-bench-startup-'));
  try {
    const keyPath = path.join(work, 'apim-key.pem');
    const { privateKey } = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    });
    writeFileSync(keyPath, privateKey, { mode: 0o600 });
    const example = JSON.parse(readFileSync(path.join(repoRoot, 'resources', 'config.example.json'), 'utf8')) as { apim: object };
    const configPath = path.join(work, 'config.json');
    writeFileSync(configPath, JSON.stringify({ ...example, apim: { ...example.apim, privateKeyPath: keyPath } }));
    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: work, BENCH_STARTUP_DIR: work, ERS_TRIAGE_CONFIG: configPath };

    await runOnce(mainFile, env); // warm-up: the OS's file cache
    const samples: Sample[] = [];
    for (let i = 0; i < SAMPLES; i += 1) samples.push(await runOnce(mainFile, env));
    const toWindow = summarise(samples.map((s) => s.window));
    const booted = summarise(samples.map((s) => s.booted));
    const loaded = summarise(samples.map((s) => s.ready - s.booted));
    const composed = summarise(samples.map((s) => s.window - s.ready));
    ctx.add({
      id: 'startup.main-process-to-window',
      label: 'Start-up: main process start to first window (Node, electron stubbed; median)',
      value: round(toWindow.median, 1),
      unit: 'ms',
      target: 500,
      better: 'lower',
      targetBasis:
        'Half of the one-second budget for a usable screen, leaving the rest to Electron’s own start and the renderer (whose sign-in figure is measured above).',
      limit: `Median of ${SAMPLES} fresh processes: Node booted in ${round(booted.median)} ms, loading and evaluating main.mjs and its packages (valibot, jose, openid-client) took ${round(
        loaded.median,
      )} ms, and configuration, policy and createApp() up to new BrowserWindow ${round(composed.median)} ms (load average ${ctx.load()}). Electron's own start before ready is not included: there is no Electron binary here.`,
      detail: {
        samples: samples.map((s) => ({ bootedMs: round(s.booted), readyMs: round(s.ready), windowMs: round(s.window) })),
        summary: { toWindow, booted, loaded, composed },
        measuredAs:
          'performance.now() in a fresh Node process (its time origin is the process start) when the electron stub’s BrowserWindow is constructed; the bundle is dist/main/main.mjs as build/bundle-main.mjs builds it, with the int configuration and a synthetic signing key.',
      },
    });
  } finally {
    rmSync(work, { recursive: true, force: true });
    rmSync(outDir, { recursive: true, force: true });
  }
}
