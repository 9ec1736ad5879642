import { afterEach, describe, expect, it, vi } from 'vitest';
import { httpError, networkError, timeoutError } from '../../../electron/ers/ers-error';
import {
  createConnectivity,
  createHttpProbe,
  isUnreachableError,
  offlineBanner,
  type Connectivity,
  type ConnectivityStatus,
} from '../../../electron/offline/connectivity';
import { abortableSleep } from '../../../electron/offline/prefetch/abortable-sleep';
import { ersClient, makeItems, startFakeErs, ubrnOf, type FakeErs } from './prefetch-fixtures';
import { testFetch } from '../../helpers/fetch';

let cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  cleanups = [];
});

async function fakeErs(latencyMs = 0): Promise<FakeErs> {
  const fake = await startFakeErs({ items: makeItems(2, 1), latencyMs });
  cleanups.push(() => fake.close());
  return fake;
}

function monitor(
  probeUrl: string,
  extra: Partial<Parameters<typeof createConnectivity>[0]> = {},
): { connectivity: Connectivity; changes: ConnectivityStatus[]; delays: number[] } {
  const changes: ConnectivityStatus[] = [];
  const delays: number[] = [];
  const connectivity = createConnectivity({
    probe: createHttpProbe(probeUrl, { fetch: testFetch }),
    probeBaseMs: 40,
    probeMaxMs: 160,
    random: () => 0.5,
    sleep: (ms, signal) => {
      delays.push(ms);
      return abortableSleep(ms, signal);
    },
    ...extra,
  });
  connectivity.onChange((status) => changes.push(status));
  cleanups.push(() => connectivity.dispose());
  return { connectivity, changes, delays };
}

/** Waits until `condition` holds, checking every few milliseconds; fails after ten seconds. */
async function waitFor(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  await vi.waitFor(() => expect(condition(), 'the condition waited for').toBe(true), { timeout: timeoutMs, interval: 5 });
}

const quiet = (promise: Promise<unknown>) => promise.catch(() => undefined);

describe('what counts as unreachable, through the real e-RS client', () => {
  it('a 4xx or a 500 keeps the app online; a success records the time of the data', async () => {
    const fake = await fakeErs();
    const client = ersClient(fake.url, { retry: { maxAttempts: 1 } });
    const { connectivity, changes } = monitor(fake.url);

    await quiet(connectivity.track(() => client.getReferral({ ubrn: '000000099999' })));
    expect(connectivity.status()).toMatchObject({ state: 'online', lastSuccessAt: null });

    fake.fault = () => ({ status: 500 });
    await quiet(connectivity.track(() => client.getReferral({ ubrn: ubrnOf(0) })));
    expect(connectivity.isOnline()).toBe(true);

    fake.fault = null;
    const before = Date.now();
    await connectivity.track(() => client.getReferral({ ubrn: ubrnOf(0) }));
    expect(connectivity.status().lastSuccessAt).toBeGreaterThanOrEqual(before);
    expect(changes).toEqual([]);
  });

  for (const status of [502, 503, 504]) {
    it(`a ${status} takes the app offline`, async () => {
      const fake = await fakeErs();
      fake.fault = () => ({ status });
      const client = ersClient(fake.url, { retry: { maxAttempts: 1 } });
      const { connectivity, changes } = monitor(`${fake.url}/nowhere-probed`, { probeBaseMs: 10_000 });
      const before = Date.now();
      await quiet(connectivity.track(() => client.getReferral({ ubrn: ubrnOf(0) })));
      expect(connectivity.status()).toMatchObject({ state: 'offline' });
      expect(connectivity.status().offlineSince).toBeGreaterThanOrEqual(before);
      expect(changes.map((change) => change.state)).toEqual(['offline']);
    });
  }

  it('a refused connection takes the app offline', async () => {
    const fake = await fakeErs();
    await fake.stop();
    const client = ersClient(fake.url, { retry: { maxAttempts: 1 } });
    const { connectivity } = monitor(fake.url, { probeBaseMs: 10_000 });
    const error = await connectivity.track(() => client.getReferral({ ubrn: ubrnOf(0) })).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'ERS_NETWORK' });
    expect(connectivity.isOnline()).toBe(false);
  });

  it('a timeout takes the app offline', async () => {
    const fake = await fakeErs(400);
    const client = ersClient(fake.url, { retry: { maxAttempts: 1 }, timeoutMs: 50 });
    const { connectivity } = monitor(fake.url, { probeBaseMs: 10_000 });
    const error = await connectivity.track(() => client.getReferral({ ubrn: ubrnOf(0) })).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'ERS_TIMEOUT' });
    expect(connectivity.isOnline()).toBe(false);
  });

  it('classifies errors that do not come from the e-RS client too', () => {
    const context = { operation: 'A005' as const };
    expect(isUnreachableError(networkError(context, new Error('x')))).toBe(true);
    expect(isUnreachableError(timeoutError(context))).toBe(true);
    expect(isUnreachableError(httpError(504, null, context))).toBe(true);
    expect(isUnreachableError(httpError(429, null, context))).toBe(false);
    expect(isUnreachableError(httpError(401, null, context))).toBe(false);
    expect(isUnreachableError(httpError(500, null, context))).toBe(false);
    expect(
      isUnreachableError(new TypeError('fetch failed', { cause: Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }) })),
    ).toBe(true);
    expect(isUnreachableError(new Error('wrapped', { cause: Object.assign(new Error('reset'), { code: 'ECONNRESET' }) }))).toBe(true);
    expect(isUnreachableError(Object.assign(new Error('busy'), { status: 503 }))).toBe(true);
    // Electron's net.fetch, which the installed app uses, names Chromium's network errors.
    expect(isUnreachableError(new Error('net::ERR_CONNECTION_REFUSED'))).toBe(true);
    expect(isUnreachableError(new Error('net::ERR_PROXY_CONNECTION_FAILED'))).toBe(true);
    expect(isUnreachableError(new Error('net::ERR_INTERNET_DISCONNECTED'))).toBe(true);
    expect(isUnreachableError(new Error('net::ERR_CERT_AUTHORITY_INVALID'))).toBe(false);
    expect(isUnreachableError(new Error('a bug'))).toBe(false);
    expect(isUnreachableError('not even an error')).toBe(false);
  });
});

