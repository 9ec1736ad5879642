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

  it('paces at 90% of what e-RS accepted, climbs back to 97% of it, holds, and only then probes higher', async () => {
    const time = manualTime();
    const rc = new RateControl({ maxConcurrency: 8, now: time.now, sleep: time.sleep });
    expect(rc.ratePerSecond()).toBeNull();
    for (let i = 0; i < 20; i += 1) {
      rc.success();
      time.advance(10);
    }
    rc.throttled(1000);
    const pauseEnd = time.now() + 1000;
    expect(rc.ratePerSecond()).toBeCloseTo(18, 5);

    // Nothing goes before the pause is over; then one slot every 1/18 s or so.
    const slots: number[] = [];
    for (let i = 0; i < 5; i += 1) {
      await rc.acquire();
      slots.push(time.now());
    }
    expect(slots[0]).toBe(pauseEnd);
    for (let i = 1; i < slots.length; i += 1) expect((slots[i] ?? 0) - (slots[i - 1] ?? 0)).toBeCloseTo(1000 / 18, 0);

    const at = (secondsAfterPause: number) => time.advance(pauseEnd + secondsAfterPause * 1000 - time.now());
    at(2);
    expect(rc.ratePerSecond()).toBeCloseTo(18 * 1.04, 5);
    at(10);
    expect(rc.ratePerSecond()).toBeCloseTo(20 * 0.97, 5);
    at(60);
    expect(rc.ratePerSecond()).toBeCloseTo(20 * 0.97, 5);
    // 97% reached after (19.4 / 18 - 1) / 2% = 3.89 s, held a minute, then 1% a second.
    at(3.8889 + 60 + 10);
    expect(rc.ratePerSecond()).toBeCloseTo(20 * 0.97 * 1.1, 2);
  });

  it('counts requests by when they were sent, so answers still on their way when e-RS refused count too', () => {
    const time = manualTime();
    const rc = new RateControl({ maxConcurrency: 8, now: time.now, sleep: time.sleep });
    const sent: number[] = [];
    for (let i = 0; i < 30; i += 1) {
      sent.push(time.now());
      time.advance(10);
    }
    // 24 answers are in when the first 429 (sent after all 30) arrives; 6 arrive during the pause.
    for (const at of sent.slice(0, 24)) rc.success(at);
    rc.throttled(1000, time.now() - 5);
    expect(rc.ratePerSecond()).toBeCloseTo(24 * 0.9, 5);
    time.advance(50);
    for (const at of sent.slice(24)) rc.success(at);
    expect(rc.ratePerSecond()).toBeCloseTo(30 * 0.9, 5);
    // An answer to something sent after the refusal says nothing about that window.
    rc.success(time.now());
    expect(rc.ratePerSecond()).toBeCloseTo(30 * 0.9, 5);
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
