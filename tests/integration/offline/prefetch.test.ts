import { afterEach, describe, expect, it, vi } from 'vitest';
import { testFetch } from '../../helpers/fetch';
import { createConnectivity, createHttpProbe, type Connectivity } from '../../../electron/offline/connectivity';
import type { EncryptedStore } from '../../../electron/offline/encrypted-store';
import { storeDirectory } from '../../../electron/offline/encrypted-store';
import { createPrefetcher, type PrefetchPolicy, type Prefetcher, type PrefetchProgress } from '../../../electron/offline/prefetch';
import { cacheKeys } from '../../../electron/offline/prefetch/cache-keys';
import { createErsPrefetchSources } from '../../../electron/offline/prefetch/ers-sources';
import { RateControl } from '../../../electron/offline/prefetch/rate-control';
import {
  bytesFor,
  clientOptions,
  makeItems,
  openStore,
  startFakeErs,
  summaryBytes,
  ubrnOf,
  type FakeErs,
  type FakeErsOptions,
  type FakeItem,
  type SeenRequest,
} from './prefetch-fixtures';
import { makeTempRoot, tempFiles } from '../../unit/offline/store-test-kit';

const USER = '555000111222';

let cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  cleanups = [];
});

interface Rig {
  fake: FakeErs;
  root: string;
  store: EncryptedStore;
  rc: RateControl;
  prefetcher: Prefetcher;
  events: PrefetchProgress[];
  /** Another prefetcher on a freshly opened store over the same files: the app after a restart. */
  restart(): Promise<{ store: EncryptedStore; prefetcher: Prefetcher; events: PrefetchProgress[] }>;
}

interface RigOptions extends Partial<FakeErsOptions> {
  items: FakeItem[];
  policy?: PrefetchPolicy;
  maxConcurrency?: number;
  maxFileBytes?: number;
  connectivity?: (url: string) => Connectivity;
}

async function rig(options: RigOptions): Promise<Rig> {
  const fake = await startFakeErs(options);
  cleanups.push(() => fake.close());
  const { root, cleanup } = makeTempRoot('prefetch');
  cleanups.push(cleanup);
  const connectivity = options.connectivity?.(fake.url);
  if (connectivity) cleanups.push(() => connectivity.dispose());
  const build = async () => {
    const store = await openStore(root);
    const rc = new RateControl({ maxConcurrency: options.maxConcurrency ?? 4 });
    const events: PrefetchProgress[] = [];
    const prefetcher = createPrefetcher({
      ...createErsPrefetchSources(clientOptions(fake.url), rc),
      store,
      policy: options.policy ?? { mode: 'all' },
      rateControl: rc,
      pacing: 'by-transport',
      ...(options.maxFileBytes === undefined ? {} : { maxFileBytes: options.maxFileBytes }),
      ...(connectivity ? { connectivity } : {}),
      onProgress: (progress) => events.push(progress),
    });
    cleanups.push(() => prefetcher.cancel());
    return { store, rc, prefetcher, events };
  };
  const first = await build();
  return { fake, root, ...first, restart: build };
}

/** Waits until `condition` holds, checking every few milliseconds; fails after ten seconds. */
async function waitFor(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  await vi.waitFor(() => expect(condition(), 'the condition waited for').toBe(true), { timeout: timeoutMs, interval: 5 });
}

/**
 * The user's own request, or any request the test makes itself: a whole round trip through
 * the fake e-RS. A prefetch request started before it was sent has reached the server by
 * the time it is answered, so "nothing started meanwhile" is checked without a timer.
 */
async function roundTrip(fake: FakeErs): Promise<void> {
  const response = await fetch(`${fake.url}/user-request`);
  await response.arrayBuffer();
}
const isRoundTrip = (r: SeenRequest) => r.path === '/user-request';

const isA005 = (r: SeenRequest) => r.method === 'GET' && /^\/FHIR\/STU3\/ReferralRequest\/\d{12}$/.test(r.path);
const isSummary = (r: SeenRequest) => r.path.endsWith('/$ers.generateCRI');
const isBinary = (r: SeenRequest) => r.path.startsWith('/FHIR/R4/Binary/');

