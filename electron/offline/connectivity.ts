/**
 * Whether e-RS can be reached: online → offline → online.
 *
 * Calls report what happened to them. Network failures, timeouts and gateway answers
 * (502, 503, 504: the platform is up but e-RS behind it is not) mean unreachable. Any
 * other answer, a 4xx or even a 500 for one broken item, proves e-RS is there. The e-RS
 * client has already retried before it throws, so one unreachable report is enough.
 *
 * While offline, a probe runs with exponential backoff and jitter (so desktops that lost
 * the network together do not all come back at once) until it gets through or any call
 * succeeds. Listeners hear each change of state, with when the outage began and when
 * data last came from e-RS, for the banner "Offline since 10:42, showing data from 10:31".
 */
import { ErsError } from '../ers/ers-error';
import type { FetchLike } from '../ers/http';
import { silentLogger, type Logger } from '../log/logger';
import { abortableSleep, type Sleep } from './prefetch/abortable-sleep';

export type ConnectivityState = 'online' | 'offline';

export interface ConnectivityStatus {
  state: ConnectivityState;
  /** Epoch ms this outage was first noticed; null while online. */
  offlineSince: number | null;
  /** Epoch ms data last came from e-RS; null if not since the app started (and none was given). */
  lastSuccessAt: number | null;
  /** Epoch ms of the next probe while offline. */
  nextProbeAt: number | null;
  /** Probes that failed in this outage. */
  failedProbes: number;
}

/** Rejects when e-RS cannot be reached; resolving, or an HTTP answer below 500, means it can. */
export type Probe = (signal: AbortSignal) => Promise<void>;

export interface ConnectivityOptions {
  probe: Probe;
  now?: () => number;
  sleep?: Sleep;
  random?: () => number;
  /** First wait before probing; doubles per failed probe up to `probeMaxMs`. */
  probeBaseMs?: number;
  probeMaxMs?: number;
  probeTimeoutMs?: number;
  /** When data last came from e-RS before this start (e.g. the cached worklist's time). */
  lastSuccessAt?: number | null;
  logger?: Logger;
}

/** The part the prefetcher and the read-through helpers use. */
export interface ConnectivityReporter {
  isOnline(): boolean;
  reportSuccess(): void;
  /** True when the error means e-RS is unreachable (the state is then offline). */
  reportFailure(error: unknown): boolean;
  probeNow(): Promise<boolean>;
  onChange(listener: (status: ConnectivityStatus) => void): () => void;
}

export interface Connectivity extends ConnectivityReporter {
  status(): ConnectivityStatus;
  /** Runs `call`, reporting what its outcome says about reachability. */
  track<T>(call: () => Promise<T>): Promise<T>;
  /** Stops probing and forgets listeners (sign-out). */
  dispose(): void;
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'ENETDOWN',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'EPIPE',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);
const GATEWAY_STATUSES = new Set([502, 503, 504]);

function field(value: unknown, name: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[name] : undefined;
}

/** The HTTP status an error carries (ErsError's, or a `status` on a plain error), if any. */
export function httpStatusOf(error: unknown): number | null {
  if (error instanceof ErsError) return error.status;
  const status = field(error, 'status');
  return typeof status === 'number' && Number.isInteger(status) ? status : null;
}

export function isUnreachableError(error: unknown): boolean {
  if (error instanceof ErsError) {
    if (error.code === 'ERS_NETWORK' || error.code === 'ERS_TIMEOUT') return true;
    return error.status !== null && GATEWAY_STATUSES.has(error.status);
  }
  const status = httpStatusOf(error);
  if (status !== null) return GATEWAY_STATUSES.has(status);
  // Errors straight from fetch or a socket, for probes and sources that do not use the e-RS client.
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current !== undefined && current !== null; depth += 1) {
    const code = field(current, 'code');
    if (typeof code === 'string' && NETWORK_CODES.has(code)) return true;
    if (field(current, 'name') === 'TimeoutError') return true;
    if (current instanceof TypeError && current.message === 'fetch failed') return true;
    // Electron's net.fetch (Chromium's network stack) names its failures net::ERR_…
    if (
      current instanceof Error &&
      /^net::ERR_(CONNECTION|NAME_NOT_RESOLVED|INTERNET_DISCONNECTED|ADDRESS_UNREACHABLE|NETWORK|TIMED_OUT|PROXY|TUNNEL|EMPTY_RESPONSE)/.test(
        current.message,
      )
    )
      return true;
    current = field(current, 'cause');
  }
  return false;
}

