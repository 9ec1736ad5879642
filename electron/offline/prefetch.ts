/**
 * Background prefetch: after sign-in and on each refresh, the details, clinical information
 * PDF and attachments of the items on the current worklists are saved into the encrypted
 * store, so they can be read when e-RS cannot be reached.
 *
 * - What is already stored is never fetched again: names are versioned or content-addressed
 *   (prefetch/cache-keys.ts), so a resumed run (after a restart, a sign-out, an outage) asks
 *   only for what is missing. Overlapping refreshes share one pool and one set of names seen,
 *   and a file someone else is already downloading is joined, not fetched again.
 * - A bounded pool, paced by what e-RS accepts (prefetch/rate-control.ts): as many requests
 *   at once as the pace and e-RS's answer times need (Little's law), a 429 pauses the whole
 *   pool for its Retry-After and slows it afterwards.
 * - What the user is looking at goes first (`prioritise`) and the pool starts nothing new
 *   while the user's own request runs (`foreground`), so prefetch never competes with it.
 * - Only whole files are kept (prefetch/fetched-file.ts); a cut-off download is retried.
 * - When e-RS becomes unreachable the pool stops and waits for the connection to return
 *   (told by the connectivity monitor, or by trying again later without one), then carries
 *   on where it stopped. A session that ended or a full disk stops it until the next refresh.
 */
import type { WorklistKind } from '../../contract';
import { AppError } from '../app-error';
import { silentLogger, type Logger } from '../log/logger';
import { httpStatusOf, isUnreachableError, type ConnectivityReporter } from './connectivity';
import type { EncryptedStore } from './encrypted-store';
import { abortableSleep, type Sleep } from './prefetch/abortable-sleep';
import { cacheKeys, familyOf, isAttachmentId, isUbrn, isVersion, kindOfFamily, parseItemKey, type ItemFamily } from './prefetch/cache-keys';
import { DEFAULT_MAX_FILE_BYTES, downloadAndKeep, type FileDescription, type PrefetchFile } from './prefetch/fetched-file';
import { createFileFetches, type FileFetches } from './prefetch/in-flight';
import { prefetchErrors } from './prefetch/prefetch-errors';
import { RateControl } from './prefetch/rate-control';
import { TaskQueue } from './prefetch/task-queue';

export type { PrefetchFile } from './prefetch/fetched-file';

/** Everything on the lists, the first `rows` of each list, or nothing. */
export type PrefetchPolicy = { mode: 'all' } | { mode: 'next'; rows: number } | { mode: 'none' };

export interface PrefetchRow {
  ubrn: string;
  version: string;
}

export interface PrefetchList {
  kind: WorklistKind;
  rows: readonly PrefetchRow[];
}

/** The part of an attachment listed on a referral that prefetch needs. */
export interface PrefetchAttachment {
  id: string | null;
  title: string;
  contentType: string;
  size: number | null;
  available: boolean;
}

/** The part of a referral (or A&G request) view prefetch reads; the whole view is stored. */
export interface PrefetchDetails {
  ubrn: string;
  version: string;
  attachments: readonly PrefetchAttachment[];
}

export interface PrefetchItem {
  kind: WorklistKind;
  ubrn: string;
}

/** Where prefetched things come from; prefetch/ers-sources.ts makes these from the e-RS client. */
export interface PrefetchSources {
  listWorklists(signal: AbortSignal): Promise<readonly PrefetchList[]>;
  /** The referral (or, for 'advice', the A&G request); stored whole, as JSON. */
  fetchReferral(item: PrefetchItem, signal: AbortSignal): Promise<PrefetchDetails>;
  /** A007, or for 'advice' the request overview (A043). */
  fetchClinicalInformation(item: PrefetchItem & { version: string }, signal: AbortSignal): Promise<PrefetchFile>;
  fetchAttachment(attachment: PrefetchItem & { attachmentId: string }, signal: AbortSignal): Promise<PrefetchFile>;
}

