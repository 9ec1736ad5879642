/**
 * DOCX and RTF conversion, each in its own worker thread with a heap limit and a time
 * limit. mammoth on a large or crafted DOCX can take a minute and gigabytes (a 1.77 MB
 * file took 69 s and 3.4 GB; one crafted file exhausted the heap, which no catch survives):
 * in the main process that froze every window and then killed the app. In a worker, the
 * main event loop stays free, a heap running out ends only that worker
 * (ERR_WORKER_OUT_OF_MEMORY), and a conversion past its time is terminated. Either way
 * the user gets one failed conversion and a sentence.
 *
 * One fresh worker per document: no state, and nothing of one patient's document, is
 * left behind for the next; a worker costs tens of milliseconds to start, which a
 * document conversion can afford. At most `maxConcurrent` run at once, so many
 * attachments opened together cannot multiply the memory allowance without bound.
 *
 * Where the worker is: beside the running module. In the bundle that is
 * dist/main/convert-worker.mjs (its own esbuild entry); from source (tsx, Vitest) it is
 * convert-worker.dev.mjs, which loads the TypeScript through tsx.
 */
import { Worker } from 'node:worker_threads';
import { AppError } from '../app-error';
import { silentLogger, type Logger } from '../log/logger';
import type { ConvertReply, ConvertRequest } from './convert-worker';
import type { RtfText } from './rtf-to-text';
import type { SafeDocument } from '../../contract';

export interface ConversionLimits {
  /** V8 old generation, MB: where a document's DOM and strings live. */
  maxOldGenerationSizeMb: number;
  maxYoungGenerationSizeMb: number;
  stackSizeMb: number;
  /** From the worker's start to its answer. */
  timeoutMs: number;
  /** Conversions running at once; more wait their turn (the wait is not timed). */
  maxConcurrent: number;
}

export const DEFAULT_CONVERSION_LIMITS: ConversionLimits = {
  maxOldGenerationSizeMb: 256,
  maxYoungGenerationSizeMb: 32,
  stackSizeMb: 4,
  timeoutMs: 20_000,
  maxConcurrent: 2,
};

export interface ConverterOptions {
  /** The worker script; default beside this module (see convertWorkerUrl). */
  workerUrl?: URL;
  limits?: Partial<ConversionLimits>;
  log?: Logger;
}

export interface ConverterStats {
  converted: number;
  /** Ended by the heap limit. */
  outOfMemory: number;
  /** Ended by the time limit. */
  timedOut: number;
  /** Refused by a converter (damaged, zip bomb) or the worker failed. */
  failed: number;
  /** Most workers that ran at the same time. */
  peakRunning: number;
}

export interface DocumentConverter {
  docx(bytes: Uint8Array): Promise<SafeDocument>;
  rtf(bytes: Uint8Array): Promise<RtfText>;
  stats(): ConverterStats;
  /** Ends running conversions (their callers get a sentence) and refuses new ones. */
  dispose(): Promise<void>;
}

/** The worker beside the module at `moduleUrl`: the built one in the bundle, the source bootstrap otherwise. */
export function convertWorkerUrl(moduleUrl: string = import.meta.url): URL {
  return /\.[cm]?ts$/.test(new URL(moduleUrl).pathname)
    ? new URL('./convert-worker.dev.mjs', moduleUrl)
    : new URL('./convert-worker.mjs', moduleUrl);
}

const SEND_ANOTHER_WAY = 'Open it with another application instead, or ask the referrer to send it as a PDF.';

export const conversionErrors = {
  outOfMemory: () =>
    new AppError(
      'DOCUMENT_TOO_COMPLEX',
      `This document needs more memory to show than the app allows for one document, so it was not opened. ${SEND_ANOTHER_WAY}`,
    ),
  timedOut: (seconds: number) =>
    new AppError(
      'DOCUMENT_TOO_SLOW',
      `This document took longer than ${seconds} seconds to prepare for viewing, so the app stopped. ${SEND_ANOTHER_WAY}`,
    ),
  failed: () => new AppError('DOCUMENT_CONVERSION_FAILED', `The app could not prepare this document for viewing. ${SEND_ANOTHER_WAY}`),
  stopped: () =>
    new AppError(
      'DOCUMENT_CONVERSION_STOPPED',
      'The app is closing, so this document was not prepared for viewing. Open it again when the app has restarted.',
    ),
};

