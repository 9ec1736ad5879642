/**
 * The one place a read chooses between e-RS and the offline copy. Every handler that shows
 * e-RS data (worklists, referrals, A&G requests, attachments, summaries, reference lists)
 * reads through here, so the choice is made the same way everywhere:
 *
 * - No offline session yet (before a role is chosen, or offline use turned off): e-RS is
 *   asked directly and the answer is fresh.
 * - With one: the read goes through the session's read-through cache (cached-reads.ts
 *   decides network-first or cache-first, and what "unreachable" means), as the user's own
 *   request, so the prefetch pool starts nothing new meanwhile; what the screen shows as
 *   data moves the offline banner's "showing data from" time.
 */
import type { CachedRead } from './cached-reads';
import type { OfflineSession } from './offline-session';

/** What a read came to: the value, when it came from e-RS, and whether it is a kept copy. */
export type SourcedValue<T> = Pick<CachedRead<T>, 'value' | 'stale' | 'fetchedAt'>;

export interface ReadSpec<T> {
  /** Ask e-RS. Through a session, the cache calls this to refresh its copy. */
  fetch: () => Promise<T>;
  /** The same read through the session's cache: one of its CachedReads, given `fetch`. */
  cached: (session: OfflineSession, fetch: () => Promise<T>) => Promise<SourcedValue<T>>;
  /** Store keys of what the user is opening, moved to the front of the prefetch queue first. */
  prioritise?: readonly string[];
  /** Runs as the user's own request, holding back the prefetch pool (default true). */
  foreground?: boolean;
  /** The screen shows this as data: the offline banner's "showing data from" follows it. */
  showsData?: boolean;
}

export interface SourcedRead<T> extends SourcedValue<T> {
  /** The offline session the read went through; null when e-RS was asked directly. */
  session: OfflineSession | null;
}

export type ReadSource = <T>(spec: ReadSpec<T>) => Promise<SourcedRead<T>>;

/** `offline` resolves to the signed-in user's offline session once it is open, else null. */
export function createReadSource(offline: () => Promise<OfflineSession | null>, now: () => Date = () => new Date()): ReadSource {
  return async function read<T>(spec: ReadSpec<T>): Promise<SourcedRead<T>> {
    const session = await offline();
    if (!session) return { value: await spec.fetch(), fetchedAt: now().toISOString(), stale: false, session: null };
    if (spec.prioritise) session.prefetcher.prioritise(spec.prioritise);
    const through = () => spec.cached(session, spec.fetch);
    const kept = spec.foreground === false ? await through() : await session.prefetcher.foreground(through);
    if (spec.showsData) session.noteDataFrom(kept.fetchedAt);
    return { value: kept.value, fetchedAt: kept.fetchedAt, stale: kept.stale, session };
  };
}
