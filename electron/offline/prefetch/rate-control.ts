/**
 * How hard the prefetcher may press on e-RS: how fast (a paced token bucket) and how many
 * at once (Little's law), learnt from e-RS's own answers.
 *
 * e-RS (through the NHS API platform) answers 429 with Retry-After when a client asks too
 * often. Honouring that per request is not enough for a pool: the other workers would keep
 * asking and collect 429s of their own. So a 429 closes one gate for the whole pool until
 * Retry-After has passed, and the pool slows down for what follows.
 *
 * Pace. Requests are paced one slot at a time (a token bucket holding one token, so there
 * is never a burst to push a sliding-window limit over). Nothing tells the app its e-RS
 * rate limit beforehand, so the pool is unpaced until e-RS first pushes back; then it is
 * paced at 90% of the rate e-RS accepted in the second before it (what a rate limit lets
 * through is what got through just before it bit; counted by when requests were sent, so
 * answers still on their way count too, and when a transport saw several refused in one
 * burst, the lowest of their counts; refused again while paced, the most it accepted in a
 * second since, never above the pace it refused), climbing back to 96% of that within a few
 * seconds, holding there, and only after a minute without a 429 creeping higher (1% a
 * second) to find out whether the limit rose. Each 429 costs a whole Retry-After (a second
 * at least) with nothing sent, so running just under the limit delivers more than running
 * into it again. How far under: e-RS counts requests as they arrive, and arrivals bunch
 * (a busy network or server holds some back and lets them through together), so the
 * request after a second's worth has to be sent with room to spare: 42 ms at 96%, 31 ms at
 * 97%. Replaying the arrival times of seven bench runs at a steady pace, 97% met a 429 in
 * two of the four on a quiet machine and 96% in none (under heavier load, neither escaped).
 *
 * Concurrency. Once paced, the pool needs as many requests at once as the pace times how
 * long each one holds its slot (Little's law, L = λW), doubled for variation.
 * W is measured, not assumed: the time tasks spent in their slots (`taskStarted` and
 * `taskFinished`), minus the time they spent waiting for a paced slot or a pause, divided
 * by the paced requests they sent, over the last requests. So slower answers (or a slow
 * download behind each request) bring more at once, faster ones fewer, and a 429, which
 * lowers the pace, lowers it too. Before the first 429 (unpaced) it is AIMD: a window that
 * grows by one for each window's worth of successes and halves on each 429 burst. Always
 * between 1 and `maxConcurrency`.
 *
 * A burst is one event however many requests it failed: answers to requests already on the
 * wire arrive inside the pause, or within a moment of the first, and are not counted again.
 */
import type { FetchLike } from '../../ers/http';
import { parseRetryAfterMs } from '../../ers/retry-policy';
import { abortableSleep, type Sleep } from './abortable-sleep';

export interface RateControlOptions {
  /** Never more requests than this at once. */
  maxConcurrency: number;
  /** Requests at once before anything is measured; default 4 (or `maxConcurrency` if lower). */
  initialConcurrency?: number;
  /** Epoch ms (Retry-After may be an HTTP date). */
  now?: () => number;
  sleep?: Sleep;
  /** Pause after a 429 without Retry-After; doubles with each such burst in a row. */
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** The longest Retry-After honoured; past it the pool tries again anyway. */
  maxPauseMs?: number;
}

export interface RateControlSnapshot {
  concurrency: number;
  /** Requests a second the pool is paced to; null while unpaced. */
  ratePerSecond: number | null;
  /** Measured slot time per paced request (Little's law's W), ms; null until measured. */
  slotMsPerRequest: number | null;
  /** Epoch ms until which nothing is sent; null when open. */
  pausedUntil: number | null;
  /** 429 bursts, each counted once. */
  throttleEvents: number;
  /** Every 429 (or 503 with Retry-After) answer seen. */
  throttledResponses: number;
}

