/**
 * DOCX and RTF conversion in a worker thread with a heap limit and a time limit: a hostile
 * document costs one failed conversion and a sentence, never the app, and the main event
 * loop stays free meanwhile (measured with perf_hooks.monitorEventLoopDelay). The worker
 * under test is the one the product ships, built by esbuild from build/bundle-main.mjs's
 * `convertWorker` entry; the source bootstrap the app uses under tsx and Vitest is checked
 * to convert the same.
 */
import { zipSync } from 'fflate';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { AppError } from '../../../electron/app-error';
import {
  DEFAULT_CONVERSION_LIMITS,
  convertWorkerUrl,
  createDocumentConverter,
  type ConversionLimits,
  type DocumentConverter,
} from '../../../electron/convert/document-converter';
import { docxToSafeDocument } from '../../../electron/convert/docx-to-safe-document';
import { rtfToText } from '../../../electron/convert/rtf-to-text';
import { buildConvertWorker, type BuiltWorker } from '../../helpers/convert-worker-bundle';
import { writeFigures } from '../../unit/security/security-figures';
import { makeDocx, w } from '../../unit/convert/docx-fixture';
import { setDeclaredSize } from '../../unit/convert/zip-bytes';

/** The worst the main event loop may stall while a hostile document converts beside it. */
const MAX_LOOP_DELAY_MS = 500;
const P99_LOOP_DELAY_MS = 200;
/** How long after its limit a conversion may take to end (terminating a worker is not instant). */
const END_MARGIN_MS = 2_000;

let worker: BuiltWorker;
let longDocx: Uint8Array;
let heapBombDocx: Uint8Array;
const hostile = { tried: 0, withinLimits: 0 };
const measured: Record<string, { maxMs: number; p99Ms: number; endedMs: number; outcome: string }> = {};

/** One paragraph per line of a long letter: what a 1.77 MB DOCX of notes looks like to mammoth. */
function paragraphs(count: number): Uint8Array {
  return makeDocx(
    Array.from({ length: count }, (_, i) => w.para(w.run(`Paragraph ${i}: the synthetic patient was seen in clinic and reviewed.`))).join(
      '',
    ),
  );
}

/**
 * 1.5 million one-run elements in one paragraph, each with three random characters so the
 * part compresses about 8:1 and passes every zip-bomb check (4.5 MB file, 36 MB of XML):
 * mammoth's document tree for it needs far more heap than a conversion is allowed.
 */
function heapBomb(): Uint8Array {
  const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  let seed = 1;
  const next = () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return alphabet[seed % alphabet.length] ?? 'x';
  };
  const runs: string[] = [];
  for (let i = 0; i < 1_500_000; i += 1) runs.push(`<w:r><w:t>${next()}${next()}${next()}</w:t></w:r>`);
  return makeDocx(`<w:p>${runs.join('')}</w:p>`);
}

/** Runs `work` while sampling the event loop every 10 ms. */
async function underLoopMonitor<T>(
  work: () => Promise<T>,
): Promise<{ result: PromiseSettledResult<T>; maxMs: number; p99Ms: number; endedMs: number }> {
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  const started = performance.now();
  const result = await work().then(
    (value): PromiseSettledResult<T> => ({ status: 'fulfilled', value }),
    (reason: unknown): PromiseSettledResult<T> => ({ status: 'rejected', reason }),
  );
  const endedMs = performance.now() - started;
  // A stall is recorded when the sampling timer finally fires: give it the chance.
  await new Promise((resolve) => setTimeout(resolve, 50));
  histogram.disable();
  return { result, maxMs: histogram.max / 1e6, p99Ms: histogram.percentile(99) / 1e6, endedMs };
}

function errorOf(result: PromiseSettledResult<unknown>): AppError {
  if (result.status === 'fulfilled') throw new Error('expected the conversion to end in a sentence');
  expect(result.reason).toBeInstanceOf(AppError);
  return result.reason as AppError;
}