export interface PrefetcherDeps extends PrefetchSources {
  store: EncryptedStore;
  policy: PrefetchPolicy;
  /** Most requests at once (the pool adapts below it); default 24. Ignored when `rateControl` is given (it has its own). */
  maxConcurrency?: number;
  /** Larger files are not kept; default 50 MB. */
  maxFileBytes?: number;
  /** Tries per item for failures that may pass (a cut-off download, one network error); default 3. */
  maxAttempts?: number;
  /** Pass one shared with the sources' transport (see prefetch/ers-sources.ts). */
  rateControl?: RateControl;
  /** 'by-transport' when the sources' transport already paces each request through `rateControl`. */
  pacing?: 'per-item' | 'by-transport';
  connectivity?: ConnectivityReporter;
  /** Share with the read-through helpers so a file is never downloaded twice at once. */
  fileFetches?: FileFetches;
  onProgress?: (progress: PrefetchProgress) => void;
  now?: () => number;
  sleep?: Sleep;
  random?: () => number;
  logger?: Logger;
  /** Different items failing as unreachable in a row before the pool stops for the connection; default 3. */
  unreachableThreshold?: number;
}

export type PrefetchPhase =
  | 'idle'
  | 'listing'
  /** Fetching details (and the files of those already known). */
  | 'referrals'
  | 'files'
  /** Paused for e-RS's Retry-After. */
  | 'rate-limited'
  /** Waiting for e-RS to be reachable again. */
  | 'offline'
  | 'done'
  /** Stopped until the next refresh; `message` says why. */
  | 'stopped'
  | 'cancelled';

export interface PrefetchProgress {
  phase: PrefetchPhase;
  /** Things to have offline, found so far; done + failed + those still to do. */
  total: number;
  /** Stored now or already stored. */
  done: number;
  /** Could not be stored (refused, too large, or failed every try); tried again at the next run. */
  failed: number;
  /** Of `done`, those that were already stored. */
  fromCache: number;
  /** Bytes downloaded. */
  bytes: number;
  concurrency: number;
  pausedUntil: number | null;
  /** A sentence for the user when stopped. */
  message: string | null;
}

export interface Prefetcher {
  /** Lists the worklists and fetches what is missing; resolves when the work settles (done, offline, stopped or cancelled). */
  refresh(): Promise<PrefetchProgress>;
  /**
   * Moves these to the front, first key first, ahead of anything prioritised before. Store
   * keys (cacheKeys.attachment, .summary, .details) or cacheKeys.item(family, ubrn) for
   * everything of one item, fetched even if it is on no list. Keys not known yet are
   * remembered and go first when found.
   */
  prioritise(keys: readonly string[]): void;
  /** Runs the user's own request while the pool starts nothing new. */
  foreground<T>(work: () => Promise<T>): Promise<T>;
  progress(): PrefetchProgress;
  /** Sign-out: stops everything; resolves once nothing more will be written. */
  cancel(): Promise<void>;
}

type TaskType = 'details' | 'summary' | 'attachment';

interface Task {
  /** Details: the details key at the row's version (item key when unknown); files: the store key. */
  key: string;
  type: TaskType;
  kind: WorklistKind;
  ubrn: string;
  /** The item's version: for details the row's, which the answer may overtake. */
  version: string | null;
  attachment: PrefetchAttachment | null;
  rank: number;
  urgency: number;
  attempts: number;
  throttles: number;
}

type FailureClass = 'throttled' | 'unreachable' | 'halt' | 'permanent';

const RANK_STRIDE = 1024;
/**
 * The most requests at once; the pool runs as many as the pace and e-RS's answer times need
 * (prefetch/rate-control.ts): 40 a second with 0.4 s answers and downloads (a slow trust
 * network, or a busy PC) needs about 20. It bounds the files held in memory too.
 */
export const DEFAULT_MAX_CONCURRENCY = 24;
const MAX_THROTTLES = 20;
const HALTING_CODES = new Set([
  'OFFLINE_DISK_FULL',
  'OFFLINE_WRITE_FAILED',
  'OFFLINE_READ_FAILED',
  'OFFLINE_KEY_UNAVAILABLE',
  'OFFLINE_KEY_REJECTED',
  'OFFLINE_STORE_CLOSED',
  'ERS_NO_ROLE',
]);

const MAX_REMEMBERED = 1000;

/** Keeps the most recent wishes only: the user looks at a few things, not thousands. */
function remember(map: Map<string, number>, key: string, level: number): void {
  map.delete(key);
  map.set(key, level);
  const oldest = map.keys().next();
  if (map.size > MAX_REMEMBERED && !oldest.done) map.delete(oldest.value);
}