export function createConnectivity(options: ConnectivityOptions): Connectivity {
  return new ConnectivityMonitor(options);
}

class ConnectivityMonitor implements Connectivity {
  readonly #probe: Probe;
  readonly #now: () => number;
  readonly #sleep: Sleep;
  readonly #random: () => number;
  readonly #probeBaseMs: number;
  readonly #probeMaxMs: number;
  readonly #probeTimeoutMs: number;
  readonly #logger: Logger;
  readonly #listeners = new Set<(status: ConnectivityStatus) => void>();
  #state: ConnectivityState = 'online';
  #offlineSince: number | null = null;
  #lastSuccessAt: number | null;
  #nextProbeAt: number | null = null;
  #failedProbes = 0;
  #probing: AbortController | null = null;
  #probeInFlight: Promise<boolean> | null = null;
  #disposed = false;

  constructor(options: ConnectivityOptions) {
    this.#probe = options.probe;
    this.#now = options.now ?? Date.now;
    this.#sleep = options.sleep ?? abortableSleep;
    this.#random = options.random ?? Math.random;
    this.#probeBaseMs = options.probeBaseMs ?? 2000;
    this.#probeMaxMs = options.probeMaxMs ?? 60_000;
    this.#probeTimeoutMs = options.probeTimeoutMs ?? 10_000;
    this.#lastSuccessAt = options.lastSuccessAt ?? null;
    this.#logger = options.logger ?? silentLogger;
  }

  status(): ConnectivityStatus {
    return {
      state: this.#state,
      offlineSince: this.#offlineSince,
      lastSuccessAt: this.#lastSuccessAt,
      nextProbeAt: this.#nextProbeAt,
      failedProbes: this.#failedProbes,
    };
  }

  isOnline(): boolean {
    return this.#state === 'online';
  }