function attachmentsOf(items: FakeItem[]) {
  return items.flatMap((item) => item.attachments.filter((a) => a.available !== false).map((a) => ({ item, a })));
}

describe('prefetch of the current worklists', () => {
  it('stores every referral, clinical information PDF and available attachment, with what offline mode needs', async () => {
    const items = makeItems(6, 2);
    items[0]?.attachments.push({
      id: 'att-pending',
      bytes: bytesFor('pending', 10),
      contentType: 'application/pdf',
      title: 'scan.pdf',
      available: false,
    });
    const { fake, store, prefetcher, events } = await rig({ items });

    const result = await prefetcher.refresh();

    expect(result).toMatchObject({ phase: 'done', total: 6 + 6 + 12, done: 24, failed: 0, fromCache: 0 });
    for (const { item, a } of attachmentsOf(items)) {
      const stored = await store.get(cacheKeys.attachment(a.id));
      expect(Buffer.from(stored?.bytes ?? [])).toEqual(Buffer.from(a.bytes));
      expect(stored?.meta).toMatchObject({
        type: 'attachment',
        ubrn: item.ubrn,
        referralVersion: '5',
        contentType: 'application/pdf',
        fileName: a.title,
        size: a.bytes.byteLength,
      });
      expect(typeof stored?.meta?.fetchedAt).toBe('number');
    }
    for (const item of items) {
      const details = await store.get(cacheKeys.details('referral', item.ubrn, '5'));
      const view = JSON.parse(new TextDecoder().decode(details?.bytes)) as { ubrn: string; version: string; attachments: unknown[] };
      expect(view).toMatchObject({ ubrn: item.ubrn, version: '5' });
      expect(view.attachments).toHaveLength(item.attachments.length);
      const summary = await store.get(cacheKeys.summary('referral', item.ubrn, '5'));
      expect(Buffer.from(summary?.bytes ?? [])).toEqual(Buffer.from(summaryBytes(item.ubrn, '5')));
      expect(summary?.meta).toMatchObject({ type: 'summary', contentType: 'application/pdf', referralVersion: '5' });
    }
    expect(fake.binaryRequests('att-pending')).toHaveLength(0);

    // Progress adds up at every step, and bytes are what was stored.
    let storedBytes = 0;
    for (const entry of await store.list()) storedBytes += (await store.get(entry.key))?.bytes.byteLength ?? 0;
    expect(result.bytes).toBe(storedBytes);
    for (const event of events) expect(event.done + event.failed).toBeLessThanOrEqual(event.total);
    const phases = new Set(events.map((event) => event.phase));
    for (const phase of ['listing', 'referrals', 'files', 'done'] as const) expect(phases).toContain(phase);
    expect(events.at(-1)?.phase).toBe('done');
  });

  it('never has more requests in flight than its limit', async () => {
    const { fake, prefetcher } = await rig({ items: makeItems(10, 3), latencyMs: 25, maxConcurrency: 3 });
    const result = await prefetcher.refresh();
    expect(result.done).toBe(10 + 10 + 30);
    expect(fake.maxConcurrent).toBeLessThanOrEqual(3);
    expect(fake.maxConcurrent).toBeGreaterThanOrEqual(2);
  });

  it("with policy 'next' fetches only the first N rows of each list, and with 'none' nothing", async () => {
    const items = makeItems(9, 1);
    const next = await rig({ items, policy: { mode: 'next', rows: 2 } });
    const result = await next.prefetcher.refresh();
    const referralRows = items.filter((i) => i.kind === 'referrals').slice(0, 2);
    const triageRows = items.filter((i) => i.kind === 'triage').slice(0, 2);
    const expected = [...referralRows, ...triageRows].map((i) => i.ubrn).sort();
    expect(
      next.fake.requests
        .filter(isA005)
        .map((r) => r.path.slice(-12))
        .sort(),
    ).toEqual(expected);
    expect(next.fake.binaryRequests()).toHaveLength(4);
    expect(result).toMatchObject({ phase: 'done', total: 12, done: 12 });

    const none = await rig({ items, policy: { mode: 'none' } });
    expect((await none.prefetcher.refresh()).phase).toBe('idle');
    expect(none.fake.requests).toHaveLength(0);
  });
});