function retryAfterOf(error: unknown): number | null {
  const value = typeof error === 'object' && error !== null ? (error as Record<string, unknown>).retryAfterMs : undefined;
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : null;
}

function classify(error: unknown): FailureClass {
  const status = httpStatusOf(error);
  if (status === 429 || (status === 503 && retryAfterOf(error) !== null)) return 'throttled';
  if (status === 401) return 'halt';
  if (error instanceof AppError) {
    if (HALTING_CODES.has(error.code)) return 'halt';
  }
  return isUnreachableError(error) ? 'unreachable' : 'permanent';
}

function errorCode(error: unknown): string {
  return error instanceof AppError ? error.code : error instanceof Error ? error.name : 'UNKNOWN';
}

function attachmentOf(value: unknown): PrefetchAttachment | null {
  if (typeof value !== 'object' || value === null) return null;
  const a = value as Record<string, unknown>;
  return {
    id: typeof a.id === 'string' ? a.id : null,
    title: typeof a.title === 'string' ? a.title : '',
    contentType: typeof a.contentType === 'string' ? a.contentType : 'application/octet-stream',
    size: typeof a.size === 'number' && Number.isInteger(a.size) && a.size >= 0 ? a.size : null,
    available: a.available === true,
  };
}

/** Details as prefetch needs them, or null when `value` is not the item asked for. */
export function readDetails(value: unknown, ubrn: string): PrefetchDetails | null {
  if (typeof value !== 'object' || value === null) return null;
  const d = value as Record<string, unknown>;
  if (d.ubrn !== ubrn || !isVersion(d.version) || !Array.isArray(d.attachments)) return null;
  const attachments: PrefetchAttachment[] = [];
  for (const item of d.attachments) {
    const attachment = attachmentOf(item);
    if (attachment) attachments.push(attachment);
  }
  return { ubrn, version: d.version, attachments };
}

export function createPrefetcher(deps: PrefetcherDeps): Prefetcher {
  return new PoolPrefetcher(deps);
}

class PoolPrefetcher implements Prefetcher {
  readonly #deps: PrefetcherDeps;
  readonly #store: EncryptedStore;
  readonly #rc: RateControl;
  readonly #files: FileFetches;
  readonly #now: () => number;
  readonly #sleep: Sleep;
  readonly #random: () => number;
  readonly #logger: Logger;
  readonly #maxFileBytes: number;
  readonly #maxAttempts: number;
  readonly #threshold: number;
  readonly #controller = new AbortController();
  readonly #queue = new TaskQueue<Task>();
  /** Queued, running, or waiting to be retried. */
  readonly #tasks = new Map<string, Task>();
  /** Names this run has taken up, so overlapping refreshes neither fetch nor count one twice. */
  readonly #seen = new Set<string>();
  readonly #urgentKeys = new Map<string, number>();
  readonly #urgentItems = new Map<string, number>();
  #urgency = 0;
  #counts = { total: 0, done: 0, failed: 0, fromCache: 0, bytes: 0 };
  #detailsPending = 0;
  #running = 0;
  #delayed = 0;
  #discovering = 0;
  #listing = 0;
  #foregroundCount = 0;
  #dispatching = false;
  #offline = false;
  #listFailed = false;
  #halted = false;
  #cancelled = false;
  #message: string | null = null;
  readonly #unreachableStreak = new Set<string>();
  #offlineRetries = 0;
  #ranOnce = false;
  #waiters: ((progress: PrefetchProgress) => void)[] = [];
  #drained: (() => void)[] = [];
  readonly #unsubscribe: () => void;

