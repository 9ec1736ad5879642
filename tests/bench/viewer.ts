/**
 * Viewers: bytes in memory to first page on screen for a 50-page, ~10 MB PDF letter (the
 * app's viewer beside pdf.js's own PDFViewer) and a 20-page TIFF (beside utif's plain
 * recipe on the main thread and in a bare worker), each in the same run, alternating; then
 * the renderer's heap while 100 attachments are opened one after another.
 */
import type { Browser, Page } from 'playwright-core';
import { renderDocument } from '../../local-env/src/documents/render';
import type { DocumentSpec } from '../../local-env/src/documents/spec';
import { type BenchContext, VIEWPORT } from './bench-context';
import { startHarnessServer } from './harness-server';
import { describeProfile, profileMainThread, type MainThreadProfile } from './main-thread-profile';
import type { Figure } from './report';
import { round, summarise, type Summary } from './stats';
import { waitInPage } from './wait-in-page';

/** Issue 18: the app's first PDF page within this fraction of pdf.js's own viewer's time. */
const PDF_TARGET_RATIO = 0.8;

interface OpenResult {
  ok: boolean;
  firstPageMs: number;
  paintedMs: number;
  message?: string;
}

interface Doc {
  name: string;
  contentType: string;
}

const CONTEXT = {
  ubrn: '000000070001',
  nhsNumber: '9990000018',
  patientName: 'Alex Example',
  specialty: 'Cardiology',
  referrer: 'Dr Test Referrer',
  organisation: 'Synthetic Surgery',
};

/** What a referral usually carries, one of each kind the viewer shows. */
const MIXED: readonly (DocumentSpec & { name: string })[] = [
  { name: 'letter-2.pdf', kind: 'pdf-letter', seed: 11, title: 'Referral letter', pages: 2, context: CONTEXT },
  { name: 'letter-4.pdf', kind: 'pdf-letter', seed: 12, title: 'Clinic letter', pages: 4, context: CONTEXT },
  { name: 'scan-3.tif', kind: 'tiff', seed: 13, title: 'Scanned results', pages: 3, context: CONTEXT },
  { name: 'photo.png', kind: 'png', seed: 14, title: 'Photograph', context: CONTEXT },
  { name: 'photo.jpg', kind: 'jpeg', seed: 15, title: 'Photograph', context: CONTEXT },
  { name: 'chart.gif', kind: 'gif', seed: 16, title: 'Chart', context: CONTEXT },
  { name: 'note.txt', kind: 'txt', seed: 17, title: 'Note', context: CONTEXT },
  { name: 'results.xml', kind: 'xml', seed: 18, title: 'Results', context: CONTEXT },
  { name: 'letter.docx', kind: 'docx', seed: 19, title: 'Letter', context: CONTEXT },
  { name: 'letter.rtf', kind: 'rtf', seed: 20, title: 'Letter', context: CONTEXT },
];

const CONTENT_TYPES: Record<string, string> = {
  'pdf-letter': 'application/pdf',
  tiff: 'image/tiff',
  png: 'image/png',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  txt: 'text/plain',
  xml: 'text/xml',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  rtf: 'application/rtf',
};

function check(result: OpenResult, what: string): OpenResult {
  if (!result.ok || !Number.isFinite(result.paintedMs))
    throw new Error(`${what} did not show its first page: ${result.message ?? 'no reason given'}`);
  return result;
}

async function openOurs(page: Page, doc: Doc): Promise<OpenResult> {
  await page.bringToFront();
  return check(
    (await page.evaluate(
      `window.bench.open(${JSON.stringify(`/docs/${doc.name}`)}, ${JSON.stringify(doc.contentType)}, ${JSON.stringify(doc.name)})`,
    )) as OpenResult,
    `The app's viewer on ${doc.name}`,
  );
}

async function openReference(page: Page, call: string, what: string): Promise<OpenResult> {
  await page.bringToFront();
  return check((await page.evaluate(call)) as OpenResult, what);
}

/** The canvases a page holds now, as width x height. */
const CANVASES = `[...document.querySelectorAll('canvas')].filter((c) => c.width > 1).map((c) => c.width + 'x' + c.height)`;

