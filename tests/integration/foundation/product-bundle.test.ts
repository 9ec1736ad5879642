import { readFileSync } from 'node:fs';
import path from 'node:path';
import { build, type BuildOptions } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../helpers/repo';

// The shipped app is the product only: the production main bundle, read through esbuild's
// metafile, holds nothing of the local environment and imports only `dependencies`.
const { bundles } = (await import(path.join(repoRoot, 'build', 'bundle-main.mjs'))) as {
  bundles: Record<'main' | 'convertWorker' | 'preload', BuildOptions>;
};
const { productProblems, DEVELOPMENT_ONLY_PACKAGES } = (await import(path.join(repoRoot, 'build', 'product-check.mjs'))) as {
  productProblems: (metafile: unknown, packageJson: unknown) => string[];
  DEVELOPMENT_ONLY_PACKAGES: string[];
};
const packageJson = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

async function metafileOf(options: BuildOptions) {
  const result = await build({ ...options, absWorkingDir: repoRoot, write: false, metafile: true, sourcemap: false, logLevel: 'silent' });
  return result.metafile;
}

describe('the product bundle', () => {
  it('holds no module of the local environment and no development-only package, and imports only dependencies', async () => {
    // The main process is main.mjs and the conversion worker beside it: checked as one.
    const main = await metafileOf(bundles.main);
    const worker = await metafileOf(bundles.convertWorker);
    expect(Object.keys(main.inputs).length).toBeGreaterThan(50);
    const metafile = { inputs: { ...main.inputs, ...worker.inputs }, outputs: { ...main.outputs, ...worker.outputs } };
    expect(productProblems(metafile, packageJson)).toEqual([]);
  });

  it('converts documents only in the worker: main.mjs holds no converter, the worker holds them all', async () => {
    const main = Object.keys((await metafileOf(bundles.main)).inputs);
    const worker = Object.keys((await metafileOf(bundles.convertWorker)).inputs);
    const converters = ['electron/convert/docx-to-safe-document.ts', 'electron/convert/rtf-to-text.ts', 'electron/convert/zip-guard.ts'];
    expect(main.filter((input) => converters.includes(input))).toEqual([]);
    expect(worker).toEqual(expect.arrayContaining(converters));
    expect(main).toContain('electron/convert/document-converter.ts');
  });

  it('keeps the local environment out of the preload too', async () => {
    const metafile = await metafileOf(bundles.preload);
    expect(Object.keys(metafile.inputs).filter((input) => input.startsWith('local-env/'))).toEqual([]);
  });

  it('fails when the bundle contains the local environment (the check can fail)', async () => {
    // The browser host's development CLI starts the local environment: bundled like main, it must be caught.
    const metafile = await metafileOf({ ...bundles.main, entryPoints: ['electron/host/cli.ts'], outfile: 'dist/probe/cli.mjs' });
    const problems = productProblems(metafile, packageJson);
    expect(problems.some((p) => p.includes('local-env/src/ers/emulator.ts'))).toBe(true);
    expect(problems.some((p) => p.includes('oidc-provider'))).toBe(true);
  });

  it('fails when dependencies list a package the main process never loads', () => {
    const problems = productProblems({ inputs: {}, outputs: {} }, { dependencies: { vue: '^3', 'pdf-lib': '^1' } });
    expect(problems).toEqual([
      expect.stringContaining('dependencies lists vue'),
      expect.stringContaining('dependencies lists pdf-lib, which only the local environment uses'),
    ]);
  });

  it('lists no development-only package in dependencies', () => {
    for (const name of DEVELOPMENT_ONLY_PACKAGES) expect(Object.keys(packageJson.dependencies)).not.toContain(name);
  });
});