  constructor(deps: PrefetcherDeps) {
    this.#deps = deps;
    this.#store = deps.store;
    this.#now = deps.now ?? Date.now;
    this.#sleep = deps.sleep ?? abortableSleep;
    this.#random = deps.random ?? Math.random;
    this.#logger = deps.logger ?? silentLogger;
    this.#rc =
      deps.rateControl ??
      new RateControl({ maxConcurrency: deps.maxConcurrency ?? DEFAULT_MAX_CONCURRENCY, now: this.#now, sleep: this.#sleep });
    this.#files = deps.fileFetches ?? createFileFetches();
    this.#maxFileBytes = deps.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
    this.#maxAttempts = Math.max(1, deps.maxAttempts ?? 3);
    this.#threshold = Math.max(1, deps.unreachableThreshold ?? 3);
    const connectivity = deps.connectivity;
    this.#offline = connectivity ? !connectivity.isOnline() : false;
    this.#unsubscribe = connectivity
      ? connectivity.onChange((status) => {
          if (status.state === 'online') this.#leaveOffline();
          else if (this.#pendingWork() > 0) this.#enterOffline();
          else this.#offline = true;
        })
      : () => undefined;
  }

  // --- public API -----------------------------------------------------------------------

  async refresh(): Promise<PrefetchProgress> {
    if (this.#cancelled || this.#deps.policy.mode === 'none') return this.progress();
    if (this.#halted) {
      this.#halted = false;
      this.#message = null;
    }
    if (this.#pendingWork() === 0) this.#newRun();
    this.#listing += 1;
    this.#emit();
    const lists = await this.#list();
    this.#listing -= 1;
    if (lists) {
      this.#discovering += 1;
      try {
        await this.#discover(lists);
      } catch (error) {
        this.#halt(error);
      } finally {
        this.#discovering -= 1;
      }
    }
    this.#dispatch();
    this.#changed();
    return this.#whenSettled();
  }

  prioritise(keys: readonly string[]): void {
    if (this.#cancelled || keys.length === 0) return;
    this.#urgency += keys.length + 1;
    const top = this.#urgency;
    keys.forEach((key, index) => {
      const level = top - index;
      const item = parseItemKey(key);
      if (item) this.#prioritiseItem(item.family, item.ubrn, level);
      else {
        const task = this.#tasks.get(key);
        if (task) this.#bump(task, level);
        else if (!this.#seen.has(key)) remember(this.#urgentKeys, key, level);
      }
    });
    this.#dispatch();
  }

  async foreground<T>(work: () => Promise<T>): Promise<T> {
    this.#foregroundCount += 1;
    try {
      return await work();
    } finally {
      this.#foregroundCount -= 1;
      this.#dispatch();
    }
  }

  progress(): PrefetchProgress {
    return {
      phase: this.#phase(),
      ...this.#counts,
      concurrency: this.#rc.concurrency(),
      pausedUntil: this.#rc.pausedUntil(),
      message: this.#message,
    };
  }

  async cancel(): Promise<void> {
    if (!this.#cancelled) {
      this.#cancelled = true;
      this.#controller.abort(new AppError('PREFETCH_CANCELLED', 'Saving for offline use was stopped.'));
      this.#unsubscribe();
      for (const task of this.#tasks.values()) if (task.type === 'details') this.#detailsPending -= 1;
      this.#queue.clear();
      this.#tasks.clear();
      this.#logger.info('offline.prefetch.cancelled', { done: this.#counts.done, total: this.#counts.total });
      this.#changed();
    }
    if (this.#busy() === 0) return;
    await new Promise<void>((resolve) => this.#drained.push(resolve));
  }

  // --- listing and discovery ------------------------------------------------------------

  async #list(): Promise<readonly PrefetchList[] | null> {
    for (let attempt = 1; ; attempt += 1) {
      const sentAt = this.#rc.now();
      try {
        const lists = await this.#deps.listWorklists(this.#controller.signal);
        this.#listFailed = false;
        this.#succeeded(sentAt);
        return lists;
      } catch (error) {
        if (this.#cancelled) return null;
        const failure = classify(error);
        if (failure === 'throttled' && attempt < MAX_THROTTLES) {
          this.#rc.throttled(retryAfterOf(error), sentAt);
          this.#emit();
          if (!(await this.#wait(() => this.#rc.waitUntilOpen(this.#controller.signal)))) return null;
          continue;
        }
        if (failure === 'unreachable' && attempt < this.#maxAttempts && !this.#offline) {
          if (!(await this.#wait(() => this.#sleep(this.#backoffMs(attempt), this.#controller.signal)))) return null;
          continue;
        }
        this.#logger.warn('offline.prefetch.list-failed', { code: errorCode(error), failure });
        if (failure === 'unreachable') {
          this.#listFailed = true;
          this.#deps.connectivity?.reportFailure(error);
          this.#enterOffline();
        } else {
          this.#halt(error instanceof AppError ? error : prefetchErrors.listFailed());
        }
        return null;
      }
    }
  }

  async #discover(lists: readonly PrefetchList[]): Promise<void> {
    const policy = this.#deps.policy;
    const selected: { kind: WorklistKind; row: PrefetchRow; rank: number }[] = [];
    lists.forEach((list, listIndex) => {
      const rows = policy.mode === 'next' ? list.rows.slice(0, Math.max(0, Math.floor(policy.rows))) : list.rows;
      // The top of every list before the rest of any.
      rows.forEach((row, rowIndex) => selected.push({ kind: list.kind, row, rank: (rowIndex * lists.length + listIndex) * RANK_STRIDE }));
    });
    selected.sort((a, b) => a.rank - b.rank);
    for (const { kind, row, rank } of selected) {
      if (this.#cancelled) return;
      await this.#addItem(kind, row.ubrn, isVersion(row.version) ? row.version : null, rank, 0);
    }
  }

  async #addItem(kind: WorklistKind, ubrn: string, version: string | null, rank: number, urgency: number): Promise<void> {
    if (!isUbrn(ubrn)) return;
    const family = familyOf(kind);
    const key = version === null ? cacheKeys.item(family, ubrn) : cacheKeys.details(family, ubrn, version);
    if (this.#seen.has(key)) return;
    this.#seen.add(key);
    this.#counts.total += 1;
    const level = Math.max(urgency, this.#urgentItems.get(`${family}:${ubrn}`) ?? 0);
    if (version !== null && (await this.#store.has(key))) {
      const details = await this.#readStoredDetails(key, ubrn);
      if (details) {
        this.#counts.done += 1;
        this.#counts.fromCache += 1;
        await this.#addChildren(kind, details, rank, level);
        this.#emit();
        return;
      }
    }
    if (this.#cancelled) return;
    this.#enqueue({ key, type: 'details', kind, ubrn, version, attachment: null, rank, urgency: level, attempts: 0, throttles: 0 });
  }

  async #addChildren(kind: WorklistKind, details: PrefetchDetails, rank: number, urgency: number): Promise<void> {
    const family = familyOf(kind);
    const base = { kind, ubrn: details.ubrn, version: details.version, urgency, attempts: 0, throttles: 0 };
    await this.#addFile({
      ...base,
      key: cacheKeys.summary(family, details.ubrn, details.version),
      type: 'summary',
      attachment: null,
      rank: rank + 1,
    });
    let index = 0;
    for (const attachment of details.attachments) {
      if (!attachment.available || !isAttachmentId(attachment.id)) continue;
      index += 1;
      await this.#addFile({
        ...base,
        key: cacheKeys.attachment(attachment.id),
        type: 'attachment',
        attachment,
        rank: rank + 1 + Math.min(index, RANK_STRIDE - 2),
      });
    }
  }

  async #addFile(task: Task): Promise<void> {
    if (this.#seen.has(task.key) || this.#cancelled) return;
    this.#seen.add(task.key);
    this.#counts.total += 1;
    if (await this.#store.has(task.key)) {
      this.#counts.done += 1;
      this.#counts.fromCache += 1;
      return;
    }
    const declared = task.attachment?.size ?? null;
    if (declared !== null && declared > this.#maxFileBytes) {
      // Refused before a byte is asked for.
      this.#counts.failed += 1;
      this.#logger.info('offline.prefetch.refused', { type: task.type, reason: 'too-large' });
      return;
    }
    this.#enqueue(task);
  }

  async #readStoredDetails(key: string, ubrn: string): Promise<PrefetchDetails | null> {
    const stored = await this.#store.get(key);
    if (!stored) return null;
    try {
      return readDetails(JSON.parse(new TextDecoder().decode(stored.bytes)), ubrn);
    } catch {
      return null;
    }
  }

  // --- the queue ------------------------------------------------------------------------

  #enqueue(task: Task): void {
    task.urgency = Math.max(
      task.urgency,
      this.#urgentKeys.get(task.key) ?? 0,
      this.#urgentItems.get(`${familyOf(task.kind)}:${task.ubrn}`) ?? 0,
    );
    this.#urgentKeys.delete(task.key);
    if (task.type === 'details') this.#detailsPending += 1;
    this.#tasks.set(task.key, task);
    this.#queue.put(task.key, task, { urgency: task.urgency, rank: task.rank });
    this.#dispatch();
  }

  #bump(task: Task, level: number): void {
    if (level <= task.urgency) return;
    task.urgency = level;
    if (this.#queue.has(task.key)) this.#queue.put(task.key, task, { urgency: level, rank: task.rank });
  }

  #prioritiseItem(family: ItemFamily, ubrn: string, level: number): void {
    remember(this.#urgentItems, `${family}:${ubrn}`, level);
    let known = false;
    for (const task of this.#tasks.values()) {
      if (task.ubrn !== ubrn || familyOf(task.kind) !== family) continue;
      known = true;
      this.#bump(task, level);
    }
    const itemKey = cacheKeys.item(family, ubrn);
    const seen = known || this.#seen.has(itemKey) || [...this.#seen].some((key) => key.startsWith(cacheKeys.detailsPrefix(family, ubrn)));
    if (!seen) {
      // Not on any list prefetch knows: fetch its current version, ahead of everything.
      if (this.#pendingWork() === 0) this.#newRun();
      this.#discovering += 1;
      void this.#addItem(kindOfFamily(family), ubrn, null, 0, level).finally(() => {
        this.#discovering -= 1;
        this.#changed();
      });
    }
  }

  #canStart(): boolean {
    return (
      !this.#cancelled &&
      !this.#halted &&
      !this.#offline &&
      this.#foregroundCount === 0 &&
      this.#queue.size > 0 &&
      this.#running < this.#rc.concurrency()
    );
  }

  #dispatch(): void {
    if (this.#dispatching || !this.#canStart()) return;
    this.#dispatching = true;
    void this.#dispatchLoop();
  }

  async #dispatchLoop(): Promise<void> {
    try {
      while (this.#canStart()) {
        // The task is picked only once its slot has come, so whatever is most urgent by then goes.
        try {
          if (this.#deps.pacing === 'by-transport') await this.#rc.waitUntilOpen(this.#controller.signal);
          else await this.#rc.acquire(this.#controller.signal);
        } catch {
          return;
        }
        if (!this.#canStart()) continue;
        const task = this.#queue.pop();
        if (task) void this.#execute(task);
      }
    } finally {
      // Cleared before the loop's promise settles, so a wake-up in between is not lost.
      this.#dispatching = false;
    }
  }

  async #execute(task: Task): Promise<void> {
    this.#running += 1;
    this.#rc.taskStarted();
    this.#emit();
    const startedAt = this.#rc.now();
    try {
      if (task.type === 'details') {
        const { details, fetched } = await this.#runDetails(task);
        this.#finish(task, fetched, startedAt);
        this.#discovering += 1;
        try {
          await this.#addChildren(task.kind, details, task.rank, task.urgency);
        } catch (error) {
          this.#halt(error);
        } finally {
          this.#discovering -= 1;
        }
      } else {
        this.#finish(task, await this.#runFile(task), startedAt);
      }
    } catch (error) {
      this.#failed(task, error, startedAt);
    } finally {
      this.#rc.taskFinished();
      this.#running -= 1;
      this.#dispatch();
      this.#changed();
    }
  }

  /** `fetched` is false when someone else stored it meanwhile. */
  async #runDetails(task: Task): Promise<{ details: PrefetchDetails; fetched: boolean }> {
    const signal = this.#controller.signal;
    if (task.version !== null && (await this.#store.has(task.key))) {
      const stored = await this.#readStoredDetails(task.key, task.ubrn);
      if (stored) return { details: stored, fetched: false };
    }
    const view: unknown = await this.#deps.fetchReferral({ kind: task.kind, ubrn: task.ubrn }, signal);
    const details = readDetails(view, task.ubrn);
    if (!details) throw prefetchErrors.malformed();
    const bytes = new TextEncoder().encode(JSON.stringify(view));
    const family = familyOf(task.kind);
    const key = cacheKeys.details(family, task.ubrn, details.version);
    await this.#store.put(key, bytes, {
      type: 'details',
      kind: task.kind,
      ubrn: task.ubrn,
      referralVersion: details.version,
      contentType: 'application/json',
      fetchedAt: this.#now(),
    });
    // e-RS may have moved on since the list was read: the newer version is now known too.
    this.#seen.add(key);
    this.#counts.bytes += bytes.byteLength;
    return { details, fetched: true };
  }

  /** False when someone else stored it meanwhile. */
  async #runFile(task: Task): Promise<boolean> {
    if (await this.#store.has(task.key)) return false;
    const description: FileDescription = {
      type: task.type === 'summary' ? 'summary' : 'attachment',
      kind: task.kind,
      ubrn: task.ubrn,
      referralVersion: task.version ?? '',
      attachmentId: task.attachment?.id ?? null,
      declaredSize: task.attachment?.size ?? null,
      title: task.attachment?.title || null,
      declaredContentType: task.attachment?.contentType ?? null,
    };
    const signal = this.#controller.signal;
    const item = { kind: task.kind, ubrn: task.ubrn };
    const { file, notKept } = await this.#files.run(task.key, () =>
      downloadAndKeep(
        () =>
          task.type === 'summary'
            ? this.#deps.fetchClinicalInformation({ ...item, version: description.referralVersion }, signal)
            : this.#deps.fetchAttachment({ ...item, attachmentId: description.attachmentId ?? '' }, signal),
        description,
        {
          now: this.#now,
          maxBytes: this.#maxFileBytes,
          put: (bytes, meta) => this.#store.put(task.key, bytes, meta),
          logger: this.#logger,
        },
      ),
    );
    // Thrown here, outside the shared download, so a viewer that joined it still has the file.
    if (notKept !== null) throw notKept;
    this.#counts.bytes += file.bytes.byteLength;
    return true;
  }

  #finish(task: Task, fetched: boolean, startedAt: number): void {
    this.#forget(task);
    this.#counts.done += 1;
    if (fetched) this.#succeeded(startedAt);
    else this.#counts.fromCache += 1;
  }

  #forget(task: Task): void {
    if (this.#tasks.get(task.key) !== task) return;
    this.#tasks.delete(task.key);
    this.#queue.remove(task.key);
    if (task.type === 'details') this.#detailsPending -= 1;
  }

  /** A request sent at `sentAt` got through. */
  #succeeded(sentAt: number): void {
    this.#unreachableStreak.clear();
    this.#offlineRetries = 0;
    if (this.#deps.pacing !== 'by-transport') this.#rc.success(sentAt);
    this.#deps.connectivity?.reportSuccess();
  }

  #failed(task: Task, error: unknown, sentAt: number): void {
    if (this.#cancelled) return;
    const failure = classify(error);
    switch (failure) {
      case 'throttled':
        this.#rc.throttled(retryAfterOf(error), sentAt);
        task.throttles += 1;
        if (task.throttles > MAX_THROTTLES) this.#give(task, error);
        else this.#requeue(task);
        return;
      case 'unreachable': {
        // Several different items failing in a row is an outage; one item failing again and
        // again (a file whose connection always drops) is that item's problem, and uses up its tries.
        this.#unreachableStreak.add(task.key);
        const connectivityDown = this.#deps.connectivity ? !this.#deps.connectivity.isOnline() : false;
        if (!this.#offline && !connectivityDown && this.#unreachableStreak.size < this.#threshold) {
          this.#retryLater(task, error);
          return;
        }
        this.#deps.connectivity?.reportFailure(error);
        task.attempts += 1;
        if (task.attempts >= this.#maxAttempts) this.#give(task, error);
        else this.#requeue(task);
        this.#enterOffline();
        return;
      }
      case 'halt':
        this.#requeue(task);
        this.#halt(error);
        return;
      default:
        this.#give(task, error);
    }
  }

  #give(task: Task, error: unknown): void {
    this.#forget(task);
    this.#counts.failed += 1;
    this.#logger.warn('offline.prefetch.item-failed', { type: task.type, code: errorCode(error), attempts: task.attempts + 1 });
  }

  #requeue(task: Task): void {
    if (this.#tasks.get(task.key) !== task) return;
    this.#queue.put(task.key, task, { urgency: task.urgency, rank: task.rank });
  }

  #retryLater(task: Task, error: unknown): void {
    task.attempts += 1;
    if (task.attempts >= this.#maxAttempts) {
      this.#give(task, error);
      return;
    }
    this.#delayed += 1;
    void this.#sleep(this.#backoffMs(task.attempts), this.#controller.signal)
      .then(
        () => this.#requeue(task),
        () => undefined,
      )
      .finally(() => {
        this.#delayed -= 1;
        this.#dispatch();
        this.#changed();
      });
  }

  #backoffMs(attempt: number): number {
    const ceiling = Math.min(30_000, 500 * 2 ** (attempt - 1));
    return ceiling / 2 + this.#random() * (ceiling / 2);
  }

  // --- outages and stops ----------------------------------------------------------------

  #enterOffline(): void {
    if (this.#offline || this.#cancelled) return;
    this.#offline = true;
    this.#logger.warn('offline.prefetch.waiting-for-connection', { remaining: this.#tasks.size });
    this.#changed();
    if (!this.#deps.connectivity) {
      // No one will say when e-RS is back: try again later, each time later still.
      this.#offlineRetries += 1;
      const ceiling = Math.min(60_000, 1000 * 2 ** this.#offlineRetries);
      this.#sleep(ceiling / 2 + this.#random() * (ceiling / 2), this.#controller.signal).then(
        // The failures so far are kept, so one more puts it straight back.
        () => this.#leaveOffline(),
        () => undefined,
      );
    }
  }

  #leaveOffline(): void {
    if (!this.#offline || this.#cancelled) return;
    this.#offline = false;
    if (this.#deps.connectivity) this.#unreachableStreak.clear();
    this.#logger.info('offline.prefetch.resumed', { remaining: this.#tasks.size });
    if (this.#listFailed && !this.#halted) void this.refresh();
    this.#dispatch();
    this.#changed();
  }

  #halt(error: unknown): void {
    if (this.#halted || this.#cancelled) return;
    this.#halted = true;
    this.#message = error instanceof AppError ? error.message : prefetchErrors.stopped().message;
    this.#logger.warn('offline.prefetch.stopped', { code: errorCode(error) });
    this.#changed();
  }

  // --- progress -------------------------------------------------------------------------

  #newRun(): void {
    this.#counts = { total: 0, done: 0, failed: 0, fromCache: 0, bytes: 0 };
    this.#seen.clear();
    this.#ranOnce = true;
  }

  #pendingWork(): number {
    return this.#tasks.size + this.#discovering + this.#listing;
  }

  #busy(): number {
    return this.#running + this.#delayed + this.#discovering + this.#listing;
  }

  #settled(): boolean {
    return this.#cancelled || this.#halted || this.#offline || this.#pendingWork() === 0;
  }

