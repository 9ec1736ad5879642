/**
 * Read-through for what the screens show: fresh from e-RS when it answers (and kept for
 * later), the kept copy marked stale, with the time it was fetched, when e-RS cannot be
 * reached.
 *
 * - Worklists and details go to e-RS first: they change, and online the user must see the
 *   current state. Files go to the cache first: they are named by what never changes (an
 *   attachment's Binary id, a summary's referral version), so a kept copy is as good as new.
 * - Only "unreachable" falls back to the cache (connectivity.ts decides what that is). A
 *   refusal such as 403 or 404 is passed on as it is: a copy must not hide that access was
 *   withdrawn or the referral moved on.
 * - Once e-RS is known to be unreachable, reads go straight to the cache instead of waiting
 *   out timeouts and retries; the connectivity monitor's probe finds the way back.
 * - A copy that cannot be kept (disk full, over the cache limit) does not fail the read; it
 *   is shown and not kept. The size a referral declares for a file is metadata: a file
 *   that arrived whole (the transport checks) is kept whatever size was declared.
 */
import type { WorklistKind, WorklistRow, WorklistView } from '../../contract';
import { AppError } from '../app-error';
import { silentLogger, type Logger } from '../log/logger';
import { isUnreachableError, type ConnectivityReporter } from './connectivity';
import type { EncryptedStore, JsonObject, StoredObject } from './encrypted-store';
import { cacheKeys, familyOf, isVersion, versionOfKey } from './prefetch/cache-keys';
import { DEFAULT_MAX_FILE_BYTES, downloadAndKeep, fileFromStored, type FileDescription, type PrefetchFile } from './prefetch/fetched-file';
import { createFileFetches, type FetchedFile, type FileFetches } from './prefetch/in-flight';
import { prefetchErrors } from './prefetch/prefetch-errors';

export type { FileDescription } from './prefetch/fetched-file';
export type { FetchedFile } from './prefetch/in-flight';

export interface CachedRead<T> {
  value: T;
  source: 'network' | 'cache';
  /** True when e-RS could not be asked and this is the kept copy, which may be out of date. */
  stale: boolean;
  /** ISO time the value came from e-RS. */
  fetchedAt: string;
}

export interface CachedReadsOptions {
  store: EncryptedStore;
  connectivity?: ConnectivityReporter;
  /** The prefetcher's, so a file it is downloading is joined rather than fetched again. */
  fileFetches?: FileFetches;
  maxFileBytes?: number;
  now?: () => number;
  logger?: Logger;
}

export interface CachedReads {
  /** Any JSON value: fresh when e-RS answers, else the kept copy, checked by `validate`. */
  readThrough<T>(
    key: string,
    fetchFn: () => Promise<T>,
    validate: (value: unknown) => value is T,
    meta?: JsonObject,
  ): Promise<CachedRead<T>>;
  /** A worklist, ready for the `worklist.fetch` channel. */
  worklist(kind: WorklistKind, fetchFn: () => Promise<WorklistRow[]>): Promise<WorklistView>;
  /** A referral (or A&G request) view: kept per version; offline, the newest version kept. */
  details<T extends { ubrn: string; version: string }>(
    kind: WorklistKind,
    ubrn: string,
    fetchFn: () => Promise<T>,
    validate: (value: unknown) => value is T,
  ): Promise<CachedRead<T>>;
  /** A file under cacheKeys.attachment(id) or cacheKeys.summary(...): kept copy first. */
  file(key: string, fetchFn: () => Promise<PrefetchFile>, description: FileDescription): Promise<CachedRead<FetchedFile>>;
}

export function createCachedReads(options: CachedReadsOptions): CachedReads {
  return new ReadThrough(options);
}

const WORKLIST_ROW_STRINGS = [
  'id',
  'ubrn',
  'version',
  'priority',
  'nhsNumber',
  'patientName',
  'service',
  'specialty',
  'referralDate',
  'reviewStatus',
] as const;