describe('only whole files are kept', () => {
  it('retries a connection dropped mid-body and stores the complete file, with no half file left anywhere', async () => {
    const items = makeItems(3, 2, 64 * 1024);
    const { fake, root, store, prefetcher } = await rig({
      items,
      fault: (request) => (request.path.endsWith('/att-1-1') && fake.binaryRequests('att-1-1').length === 1 ? 'drop-mid-body' : null),
    });
    const result = await prefetcher.refresh();
    expect(result).toMatchObject({ phase: 'done', failed: 0 });
    expect(fake.binaryRequests('att-1-1')).toHaveLength(2);
    const stored = await store.get(cacheKeys.attachment('att-1-1'));
    expect(Buffer.from(stored?.bytes ?? [])).toEqual(Buffer.from(items[1]?.attachments[1]?.bytes ?? []));
    expect(tempFiles(storeDirectory({ root, userId: USER, environment: 'local' }))).toEqual([]);
  });

  it('keeps nothing of a file that is always cut off and asks nothing for one over the limit; a whole file declared at another size is kept', async () => {
    const items = makeItems(2, 3, 4096);
    const [first, second] = items;
    if (!first || !second || !first.attachments[1] || !first.attachments[2]) throw new Error('fixture');
    first.attachments[1].declaredSize = 4096 + 1 + 10;
    first.attachments[2].bytes = bytesFor('big', 300 * 1024);
    const { fake, store, prefetcher } = await rig({
      items,
      maxFileBytes: 256 * 1024,
      fault: (request) => (request.path.endsWith('/att-1-0') ? 'drop-mid-body' : null),
    });
    const result = await prefetcher.refresh();

    expect(result).toMatchObject({ phase: 'done', total: 2 + 2 + 6, failed: 2, done: 8 });
    for (const id of ['att-1-0', 'att-0-2']) expect(await store.has(cacheKeys.attachment(id))).toBe(false);
    expect(fake.binaryRequests('att-1-0')).toHaveLength(3);
    expect(fake.binaryRequests('att-0-2')).toHaveLength(0);
    expect(await store.has(cacheKeys.attachment('att-0-0'))).toBe(true);
    // The declared size is metadata (NHS's sandbox declares 6 bytes for whole PDFs): the
    // transfer completed, Content-Length honoured, so the file is the file, fetched once.
    expect(fake.binaryRequests('att-0-1')).toHaveLength(1);
    expect(Buffer.from((await store.get(cacheKeys.attachment('att-0-1')))?.bytes ?? [])).toEqual(Buffer.from(first.attachments[1].bytes));
  });
});

describe('rate limits', () => {
  it('pauses the whole pool for Retry-After on a 429, then resumes and finishes', async () => {
    const items = makeItems(8, 2);
    let throttledAt: number | null = null;
    const { fake, rc, prefetcher, events } = await rig({
      items,
      latencyMs: 20,
      maxConcurrency: 4,
      fault: (request, index) => {
        if (index !== 30) return null;
        throttledAt = request.at;
        return { status: 429, headers: { 'Retry-After': '1' } };
      },
    });
    const result = await prefetcher.refresh();
    expect(result).toMatchObject({ phase: 'done', failed: 0, done: 8 + 8 + 16 });
    expect(throttledAt).not.toBeNull();
    const at = throttledAt ?? 0;
    // The 429 reaches the client after the 20 ms latency; nothing at all may go out for the next second.
    const during = fake.requests.filter((r) => r.at > at + 100 && r.at < at + 950);
    expect(during).toEqual([]);
    // Everything that went out later waited for the pause (how many depends on how busy the
    // machine was while the 429 travelled back, so count the whole rest, not a fixed number).
    const later = fake.requests.filter((r) => r.at > at + 100);
    expect(later.length).toBeGreaterThan(0);
    expect(later.every((r) => r.at >= at + 950)).toBe(true);
    expect(rc.snapshot()).toMatchObject({ throttleEvents: 1 });
    // One burst, one slow-down: the pool went on paced, at no more than e-RS had let through in the second before.
    expect(events.some((event) => event.phase === 'rate-limited')).toBe(true);
    expect(rc.ratePerSecond()).not.toBeNull();
    expect(rc.ratePerSecond()).toBeLessThanOrEqual(30);
  });

  it('learns a rate limit: few 429s, and most of the limit used', async () => {
    // A limit low enough that even a busy machine presses on it: the first unpaced burst
    // (six at a time, 20 ms answers) asks far faster than 20 a second.
    const limit = 20;
    const { fake, prefetcher, rc } = await rig({
      items: makeItems(14, 1, 1024),
      latencyMs: 20,
      rateLimitPerSecond: limit,
      maxConcurrency: 6,
    });
    const result = await prefetcher.refresh();
    expect(result).toMatchObject({ phase: 'done', failed: 0, done: 42 });
    const accepted = fake.requests.length - fake.throttled;
    const first = fake.requests[0]?.at ?? 0;
    const last = fake.requests.at(-1)?.at ?? 0;
    const ratePerSecond = accepted / ((last - first) / 1000);
    // e-RS pushed back, and not often.
    expect(fake.throttled).toBeGreaterThan(0);
    expect(fake.throttled).toBeLessThanOrEqual(15);
    // Most of the limit used: the pace the pool learnt from e-RS's answers, which is what
    // decides how fast it asks. (The rate it reached also depends on how much CPU the test
    // got: on a busy machine it can fall below 60% with the pace right, so it bounds only
    // from above.)
    expect(rc.ratePerSecond()).toBeGreaterThan(limit * 0.6);
    expect(rc.ratePerSecond()).toBeLessThanOrEqual(limit * 1.05);
    expect(ratePerSecond).toBeLessThanOrEqual(limit * 1.05);
  });
});

