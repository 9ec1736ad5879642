/**
 * The prefetcher against the local e-RS emulator with its rate-limit fault on (a sliding
 * one-second window answered with 429 and Retry-After, as the NHS API platform does) and
 * slow answers: what it does, not how fast this machine is. It must finish, provoke only a
 * handful of 429s, never be paced above the limit, and run more requests at once than its
 * starting four, because slow answers need more at once to keep to the pace.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createConnectivity, createHttpProbe } from '../../../electron/offline/connectivity';
import { createPrefetcher, type PrefetchProgress, type PrefetchSources } from '../../../electron/offline/prefetch';
import { createErsPrefetchSources } from '../../../electron/offline/prefetch/ers-sources';
import { RateControl } from '../../../electron/offline/prefetch/rate-control';
import type { ErsClientOptions } from '../../../electron/ers/client';
import { CONSULTANT_UID } from '../../../local-env/src/users';
import { testFetch } from '../../helpers/fetch';
import { startTestEmulator, type TestEmulator } from '../../helpers/ers-emulator';
import { makeTempRoot } from '../../unit/offline/store-test-kit';
import { openStore } from './prefetch-fixtures';

let cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  cleanups = [];
});

const LIMIT = 10;
const LATENCY_MS = 500;
const REFERRALS = 12;

describe('prefetch against the e-RS emulator rate limit', () => {
  it('keeps under the limit with a handful of 429s and, with slow answers, runs more at once than it started with', async () => {
    const te: TestEmulator = await startTestEmulator();
    cleanups.push(() => te.close());
    const { root, cleanup } = makeTempRoot('prefetch-rate');
    cleanups.push(cleanup);
    const options: ErsClientOptions = {
      baseUrl: te.emulator.baseUrl,
      environment: 'local',
      getAccessToken: () => te.token(CONSULTANT_UID),
      getRole: () => ({ businessFunction: 'SERVICE_PROVIDER_CLINICIAN', organisationOds: 'R69', onBehalfOfUserId: null }),
      timeoutMs: 10_000,
      fetch: testFetch,
    };
    const store = await openStore(root);
    const rc = new RateControl({ maxConcurrency: 16 });
    const sources = createErsPrefetchSources(options, rc);
    const limited: PrefetchSources = {
      ...sources,
      // The first referrals of the list only: enough requests to press on the limit for a few seconds.
      async listWorklists(signal) {
        const lists = await sources.listWorklists(signal);
        return lists
          .filter((list) => list.kind !== 'advice')
          .map((list, i) => ({ ...list, rows: i === 0 ? list.rows.slice(0, REFERRALS) : [] }));
      },
    };
    const connectivity = createConnectivity({ probe: createHttpProbe(te.emulator.baseUrl, { fetch: testFetch }) });
    cleanups.push(() => connectivity.dispose());
    const events: PrefetchProgress[] = [];
    const prefetcher = createPrefetcher({
      ...limited,
      store,
      policy: { mode: 'all' },
      rateControl: rc,
      pacing: 'by-transport',
      connectivity,
      onProgress: (progress) => events.push(progress),
    });
    cleanups.push(() => prefetcher.cancel());

    te.emulator.setFaults({ latencyMs: LATENCY_MS, rateLimitPerSecond: LIMIT });
    const result = await prefetcher.refresh();

    expect(result).toMatchObject({ phase: 'done', failed: 0 });
    expect(result.done).toBeGreaterThanOrEqual(REFERRALS * 2);
    const operations = te.emulator.operations().filter((op) => op.operation !== 'OBJECT_STORE');
    const throttled = operations.filter((op) => op.fault === 'rate-limited').length;
    // It pressed on the limit (or it learnt nothing) but no storm: a handful of 429s, in one or two bursts.
    expect(throttled).toBeLessThanOrEqual(8);
    expect(rc.snapshot().throttleEvents).toBeLessThanOrEqual(2);
    // Paced at or under what e-RS allows, once it knew.
    const pace = rc.ratePerSecond();
    if (pace !== null) expect(pace).toBeLessThanOrEqual(LIMIT);
    // Half-second answers at ~10 a second need about five or more at once (Little's law), not the starting four.
    expect(rc.slotMsPerRequest()).toBeGreaterThanOrEqual(LATENCY_MS);
    expect(Math.max(...events.map((e) => e.concurrency))).toBeGreaterThan(4);
  });
});