async function newPage(browser: Browser, url: string, errors: string[]): Promise<Page> {
  const context = await browser.newContext({ viewport: VIEWPORT, locale: 'en-GB', timezoneId: 'Europe/London' });
  const page = await context.newPage();
  page.on('pageerror', (error) => errors.push(String(error)));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  await page.goto(url);
  await waitInPage(page, 'typeof window.bench === "object"');
  return page;
}

export async function viewerBench(ctx: BenchContext): Promise<void> {
  ctx.progress('viewer: making the 50-page PDF, the 20-page TIFF and the mixed attachments');
  const server = await startHarnessServer(ctx.harnessDir);
  const errors: string[] = [];
  try {
    const pdf = await renderDocument({
      kind: 'pdf-letter',
      seed: 4242,
      title: 'Referral letter with enclosures',
      large: true,
      pages: 50,
      context: CONTEXT,
    });
    const tiff = await renderDocument({ kind: 'tiff', seed: 4343, title: 'Scanned referral', large: true, context: CONTEXT });
    server.documents.set('large.pdf', pdf);
    server.documents.set('large.tif', tiff);
    for (const spec of MIXED) server.documents.set(spec.name, await renderDocument(spec));
    const bigPdf: Doc = { name: 'large.pdf', contentType: 'application/pdf' };
    const bigTiff: Doc = { name: 'large.tif', contentType: 'image/tiff' };

    const ours = await newPage(ctx.browser, `${server.origin}/ours.html`, errors);
    const reference = await newPage(ctx.browser, `${server.origin}/reference.html`, errors);
    const pdfjsCall = `window.bench.openPdf('/docs/large.pdf')`;
    const tiffCall = (where: 'main' | 'worker') => `window.bench.openTiff('/docs/large.tif', '${where}')`;

    ctx.progress(`viewer: PDF (${round(pdf.byteLength / 1048576, 1)} MB), the app's viewer and pdf.js's PDFViewer in turn`);
    await openOurs(ours, bigPdf);
    await openReference(reference, pdfjsCall, "pdf.js's PDFViewer");
    const pdfOurs: number[] = [];
    const pdfRef: number[] = [];
    for (let round_ = 0; round_ < 7; round_ += 1) {
      const pair = [
        async () => pdfOurs.push((await openOurs(ours, bigPdf)).paintedMs),
        async () => pdfRef.push((await openReference(reference, pdfjsCall, "pdf.js's PDFViewer")).paintedMs),
      ];
      if (round_ % 2 === 1) pair.reverse();
      for (const run of pair) await run();
    }
    // Profiled from bytes in memory to first page on screen only: the clearing and the download come first.
    await ours.bringToFront();
    await ours.evaluate(`window.bench.prepare('/docs/${bigPdf.name}')`);
    const oursThread = await profileMainThread(ours, async () =>
      check((await ours.evaluate(`window.bench.show('application/pdf', '${bigPdf.name}')`)) as OpenResult, "The app's viewer"),
    );
    const oursCanvases = (await ours.evaluate(CANVASES)) as string[];
    await reference.bringToFront();
    await reference.evaluate(`window.bench.prepare('/docs/${bigPdf.name}')`);
    const refThread = await profileMainThread(reference, async () =>
      check((await reference.evaluate('window.bench.showPdf()')) as OpenResult, "pdf.js's PDFViewer"),
    );
    const refCanvases = (await reference.evaluate(CANVASES)) as string[];
    await ours.evaluate('window.bench.clear()');
    await reference.evaluate('window.bench.clear()');

    ctx.progress(`viewer: TIFF (${round(tiff.byteLength / 1048576, 1)} MB), the app's viewer and utif on the main thread and in a worker`);
    await openOurs(ours, bigTiff);
    await openReference(reference, tiffCall('main'), 'utif on the main thread');
    await openReference(reference, tiffCall('worker'), 'utif in a worker');
    const tiffOurs: number[] = [];
    const tiffMain: number[] = [];
    const tiffWorker: number[] = [];
    // Nine rounds: a TIFF opens in well under 100 ms, so single descheduled samples on a loaded machine swing a median of five.
    for (let round_ = 0; round_ < 9; round_ += 1) {
      const runs = [
        async () => tiffOurs.push((await openOurs(ours, bigTiff)).paintedMs),
        async () => tiffMain.push((await openReference(reference, tiffCall('main'), 'utif on the main thread')).paintedMs),
        async () => tiffWorker.push((await openReference(reference, tiffCall('worker'), 'utif in a worker')).paintedMs),
      ];
      for (let i = 0; i < runs.length; i += 1) await runs[(i + round_) % runs.length]?.();
    }
    await reference.evaluate('window.bench.clear()');

    const pOurs = summarise(pdfOurs);
    const pRef = summarise(pdfRef);
    const tOurs = summarise(tiffOurs);
    const tMain = summarise(tiffMain);
    const tWorker = summarise(tiffWorker);
    const pdfDetail = {
      bytes: pdf.byteLength,
      pages: 50,
      ours: pOurs,
      pdfjs: pRef,
      oursSamples: pdfOurs.map((x) => round(x)),
      pdfjsSamples: pdfRef.map((x) => round(x)),
    };
    ctx.add({
      id: 'viewer.pdf-first-page',
      label: `Viewer: 50-page PDF (${round(pdf.byteLength / 1048576, 1)} MB), bytes to first page (median)`,
      value: round(pOurs.median),
      unit: 'ms',
      target: round(PDF_TARGET_RATIO * pRef.median),
      better: 'lower',
      targetText: `≤ 0.8 × pdf.js (${round(PDF_TARGET_RATIO * pRef.median)} ms)`,
      targetBasis: "Issue 18: at most 0.8 × pdf.js's own PDFViewer's time on the same file in the same run.",
      limit: pdfLimit(pOurs, pRef, oursThread, refThread, oursCanvases, refCanvases),
      detail: {
        ...pdfDetail,
        mainThread: { ours: oursThread.profile, pdfjs: refThread.profile },
        canvases: { ours: oursCanvases, pdfjs: refCanvases },
      },
    });
    ctx.add({
      id: 'viewer.pdf-first-page-pdfjs',
      label: "Viewer: same PDF in pdf.js's PDFViewer (reference, median)",
      value: round(pRef.median),
      unit: 'ms',
      target: null,
      better: 'lower',
      detail: pdfDetail,
    });
    ctx.add({
      id: 'viewer.tiff-first-page',
      label: `Viewer: 20-page TIFF (${round(tiff.byteLength / 1048576, 1)} MB), bytes to first page (median)`,
      value: round(tOurs.median),
      unit: 'ms',
      target: round(tMain.median),
      better: 'lower',
      targetText: `≤ utif (${round(tMain.median)} ms)`,
      targetBasis: "No slower than utif's own recipe (decode, decodeImage, toRGBA8, putImageData) on the same file in the same run.",
      limit: `utif alone in a bare worker started for the file took ${round(tWorker.median)} ms against ${round(tMain.median)} ms on the main thread. The app's decoder is started before the bytes arrive, decodes the first page as it opens the file, turns grey and bilevel pages into pixels a word at a time and sends an ImageBitmap; what remains is that decode and the bitmap on the worker's thread, the hand-over and the first (plain) draw, at load average ${ctx.load()}. Fastest samples: the app ${round(tOurs.min)} ms, utif on the main thread ${round(tMain.min)} ms.`,
      detail: {
        bytes: tiff.byteLength,
        pages: 20,
        ours: tOurs,
        utifMainThread: tMain,
        utifWorker: tWorker,
        oursSamples: tiffOurs.map((x) => round(x)),
      },
    });
    ctx.add({
      id: 'viewer.tiff-first-page-utif',
      label: 'Viewer: same TIFF, utif on the main thread (reference, median)',
      value: round(tMain.median),
      unit: 'ms',
      target: null,
      better: 'lower',
      detail: { samples: tiffMain.map((x) => round(x)) },
    });
    ctx.add({
      id: 'viewer.tiff-first-page-utif-worker',
      label: 'Viewer: same TIFF, utif in a bare worker (reference, median)',
      value: round(tWorker.median),
      unit: 'ms',
      target: null,
      better: 'lower',
      detail: { samples: tiffWorker.map((x) => round(x)) },
    });

    await reference.context().close();
    ctx.add(await heapBench(ctx, ours));
    await ours.context().close();
    // pdf.js's viewer complains when its document is destroyed while it still sets up later pages: that is the bench clearing it between samples.
    const real = errors.filter((e) => !/Transport destroyed/.test(e));
    if (real.length > 0) ctx.progress(`viewer: the pages reported errors: ${real.slice(0, 3).join(' | ')}`);
  } finally {
    await server.close();
  }
}

