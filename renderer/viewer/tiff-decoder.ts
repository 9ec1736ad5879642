/**
 * The TIFF decoder's worker (tiff-decode.worker.ts), started before the bytes arrive: one
 * spare is kept warm, so opening a scan does not wait for the worker's script to load.
 * Each scan still gets a worker of its own, terminated with it (or when it takes too long),
 * taking its memory and any hostile work with it; taking the spare starts the next one
 * once the scan's first page is on screen.
 */

let spare: Worker | null = null;

function start(): Worker {
  return new Worker(new URL('./tiff-decode.worker.ts', import.meta.url), { type: 'module', name: 'tiff-decoder' });
}

/** Starts the spare decoder now, if there is none. */
export function prewarmTiffWorker(): void {
  if (spare || typeof Worker === 'undefined') return;
  spare = start();
}

/** A decoder for one scan: the warm spare, or a new one. */
export function takeTiffWorker(): Worker {
  const worker = spare ?? start();
  spare = null;
  return worker;
}

// Loading the viewer's chunk starts the first decoder.
prewarmTiffWorker();