export function createDocumentConverter(options: ConverterOptions = {}): DocumentConverter {
  const limits: ConversionLimits = { ...DEFAULT_CONVERSION_LIMITS, ...options.limits };
  const workerUrl = options.workerUrl ?? convertWorkerUrl();
  const log = options.log ?? silentLogger;
  const stats: ConverterStats = { converted: 0, outOfMemory: 0, timedOut: 0, failed: 0, peakRunning: 0 };
  const running = new Set<Worker>();
  const waiting: (() => void)[] = [];
  let active = 0;
  let disposed = false;

  async function slot(): Promise<void> {
    if (active < limits.maxConcurrent) {
      active += 1;
      return;
    }
    await new Promise<void>((resolve) => waiting.push(resolve));
  }

  function release(): void {
    const next = waiting.shift();
    if (next) next();
    else active -= 1;
  }

  function runOnce(request: ConvertRequest): Promise<ConvertReply> {
    return new Promise<ConvertReply>((resolve, reject) => {
      const started = performance.now();
      const worker = new Worker(workerUrl, {
        resourceLimits: {
          maxOldGenerationSizeMb: limits.maxOldGenerationSizeMb,
          maxYoungGenerationSizeMb: limits.maxYoungGenerationSizeMb,
          stackSizeMb: limits.stackSizeMb,
        },
        // Nothing of the app's environment or arguments is the worker's business.
        env: {},
        argv: [],
        stdout: false,
        stderr: false,
      });
      running.add(worker);
      stats.peakRunning = Math.max(stats.peakRunning, running.size);
      let settled = false;
      const finish = (outcome: 'converted' | 'refused' | 'outOfMemory' | 'timedOut' | 'failed', result: ConvertReply | AppError): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        running.delete(worker);
        void worker.terminate();
        const ms = Math.round(performance.now() - started);
        if (outcome === 'converted') stats.converted += 1;
        else if (outcome === 'refused') stats.failed += 1;
        else stats[outcome] += 1;
        log.info('document.conversion', { kind: request.kind, outcome, ms, inputBytes: request.bytes.byteLength });
        if (result instanceof AppError) reject(result);
        else resolve(result);
      };
      const timer = setTimeout(() => finish('timedOut', conversionErrors.timedOut(Math.round(limits.timeoutMs / 1000))), limits.timeoutMs);
      worker.once('message', (reply: ConvertReply) => finish(reply.ok ? 'converted' : 'refused', reply));
      worker.once('error', (error: Error & { code?: string }) => {
        if (error.code === 'ERR_WORKER_OUT_OF_MEMORY') finish('outOfMemory', conversionErrors.outOfMemory());
        else {
          log.warn('document.conversion_worker_failed', { kind: request.kind, name: error.name, code: error.code ?? null });
          finish('failed', conversionErrors.failed());
        }
      });
      // Ended without an answer: stopped by dispose(), or died some other way.
      worker.once('exit', () => finish('failed', disposed ? conversionErrors.stopped() : conversionErrors.failed()));
      // A copy, handed over rather than cloned: the caller keeps its bytes.
      const bytes = request.bytes.slice();
      worker.postMessage({ kind: request.kind, bytes } satisfies ConvertRequest, [bytes.buffer]);
    });
  }

  async function run(request: ConvertRequest): Promise<ConvertReply> {
    if (disposed) throw conversionErrors.stopped();
    await slot();
    try {
      if (disposed) throw conversionErrors.stopped();
      const reply = await runOnce(request);
      if (!reply.ok) throw reply.message ? new AppError(reply.code, reply.message) : conversionErrors.failed();
      return reply;
    } finally {
      release();
    }
  }

  return {
    async docx(bytes) {
      const reply = await run({ kind: 'docx', bytes });
      if (reply.ok && reply.kind === 'docx') return reply.document;
      throw conversionErrors.failed();
    },
    async rtf(bytes) {
      const reply = await run({ kind: 'rtf', bytes });
      if (reply.ok && reply.kind === 'rtf') return reply.rtf;
      throw conversionErrors.failed();
    },
    stats: () => ({ ...stats }),
    async dispose() {
      disposed = true;
      await Promise.all([...running].map((worker) => worker.terminate()));
      // Each waiter wakes holding a slot, sees `disposed`, and gives the slot back.
      for (const next of waiting.splice(0)) {
        active += 1;
        next();
      }
    },
  };
}