/** Why the app's PDF viewer was slower, from the samples and one profiled open of each. */
function pdfLimit(
  ours: Summary,
  ref: Summary,
  oursRun: { result: OpenResult; profile: MainThreadProfile },
  refRun: { result: OpenResult; profile: MainThreadProfile },
  oursCanvases: string[],
  refCanvases: string[],
): string {
  const spread = `The ${ours.n} samples ranged ${round(ours.min)}–${round(ours.max)} ms for the app and ${round(ref.min)}–${round(ref.max)} ms for pdf.js.`;
  const profiled = `Profiled once more each (the app ${round(oursRun.result.paintedMs)} ms, pdf.js ${round(refRun.result.paintedMs)} ms), the app's main thread was ${describeProfile(
    oursRun.profile,
  )}; pdf.js's was ${describeProfile(refRun.profile)}.`;
  const oursIdle = oursRun.result.paintedMs - oursRun.profile.busyMs;
  const refIdle = refRun.result.paintedMs - refRun.profile.busyMs;
  let verdict: string;
  if (oursRun.result.paintedMs <= PDF_TARGET_RATIO * refRun.result.paintedMs)
    verdict =
      'In that profiled pair the app was within the target, so the miss in the medians is within the run-to-run spread on this machine.';
  else if (oursRun.profile.busyMs > refRun.profile.busyMs)
    verdict = `The app's main thread did ${round(oursRun.profile.busyMs - refRun.profile.busyMs)} ms more work.`;
  else
    verdict = `The app's main thread sat idle longer (${round(oursIdle)} ms against ${round(refIdle)} ms), so its extra time was spent waiting on its pdf.js worker, not working on the screen's thread.`;
  return `${spread} ${profiled} ${verdict} The app drew ${oursCanvases.join(', ') || 'no canvas'}, pdf.js ${refCanvases.join(', ') || 'no canvas'}; both parse in a fresh pdf.js worker with the same options.`;
}

