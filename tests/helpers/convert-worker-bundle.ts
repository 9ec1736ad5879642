/**
 * The conversion worker as the product ships it: built from build/bundle-main.mjs's own
 * `convertWorker` options with esbuild, into a folder inside the checkout (so its external
 * packages, mammoth and the rest, resolve from node_modules as they do beside dist/main).
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type BuildOptions } from 'esbuild';
import { repoRoot } from './repo';

export interface BuiltWorker {
  url: URL;
  /** The bundle options it was built from, for checks on where the product puts it. */
  options: BuildOptions;
  mainOptions: BuildOptions;
  remove(): void;
}

export async function buildConvertWorker(): Promise<BuiltWorker> {
  const { bundles } = (await import(path.join(repoRoot, 'build', 'bundle-main.mjs'))) as {
    bundles: Record<'main' | 'convertWorker', BuildOptions>;
  };
  const cache = path.join(repoRoot, 'node_modules', '.cache');
  mkdirSync(cache, { recursive: true });
  const dir = mkdtempSync(path.join(cache, 'convert-worker-'));
  const outfile = path.join(dir, 'convert-worker.mjs');
  await build({ ...bundles.convertWorker, absWorkingDir: repoRoot, outfile, sourcemap: false, logLevel: 'silent' });
  return {
    url: pathToFileURL(outfile),
    options: bundles.convertWorker,
    mainOptions: bundles.main,
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
