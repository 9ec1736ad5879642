// Bundles the main process (ESM) and the preload (CommonJS: sandboxed preloads must be)
// with esbuild. Dependencies stay external to main and are packed by electron-builder;
// the preload is bundled whole because a sandboxed preload cannot require packages.
import { build } from 'esbuild';

const common = { bundle: true, platform: 'node', target: 'node22', sourcemap: true, logLevel: 'warning' };

await build({
  ...common,
  entryPoints: ['electron/main.ts'],
  outfile: 'dist/main/main.mjs',
  format: 'esm',
  packages: 'external',
});

await build({
  ...common,
  entryPoints: ['electron/preload.ts'],
  outfile: 'dist/main/preload.cjs',
  format: 'cjs',
  external: ['electron'],
});