  #phase(): PrefetchPhase {
    if (this.#cancelled) return 'cancelled';
    if (this.#halted) return 'stopped';
    if (this.#offline && this.#pendingWork() > 0) return 'offline';
    if (this.#tasks.size > 0 || this.#discovering > 0) {
      if (this.#rc.pausedUntil() !== null) return 'rate-limited';
      return this.#detailsPending > 0 ? 'referrals' : 'files';
    }
    if (this.#listing > 0) return 'listing';
    if (this.#offline && this.#listFailed) return 'offline';
    return this.#ranOnce ? 'done' : 'idle';
  }

  #whenSettled(): Promise<PrefetchProgress> {
    if (this.#settled()) return Promise.resolve(this.progress());
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  #wait(pause: () => Promise<void>): Promise<boolean> {
    return pause().then(
      () => !this.#cancelled,
      () => false,
    );
  }

  /** After any change of state: tell the listener, wake whoever waits for the work to settle. */
  #changed(): void {
    this.#emit();
    if (this.#settled() && this.#waiters.length > 0) {
      const progress = this.progress();
      const waiters = this.#waiters;
      this.#waiters = [];
      this.#logger.info('offline.prefetch.settled', { ...progress, message: undefined });
      for (const resolve of waiters) resolve(progress);
    }
    if (this.#cancelled && this.#busy() === 0 && this.#drained.length > 0) {
      const drained = this.#drained;
      this.#drained = [];
      for (const resolve of drained) resolve();
    }
  }

  #emit(): void {
    const listener = this.#deps.onProgress;
    if (!listener) return;
    try {
      listener(this.progress());
    } catch (error) {
      this.#logger.error('offline.prefetch.progress-listener-failed', { error });
    }
  }
}