const CLOCK_DATE_FIELDS = ['pathwayStart', 'appointmentStart', 'adviceWaitingSince'] as const;

/** Rows cached before the waiting clocks lack their dates: they come back with none rather than not at all. */
export function withClockDates(rows: WorklistRow[]): WorklistRow[] {
  return rows.map((row) => ({
    ...row,
    pathwayStart: row.pathwayStart ?? null,
    appointmentStart: row.appointmentStart ?? null,
    adviceWaitingSince: row.adviceWaitingSince ?? null,
  }));
}

export function isWorklistRows(value: unknown): value is WorklistRow[] {
  return (
    Array.isArray(value) &&
    value.every((row: unknown) => {
      if (typeof row !== 'object' || row === null) return false;
      const r = row as Record<string, unknown>;
      return (
        WORKLIST_ROW_STRINGS.every((name) => typeof r[name] === 'string') &&
        typeof r.daysWaiting === 'number' &&
        (r.assignedClinician === null || typeof r.assignedClinician === 'string') &&
        // Absent in rows cached before the clocks: read as null (withClockDates).
        CLOCK_DATE_FIELDS.every((name) => r[name] === undefined || r[name] === null || typeof r[name] === 'string')
      );
    })
  );
}

class ReadThrough implements CachedReads {
  readonly #store: EncryptedStore;
  readonly #connectivity: ConnectivityReporter | undefined;
  readonly #files: FileFetches;
  readonly #maxFileBytes: number;
  readonly #now: () => number;
  readonly #logger: Logger;

  constructor(options: CachedReadsOptions) {
    this.#store = options.store;
    this.#connectivity = options.connectivity;
    this.#files = options.fileFetches ?? createFileFetches();
    this.#maxFileBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
    this.#now = options.now ?? Date.now;
    this.#logger = options.logger ?? silentLogger;
  }

