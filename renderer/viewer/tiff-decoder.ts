/**
 * The TIFF decoder's worker (tiff-decode.worker.ts), started before the bytes arrive and
 * kept between scans: a scan that behaved gives its worker back when it closes (the worker
 * lets go of the file), so the next scan neither waits for the worker to load nor runs the
 * decoder's code cold. A worker that failed, timed out or was busy is terminated instead,
 * taking its memory and any hostile work with it. At most one is kept idle.
 */
import type { TiffRequest } from './tiff-decode.worker';

let idle: Worker | null = null;

function start(): Worker {
  return new Worker(new URL('./tiff-decode.worker.ts', import.meta.url), { type: 'module', name: 'tiff-decoder' });
}

/** Starts a decoder now, if none is idle. */
export function prewarmTiffWorker(): void {
  if (idle || typeof Worker === 'undefined') return;
  idle = start();
}

/** A decoder for one scan: the idle one, or a new one. */
export function takeTiffWorker(): Worker {
  const worker = idle ?? start();
  idle = null;
  return worker;
}

/** A scan closed with nothing in flight: its decoder lets go of the file and waits for the next. */
export function returnTiffWorker(worker: Worker): void {
  worker.onmessage = null;
  worker.onerror = null;
  worker.postMessage({ type: 'close' } satisfies TiffRequest);
  // The returned one has run the decoder: keep it rather than one that has not.
  idle?.terminate();
  idle = worker;
}

// Loading the viewer's chunk starts the first decoder.
prewarmTiffWorker();
