/**
 * One download per file at a time, across everyone who wants it: the prefetcher and a user
 * opening the same attachment share the same request instead of fetching it twice. A
 * second caller for a name being fetched gets the first caller's promise.
 */
export interface FetchedFile {
  bytes: Uint8Array;
  contentType: string;
  fileName: string | null;
  /** Epoch ms the bytes arrived from e-RS. */
  fetchedAt: number;
}

export class InFlight<T> {
  readonly #pending = new Map<string, Promise<T>>();

  /** Runs `task` unless one for `key` is already running, in which case joins it. */
  run(key: string, task: () => Promise<T>): Promise<T> {
    const existing = this.#pending.get(key);
    if (existing) return existing;
    const promise = Promise.resolve().then(task);
    this.#pending.set(key, promise);
    const forget = () => {
      if (this.#pending.get(key) === promise) this.#pending.delete(key);
    };
    promise.then(forget, forget);
    return promise;
  }

  pending(key: string): Promise<T> | undefined {
    return this.#pending.get(key);
  }

  get size(): number {
    return this.#pending.size;
  }
}

/** One shared download: the bytes, and why they were not kept (null when they were). */
export interface SharedDownload {
  file: FetchedFile;
  notKept: unknown;
}

/** Shared by the prefetcher and the read-through helpers; pass the same one to both. */
export type FileFetches = InFlight<SharedDownload>;

export function createFileFetches(): FileFetches {
  return new InFlight<SharedDownload>();
}
