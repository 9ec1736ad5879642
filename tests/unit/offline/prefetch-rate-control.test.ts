import { describe, expect, it } from 'vitest';
import { RateControl } from '../../../electron/offline/prefetch/rate-control';

/** A clock the test moves: sleeping advances it, so pacing can be read off exactly. */
function manualTime(start = 1_000_000) {
  let now = start;
  return {
    now: () => now,
    sleep: async (ms: number) => {
      now += ms;
    },
    advance: (ms: number) => {
      now += ms;
    },
  };
}

describe('AIMD on the pool', () => {
  it('halves concurrency once per 429 burst and brings it back slowly', () => {
    const time = manualTime();
    const rc = new RateControl({ maxConcurrency: 8, now: time.now, sleep: time.sleep });
    expect(rc.concurrency()).toBe(8);
    rc.throttled(1000);
    // The other answers of the same burst arrive within the pause: not another decrease.
    rc.throttled(1000);
    rc.throttled(null);
    expect(rc.concurrency()).toBe(4);
    expect(rc.snapshot()).toMatchObject({ throttleEvents: 1, throttledResponses: 3 });

    time.advance(1000);
    // A quarter of a request per window of successes: back to 5 only after about 4 x 4 of them.
    for (let i = 0; i < 15; i += 1) rc.success();
    expect(rc.concurrency()).toBe(4);
    for (let i = 0; i < 5; i += 1) rc.success();
    expect(rc.concurrency()).toBe(5);

    // Repeated bursts keep cutting, never below one.
    for (let burst = 0; burst < 5; burst += 1) {
      time.advance(2000);
      rc.throttled(0);
    }
    expect(rc.concurrency()).toBe(1);
    expect(rc.snapshot().throttleEvents).toBe(6);
  });

  it('paces at 90% of what e-RS accepted in the last second, then speeds up by 1% of that a second', async () => {
    const time = manualTime();
    const rc = new RateControl({ maxConcurrency: 8, now: time.now, sleep: time.sleep });
    expect(rc.ratePerSecond()).toBeNull();
    for (let i = 0; i < 20; i += 1) {
      rc.success();
      time.advance(10);
    }
    rc.throttled(1000);
    expect(rc.ratePerSecond()).toBeCloseTo(18, 5);

    // Nothing goes before the pause is over; then one slot every 1/18 s.
    const start = time.now();
    const slots: number[] = [];
    for (let i = 0; i < 5; i += 1) {
      await rc.acquire();
      slots.push(time.now() - start);
    }
    expect(slots[0]).toBe(1000);
    for (let i = 1; i < slots.length; i += 1) expect((slots[i] ?? 0) - (slots[i - 1] ?? 0)).toBeCloseTo(1000 / 18, 0);

    time.advance(10_000);
    expect(rc.ratePerSecond()).toBeCloseTo(18 * 1.1, 0);
  });

  it('honours Retry-After seen by a transport, and backs off by itself when e-RS gives none', async () => {
    const time = manualTime();
    const rc = new RateControl({ maxConcurrency: 4, now: time.now, sleep: time.sleep, backoffBaseMs: 1000 });
    rc.observe(200, null);
    rc.observe(429, '3');
    expect(rc.pausedUntil()).toBe(time.now() + 3000);
    await rc.waitUntilOpen();
    expect(rc.pausedUntil()).toBeNull();
    rc.success();

    rc.throttled(null);
    expect(rc.pausedUntil()).toBe(time.now() + 1000);
    time.advance(1000);
    rc.throttled(null);
    // No success in between: twice as long.
    expect(rc.pausedUntil()).toBe(time.now() + 2000);
    time.advance(2000);
    rc.success();
    rc.throttled(null);
    expect(rc.pausedUntil()).toBe(time.now() + 1000);

    // A 503 with Retry-After is e-RS asking for a pause too; one without is an outage, not a pace.
    time.advance(1000);
    rc.observe(503, null);
    expect(rc.pausedUntil()).toBeNull();
    rc.observe(503, '2');
    expect(rc.pausedUntil()).toBe(time.now() + 2000);
  });

  it('lets a wait be cancelled', async () => {
    const rc = new RateControl({ maxConcurrency: 2 });
    rc.throttled(60_000);
    const controller = new AbortController();
    const waiting = rc.acquire(controller.signal);
    controller.abort(new Error('signed out'));
    await expect(waiting).rejects.toThrow('signed out');
  });
});