/** A hostile conversion under the monitor: the event loop stays free and it ends within its limit. */
async function hostileConversion(name: string, converter: DocumentConverter, bytes: Uint8Array, limits: ConversionLimits) {
  hostile.tried += 1;
  const run = await underLoopMonitor(() => converter.docx(bytes));
  const outcome = run.result.status === 'fulfilled' ? 'converted' : ((run.result.reason as AppError).code ?? 'error');
  measured[name] = { maxMs: Math.round(run.maxMs), p99Ms: Math.round(run.p99Ms), endedMs: Math.round(run.endedMs), outcome };
  console.log(
    `${name}: ${outcome} after ${Math.round(run.endedMs)} ms; event loop delay max ${run.maxMs.toFixed(1)} ms, p99 ${run.p99Ms.toFixed(1)} ms`,
  );
  expect(run.maxMs, `${name}: main event loop stalled`).toBeLessThan(MAX_LOOP_DELAY_MS);
  expect(run.p99Ms, `${name}: main event loop stalled`).toBeLessThan(P99_LOOP_DELAY_MS);
  expect(run.endedMs, `${name}: ended after its time limit`).toBeLessThan(limits.timeoutMs + END_MARGIN_MS);
  hostile.withinLimits += 1;
  return run;
}

beforeAll(async () => {
  worker = await buildConvertWorker();
  longDocx = paragraphs(50_000);
  heapBombDocx = heapBomb();
}, 60_000);

afterAll(() => {
  worker?.remove();
  writeFigures('document-conversion', {
    hostileFilesTried: hostile.tried,
    hostileFilesWithinLimits: hostile.withinLimits,
    limits: DEFAULT_CONVERSION_LIMITS,
    measured,
  });
});

describe('conversion in a worker thread', () => {
  it('the shipped worker and the source bootstrap convert DOCX and RTF exactly as the converters do', async () => {
    const docx = makeDocx(
      [
        w.heading(1, 'Referral to cardiology'),
        w.para(w.run('Seen with '), w.run('chest pain', { bold: true })),
        w.table([
          ['Drug', 'Dose'],
          ['Aspirin', '75 mg'],
        ]),
      ].join(''),
    );
    const rtf = new TextEncoder().encode(
      "{\\rtf1\\ansi{\\fonttbl{\\f0 Arial;}}\\f0 Dear colleague,\\par caf\\'e9 \\u8364? {\\object\\objdata 0102}end\\par}",
    );
    for (const converter of [createDocumentConverter({ workerUrl: worker.url }), createDocumentConverter()]) {
      expect(await converter.docx(docx)).toEqual(await docxToSafeDocument(docx));
      expect(await converter.rtf(rtf)).toEqual(rtfToText(rtf));
      expect(converter.stats()).toMatchObject({ converted: 2, failed: 0 });
      // The caller's bytes are its own still: a copy went to the worker.
      expect(docx.byteLength).toBeGreaterThan(0);
    }
  }, 60_000);

  it('finds its worker beside the running module: the bundle beside main.mjs, the source bootstrap beside itself', () => {
    expect(convertWorkerUrl('file:///opt/e-RS%20Triage/resources/app.asar/dist/main/main.mjs').href).toBe(
      'file:///opt/e-RS%20Triage/resources/app.asar/dist/main/convert-worker.mjs',
    );
    expect(convertWorkerUrl('file:///work/electron/convert/document-converter.ts').href).toBe(
      'file:///work/electron/convert/convert-worker.dev.mjs',
    );
    expect(convertWorkerUrl().pathname.endsWith('/electron/convert/convert-worker.dev.mjs')).toBe(true);
    // The build puts the worker where main.mjs looks for it.
    expect(path.dirname(String(worker.options.outfile))).toBe(path.dirname(String(worker.mainOptions.outfile)));
    expect(path.basename(String(worker.options.outfile))).toBe('convert-worker.mjs');
    expect(worker.options).toMatchObject({ format: 'esm', platform: 'node', packages: 'external' });
  });

  it("passes the converters' own refusals through with their sentence (a zip bomb, a damaged file)", async () => {
    const converter = createDocumentConverter({ workerUrl: worker.url });
    const honest = zipSync({
      'word/document.xml': [new Uint8Array(2000).fill(0x41), { level: 0 }],
      '[Content_Types].xml': new Uint8Array(10),
    });
    const bomb = setDeclaredSize(honest, 'word/document.xml', { original: 0xfffffff0 });
    const refused = errorOf(
      await converter.docx(bomb).then(
        (v) => ({ status: 'fulfilled', value: v }) as const,
        (reason: unknown) => ({ status: 'rejected', reason }) as const,
      ),
    );
    expect(refused.code).toBe('DOCUMENT_UNSAFE');
    expect(refused.message).toMatch(/^This document was not opened because it claims to expand to more than 256 MB/);
    await expect(converter.rtf(new TextEncoder().encode('not rtf'))).rejects.toMatchObject({ code: 'DOCUMENT_CORRUPT' });
    expect(converter.stats()).toMatchObject({ converted: 0, failed: 2 });
  });
});

