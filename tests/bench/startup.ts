/**
 * Start-up: the renderer's initial JavaScript (what index.html loads before any lazy
 * import, gzipped), whether any viewer (pdf.js, utif, the viewer components) is in it or is
 * fetched by the sign-in screen, and the time from navigation to a usable sign-in screen in
 * a fresh browser context each time; and the main process's own start, to its first window
 * (startup-main.ts).
 */
import { type ChunkRecord, initialChunks, scriptsNamedByIndex } from './build-pages';
import { type BenchContext, VIEWPORT } from './bench-context';
import { PAGE_TIMELINE, STARTUP_PROBE } from './page-scripts';
import { round, summarise } from './stats';
import { waitInPage } from './wait-in-page';
import { mainProcessStartupBench } from './startup-main';

const KB = 1024;

/** Modules that must only load when a viewer is first needed. */
const VIEWER_MODULES: readonly RegExp[] = [
  /\/node_modules\/pdfjs-dist\//,
  /\/node_modules\/utif\//,
  /\/renderer\/viewer\/components\/(PdfViewer|PdfFindBar|PdfThumbnails|TiffViewer|ImageViewer|TextViewer|RichDocumentViewer)\.vue/,
  /\/renderer\/viewer\/(pdf-document|pdf-find|pdf-links|tiff-decode\.worker)\.ts/,
  /\/renderer\/viewer\/composables\/use-pdf-(document|page|find)\.ts/,
];

