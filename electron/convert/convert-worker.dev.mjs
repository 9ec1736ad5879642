// Development only: the conversion worker from its TypeScript source. A bare Worker cannot
// load .ts, and Vitest's transform does not reach worker threads, so this registers tsx
// (the project's TypeScript runner, a devDependency) for this worker alone and imports the
// source. The packaged app never loads this file: the bundle's worker is
// dist/main/convert-worker.mjs, built by build/bundle-main.mjs.
import { tsImport } from 'tsx/esm/api';

await tsImport('./convert-worker.ts', import.meta.url);
