/**
 * Builds what the bench serves, from the sources as they are now, into a temporary folder
 * (never dist/, which other test runs use): the renderer, with a record of which modules
 * went into which chunk, and the two viewer harness pages in tests/bench/harness.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import vue from '@vitejs/plugin-vue';
import { build, type Plugin } from 'vite';
import { pdfjsAssets } from '../../renderer/vite.config';
import { repoRoot } from '../helpers/repo';

export interface ChunkRecord {
  fileName: string;
  isEntry: boolean;
  isDynamicEntry: boolean;
  imports: string[];
  dynamicImports: string[];
  moduleIds: string[];
  /** Rendered (pre-minification) length of each module in this chunk. */
  moduleBytes: Record<string, number>;
  bytes: number;
  gzipBytes: number;
}

export interface RendererBuild {
  outDir: string;
  chunks: ChunkRecord[];
  /** For each module: the modules that import it statically. */
  importers: Map<string, string[]>;
}

/** Remembers each chunk's modules and each module's static importers as the bundle is written. */
function chunkRecorder(into: { chunks: ChunkRecord[]; importers: Map<string, string[]> }): Plugin {
  return {
    name: 'bench-chunk-recorder',
    apply: 'build',
    generateBundle(_options, bundle) {
      for (const output of Object.values(bundle)) {
        if (output.type !== 'chunk') continue;
        const code = Buffer.from(output.code);
        into.chunks.push({
          fileName: output.fileName,
          isEntry: output.isEntry,
          isDynamicEntry: output.isDynamicEntry,
          imports: [...output.imports],
          dynamicImports: [...output.dynamicImports],
          moduleIds: [...output.moduleIds],
          moduleBytes: Object.fromEntries(Object.entries(output.modules).map(([id, rendered]) => [id, rendered.renderedLength])),
          bytes: code.length,
          gzipBytes: gzipSync(code).length,
        });
        for (const id of output.moduleIds) {
          const info = this.getModuleInfo(id);
          if (info) into.importers.set(id, [...info.importers]);
        }
      }
    },
  };
}

export async function buildRenderer(outDir: string): Promise<RendererBuild> {
  const record = { chunks: [] as ChunkRecord[], importers: new Map<string, string[]>() };
  await build({
    configFile: path.join(repoRoot, 'renderer', 'vite.config.ts'),
    logLevel: 'error',
    plugins: [chunkRecorder(record)],
    build: { outDir, emptyOutDir: true, reportCompressedSize: false },
  });
  return { outDir, ...record };
}

export async function buildHarness(outDir: string): Promise<void> {
  const root = path.join(repoRoot, 'tests', 'bench', 'harness');
  await build({
    configFile: false,
    root,
    base: '/',
    logLevel: 'error',
    plugins: [vue(), pdfjsAssets()],
    build: {
      outDir,
      emptyOutDir: true,
      target: 'chrome130',
      assetsInlineLimit: 0,
      modulePreload: { polyfill: false },
      reportCompressedSize: false,
      rolldownOptions: { input: { ours: path.join(root, 'ours.html'), reference: path.join(root, 'reference.html') } },
    },
    worker: { format: 'es' },
  });
}

/** The script and module-preload files index.html names: what loads before any lazy import. */
export function scriptsNamedByIndex(outDir: string): string[] {
  const html = readFileSync(path.join(outDir, 'index.html'), 'utf8');
  const names = new Set<string>();
  for (const match of html.matchAll(/<script[^>]*\bsrc="\/?([^"]+\.m?js)"/g)) if (match[1]) names.add(match[1]);
  for (const match of html.matchAll(/<link[^>]*rel="modulepreload"[^>]*href="\/?([^"]+)"/g)) if (match[1]) names.add(match[1]);
  return [...names];
}

/** The entry chunk and everything it imports statically, transitively. */
export function initialChunks(renderer: RendererBuild): ChunkRecord[] {
  const byName = new Map(renderer.chunks.map((c) => [c.fileName, c]));
  const seen = new Set<string>();
  const queue = renderer.chunks.filter((c) => c.isEntry).map((c) => c.fileName);
  while (queue.length > 0) {
    const name = queue.shift() ?? '';
    if (seen.has(name)) continue;
    seen.add(name);
    for (const next of byName.get(name)?.imports ?? []) queue.push(next);
  }
  return [...seen].map((name) => byName.get(name)).filter((c): c is ChunkRecord => c !== undefined);
}
