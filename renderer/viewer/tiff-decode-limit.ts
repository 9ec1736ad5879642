import type { InjectionKey } from 'vue';

/** Longest a single open or page decode may take before the worker is stopped. */
export const DECODE_TIMEOUT_MS = 15_000;

/**
 * Where the limit comes from, for the viewer to inject. The app provides nothing and gets
 * DECODE_TIMEOUT_MS; the viewer tests provide a shorter limit, so seeing a decoder stopped
 * does not take 15 s (tests/component/viewer pins the default).
 */
export const DECODE_TIMEOUT_KEY: InjectionKey<() => number> = Symbol('tiff-decode-timeout');
