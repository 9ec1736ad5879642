import { describe, expect, it, vi } from 'vitest';
import { abortableSleep } from '../../../electron/offline/prefetch/abortable-sleep';
import { RateControl, rateControlledFetch } from '../../../electron/offline/prefetch/rate-control';

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

/**
 * Teaches `rc` that e-RS takes `limit` requests a second, as the app learns it: e-RS accepted
 * `limit` requests sent in the second before it answered one 429 (Retry-After 0, so nothing
 * pauses). The pace starts at 90% of the limit and holds at 96% of it from four seconds on
 * (for a minute): `advanceClock` moves the test's clock there (no real time passes).
 */
function learn(rc: RateControl, limit: number, advanceClock: (ms: number) => void): void {
  const refusedAt = rc.now();
  for (let i = limit; i >= 1; i -= 1) rc.success(refusedAt - (i * 900) / limit);
  rc.throttled(0, refusedAt);
  advanceClock(5000);
}

/** Slots a paced interval apart: each within the millisecond a timer may add, and no drift over them all. */
function expectPaced(slots: readonly number[], intervalMs: number): void {
  for (let i = 1; i < slots.length; i += 1) expect(Math.abs((slots[i] ?? 0) - (slots[i - 1] ?? 0) - intervalMs)).toBeLessThanOrEqual(1);
  expect(((slots.at(-1) ?? 0) - (slots[0] ?? 0)) / (slots.length - 1)).toBeCloseTo(intervalMs, 0);
}

