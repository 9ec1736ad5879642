/**
 * The prefetcher with sources that are plain functions (where e-RS's shapes do not matter):
 * its own pacing ('per-item'), errors that carry Retry-After, and outages with no
 * connectivity monitor to say when they end.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { EncryptedStore } from '../../../electron/offline/encrypted-store';
import {
  createPrefetcher,
  type PrefetchDetails,
  type Prefetcher,
  type PrefetchProgress,
  type PrefetchSources,
} from '../../../electron/offline/prefetch';
import { abortableSleep } from '../../../electron/offline/prefetch/abortable-sleep';
import { cacheKeys } from '../../../electron/offline/prefetch/cache-keys';
import { bytesFor, makeTempRoot, openStore, ubrnOf } from './store-test-kit';

let cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  cleanups = [];
});

interface Call {
  what: string;
  at: number;
}

/** In-memory sources with latency, that record every call and can be told to fail. */
function thinSources(items: number, filesEach: number, latencyMs: number) {
  const calls: Call[] = [];
  let inFlight = 0;
  const state = {
    calls,
    maxInFlight: 0,
    fail: null as ((what: string) => unknown) | null,
  };
  async function call<T>(what: string, signal: AbortSignal, make: () => T): Promise<T> {
    calls.push({ what, at: performance.now() });
    inFlight += 1;
    state.maxInFlight = Math.max(state.maxInFlight, inFlight);
    try {
      await abortableSleep(latencyMs, signal);
      const failure = state.fail?.(what);
      if (failure !== undefined && failure !== null) throw failure;
      return make();
    } finally {
      inFlight -= 1;
    }
  }
  const details = (ubrn: string): PrefetchDetails => ({
    ubrn,
    version: '3',
    attachments: Array.from({ length: filesEach }, (_, j) => ({
      id: `f-${ubrn}-${j}`,
      title: `f${j}.pdf`,
      contentType: 'application/pdf',
      size: 100,
      available: true,
    })),
  });
  const sources: PrefetchSources = {
    listWorklists: (signal) =>
      call('list', signal, () => [
        { kind: 'referrals', rows: Array.from({ length: items }, (_, i) => ({ ubrn: ubrnOf(i), version: '3' })) },
      ]),
    fetchReferral: ({ ubrn }, signal) => call(`details:${ubrn}`, signal, () => details(ubrn)),
    fetchClinicalInformation: ({ ubrn }, signal) =>
      call(`summary:${ubrn}`, signal, () => ({ bytes: bytesFor(ubrn, 50), contentType: 'application/pdf', fileName: null })),
    fetchAttachment: ({ attachmentId }, signal) =>
      call(`file:${attachmentId}`, signal, () => ({
        bytes: bytesFor(attachmentId, 100),
        contentType: 'application/octet-stream',
        fileName: null,
      })),
  };
  return { sources, state };
}

async function setup(
  items: number,
  filesEach: number,
  latencyMs: number,
  extra: { maxConcurrency?: number; fastSleep?: boolean; sleepDivisor?: number } = {},
) {
  const { root, cleanup } = makeTempRoot('prefetch-thin');
  cleanups.push(cleanup);
  const store: EncryptedStore = await openStore(root);
  const thin = thinSources(items, filesEach, latencyMs);
  const events: PrefetchProgress[] = [];
  const prefetcher: Prefetcher = createPrefetcher({
    ...thin.sources,
    store,
    policy: { mode: 'all' },
    maxConcurrency: extra.maxConcurrency ?? 3,
    // Backoffs at a tenth of their length (or as told), so a test sees several in a moment.
    ...(extra.fastSleep ? { sleep: (ms: number, signal?: AbortSignal) => abortableSleep(ms / (extra.sleepDivisor ?? 10), signal) } : {}),
    onProgress: (progress) => events.push(progress),
  });
  cleanups.push(() => prefetcher.cancel());
  return { store, prefetcher, events, ...thin };
}