describe('the way back', () => {
  it('probes with growing waits while offline and comes back online when a probe gets through', async () => {
    const fake = await fakeErs();
    const { connectivity, changes, delays } = monitor(fake.url);
    await fake.stop();
    connectivity.reportFailure(networkError({ operation: 'A005' }, new Error('down')));
    expect(connectivity.status().nextProbeAt).not.toBeNull();

    await waitFor(() => connectivity.status().failedProbes >= 3);
    // Half fixed, half random (0.5 here): 30, 60, 120, then capped at 160 -> 120.
    expect(delays.slice(0, 4)).toEqual([30, 60, 120, 120]);
    expect(connectivity.isOnline()).toBe(false);

    await fake.start();
    await waitFor(() => connectivity.isOnline());
    expect(fake.count((request) => request.path === '/_ping')).toBeGreaterThanOrEqual(1);
    expect(changes.map((change) => change.state)).toEqual(['offline', 'online']);
    expect(connectivity.status()).toMatchObject({ state: 'online', offlineSince: null, nextProbeAt: null });
  });

  it('any answer from e-RS ends the outage at once, even a refusal', async () => {
    const { connectivity, changes } = monitor('http://127.0.0.1:9', { probeBaseMs: 10_000 });
    connectivity.reportFailure(networkError({ operation: 'A005' }, new Error('down')));
    expect(connectivity.isOnline()).toBe(false);
    expect(connectivity.reportFailure(httpError(404, null, { operation: 'A005' }))).toBe(false);
    expect(connectivity.isOnline()).toBe(true);
    connectivity.reportFailure(timeoutError({ operation: 'A005' }));
    connectivity.reportSuccess();
    expect(changes.map((change) => change.state)).toEqual(['offline', 'online', 'offline', 'online']);
  });

  it('stops probing once disposed', async () => {
    const probes: number[] = [];
    // Each wait between probes ends when the test wakes it, or when it is aborted: what
    // happens after dispose() is decided by the abort, not by how long the test watches.
    const waits: { signal: AbortSignal | undefined; wake: () => void; ended: Promise<'woken' | 'aborted'> }[] = [];
    const connectivity = createConnectivity({
      probe: async () => {
        probes.push(Date.now());
        throw Object.assign(new Error('down'), { code: 'ECONNREFUSED' });
      },
      probeBaseMs: 20,
      probeMaxMs: 20,
      sleep: (_ms, signal) => {
        let wake: () => void = () => undefined;
        const slept = new Promise<void>((resolve, reject) => {
          wake = resolve;
          if (signal?.aborted) reject(signal.reason);
          signal?.addEventListener('abort', () => reject(signal.reason), { once: true });
        });
        waits.push({
          signal,
          wake,
          ended: slept.then(
            () => 'woken' as const,
            () => 'aborted' as const,
          ),
        });
        return slept;
      },
    });
    connectivity.reportFailure(networkError({ operation: 'A005' }, new Error('down')));
    for (const n of [1, 2]) {
      await waitFor(() => waits.length === n);
      waits[n - 1]?.wake();
      await waitFor(() => probes.length === n);
    }
    // Probing on: the third wait has begun. dispose() ends it, and nothing follows.
    await waitFor(() => waits.length === 3);
    connectivity.dispose();
    expect(waits[2]?.signal?.aborted).toBe(true);
    expect(await waits[2]?.ended).toBe('aborted');
    waits[2]?.wake();
    expect(await connectivity.probeNow()).toBe(false);
    expect(probes.length).toBe(2);
    expect(waits).toHaveLength(3);
  });
});