describe('never twice', () => {
  it('fetches nothing twice across two overlapping refreshes, and nothing at all after a restart', async () => {
    const items = makeItems(5, 2);
    const r = await rig({ items, latencyMs: 15 });
    const [a, b] = await Promise.all([r.prefetcher.refresh(), r.prefetcher.refresh()]);
    expect(a).toMatchObject({ phase: 'done', total: 20, done: 20 });
    expect(b).toEqual(a);
    for (const { a: attachment } of attachmentsOf(items)) expect(r.fake.binaryRequests(attachment.id)).toHaveLength(1);
    expect(r.fake.count(isA005)).toBe(5);
    expect(r.fake.count(isSummary)).toBe(5);

    const before = r.fake.requests.length;
    const again = await r.restart();
    const result = await again.prefetcher.refresh();
    expect(result).toMatchObject({ phase: 'done', total: 20, done: 20, fromCache: 20, bytes: 0 });
    const after = r.fake.requests.slice(before);
    expect(after.filter((req) => isA005(req) || isSummary(req) || isBinary(req))).toEqual([]);
  });

  it('resumes after an interruption, fetching only what it had not stored', async () => {
    const items = makeItems(10, 2);
    const r = await rig({ items, latencyMs: 20, maxConcurrency: 2 });
    void r.prefetcher.refresh();
    await waitFor(() => (r.events.at(-1)?.done ?? 0) >= 10);
    await r.prefetcher.cancel();
    expect(r.prefetcher.progress().phase).toBe('cancelled');
    const storedBefore = (await r.store.list('attachment/')).map((entry) => entry.key.slice('attachment/'.length));
    expect(storedBefore.length).toBeGreaterThan(0);
    expect(storedBefore.length).toBeLessThan(20);

    const again = await r.restart();
    const result = await again.prefetcher.refresh();
    expect(result).toMatchObject({ phase: 'done', failed: 0, total: 40, done: 40 });
    for (const id of storedBefore) expect(r.fake.binaryRequests(id)).toHaveLength(1);
    for (const { a } of attachmentsOf(items)) expect(await again.store.has(cacheKeys.attachment(a.id))).toBe(true);
  });
});

