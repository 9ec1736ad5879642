/** What every bench section is given, and how it hands back figures. */
import type { Browser } from 'playwright-core';
import type { BenchApp } from './bench-app';
import type { RendererBuild } from './build-pages';
import type { Figure } from './report';

export interface BenchContext {
  running: BenchApp;
  browser: Browser;
  renderer: RendererBuild;
  /** Where the harness pages were built. */
  harnessDir: string;
  /** The machine's load average (1 minute) when the section started. */
  load(): string;
  progress(message: string): void;
  add(figure: Figure): void;
  /** A line printed above the table: the conditions a reader needs to read the figures. */
  note(text: string): void;
}

export const VIEWPORT = { width: 1366, height: 900 };