describe('the HTTP probe', () => {
  it('takes any answer below 500 as e-RS being there', async () => {
    const fake = await fakeErs();
    const signal = AbortSignal.timeout(2000);
    await expect(createHttpProbe(fake.url, { fetch: testFetch })(signal)).resolves.toBeUndefined();
    await expect(createHttpProbe(fake.url, { fetch: testFetch, path: '/no-such-route' })(signal)).resolves.toBeUndefined();
    fake.fault = () => ({ status: 503 });
    const error = await createHttpProbe(fake.url, { fetch: testFetch })(signal).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ status: 503 });
    expect(isUnreachableError(error)).toBe(true);
    await fake.stop();
    const refused = await createHttpProbe(fake.url, { fetch: testFetch })(signal).catch((caught: unknown) => caught);
    expect(isUnreachableError(refused)).toBe(true);
  });
});

describe('the banner', () => {
  const offline = (offlineSince: number, lastSuccessAt: number | null): ConnectivityStatus => ({
    state: 'offline',
    offlineSince,
    lastSuccessAt,
    nextProbeAt: null,
    failedProbes: 0,
  });

  it('says since when, and how old the data is, in UK time', () => {
    const winter = offline(Date.UTC(2025, 0, 15, 10, 42), Date.UTC(2025, 0, 15, 10, 31));
    expect(offlineBanner(winter, { now: Date.UTC(2025, 0, 15, 11, 0) })).toBe('Offline since 10:42, showing data from 10:31');
    const summer = offline(Date.UTC(2025, 6, 15, 9, 42), Date.UTC(2025, 6, 15, 9, 31));
    expect(offlineBanner(summer, { now: Date.UTC(2025, 6, 15, 10, 0) })).toBe('Offline since 10:42, showing data from 10:31');
  });

  it('names the day when it is not today, and uses the data time it is given', () => {
    const status = offline(Date.UTC(2025, 0, 15, 10, 42), Date.UTC(2025, 0, 15, 10, 31));
    expect(offlineBanner(status, { now: Date.UTC(2025, 0, 15, 12, 0), dataFrom: Date.UTC(2025, 0, 14, 16, 5) })).toBe(
      'Offline since 10:42, showing data from 14 Jan 16:05',
    );
    expect(offlineBanner(status, { now: Date.UTC(2025, 0, 16, 8, 0) })).toBe('Offline since 15 Jan 10:42, showing data from 15 Jan 10:31');
    expect(offlineBanner(offline(Date.UTC(2025, 0, 15, 10, 42), null), { now: Date.UTC(2025, 0, 15, 11, 0) })).toBe(
      'Offline since 10:42; nothing from e-RS has been saved on this computer yet',
    );
    expect(offlineBanner({ ...status, state: 'online', offlineSince: null })).toBeNull();
  });
});