describe('what the user is looking at', () => {
  it('goes to the front of the queue', async () => {
    const items = makeItems(6, 3);
    const r = await rig({ items, latencyMs: 15, maxConcurrency: 1 });
    const done = r.prefetcher.refresh();
    await waitFor(() => r.fake.count(isBinary) >= 1);
    const mark = r.fake.requests.length;
    const target = ubrnOf(5);
    r.prefetcher.prioritise([cacheKeys.item('referral', target)]);
    await done;

    const after = r.fake.requests.slice(mark);
    expect(after.find(isA005)?.path.slice(-12)).toBe(target);
    const order = after.filter(isBinary).map((req) => req.path.split('/').at(-1) ?? '');
    const lastOfTarget = Math.max(...['att-5-0', 'att-5-1', 'att-5-2'].map((id) => order.indexOf(id)));
    const firstOfLater = Math.min(...['att-3-0', 'att-4-0'].map((id) => order.indexOf(id)));
    expect(lastOfTarget).toBeGreaterThanOrEqual(0);
    expect(lastOfTarget).toBeLessThan(firstOfLater);
  });

  it('starts nothing new while the user\u2019s own request runs', async () => {
    const r = await rig({ items: makeItems(4, 2), latencyMs: 10, maxConcurrency: 2 });
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const userRequest = r.prefetcher.foreground(() => gate);
    const done = r.prefetcher.refresh();
    await waitFor(() => r.fake.requests.length >= 2);
    // The lists are in and their items are queued: a prefetcher that did not wait for the
    // user would start them now, before the user's request below goes out.
    await waitFor(() => r.prefetcher.progress().total > 0);
    await roundTrip(r.fake);
    // Only the listing went out: no item was started while the user waited.
    expect(r.fake.requests.filter((req) => isA005(req) || isBinary(req))).toEqual([]);
    release();
    await userRequest;
    expect(await done).toMatchObject({ phase: 'done', done: 16 });
  });
});

describe('stops and outages', () => {
  it('cancel() stops at once, and a refresh after it does nothing', async () => {
    const r = await rig({ items: makeItems(10, 2), latencyMs: 30, maxConcurrency: 2 });
    void r.prefetcher.refresh();
    await waitFor(() => r.fake.count(isBinary) >= 1);
    await r.prefetcher.cancel();
    const count = r.fake.requests.length;
    // Round trips before and after the refresh: a request the prefetcher started after
    // cancel() would reach the server before the round trip's answer.
    await roundTrip(r.fake);
    await r.prefetcher.refresh();
    await roundTrip(r.fake);
    expect(r.fake.requests.filter((req) => !isRoundTrip(req)).length).toBe(count);
    expect(r.prefetcher.progress().phase).toBe('cancelled');
  });

  it('stops when the session ends, saying why, and carries on at the next refresh', async () => {
    let sessionEnded = true;
    const r = await rig({
      items: makeItems(3, 2),
      fault: (request) => (sessionEnded && request.path.endsWith('/att-1-0') ? { status: 401 } : null),
    });
    const stopped = await r.prefetcher.refresh();
    expect(stopped.phase).toBe('stopped');
    expect(stopped.message).toMatch(/session has ended.*Sign in again/);
    sessionEnded = false;
    const result = await r.prefetcher.refresh();
    expect(result).toMatchObject({ phase: 'done', failed: 0 });
    expect(await r.store.has(cacheKeys.attachment('att-1-0'))).toBe(true);
  });

  it('waits while e-RS is unreachable and carries on when the connection returns', async () => {
    const items = makeItems(6, 2);
    const r = await rig({
      items,
      latencyMs: 10,
      maxConcurrency: 2,
      connectivity: (url) => createConnectivity({ probe: createHttpProbe(url, { fetch: testFetch }), probeBaseMs: 100, probeMaxMs: 200 }),
    });
    const first = r.prefetcher.refresh();
    await waitFor(() => (r.events.at(-1)?.done ?? 0) >= 6);
    await r.fake.stop();
    const paused = await first;
    expect(paused.phase).toBe('offline');
    expect(paused.done).toBeLessThan(paused.total);
    const storedBefore = (await r.store.list('attachment/')).map((entry) => entry.key.slice('attachment/'.length));

    await r.fake.start();
    await waitFor(() => r.events.at(-1)?.phase === 'done');
    expect(r.prefetcher.progress()).toMatchObject({ phase: 'done', failed: 0, total: 24, done: 24 });
    for (const { a } of attachmentsOf(items)) expect(await r.store.has(cacheKeys.attachment(a.id))).toBe(true);
    for (const id of storedBefore) expect(r.fake.binaryRequests(id)).toHaveLength(1);
  });
});