describe('hostile documents cost one conversion and a sentence, never the app', () => {
  it('a DOCX of 50,000 paragraphs: the main event loop stays free and the conversion ends within its time limit', async () => {
    const converter = createDocumentConverter({ workerUrl: worker.url });
    const run = await hostileConversion('50,000 paragraphs', converter, longDocx, DEFAULT_CONVERSION_LIMITS);
    // Converted (cut at the viewer's limits) or stopped with a sentence: either is an answer.
    if (run.result.status === 'rejected') expect(['DOCUMENT_TOO_COMPLEX', 'DOCUMENT_TOO_SLOW']).toContain(errorOf(run.result).code);
    else expect(run.result.value.blocks.length).toBeGreaterThan(1000);
  }, 60_000);

  it('a DOCX crafted to exhaust the heap ends that worker, not the app, with a sentence within the time limit', async () => {
    expect(heapBombDocx.byteLength).toBeLessThan(8 * 1024 * 1024);
    const converter = createDocumentConverter({ workerUrl: worker.url });
    const heapBefore = process.memoryUsage().heapUsed;
    const run = await hostileConversion('heap exhaustion', converter, heapBombDocx, DEFAULT_CONVERSION_LIMITS);
    const error = errorOf(run.result);
    expect(error.code).toBe('DOCUMENT_TOO_COMPLEX');
    expect(error.message).toBe(
      'This document needs more memory to show than the app allows for one document, so it was not opened. Open it with another application instead, or ask the referrer to send it as a PDF.',
    );
    expect(converter.stats()).toMatchObject({ outOfMemory: 1 });
    // The main heap never held the document's tree.
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(128 * 1024 * 1024);
    // And the app carries on: the next document converts.
    expect((await converter.docx(makeDocx(w.para(w.run('Next letter.'))))).blocks).toHaveLength(1);
  }, 60_000);

  it('a conversion past its time limit is ended, with a sentence, when the limit comes', async () => {
    const limits = { ...DEFAULT_CONVERSION_LIMITS, timeoutMs: 1_500 };
    const converter = createDocumentConverter({ workerUrl: worker.url, limits: { timeoutMs: limits.timeoutMs } });
    const run = await hostileConversion('past the time limit', converter, longDocx, limits);
    const error = errorOf(run.result);
    expect(error.code).toBe('DOCUMENT_TOO_SLOW');
    expect(error.message).toBe(
      'This document took longer than 2 seconds to prepare for viewing, so the app stopped. Open it with another application instead, or ask the referrer to send it as a PDF.',
    );
    expect(run.endedMs).toBeGreaterThanOrEqual(limits.timeoutMs - 50);
    expect(converter.stats()).toMatchObject({ timedOut: 1 });
  }, 60_000);

  it('the measurement can fail: the same kind of work in the main process stalls the event loop', async () => {
    const docx = paragraphs(10_000);
    const run = await underLoopMonitor(() => docxToSafeDocument(docx));
    console.log(`in-process control (10,000 paragraphs): event loop delay max ${run.maxMs.toFixed(0)} ms`);
    expect(run.maxMs).toBeGreaterThan(MAX_LOOP_DELAY_MS);
  }, 60_000);
});

describe('the converter itself', () => {
  it('runs at most maxConcurrent workers at once; the rest wait their turn', async () => {
    const converter = createDocumentConverter({ workerUrl: worker.url, limits: { maxConcurrent: 1 } });
    const docs = await Promise.all([1, 2, 3].map((n) => converter.docx(makeDocx(w.para(w.run(`Letter ${n}`))))));
    expect(docs.map((d) => d.blocks.length)).toEqual([1, 1, 1]);
    expect(converter.stats()).toMatchObject({ converted: 3, peakRunning: 1 });
  }, 60_000);

  it('dispose ends a running conversion with a sentence, and refuses new ones', async () => {
    const converter = createDocumentConverter({ workerUrl: worker.url });
    const running = converter.docx(longDocx);
    // Dispose once the conversion is under way in its worker.
    await vi.waitFor(() => expect(converter.stats().peakRunning).toBe(1));
    await converter.dispose();
    await expect(running).rejects.toMatchObject({ code: 'DOCUMENT_CONVERSION_STOPPED' });
    await expect(converter.rtf(new TextEncoder().encode('{\\rtf1 x}'))).rejects.toMatchObject({ code: 'DOCUMENT_CONVERSION_STOPPED' });
  }, 60_000);
});
