import { createReadStream, existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import vue from '@vitejs/plugin-vue';
import { defineConfig, type Plugin } from 'vite';

const here = path.dirname(fileURLToPath(import.meta.url));

/** What pdf.js fetches at run time besides its worker, served from 'self' at /pdfjs/<folder>/. */
const PDFJS_FOLDERS = ['wasm', 'standard_fonts', 'cmaps', 'iccs'] as const;

/**
 * Ships pdf.js's WebAssembly decoders, standard fonts, CMaps and ICC profiles with the
 * app (copied from node_modules/pdfjs-dist at build time, served from there in dev), so
 * the viewer never fetches anything remote and the CSP can stay 'self'. Its worker is
 * imported with `?url` in renderer/viewer/pdf-document.ts, so Vite hashes it.
 */
export function pdfjsAssets(): Plugin {
  const root = path.dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json'));
  return {
    name: 'pdfjs-assets',
    configureServer(server) {
      server.middlewares.use((request, response, next) => {
        const match = /^\/pdfjs\/([a-z_]+)\/([A-Za-z0-9._-]+)$/.exec((request.url ?? '').split('?')[0] ?? '');
        const folder = match?.[1];
        const name = match?.[2];
        if (!folder || !name || !(PDFJS_FOLDERS as readonly string[]).includes(folder)) return next();
        const file = path.join(root, folder, name);
        if (!existsSync(file)) return next();
        response.setHeader('Content-Type', name.endsWith('.wasm') ? 'application/wasm' : 'application/octet-stream');
        createReadStream(file).pipe(response);
      });
    },
    generateBundle() {
      for (const folder of PDFJS_FOLDERS) {
        for (const name of readdirSync(path.join(root, folder))) {
          this.emitFile({ type: 'asset', fileName: `pdfjs/${folder}/${name}`, source: readFileSync(path.join(root, folder, name)) });
        }
      }
    },
  };
}

// The renderer bundle, served by Electron's app:// protocol and by the browser host alike.
export default defineConfig({
  root: here,
  base: '/',
  plugins: [vue(), pdfjsAssets()],
  build: {
    outDir: path.join(here, '..', 'dist', 'renderer'),
    emptyOutDir: true,
    target: 'chrome130',
    sourcemap: false,
    // No inline scripts or styles: the CSP forbids them.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
  },
  // Workers (the TIFF decoder) are ES modules, loaded from 'self' like everything else.
  worker: { format: 'es' },
});
