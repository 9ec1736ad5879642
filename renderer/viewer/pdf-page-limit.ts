import type { InjectionKey } from 'vue';

/**
 * Longest one PDF page may take to draw (reading its content and painting it) before the
 * drawing is cancelled, the document closed with its worker, and the user told. A flood of
 * drawing operators otherwise keeps the viewer busy with no end and no message.
 */
export const PAGE_DRAW_TIMEOUT_MS = 15_000;

/** After this long a page still drawing shows "Drawing page n…" with a Stop button. */
export const PAGE_DRAW_SLOW_MS = 1_000;

/**
 * Where the limit comes from, for the viewer to inject. The app provides nothing and gets
 * PAGE_DRAW_TIMEOUT_MS; the viewer tests provide a shorter limit so seeing a page stopped
 * does not take 15 s (tests/component/viewer pins the default).
 */
export const PAGE_DRAW_TIMEOUT_KEY: InjectionKey<() => number> = Symbol('pdf-page-draw-timeout');