describe('prefetch pacing itself', () => {
  it('keeps to its concurrency and stores what the sources give, with the referral\u2019s type where the download has none', async () => {
    const { store, prefetcher, state } = await setup(6, 3, 10, { maxConcurrency: 2 });
    expect(await prefetcher.refresh()).toMatchObject({ phase: 'done', total: 30, done: 30, failed: 0 });
    expect(state.maxInFlight).toBe(2);
    const file = await store.get(cacheKeys.attachment(`f-${ubrnOf(5)}-2`));
    expect(file?.meta).toMatchObject({ contentType: 'application/pdf', fileName: 'f2.pdf', referralVersion: '3' });
  });

  it('pauses the whole pool for an error that carries Retry-After', async () => {
    const { prefetcher, state } = await setup(6, 3, 10, { maxConcurrency: 3 });
    let throttledAt: number | null = null;
    state.fail = (what) => {
      if (what !== `file:f-${ubrnOf(4)}-0` || throttledAt !== null) return null;
      throttledAt = performance.now();
      return Object.assign(new Error('Too many requests.'), { status: 429, retryAfterMs: 400 });
    };
    expect(await prefetcher.refresh()).toMatchObject({ phase: 'done', done: 30, failed: 0 });
    const at = throttledAt ?? 0;
    expect(state.calls.filter((c) => c.at > at + 20 && c.at < at + 380)).toEqual([]);
    expect(state.calls.filter((c) => c.what === `file:f-${ubrnOf(4)}-0`)).toHaveLength(2);
  });

  it('puts a remembered key first as soon as it is found', async () => {
    const { prefetcher, state } = await setup(5, 3, 5, { maxConcurrency: 1 });
    const wanted = `f-${ubrnOf(3)}-2`;
    prefetcher.prioritise([cacheKeys.attachment(wanted)]);
    await prefetcher.refresh();
    const order = state.calls.map((c) => c.what);
    // Found when referral 3's details arrive, it goes straight after them, ahead of its own summary.
    expect(order[order.indexOf(`details:${ubrnOf(3)}`) + 1]).toBe(`file:${wanted}`);
  });
});

describe('outages without a connectivity monitor', () => {
  it('stops after failures of several different items, tries again later by itself, and finishes', async () => {
    // Backoffs at half length (250 ms and more), far longer than an answer (5 ms): whatever a
    // busy machine does to the timing, the other items fail before one item uses up its
    // tries. At a tenth (25 ms) a stall of that size could let one item give up first.
    const { store, prefetcher, state } = await setup(6, 2, 5, { maxConcurrency: 2, fastSleep: true, sleepDivisor: 2 });
    let down = false;
    state.fail = (what) =>
      down && what.startsWith('file:') ? Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) : null;
    down = true;
    const paused = await prefetcher.refresh();
    expect(paused.phase).toBe('offline');
    expect(paused.failed).toBe(0);
    down = false;
    await vi.waitFor(() => expect(prefetcher.progress().phase, 'prefetch resuming by itself').toBe('done'), {
      timeout: 10_000,
      interval: 5,
    });
    expect(prefetcher.progress()).toMatchObject({ total: 24, done: 24 });
    expect((await store.list('attachment/')).length).toBe(12);
  });

  it('gives up on one item that keeps failing without calling it an outage', async () => {
    const { store, prefetcher, state } = await setup(3, 2, 5, { fastSleep: true });
    const broken = `file:f-${ubrnOf(2)}-1`;
    state.fail = (what) => (what === broken ? Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }) : null);
    const result = await prefetcher.refresh();
    expect(result).toMatchObject({ phase: 'done', total: 12, done: 11, failed: 1 });
    expect(state.calls.filter((c) => c.what === broken)).toHaveLength(3);
    expect(await store.has(cacheKeys.attachment(`f-${ubrnOf(2)}-1`))).toBe(false);
  });
});