  async readThrough<T>(
    key: string,
    fetchFn: () => Promise<T>,
    validate: (value: unknown) => value is T,
    meta: JsonObject = {},
  ): Promise<CachedRead<T>> {
    return this.#networkFirst(
      fetchFn,
      () => this.#readJson(key, validate),
      (value, fetchedAt) => this.#keepJson(key, value, { ...meta, fetchedAt }),
    );
  }

  async worklist(kind: WorklistKind, fetchFn: () => Promise<WorklistRow[]>): Promise<WorklistView> {
    const read = await this.readThrough(cacheKeys.worklist(kind), fetchFn, isWorklistRows, { type: 'worklist', kind });
    return { kind, rows: withClockDates(read.value), fetchedAt: read.fetchedAt, stale: read.stale };
  }

  async details<T extends { ubrn: string; version: string }>(
    kind: WorklistKind,
    ubrn: string,
    fetchFn: () => Promise<T>,
    validate: (value: unknown) => value is T,
  ): Promise<CachedRead<T>> {
    const family = familyOf(kind);
    const prefix = cacheKeys.detailsPrefix(family, ubrn);
    const isItem = (value: unknown): value is T => validate(value) && value.ubrn === ubrn && isVersion(value.version);
    return this.#networkFirst(
      fetchFn,
      async () => {
        const newest = (await this.#store.list(prefix))
          .map((entry) => entry.key)
          .sort((a, b) => (versionOfKey(b) ?? -1) - (versionOfKey(a) ?? -1))[0];
        return newest === undefined ? null : this.#readJson(newest, isItem);
      },
      async (value, fetchedAt) => {
        if (!isItem(value)) return;
        await this.#keepJson(cacheKeys.details(family, ubrn, value.version), value, {
          type: 'details',
          kind,
          ubrn,
          referralVersion: value.version,
          fetchedAt,
        });
      },
    );
  }

  async file(key: string, fetchFn: () => Promise<PrefetchFile>, description: FileDescription): Promise<CachedRead<FetchedFile>> {
    const kept = await this.#store.get(key);
    if (kept) {
      const file = fileFromStored(kept.bytes, kept.meta, kept.storedAt);
      return { value: file, source: 'cache', stale: false, fetchedAt: new Date(file.fetchedAt).toISOString() };
    }
    this.#failFastWhenOffline();
    // Joins the prefetcher's download of this file when there is one. A copy that cannot be
    // kept (too big, disk full) is still shown as e-RS sent it.
    const download = () =>
      this.#files.run(key, () =>
        downloadAndKeep(fetchFn, description, {
          now: this.#now,
          maxBytes: this.#maxFileBytes,
          put: (bytes, meta) => this.#store.put(key, bytes, meta),
          logger: this.#logger,
        }),
      );
    let file: FetchedFile;
    try {
      try {
        file = (await download()).file;
      } catch (error) {
        // The download joined was the prefetcher's, stopped by the prefetcher (a refresh or a
        // sign-out): nobody stopped this read, so it fetches the file itself.
        if (!(error instanceof AppError && error.code === 'ERS_CANCELLED')) throw error;
        file = (await download()).file;
      }
    } catch (error) {
      this.#connectivity?.reportFailure(error);
      throw error;
    }
    this.#connectivity?.reportSuccess();
    return { value: file, source: 'network', stale: false, fetchedAt: new Date(file.fetchedAt).toISOString() };
  }

  async #networkFirst<T>(
    fetchFn: () => Promise<T>,
    readKept: () => Promise<{ value: T; fetchedAt: number } | null>,
    keep: (value: T, fetchedAt: number) => Promise<void>,
  ): Promise<CachedRead<T>> {
    if (this.#connectivity && !this.#connectivity.isOnline()) {
      const kept = await readKept();
      if (kept) return stale(kept);
      this.#failFastWhenOffline();
    }
    let value: T;
    try {
      value = await fetchFn();
    } catch (error) {
      const unreachable = this.#connectivity ? this.#connectivity.reportFailure(error) : isUnreachableError(error);
      if (!unreachable) throw error;
      const kept = await readKept();
      if (kept) return stale(kept);
      throw error;
    }
    this.#connectivity?.reportSuccess();
    const fetchedAt = this.#now();
    await keep(value, fetchedAt);
    return { value, source: 'network', stale: false, fetchedAt: new Date(fetchedAt).toISOString() };
  }

  /** Nothing kept and e-RS known to be unreachable: say so now, and look again in the background. */
  #failFastWhenOffline(): void {
    if (!this.#connectivity || this.#connectivity.isOnline()) return;
    void this.#connectivity.probeNow();
    throw prefetchErrors.notCachedOffline();
  }

  async #readJson<T>(key: string, validate: (value: unknown) => value is T): Promise<{ value: T; fetchedAt: number } | null> {
    const kept = await this.#store.get(key);
    if (!kept) return null;
    let value: unknown;
    try {
      value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(kept.bytes));
    } catch {
      return null;
    }
    // A copy in a shape this version of the app does not know is as good as none.
    if (!validate(value)) return null;
    return { value, fetchedAt: fetchedAtOf(kept) };
  }

  async #keepJson(key: string, value: unknown, meta: JsonObject): Promise<void> {
    let text: string;
    try {
      text = JSON.stringify(value);
    } catch {
      return;
    }
    await this.#keep(key, new TextEncoder().encode(text), { ...meta, contentType: 'application/json' });
  }

  async #keep(key: string, bytes: Uint8Array, meta: JsonObject): Promise<void> {
    try {
      await this.#store.put(key, bytes, meta);
    } catch (error) {
      this.#logger.warn('offline.read-through.not-kept', { code: error instanceof AppError ? error.code : 'UNKNOWN' });
    }
  }
}

function fetchedAtOf(kept: StoredObject): number {
  const at = kept.meta?.fetchedAt;
  return typeof at === 'number' ? at : kept.storedAt;
}

function stale<T>(kept: { value: T; fetchedAt: number }): CachedRead<T> {
  return { value: kept.value, source: 'cache', stale: true, fetchedAt: new Date(kept.fetchedAt).toISOString() };
}