describe('AIMD on the pool', () => {
  it('before e-RS has pushed back: starts at four, grows by one per window of successes, halves once per 429 burst', () => {
    const time = manualTime();
    const rc = new RateControl({ maxConcurrency: 8, now: time.now, sleep: time.sleep });
    expect(rc.concurrency()).toBe(4);
    // About one more for each window's worth of successes (1/4 each at four), never past the bound.
    for (let i = 0; i < 4; i += 1) rc.success();
    expect(rc.concurrency()).toBe(4);
    rc.success();
    expect(rc.concurrency()).toBe(5);
    for (let i = 0; i < 100; i += 1) rc.success();
    expect(rc.concurrency()).toBe(8);

    rc.throttled(1000);
    // The other answers of the same burst arrive within the pause: not another decrease.
    rc.throttled(1000);
    rc.throttled(null);
    expect(rc.concurrency()).toBe(4);
    expect(rc.snapshot()).toMatchObject({ throttleEvents: 1, throttledResponses: 3 });

    // Repeated bursts keep cutting, never below one.
    for (let burst = 0; burst < 5; burst += 1) {
      time.advance(2000);
      rc.throttled(0);
    }
    expect(rc.concurrency()).toBe(1);
    expect(rc.snapshot().throttleEvents).toBe(6);
  });

  it('paces at 90% of what e-RS accepted, climbs back to 96% of it, holds, and only then probes higher', async () => {
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
    expectPaced(slots, 1000 / 18);

    const at = (secondsAfterPause: number) => time.advance(pauseEnd + secondsAfterPause * 1000 - time.now());
    at(2);
    expect(rc.ratePerSecond()).toBeCloseTo(18 * 1.04, 5);
    at(10);
    expect(rc.ratePerSecond()).toBeCloseTo(20 * 0.96, 5);
    at(60);
    expect(rc.ratePerSecond()).toBeCloseTo(20 * 0.96, 5);
    // 96% reached after (19.2 / 18 - 1) / 2% = 3.33 s, held a minute, then 1% a second.
    at(3.3333 + 60 + 10);
    expect(rc.ratePerSecond()).toBeCloseTo(20 * 0.96 * 1.1, 2);
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

  it('takes the lowest count of the refusals in a burst that a transport saw, from the first one on', () => {
    const time = manualTime();
    const rc = new RateControl({ maxConcurrency: 8, now: time.now, sleep: time.sleep });
    const refused = time.now();
    // One accepted request sent just inside the second before the first refusal, 39 more well inside it.
    rc.observe(200, null, refused - 995);
    for (let i = 39; i >= 1; i -= 1) rc.observe(200, null, refused - i * 10);
    time.advance(2);
    rc.observe(429, '1', refused);
    expect(rc.ratePerSecond()).toBeCloseTo(40 * 0.9, 5);
    // Refused too, sent 10 ms later: its second leaves out the one at the edge. e-RS's window held the same, so 39 is the limit.
    rc.observe(429, '1', refused + 10);
    expect(rc.ratePerSecond()).toBeCloseTo(39 * 0.9, 5);
    // A refusal sent before the first (it arrived late) and the prefetcher's own word (a task's start, not a sending time) count nothing.
    rc.observe(429, '1', refused - 400);
    rc.throttled(1000, refused + 20);
    expect(rc.ratePerSecond()).toBeCloseTo(39 * 0.9, 5);
    // An answer still on its way, sent inside both seconds: each count rises.
    rc.observe(200, null, refused - 5);
    expect(rc.ratePerSecond()).toBeCloseTo(40 * 0.9, 5);
    expect(rc.snapshot()).toMatchObject({ throttleEvents: 1, throttledResponses: 4 });
  });

  it('refused while paced: keeps to what e-RS has accepted in a second since the pace started, not a thin second before the 429', () => {
    const time = manualTime();
    const rc = new RateControl({ maxConcurrency: 8, now: time.now, sleep: time.sleep });
    learn(rc, 40, time.advance);
    expect(rc.ratePerSecond()).toBeCloseTo(38.4, 5);
    const send = (count: number) => {
      for (let i = 0; i < count; i += 1) {
        time.advance(1000 / 38.4);
        rc.observe(200, null, time.now());
      }
    };
    // Three seconds at the pace, all accepted; then the PC stalls for a quarter of a second and sends 29 in the rest of it.
    send(115);
    time.advance(250);
    send(29);
    rc.observe(429, '1', time.now());
    // Not 29: e-RS took 39 a second until then. The pace that was refused is the ceiling now.
    expect(rc.ratePerSecond()).toBeCloseTo(38.4 * 0.9, 5);
    // e-RS's limit has fallen to 20: after the pause it takes 20, and refuses the next.
    time.advance(1000);
    send(20);
    rc.observe(429, '1', time.now());
    expect(rc.ratePerSecond()).toBeCloseTo(20 * 0.9, 5);
    expect(rc.snapshot().throttleEvents).toBe(3);
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

/** `tasks` tasks of one paced request each, every one holding its slot `latencyMs`, run one after another on the manual clock. */
async function runTasks(rc: RateControl, time: ReturnType<typeof manualTime>, tasks: number, latencyMs: number): Promise<void> {
  for (let i = 0; i < tasks; i += 1) {
    rc.taskStarted();
    await rc.acquire(undefined, true);
    const sentAt = time.now();
    time.advance(latencyMs);
    rc.observe(200, null, sentAt);
    rc.taskFinished();
  }
}

describe("Little's law: as many at once as the pace and the answers' time need", () => {
  it('rises when e-RS answers more slowly and falls back when it speeds up, within its bound', async () => {
    const time = manualTime();
    const rc = new RateControl({ maxConcurrency: 32, now: time.now, sleep: time.sleep });
    learn(rc, 40, time.advance);
    expect(rc.ratePerSecond()).toBeCloseTo(38.4, 5);
    // Nothing measured yet: the window (four to start with, grown by the successes, halved by the 429).
    expect(rc.concurrency()).toBe(4);
    await runTasks(rc, time, 64, 50);
    expect(rc.slotMsPerRequest()).toBeCloseTo(50, 5);
    // 38.4 a second x 50 ms x 2 = 3.84: four at once.
    expect(rc.concurrency()).toBe(4);
    await runTasks(rc, time, 64, 400);
    expect(rc.slotMsPerRequest()).toBeCloseTo(400, 5);
    // 38.4 x 0.4 s x 2 = 30.72.
    expect(rc.concurrency()).toBe(31);
    await runTasks(rc, time, 64, 100);
    expect(rc.concurrency()).toBe(8);

    // A caller that does not report its tasks (PDS's transport) has no slot time to measure: the window stands.
    const unreported = new RateControl({ maxConcurrency: 8, now: time.now, sleep: time.sleep });
    learn(unreported, 40, time.advance);
    for (let i = 0; i < 20; i += 1) await unreported.acquire(undefined, true);
    expect(unreported.slotMsPerRequest()).toBeNull();
    expect(unreported.concurrency()).toBe(4);

    const bounded = new RateControl({ maxConcurrency: 8, now: time.now, sleep: time.sleep });
    learn(bounded, 40, time.advance);
    await runTasks(bounded, time, 16, 2000);
    expect(bounded.concurrency()).toBe(8);
  });

  it('does not count the time a task waits for its paced slot as slot time', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    try {
      const rc = new RateControl({ maxConcurrency: 32, initialConcurrency: 10 });
      learn(rc, 10, (ms) => vi.advanceTimersByTime(ms));
      // Ten tasks take their slots at once and each waits its paced turn, about a tenth of a second apart.
      const tasks = Array.from({ length: 10 }, async () => {
        rc.taskStarted();
        await rc.acquire(undefined, true);
        await abortableSleep(20);
        rc.observe(200, null);
        rc.taskFinished();
      });
      await vi.runAllTimersAsync();
      await Promise.all(tasks);
      // Served for 20 ms each: the queueing in front of the pace is not e-RS's answer time.
      expect(rc.slotMsPerRequest()).toBeCloseTo(20, 5);
      expect(rc.concurrency()).toBe(1);
    } finally {
      vi.useRealTimers();
    }
  });

  it('falls on a 429: the pace drops to what e-RS let through, and concurrency with it', async () => {
    const time = manualTime();
    const rc = new RateControl({ maxConcurrency: 32, now: time.now, sleep: time.sleep });
    // Unpaced and unmeasured: the AIMD window, grown by successes.
    await runTasks(rc, time, 40, 200);
    const before = rc.concurrency();
    expect(before).toBeGreaterThan(4);
    // e-RS refuses after accepting the four sent in the second before (200 ms apart).
    rc.throttled(1000, time.now());
    expect(rc.pausedUntil()).toBe(time.now() + 1000);
    expect(rc.ratePerSecond()).toBeCloseTo(4 * 0.9, 5);
    // 3.6 a second x 200 ms x 2 = 1.44: two at once.
    expect(rc.concurrency()).toBe(2);
    expect(rc.concurrency()).toBeLessThan(before);
  });
});

describe('the token bucket', () => {
  it('never sends two requests closer than the pace, even when timers fire late, and makes up nothing after a gap', async () => {
    let now = 1_000_000;
    let late = 0;
    // Every sleep ends 10 ms after it should, as on a busy machine.
    const rc = new RateControl({
      maxConcurrency: 4,
      now: () => now,
      sleep: async (ms) => {
        now += ms + late;
      },
    });
    learn(rc, 40, (ms) => (now += ms));
    const slots: number[] = [];
    late = 10;
    for (let i = 0; i < 41; i += 1) {
      await rc.acquire();
      slots.push(now);
    }
    // A sliding one-second window never sees more than the pace: no pair closer than an interval.
    for (let i = 1; i < slots.length; i += 1) expect((slots[i] ?? 0) - (slots[i - 1] ?? 0)).toBeGreaterThanOrEqual(1000 / 38.4 - 1);
    // A long gap (nobody asked for a while) is not made up with a burst afterwards.
    now += 5000;
    late = 0;
    const after: number[] = [];
    for (let i = 0; i < 3; i += 1) {
      await rc.acquire();
      after.push(now);
    }
    expect((after[2] ?? 0) - (after[0] ?? 0)).toBeGreaterThanOrEqual(2 * (1000 / 38.4) - 1);
  });

  it('keeps its schedule through timers a few milliseconds late, so the pace is what it says', async () => {
    let now = 1_000_000;
    // Every sleep ends 3 ms after it should (after rounding up to a whole millisecond): the usual lateness of a timer.
    const rc = new RateControl({
      maxConcurrency: 4,
      now: () => now,
      sleep: async (ms) => {
        now += ms + 3;
      },
    });
    learn(rc, 40, (ms) => (now += ms));
    const interval = 1000 / 38.4;
    const slots: number[] = [];
    for (let i = 0; i < 200; i += 1) {
      await rc.acquire();
      slots.push(now);
    }
    // Each slot late, none of the lateness lost: 38.4 a second over five seconds (starting each interval afresh from a late slot sent 33.3).
    expect((slots.length - 1) / (((slots.at(-1) ?? 0) - (slots[0] ?? 0)) / 1000)).toBeCloseTo(38.4, 1);
    for (let i = 1; i < slots.length; i += 1) expect((slots[i] ?? 0) - (slots[i - 1] ?? 0)).toBeGreaterThanOrEqual(interval * 0.75);
    // No second holds more than the schedule allows: (1000 ms + a quarter interval) / interval, rounded up.
    const most = Math.ceil((1000 + interval / 4) / interval);
    for (const start of slots) expect(slots.filter((at) => at >= start && at < start + 1000).length).toBeLessThanOrEqual(most);
  });
});

describe('rateControlledFetch', () => {
  it("paces e-RS's requests and learns from them, but not the object store's download an attachment redirects to", async () => {
    const time = manualTime();
    const rc = new RateControl({ maxConcurrency: 4, now: time.now, sleep: time.sleep });
    learn(rc, 10, time.advance);
    const seen: { url: string; at: number }[] = [];
    const fetch = rateControlledFetch(
      async (url) => {
        seen.push({ url, at: time.now() });
        return new Response('', { status: url.includes('/Binary/') ? 307 : 200, headers: { location: 'http://127.0.0.1:2/object/1' } });
      },
      rc,
      'http://127.0.0.1:1/ers',
    );
    for (let i = 0; i < 3; i += 1) {
      await fetch('http://127.0.0.1:1/ers/FHIR/R4/Binary/1', {});
      await fetch('http://127.0.0.1:2/object/1', {});
    }
    const ers = seen.filter((s) => s.url.startsWith('http://127.0.0.1:1/'));
    const objects = seen.filter((s) => s.url.startsWith('http://127.0.0.1:2/'));
    // e-RS's three a paced slot apart; each download straight after its redirect, taking no slot.
    expectPaced(
      ers.map((s) => s.at),
      1000 / 9.6,
    );
    objects.forEach((o, i) => expect(o.at).toBe(ers[i]?.at));
  });
});

/**
 * A pool on the fake clock against a sliding-window limit like the NHS API platform's (and
 * the emulator's): a deterministic simulation, so it asserts outcomes, never timings of the
 * machine running it.
 */
async function simulate(options: {
  limit: number;
  latencyMs: (index: number) => number;
  tasks: number;
  maxConcurrency: number;
  /** How late the control's n-th timer fires, ms (0 unless given). */
  timerLateMs?: (n: number) => number;
}) {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
  try {
    let timers = 0;
    const late = options.timerLateMs ?? (() => 0);
    const rc = new RateControl({
      maxConcurrency: options.maxConcurrency,
      sleep: (ms, signal) => abortableSleep(ms + late((timers += 1)), signal),
    });
    const window: number[] = [];
    const accepted: number[] = [];
    const concurrencyAt: { index: number; concurrency: number }[] = [];
    let throttled = 0;
    let running = 0;
    let maxRunning = 0;
    let next = 0;
    let finished = 0;
    const queue: number[] = Array.from({ length: options.tasks }, (_, i) => i);
    let wake: (() => void) | null = null;
    const serve = (now: number): number | null => {
      while (window.length > 0 && (window[0] ?? 0) <= now - 1000) window.shift();
      if (window.length >= options.limit) return Math.max(1, Math.ceil(((window[0] ?? now) + 1000 - now) / 1000));
      window.push(now);
      return null;
    };
    const task = async (index: number) => {
      running += 1;
      maxRunning = Math.max(maxRunning, running);
      rc.taskStarted();
      try {
        await rc.acquire(undefined, true);
        const sentAt = Date.now();
        const retryAfter = serve(sentAt);
        await abortableSleep(options.latencyMs(next));
        if (retryAfter === null) {
          accepted.push(sentAt);
          rc.observe(200, null, sentAt);
          finished += 1;
        } else {
          throttled += 1;
          rc.observe(429, String(retryAfter), sentAt);
          queue.unshift(index);
        }
      } finally {
        rc.taskFinished();
        running -= 1;
        wake?.();
      }
    };
    const pool = (async () => {
      while (finished < options.tasks) {
        await rc.waitUntilOpen();
        while (queue.length > 0 && running < rc.concurrency()) {
          next += 1;
          if (next % 50 === 0) concurrencyAt.push({ index: next, concurrency: rc.concurrency() });
          void task(queue.shift() ?? 0);
        }
        await new Promise<void>((resolve) => (wake = resolve));
      }
    })();
    let done = false;
    void pool.finally(() => (done = true));
    for (let step = 0; !done && step < 100_000; step += 1) await vi.advanceTimersToNextTimerAsync();
    await pool;
    const spanSeconds = ((accepted.at(-1) ?? 0) - (accepted[0] ?? 0)) / 1000;
    return { rc, throttled, maxRunning, concurrencyAt, ratePerSecond: (accepted.length - 1) / spanSeconds };
  } finally {
    vi.useRealTimers();
  }
}

describe('the pool against a sliding-window rate limit (simulated)', () => {
  it('learns the limit and uses at least 93% of it with a handful of 429s, and runs more at once when answers slow down', async () => {
    // 1,500 requests at 40 a second: 50 ms answers, then from the 600th 300 ms ones. The
    // control's timers fire 0-3 ms late, as a PC's do; nothing tells it the limit.
    const result = await simulate({
      limit: 40,
      tasks: 1500,
      maxConcurrency: 16,
      latencyMs: (i) => (i < 600 ? 50 : 300),
      timerLateMs: (n) => (n * 7) % 4,
    });
    expect(result.throttled).toBeGreaterThan(0);
    expect(result.throttled).toBeLessThanOrEqual(10);
    expect(result.rc.snapshot().throttleEvents).toBeLessThanOrEqual(2);
    // Over the whole run, the first burst and its pause included.
    expect(result.ratePerSecond).toBeGreaterThanOrEqual(40 * 0.93);
    expect(result.ratePerSecond).toBeLessThanOrEqual(40);
    const early = result.concurrencyAt.filter((c) => c.index >= 300 && c.index < 600).map((c) => c.concurrency);
    const late = result.concurrencyAt.filter((c) => c.index >= 900).map((c) => c.concurrency);
    expect(Math.max(...early)).toBeLessThanOrEqual(4);
    expect(Math.min(...late)).toBeGreaterThanOrEqual(12);
    expect(result.maxRunning).toBeLessThanOrEqual(16);
  });
});
