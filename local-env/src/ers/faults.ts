/**
 * Fault mode: the bad days of a real network and a real e-RS, on demand, so tests and
 * benchmarks can prove the app copes. Added latency, a share of 5xx answers, connections
 * cut part-way through a body, a rate limit answered with 429 and Retry-After, as the
 * NHS API platform does, and a slow commit (the change is made, the answer comes late).
 * Faults can be aimed at some operations only (e.g. A026 alone).
 */
export interface FaultConfig {
  /** Added before every answer, in milliseconds. */
  latencyMs: number;
  /** Share of requests (0..1) answered with serverErrorStatus instead. */
  serverErrorRate: number;
  serverErrorStatus: 500 | 502 | 503 | 504;
  /** Share of answers (0..1) whose connection is destroyed after part of the body. */
  dropRate: number;
  /**
   * Share of answers (0..1) lost whole after the operation was applied: the connection
   * closes before the status line, so the client cannot know whether the change was made.
   */
  loseAnswerRate: number;
  /** Requests per second allowed before 429; null for no limit. */
  rateLimitPerSecond: number | null;
  /**
   * Added after the operation has been applied, before its answer, in milliseconds: a slow
   * commit, where a client that gives up waiting cannot know the change was made.
   */
  commitDelayMs: number;
  /** The operations (e.g. 'A026', 'OBJECT_STORE') faults apply to; null for all of them. */
  onlyOperations: string[] | null;
}

export const NO_FAULTS: FaultConfig = {
  latencyMs: 0,
  serverErrorRate: 0,
  serverErrorStatus: 503,
  dropRate: 0,
  loseAnswerRate: 0,
  rateLimitPerSecond: null,
  commitDelayMs: 0,
  onlyOperations: null,
};

function checkShare(name: string, value: number): void {
  if (!Number.isFinite(value) || value < 0 || value > 1)
    throw new RangeError(`Fault setting ${name} must be a share between 0 and 1, not ${value}.`);
}

export function validateFaults(config: FaultConfig): FaultConfig {
  if (!Number.isFinite(config.latencyMs) || config.latencyMs < 0)
    throw new RangeError(`Fault setting latencyMs must be zero or more milliseconds, not ${config.latencyMs}.`);
  checkShare('serverErrorRate', config.serverErrorRate);
  checkShare('dropRate', config.dropRate);
  checkShare('loseAnswerRate', config.loseAnswerRate);
  if (![500, 502, 503, 504].includes(config.serverErrorStatus))
    throw new RangeError(`Fault setting serverErrorStatus must be 500, 502, 503 or 504, not ${config.serverErrorStatus}.`);
  if (config.rateLimitPerSecond !== null && (!Number.isFinite(config.rateLimitPerSecond) || config.rateLimitPerSecond <= 0)) {
    throw new RangeError(`Fault setting rateLimitPerSecond must be a positive number or null, not ${config.rateLimitPerSecond}.`);
  }
  if (!Number.isFinite(config.commitDelayMs) || config.commitDelayMs < 0)
    throw new RangeError(`Fault setting commitDelayMs must be zero or more milliseconds, not ${config.commitDelayMs}.`);
  if (
    config.onlyOperations !== null &&
    (!Array.isArray(config.onlyOperations) || !config.onlyOperations.every((op) => typeof op === 'string'))
  ) {
    throw new RangeError('Fault setting onlyOperations must be a list of operation ids (such as A026) or null.');
  }
  return config;
}

export class FaultInjector {
  private config: FaultConfig;
  /** Arrival times (ms) of the requests let through in the last second. */
  private window: number[] = [];

  constructor(
    initial: Partial<FaultConfig>,
    private readonly random: () => number = Math.random,
  ) {
    this.config = validateFaults({ ...NO_FAULTS, ...initial });
  }

  current(): FaultConfig {
    return { ...this.config, onlyOperations: this.config.onlyOperations === null ? null : [...this.config.onlyOperations] };
  }

  /** True when faults apply to this operation (every operation, unless aimed at some). */
  appliesTo(operation: string): boolean {
    return this.config.onlyOperations === null || this.config.onlyOperations.includes(operation);
  }

  commitDelayMs(): number {
    return this.config.commitDelayMs;
  }

  set(partial: Partial<FaultConfig>): void {
    this.config = validateFaults({ ...this.config, ...partial });
    if (this.config.rateLimitPerSecond === null) this.window = [];
  }

  /** Seconds to wait when over the limit (sliding one-second window), else null. */
  rateLimited(now: number): number | null {
    const limit = this.config.rateLimitPerSecond;
    if (limit === null) return null;
    while (this.window.length > 0 && (this.window[0] ?? 0) <= now - 1000) this.window.shift();
    if (this.window.length >= limit) {
      const oldest = this.window[0] ?? now;
      return Math.max(1, Math.ceil((oldest + 1000 - now) / 1000));
    }
    this.window.push(now);
    return null;
  }

  latencyMs(): number {
    return this.config.latencyMs;
  }

  /** The 5xx status to answer with, or null to answer normally. */
  serverError(): number | null {
    return this.config.serverErrorRate > 0 && this.random() < this.config.serverErrorRate ? this.config.serverErrorStatus : null;
  }

  shouldDrop(): boolean {
    return this.config.dropRate > 0 && this.random() < this.config.dropRate;
  }

  shouldLoseAnswer(): boolean {
    return this.config.loseAnswerRate > 0 && this.random() < this.config.loseAnswerRate;
  }
}