const isViewerModule = (id: string): boolean => VIEWER_MODULES.some((pattern) => pattern.test(id));
const shortId = (id: string): string => id.replace(/^.*?\/(renderer|node_modules)\//, '$1/').replace(/\?.*$/, '');

/** The chain of static imports that pulled a module into the initial load, from the module up. */
function importChain(id: string, importers: Map<string, string[]>, initialModules: Set<string>): string[] {
  const chain = [id];
  const seen = new Set(chain);
  let at = id;
  for (let depth = 0; depth < 12; depth += 1) {
    const next = (importers.get(at) ?? []).find((candidate) => initialModules.has(candidate) && !seen.has(candidate));
    if (!next) break;
    chain.push(next);
    seen.add(next);
    at = next;
  }
  return chain.map(shortId).filter((name, index, all) => all.indexOf(name) === index);
}

interface StartupSample {
  interactive: number;
  painted: number;
  firstContentfulPaint: number | null;
  entryScriptEnd: number | null;
  sessionAnswered: number | null;
  scripts: string[];
}

async function sample(ctx: BenchContext): Promise<StartupSample> {
  const context = await ctx.browser.newContext({ viewport: VIEWPORT, locale: 'en-GB', timezoneId: 'Europe/London' });
  try {
    const page = await context.newPage();
    await page.addInitScript({ content: STARTUP_PROBE });
    await page.goto(ctx.running.host.url);
    await waitInPage(page, 'window.__benchStartup && window.__benchStartup.painted !== null', 30_000);
    const state = (await page.evaluate('({ ...window.__benchStartup })')) as { interactive: number; painted: number };
    const timeline = (await page.evaluate(PAGE_TIMELINE)) as {
      firstContentfulPaint: number | null;
      resources: { name: string; initiatorType: string; responseEnd: number }[];
    };
    const scripts = timeline.resources.filter((r) => /\.m?js$/.test(r.name)).map((r) => r.name.replace(/^\//, ''));
    const entry = timeline.resources.find((r) => /\/assets\/index-[^/]+\.js$/.test(r.name));
    const session = timeline.resources.filter((r) => r.name === '/api/invoke/session.get').at(0);
    return {
      interactive: state.interactive,
      painted: state.painted,
      firstContentfulPaint: timeline.firstContentfulPaint,
      entryScriptEnd: entry?.responseEnd ?? null,
      sessionAnswered: session?.responseEnd ?? null,
      scripts,
    };
  } finally {
    await context.close();
  }
}

export async function startupBench(ctx: BenchContext): Promise<void> {
  await mainProcessStartupBench(ctx);
  const { renderer } = ctx;
  const initial = initialChunks(renderer);
  const named = scriptsNamedByIndex(renderer.outDir);
  const initialNames = new Set(initial.map((c) => c.fileName));
  const gzipBytes = initial.reduce((sum, c) => sum + c.gzipBytes, 0);
  const notInGraph = named.filter((name) => !initialNames.has(name) && /\.m?js$/.test(name));

  ctx.progress('start-up: sign-in screen in fresh browser contexts');
  await sample(ctx); // warm-up: Chromium's first context and the host's first static reads
  const samples: StartupSample[] = [];
  for (let i = 0; i < 7; i += 1) samples.push(await sample(ctx));
  const painted = summarise(samples.map((s) => s.painted));

  // Viewer code: what the build put in the initial load, and what the screen actually fetched.
  const initialModules = new Set(initial.flatMap((c) => c.moduleIds));
  const chunkByName = new Map<string, ChunkRecord>(renderer.chunks.map((c) => [c.fileName, c]));
  const fetched = new Set(samples.flatMap((s) => s.scripts));
  const fetchedViewerModules = [...fetched].flatMap((name) => (chunkByName.get(name)?.moduleIds ?? []).filter(isViewerModule));
  const staticViewerModules = [...initialModules].filter(isViewerModule);
  const viewerModules = [...new Set([...staticViewerModules, ...fetchedViewerModules])];
  const chains = staticViewerModules.map((id) => importChain(id, renderer.importers, initialModules));

  ctx.add({
    id: 'startup.initial-js-gzip',
    label: 'Start-up: initial JavaScript (gzip)',
    value: round(gzipBytes / KB, 1),
    unit: 'KB',
    target: 170,
    better: 'lower',
    targetBasis: 'A common budget for JavaScript parsed before first interaction (170 KB gzip).',
    limit: `The initial load is ${initial.length} chunk(s): ${initial
      .map((c) => `${c.fileName} ${round(c.gzipBytes / KB, 1)} KB`)
      .join(', ')}; by rendered size it is ${largestModules(initial).join(', ')}.`,
    detail: {
      chunks: initial.map((c) => ({ file: c.fileName, bytes: c.bytes, gzipBytes: c.gzipBytes, modules: c.moduleIds.length })),
      namedByIndexHtml: named,
      namedByIndexButNotInStaticGraph: notInGraph,
      gzip: 'node:zlib gzip, default level',
    },
  });

  ctx.add({
    id: 'startup.viewers-in-initial-load',
    label: 'Start-up: viewer modules loaded before first use',
    value: viewerModules.length,
    unit: 'modules',
    target: 0,
    better: 'lower',
    targetBasis: 'Issue 9: pdf.js and the other viewers load only when first needed.',
    limit:
      chains.length > 0
        ? `Imported statically into the initial bundle: ${chains.map((chain) => chain.join(' ← ')).join('; ')}.`
        : `The sign-in screen fetched viewer chunks: ${[...new Set(fetchedViewerModules.map(shortId))].join(', ')}.`,
    detail: {
      inInitialBundle: staticViewerModules.map(shortId),
      fetchedBySignInScreen: [...new Set(fetchedViewerModules.map(shortId))],
      scriptsFetchedBySignInScreen: [...fetched],
      importChains: chains,
    },
  });

  const slowest = samples.reduce((a, b) => (b.painted > a.painted ? b : a));
  ctx.add({
    id: 'startup.sign-in-interactive',
    label: 'Start-up: navigation to usable sign-in screen (median)',
    value: round(painted.median, 1),
    unit: 'ms',
    target: 1000,
    better: 'lower',
    targetBasis: 'One second: the limit for the user’s flow of thought not to be interrupted (Nielsen).',
    limit: `In the slowest sample the app's script had arrived by ${round(slowest.entryScriptEnd ?? NaN)} ms, session.get was answered at ${round(
      slowest.sessionAnswered ?? NaN,
    )} ms and the enabled button was painted at ${round(slowest.painted)} ms (load average ${ctx.load()}).`,
    detail: {
      samples: samples.map((s) => ({
        paintedMs: round(s.painted),
        enabledMs: round(s.interactive),
        firstContentfulPaintMs: s.firstContentfulPaint === null ? null : round(s.firstContentfulPaint),
        entryScriptLoadedMs: s.entryScriptEnd === null ? null : round(s.entryScriptEnd),
        sessionAnsweredMs: s.sessionAnswered === null ? null : round(s.sessionAnswered),
      })),
      summary: painted,
      measuredAs:
        'From the page’s time origin (navigation start) to the end of the first frame painted with the Sign in button present and enabled; a fresh browser context for each of 7 samples after one warm-up.',
    },
  });
}

/** The packages (or the app's own code) that take most of the initial chunks, by rendered size. */
function largestModules(chunks: readonly ChunkRecord[]): string[] {
  const sizes = new Map<string, number>();
  for (const chunk of chunks) {
    for (const [id, bytes] of Object.entries(chunk.moduleBytes)) {
      const match = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(id);
      const key = match?.[1] ?? (id.includes('/renderer/') ? "the app's renderer code" : 'other');
      sizes.set(key, (sizes.get(key) ?? 0) + bytes);
    }
  }
  const total = [...sizes.values()].reduce((a, b) => a + b, 0) || 1;
  return [...sizes.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 4)
    .map(([name, bytes]) => `${name} ${Math.round((bytes / total) * 100)}%`);
}
