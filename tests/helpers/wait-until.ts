/**
 * Waits until a condition holds, checking it every few milliseconds, and fails with a
 * sentence after a time limit. For helpers that also run outside vitest (the bench drives
 * the app with them); inside a test, use vi.waitFor or expect.poll, which do the same.
 * The pause between checks is a poll interval, never a guess at how long something takes.
 */
import { setTimeout as pollInterval } from 'node:timers/promises';

export interface WaitUntilOptions {
  timeoutMs?: number;
  intervalMs?: number;
}

/** Resolves with the first truthy value `condition` returns. */
export async function waitUntil<T>(
  condition: () => T | Promise<T>,
  failure: () => string,
  options: WaitUntilOptions = {},
): Promise<NonNullable<T>> {
  const { timeoutMs = 10_000, intervalMs = 10 } = options;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await condition();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(failure());
    await pollInterval(intervalMs);
  }
}
