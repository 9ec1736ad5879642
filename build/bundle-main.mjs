// Bundles the main process (ESM) and the preload (CommonJS: sandboxed preloads must be)
// with esbuild. Dependencies stay external to main and are packed by electron-builder;
// the preload is bundled whole because a sandboxed preload cannot require packages.
// DOCX and RTF conversion runs in a worker thread (electron/convert/document-converter.ts),
// whose script is its own entry beside main: the converter finds it relative to main.mjs.
// The local environment (local-env/) is bundled apart, into dist/dev, for unpackaged
// development only: electron-builder's `files` never includes dist/dev, and
// tests/integration/foundation/product-bundle.test.ts fails if main ever contains it.
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const common = { bundle: true, platform: 'node', target: 'node22', sourcemap: true, logLevel: 'warning' };

/** Each bundle's esbuild options, by name; the product is `main`, `convertWorker` and `preload`. */
export const bundles = {
  main: { ...common, entryPoints: ['electron/main.ts'], outfile: 'dist/main/main.mjs', format: 'esm', packages: 'external' },
  convertWorker: {
    ...common,
    entryPoints: ['electron/convert/convert-worker.ts'],
    outfile: 'dist/main/convert-worker.mjs',
    format: 'esm',
    packages: 'external',
  },
  preload: { ...common, entryPoints: ['electron/preload.ts'], outfile: 'dist/main/preload.cjs', format: 'cjs', external: ['electron'] },
  devLocalEnv: {
    ...common,
    entryPoints: ['local-env/src/index.ts'],
    outfile: 'dist/dev/local-env.mjs',
    format: 'esm',
    packages: 'external',
  },
};

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const options of Object.values(bundles)) await build(options);
}