  reportSuccess(): void {
    this.#lastSuccessAt = this.#now();
    if (this.#state === 'offline') this.#goOnline();
  }

  reportFailure(error: unknown): boolean {
    if (isUnreachableError(error)) {
      if (this.#state === 'online') this.#goOffline();
      return true;
    }
    // Any answer from e-RS, even a refusal, shows it is there.
    if (httpStatusOf(error) !== null && this.#state === 'offline') this.#goOnline();
    return false;
  }

  async track<T>(call: () => Promise<T>): Promise<T> {
    try {
      const value = await call();
      this.reportSuccess();
      return value;
    } catch (error) {
      this.reportFailure(error);
      throw error;
    }
  }

  probeNow(): Promise<boolean> {
    if (this.#disposed) return Promise.resolve(false);
    this.#probeInFlight ??= this.#runProbe().finally(() => {
      this.#probeInFlight = null;
    });
    return this.#probeInFlight;
  }

  onChange(listener: (status: ConnectivityStatus) => void): () => void {
    if (this.#disposed) return () => undefined;
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  dispose(): void {
    this.#disposed = true;
    this.#probing?.abort();
    this.#probing = null;
    this.#listeners.clear();
  }

  #goOffline(): void {
    if (this.#disposed) return;
    this.#state = 'offline';
    this.#offlineSince = this.#now();
    this.#failedProbes = 0;
    this.#logger.warn('offline.connectivity.offline', {});
    this.#startProbing();
    this.#notify();
  }

  #goOnline(): void {
    this.#state = 'online';
    this.#offlineSince = null;
    this.#nextProbeAt = null;
    this.#probing?.abort();
    this.#probing = null;
    this.#logger.info('offline.connectivity.online', { failedProbes: this.#failedProbes });
    this.#notify();
  }

  #startProbing(): void {
    this.#probing?.abort();
    const controller = new AbortController();
    this.#probing = controller;
    void this.#probeLoop(controller.signal);
  }

  async #probeLoop(signal: AbortSignal): Promise<void> {
    for (let attempt = 0; !signal.aborted && this.#state === 'offline'; attempt += 1) {
      const ceiling = Math.min(this.#probeMaxMs, this.#probeBaseMs * 2 ** attempt);
      // Half fixed, half random: never immediately, never all desktops at once.
      const delay = ceiling / 2 + Math.min(Math.max(this.#random(), 0), 1) * (ceiling / 2);
      this.#nextProbeAt = this.#now() + delay;
      try {
        await this.#sleep(delay, signal);
      } catch {
        return;
      }
      if (signal.aborted || this.#state !== 'offline') return;
      if (await this.probeNow()) return;
    }
  }

  async #runProbe(): Promise<boolean> {
    const signal = AbortSignal.timeout(this.#probeTimeoutMs);
    let reachable: boolean;
    try {
      await this.#probe(signal);
      reachable = true;
    } catch (error) {
      const status = httpStatusOf(error);
      reachable = status !== null && status < 500;
    }
    if (this.#disposed) return reachable;
    if (reachable) {
      if (this.#state === 'offline') this.#goOnline();
    } else if (this.#state === 'online') {
      this.#goOffline();
    } else {
      this.#failedProbes += 1;
    }
    return reachable;
  }

  #notify(): void {
    const status = this.status();
    for (const listener of [...this.#listeners]) {
      try {
        listener(status);
      } catch (error) {
        this.#logger.error('offline.connectivity.listener-failed', { error });
      }
    }
  }
}

/**
 * A probe that asks the e-RS base address for its ping route (the NHS API platform's
 * `/_ping`, no credentials). Any answer below 500 means something is answering for e-RS.
 */
export function createHttpProbe(baseUrl: string, options: { fetch: FetchLike; path?: string }): Probe {
  const doFetch: FetchLike = options.fetch;
  const url = `${baseUrl.replace(/\/+$/, '')}${options.path ?? '/_ping'}`;
  return async (signal) => {
    const response = await doFetch(url, { method: 'GET', redirect: 'manual', signal });
    await response.body?.cancel().catch(() => undefined);
    if (response.status >= 500) throw Object.assign(new Error(`e-RS answered ${response.status}.`), { status: response.status });
  };
}

export interface BannerOptions {
  /** When the data on screen came from e-RS; the last success when not given. */
  dataFrom?: number | null;
  /** Where the user reads the clock; UK time unless told. */
  timeZone?: string;
  now?: number;
}

/** "Offline since 10:42, showing data from 10:31", or null while online. */
export function offlineBanner(status: ConnectivityStatus, options: BannerOptions = {}): string | null {
  if (status.state === 'online' || status.offlineSince === null) return null;
  const timeZone = options.timeZone ?? 'Europe/London';
  const now = options.now ?? Date.now();
  const since = `Offline since ${clock(status.offlineSince, now, timeZone)}`;
  const dataFrom = options.dataFrom === undefined ? status.lastSuccessAt : options.dataFrom;
  if (dataFrom === null) return `${since}; nothing from e-RS has been saved on this computer yet`;
  return `${since}, showing data from ${clock(dataFrom, now, timeZone)}`;
}

function clock(at: number, now: number, timeZone: string): string {
  const time = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone }).format(at);
  const day = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', timeZone });
  // The day only when it is not today, where the time alone would mislead.
  return day.format(at) === day.format(now) ? time : `${day.format(at)} ${time}`;
}