const CONCURRENCY_DECREASE = 0.5;
const RATE_KEPT = 0.9;
const RATE_RECOVERY_PER_SECOND = 0.02;
const PLATEAU = 0.96;
const HOLD_MS = 60_000;
const RATE_PROBE_PER_SECOND = 0.01;
const MIN_RATE = 0.2;
const MAX_RATE = 1000;
const BURST_MS = 250;
/** A slot granted this share of an interval late, or less, keeps the schedule. */
const LATE_KEPT = 0.25;
const WINDOW_MS = 1000;
/** How long sending times of successes are kept: a window plus answers still on their way. */
const HISTORY_MS = 5000;
/**
 * Little's law, doubled: answers and downloads vary (and a busy PC's event loop lags), and a
 * paced slot that comes while every task is still busy is lost. More at once cannot raise
 * the rate above the pace; it only keeps a task waiting for each slot.
 */
const HEADROOM = 2;
/** W is measured over this many paced requests... */
const W_SAMPLES = 64;
/** ...and trusted once this many have gone. */
const W_MIN_SAMPLES = 8;

/** What e-RS accepted of the requests sent in the second before one it refused. */
interface Refusal {
  /** Sending times in (from, to] were in e-RS's window when it refused the request sent at `to`. */
  from: number;
  to: number;
  accepted: number;
}

interface Burst {
  /** The first refusal's window, then those of refusals in the same burst sent after it (seen by a transport). */
  refusals: Refusal[];
  /** The pace when it refused; null if unpaced. */
  pace: number | null;
  /** When paced: the most requests e-RS accepted in one second since the pace last started (0 if unpaced). */
  lately: number;
}

/** The running total of slot time, and paced requests sent, at one grant. */
interface Mark {
  busyMs: number;
  grants: number;
}

export class RateControl {
  readonly #max: number;
  readonly #now: () => number;
  readonly #sleep: Sleep;
  readonly #backoffBaseMs: number;
  readonly #backoffMaxMs: number;
  readonly #maxPauseMs: number;
  #window: number;
  #rateBase: number | null = null;
  #ceiling: number | null = null;
  #rateSince = 0;
  #burst: Burst | null = null;
  #nextSlot = 0;
  #pausedUntil = 0;
  #lastEventAt = -Infinity;
  #consecutive = 0;
  #events = 0;
  #throttledResponses = 0;
  readonly #successes: number[] = [];
  // Little's law: slot time (tasks in slots, less those waiting for a slot or a pause) per paced request.
  #busy = 0;
  #waiting = 0;
  #busyMs = 0;
  #busySince = 0;
  #grants = 0;
  /** Only a caller that reports its tasks has a slot time to measure. */
  #tasksReported = false;
  readonly #marks: Mark[] = [];

  constructor(options: RateControlOptions) {
    if (!Number.isInteger(options.maxConcurrency) || options.maxConcurrency < 1)
      throw new RangeError('maxConcurrency must be a whole number of at least 1.');
    this.#max = options.maxConcurrency;
    this.#window = Math.max(1, Math.min(this.#max, options.initialConcurrency ?? 4));
    this.#now = options.now ?? Date.now;
    this.#sleep = options.sleep ?? abortableSleep;
    this.#backoffBaseMs = options.backoffBaseMs ?? 1000;
    this.#backoffMaxMs = options.backoffMaxMs ?? 60_000;
    this.#maxPauseMs = options.maxPauseMs ?? 5 * 60_000;
    this.#busySince = this.#now();
  }

  /** This control's clock, for callers that stamp when they sent a request. */
  now(): number {
    return this.#now();
  }

