/**
 * When and how long to wait before asking e-RS again. e-RS asks callers to back off
 * exponentially on 429 and to honour Retry-After on 503; full jitter keeps many desktops
 * that failed together from retrying together.
 */
export interface RetryPolicy {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  baseDelayMs: number;
  /** The ceiling of one backoff delay. */
  maxDelayMs: number;
  /** The longest Retry-After the app will sit through; longer means "come back later". */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 4,
  baseDelayMs: 500,
  maxDelayMs: 8_000,
  maxRetryAfterMs: 30_000,
};

/** Statuses that say "not now" rather than "no". */
const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([429, 502, 503, 504]);

export function isRetryableStatus(status: number): boolean {
  return RETRYABLE_STATUSES.has(status);
}

/** Full jitter: uniformly random in [0, min(cap, base * 2^retry)). `retry` counts from 0. */
export function backoffDelayMs(retry: number, policy: RetryPolicy, random: () => number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retry);
  const r = Math.min(Math.max(random(), 0), 1);
  return Math.floor(r * ceiling);
}

const SECONDS = /^\s*(\d{1,10})\s*$/;

/**
 * Retry-After as milliseconds from now: delta-seconds or an HTTP date (RFC 9110 10.2.3).
 * A date in the past means "now" (0); anything unreadable is ignored (null).
 */
export function parseRetryAfterMs(value: string | null, nowMs: number): number | null {
  if (value === null) return null;
  const seconds = SECONDS.exec(value);
  if (seconds?.[1] !== undefined) return Number(seconds[1]) * 1000;
  // Only the HTTP-date forms: Date.parse alone would accept things like "2".
  if (!/[a-z]{3}/i.test(value)) return null;
  const at = Date.parse(value);
  if (Number.isNaN(at)) return null;
  return Math.max(0, at - nowMs);
}