async function heapBench(ctx: BenchContext, page: Page): Promise<Figure> {
  ctx.progress('viewer: renderer heap across 100 attachments opened in turn');
  const cdp = await page.context().newCDPSession(page);
  const heap = async (): Promise<number> => {
    await cdp.send('HeapProfiler.collectGarbage');
    return (await cdp.send('Runtime.getHeapUsage')).usedSize;
  };
  const series: { opened: number; heapMB: number }[] = [];
  const times: number[] = [];
  const byName = new Map<string, number[]>();
  for (let opened = 1; opened <= 100; opened += 1) {
    const spec = MIXED[(opened - 1) % MIXED.length];
    if (!spec) continue;
    const ms = (await openOurs(page, { name: spec.name, contentType: CONTENT_TYPES[spec.kind] ?? 'application/octet-stream' })).paintedMs;
    times.push(ms);
    byName.set(spec.name, [...(byName.get(spec.name) ?? []), ms]);
    if (opened % 10 === 0) series.push({ opened, heapMB: round((await heap()) / 1048576, 2) });
  }
  await cdp.detach();
  const baseline = series[0]?.heapMB ?? NaN;
  const last = series.at(-1)?.heapMB ?? NaN;
  const peak = Math.max(...series.map((s) => s.heapMB));
  const growth = last - baseline;
  const steps = series.slice(1).map((s, i) => s.heapMB - (series[i]?.heapMB ?? s.heapMB));
  const rising = steps.filter((d) => d > 0.05).length;
  return {
    id: 'viewer.heap-growth',
    label: 'Viewer: renderer heap growth, attachments 10 → 100',
    value: round(growth, 2),
    unit: 'MB',
    target: 8,
    better: 'lower',
    targetBasis: 'Flat: after the first ten (every viewer loaded once), 90 more may not add more than 8 MB of live heap.',
    limit: `The heap after forced GC went from ${baseline} MB to ${last} MB (peak ${peak} MB), rising in ${rising} of ${steps.length} steps of ten attachments: memory grows with the number opened.`,
    detail: {
      measuredAs:
        'CDP HeapProfiler.collectGarbage then Runtime.getHeapUsage (the page’s JS heap; workers and canvas backing stores are outside it), every 10 attachments.',
      cycle: MIXED.map((m) => m.name),
      series,
      openMs: summarise(times),
      openMedianMsByFile: Object.fromEntries([...byName.entries()].map(([name, values]) => [name, round(summarise(values).median)])),
    },
  };
}
