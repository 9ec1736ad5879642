/**
 * How both harness pages time a document: from the moment its bytes are in memory to the
 * end of the first animation frame after the viewer said its first page was drawn, so both
 * include the paint, and neither includes the download.
 */

export interface OpenResult {
  ok: boolean;
  /** Bytes in memory to the viewer's own "first page drawn" signal. */
  firstPageMs: number;
  /** Bytes in memory to the end of the next frame: the page is on screen. */
  paintedMs: number;
  message?: string;
}

/** Resolves after the next frame has been produced (a task posted from requestAnimationFrame runs after it). */
export function afterNextPaint(): Promise<number> {
  return new Promise((resolve) => {
    requestAnimationFrame(() => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => resolve(performance.now());
      channel.port2.postMessage(0);
    });
  });
}

/**
 * Lets the page come to rest between documents: two frames drawn, then the main thread idle
 * (requestIdleCallback runs once nothing else is queued; its timeout only bounds a page
 * that is never idle).
 */
export async function untilQuiet(): Promise<void> {
  await afterNextPaint();
  await afterNextPaint();
  await new Promise<void>((resolve) => requestIdleCallback(() => resolve(), { timeout: 2_000 }));
}

export async function fetchBytes(path: string): Promise<Uint8Array> {
  const response = await fetch(path);
  if (!response.ok) throw new Error(`${path} answered ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

/** Resolves once an element matching the selector is in the document. */
export function waitForElement(selector: string, timeoutMs = 20_000): Promise<void> {
  return new Promise((resolve, reject) => {
    if (document.querySelector(selector)) {
      resolve();
      return;
    }
    const timer = setTimeout(() => {
      observer.disconnect();
      reject(new Error(`${selector} never appeared`));
    }, timeoutMs);
    const observer = new MutationObserver(() => {
      if (!document.querySelector(selector)) return;
      clearTimeout(timer);
      observer.disconnect();
      resolve();
    });
    observer.observe(document.body, { childList: true, subtree: true });
  });
}