  /** Requests the pool may have at once now. */
  concurrency(): number {
    const rate = this.ratePerSecond();
    const slotMs = this.slotMsPerRequest();
    const target = rate !== null && slotMs !== null ? Math.ceil((rate * slotMs * HEADROOM) / 1000) : Math.floor(this.#window);
    return Math.max(1, Math.min(this.#max, target));
  }

  /** Little's law's W: how long a paced request holds a slot, on average over the last ones (ms); null until measured. */
  slotMsPerRequest(): number | null {
    const first = this.#marks[0];
    const last = this.#marks.at(-1);
    if (!this.#tasksReported || first === undefined || last === undefined || last.grants - first.grants < W_MIN_SAMPLES) return null;
    return (last.busyMs - first.busyMs) / (last.grants - first.grants);
  }

  /** Requests a second the pool is paced to; null until e-RS first pushed back. */
  ratePerSecond(): number | null {
    if (this.#rateBase === null || this.#ceiling === null) return null;
    const seconds = Math.max(0, this.#now() - this.#rateSince) / 1000;
    const plateau = Math.max(this.#rateBase, this.#ceiling * PLATEAU);
    const recovering = this.#rateBase * (1 + RATE_RECOVERY_PER_SECOND * seconds);
    if (recovering < plateau) return Math.min(MAX_RATE, recovering);
    const reached = (plateau / this.#rateBase - 1) / RATE_RECOVERY_PER_SECOND;
    const probing = seconds - reached - HOLD_MS / 1000;
    return Math.min(MAX_RATE, probing <= 0 ? plateau : plateau * (1 + RATE_PROBE_PER_SECOND * probing));
  }

  pausedUntil(): number | null {
    return this.#pausedUntil > this.#now() ? this.#pausedUntil : null;
  }

  /** A task took a slot of the pool (its requests count towards W from now). */
  taskStarted(): void {
    this.#tasksReported = true;
    this.#account();
    this.#busy += 1;
  }

  /** A task gave its slot back. */
  taskFinished(): void {
    this.#account();
    this.#busy = Math.max(0, this.#busy - 1);
  }

  /** Waits out a pause, without taking a paced slot (for callers whose transport paces itself). */
  async waitUntilOpen(signal?: AbortSignal): Promise<void> {
    for (;;) {
      const wait = this.#pausedUntil - this.#now();
      if (wait <= 0) return;
      await this.#sleep(Math.ceil(wait), signal);
    }
  }

  /**
   * Waits until one more request may go: the pause is over and its paced slot has come.
   * `inSlot`: the caller is a task holding a pool slot (a transport pacing its requests), so
   * its wait is not counted as slot time.
   */
  async acquire(signal?: AbortSignal, inSlot = false): Promise<void> {
    for (;;) {
      const now = this.#now();
      const rate = this.ratePerSecond();
      const wait = Math.max(this.#pausedUntil - now, rate === null ? 0 : this.#nextSlot - now);
      if (wait <= 0) {
        // A slot granted up to a quarter of an interval late keeps the schedule (the next one
        // comes that much sooner); one granted later starts the next interval from when it
        // went, and nothing is ever saved up. Timers fire a millisecond or three late, more on
        // a busy PC, and starting every interval afresh from a late slot (only a millisecond
        // was forgiven) lost about 4% of the pace in the bench: paced at 37.8 a second, it sent
        // 36. Making up whole late slots (a saved token) sent pairs close together, and e-RS's
        // sliding window counted them. Kept to a quarter, two requests are never closer than
        // three quarters of an interval, and any T ms hold at most (T + a quarter interval) /
        // interval of them, rounded up.
        if (rate !== null) {
          const interval = 1000 / rate;
          this.#nextSlot = (now - this.#nextSlot <= interval * LATE_KEPT ? this.#nextSlot : now) + interval;
        }
        this.#grant();
        return;
      }
      // Whole milliseconds: a timer of a fraction of one may fire with the clock unmoved.
      if (inSlot) await this.#waitInSlot(Math.ceil(wait), signal);
      else await this.#sleep(Math.ceil(wait), signal);
    }
  }

  /** e-RS accepted a request sent at `sentAt` (epoch ms; now if not known). */
  success(sentAt = this.#now()): void {
    this.#successes.push(sentAt);
    this.#trim();
    this.#consecutive = 0;
    this.#window = Math.min(this.#max, this.#window + 1 / this.#window);
    const burst = this.#burst;
    if (!burst) return;
    // Accepted inside a window that filled up: the limit is at least this much higher.
    const inside = burst.refusals.filter((refusal) => sentAt > refusal.from && sentAt <= refusal.to);
    for (const refusal of inside) refusal.accepted += 1;
    if (inside.length > 0) this.#learn(burst);
  }

  /** e-RS asked the app to slow down, waiting `retryAfterMs` if it said how long. */
  throttled(retryAfterMs: number | null, sentAt = this.#now()): void {
    this.#refused(retryAfterMs, sentAt, false);
  }

  /** For a transport that sees every answer: what the status of a request sent at `sentAt` says about the pace. */
  observe(status: number, retryAfterHeader: string | null, sentAt = this.#now()): void {
    const retryAfter = parseRetryAfterMs(retryAfterHeader, this.#now());
    if (status === 429 || (status === 503 && retryAfter !== null)) this.#refused(retryAfter, sentAt, true);
    else if (status < 500) this.success(sentAt);
  }

  /** `exact`: `sentAt` is when this very request went (a transport's word), not when its task began. */
  #refused(retryAfterMs: number | null, sentAt: number, exact: boolean): void {
    const now = this.#now();
    this.#throttledResponses += 1;
    const told = retryAfterMs !== null && Number.isFinite(retryAfterMs);
    const sameBurst = now < this.#pausedUntil || now - this.#lastEventAt < BURST_MS;
    if (sameBurst) {
      // Only e-RS's own word lengthens a pause already running; a guess does not.
      if (told) this.#pausedUntil = Math.max(this.#pausedUntil, now + Math.min(Math.max(0, retryAfterMs), this.#maxPauseMs));
      // Another refusal says again that e-RS's window was full, one counted from a later
      // second: the lowest count is kept. Counting by sending times is off by one now and
      // then (an answer sent at the window's edge that took longer, or shorter, to arrive),
      // and one too many costs another 429 and its whole pause later on; one too few costs
      // a request a second. A refusal sent before the first one is not counted: a late
      // arrival, its second held less of the burst than e-RS's did.
      const burst = this.#burst;
      const first = burst?.refusals[0];
      if (exact && burst && first && sentAt >= first.to) {
        burst.refusals.push(this.#refusal(sentAt));
        this.#learn(burst);
      }
      return;
    }
    const pause = told
      ? Math.min(Math.max(0, retryAfterMs), this.#maxPauseMs)
      : Math.min(this.#backoffMaxMs, this.#backoffBaseMs * 2 ** this.#consecutive);
    this.#pausedUntil = Math.max(this.#pausedUntil, now + pause);
    this.#lastEventAt = now;
    this.#events += 1;
    this.#consecutive += 1;
    const pace = this.ratePerSecond();
    const burst: Burst = { refusals: [this.#refusal(sentAt)], pace, lately: pace === null ? 0 : this.#mostInASecond(this.#rateSince) };
    this.#burst = burst;
    this.#rateSince = now + pause;
    this.#learn(burst);
    this.#window = Math.max(1, this.#window * CONCURRENCY_DECREASE);
  }

  snapshot(): RateControlSnapshot {
    return {
      concurrency: this.concurrency(),
      ratePerSecond: this.ratePerSecond(),
      slotMsPerRequest: this.slotMsPerRequest(),
      pausedUntil: this.pausedUntil(),
      throttleEvents: this.#events,
      throttledResponses: this.#throttledResponses,
    };
  }

  /** The accepted requests sent in the second before `sentAt`, as far as their answers are in. */
  #refusal(sentAt: number): Refusal {
    this.#trim();
    const from = sentAt - WINDOW_MS;
    return { from, to: sentAt, accepted: this.#successes.filter((at) => at > from && at <= sentAt).length };
  }

  /** The most accepted requests sent within one second of each other, of those sent since `since` (as far back as the history goes). */
  #mostInASecond(since: number): number {
    this.#trim();
    const sent = this.#successes.filter((at) => at >= since).sort((a, b) => a - b);
    let most = 0;
    for (let first = 0, last = 0; last < sent.length; last += 1) {
      while ((sent[first] ?? 0) <= (sent[last] ?? 0) - WINDOW_MS) first += 1;
      most = Math.max(most, last - first + 1);
    }
    return most;
  }

  /**
   * The pace after a burst, from what e-RS let through in the windows that filled up. Paced,
   * a refusal never leaves the ceiling above the pace it refused (so each one lowers the
   * plateau by at least its margin), but the second before it may have been a thin one: a
   * PC that stalls sends less, and the requests it had granted reach e-RS late and together.
   * So the ceiling is what e-RS has accepted in a second since the pace last started, when
   * that is more. Had e-RS's limit fallen, the next refusal comes within a second or two of
   * the pause, and since then e-RS has accepted only what the new limit lets through.
   */
  #learn(burst: Burst): void {
    const accepted = Math.max(Math.min(...burst.refusals.map((refusal) => refusal.accepted)), burst.lately);
    if (accepted > 0) {
      this.#ceiling = Math.max(MIN_RATE, Math.min(accepted, burst.pace ?? Infinity));
    } else if (burst.pace !== null) {
      // Refused with nothing let through while paced: the limit is well below the pace.
      this.#ceiling = Math.max(MIN_RATE, burst.pace * CONCURRENCY_DECREASE);
    } else {
      return;
    }
    this.#rateBase = Math.max(MIN_RATE, this.#ceiling * RATE_KEPT);
  }

  /** Sleeps as a task that holds a slot but is not being served: that time is not slot time. */
  async #waitInSlot(ms: number, signal?: AbortSignal): Promise<void> {
    this.#account();
    this.#waiting += 1;
    try {
      await this.#sleep(ms, signal);
    } finally {
      this.#account();
      this.#waiting -= 1;
    }
  }

  #grant(): void {
    this.#grants += 1;
    this.#marks.push({ busyMs: this.#busyTotal(), grants: this.#grants });
    if (this.#marks.length > W_SAMPLES) this.#marks.shift();
  }

  /** Slot time so far: tasks in slots, less those waiting, integrated over time. */
  #busyTotal(): number {
    this.#account();
    return this.#busyMs;
  }

  #account(): void {
    const now = this.#now();
    this.#busyMs += Math.max(0, this.#busy - this.#waiting) * Math.max(0, now - this.#busySince);
    this.#busySince = now;
  }

  #trim(): void {
    const since = this.#now() - HISTORY_MS;
    while (this.#successes.length > 0 && (this.#successes[0] ?? 0) <= since) this.#successes.shift();
  }
}

/**
 * Puts every e-RS request of a client through `control`: each waits for its paced slot and
 * each answer informs the pace. The client's own retries are requests too, so pacing them
 * here (not per prefetched item) keeps the count honest. Requests to another origin (the
 * object store an attachment redirects to) are not e-RS's to count: they wait out a pause
 * but take no paced slot and say nothing about e-RS's limit.
 */
export function rateControlledFetch(fetch: FetchLike, control: RateControl, ersOrigin?: string): FetchLike {
  return async (input, init) => {
    if (ersOrigin !== undefined && !sameOrigin(input, ersOrigin)) {
      await control.waitUntilOpen(init.signal ?? undefined);
      return fetch(input, init);
    }
    await control.acquire(init.signal ?? undefined, true);
    const sentAt = control.now();
    const response = await fetch(input, init);
    control.observe(response.status, response.headers.get('retry-after'), sentAt);
    return response;
  };
}

function sameOrigin(url: string, origin: string): boolean {
  try {
    return new URL(url).origin === new URL(origin).origin;
  } catch {
    return false;
  }
}
