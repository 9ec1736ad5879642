/**
 * The durable outbox of decisions made offline.
 *
 * Stored through the encrypted store (its own store, 'outbox', never evicted or expired),
 * one object per item, rather than in an append-only journal: each state change is one
 * atomic file replacement, so a crash leaves every item either in its old state or its new
 * one, with no torn journal tail to repair and no compaction; the encryption, tamper checks
 * and disk-full handling are the store's, already tested. Outboxes hold a handful of items,
 * so reading them all per step costs nothing that matters.
 *
 * Sending: in order, one at a time. An item is marked 'sending' on disk before `send` is
 * called. Success removes it. A conflict (412/409) or a refusal marks it 'conflict' and
 * sets it aside for the user (listed with its problem, dropped or retried by them); the
 * items after it still go, except those for the same referral (the same `input.ubrn`),
 * which wait behind it so decisions on one referral keep their order. Items the caller
 * says are not ready (made in another role) wait the same way. Any other failure
 * (network, timeout, 5xx) puts the item back to 'queued' but remembers it may have
 * reached e-RS, and stops. An item found 'sending' (the app was killed mid-send) or that
 * may have reached e-RS is never sent again without asking `reconcile` first: 'applied'
 * removes it, 'not-applied' sends it, 'unknown' hands it to the user as a conflict.
 * Nothing is dropped silently and nothing is sent twice.
 */
import { randomUUID } from 'node:crypto';
import { AppError } from '../app-error';
import { silentLogger, type Logger } from '../log/logger';
import { openEncryptedStore, type EncryptedStore, type JsonValue, type StoreOptions, type StoreStats } from './encrypted-store';
import { offlineErrors } from './offline-errors';

export type OutboxState = 'queued' | 'sending' | 'conflict';

export interface OutboxProblem {
  /** conflict: e-RS answered 412/409; rejected: e-RS refused it; unknown: could not tell whether it arrived. */
  kind: 'conflict' | 'rejected' | 'unknown';
  /** A sentence for the user. */
  message: string;
  status: number | null;
}

export interface OutboxItem {
  id: string;
  /** Position in the queue; items are sent in this order. */
  seq: number;
  /** The contract channel the decision would have called, e.g. 'referral.reject'. */
  operation: string;
  input: JsonValue;
  /** The referral's version (meta.versionId) the user saw when deciding. */
  referralVersion: string;
  /** ISO time the decision was queued. */
  createdAt: string;
  updatedAt: string;
  state: OutboxState;
  /** How many times it was handed to `send` or `reconcile`. */
  attempts: number;
  /** True once a send was started and not confirmed either way. */
  mayHaveBeenSent: boolean;
  problem: OutboxProblem | null;
}

export interface NewOutboxItem {
  operation: string;
  input: JsonValue;
  referralVersion: string;
}

export type SendDecision = (item: OutboxItem) => Promise<void>;
export type Reconciliation = 'applied' | 'not-applied' | 'unknown';
/** Asks e-RS whether the decision already took effect (its version or status moved). */
export type ReconcileDecision = (item: OutboxItem) => Promise<Reconciliation>;

/** Asked before each item is claimed: false keeps it (and later items for its referral) queued. */
export type ReadyToSend = (item: OutboxItem) => boolean;

export interface DrainResult {
  /**
   * done: everything that could go went (items not ready may wait); offline: e-RS could
   * not be reached, or the item could not be sent now; conflict: as done, and items wait
   * for the user.
   */
  outcome: 'done' | 'offline' | 'conflict';
  /** Ids sent (or confirmed already applied) in this drain, in order. */
  sent: string[];
  /** The item the drain stopped at, when it stopped early (offline). */
  stoppedAt: string | null;
  /** Items set aside for the user (state 'conflict'), in order. */
  needsUser: string[];
  /** Items left queued behind one of those for the same referral, or not ready. */
  held: string[];
}

/** Throw from `send` (or set `conflict: true` on any error) when e-RS answers 412 or 409. */
export class OutboxConflictError extends Error {
  readonly conflict = true;
  readonly status: number;
  constructor(status: 409 | 412, message = `e-RS answered ${status}.`) {
    super(message);
    this.name = 'OutboxConflictError';
    this.status = status;
  }
}

/** Throw from `send` (or set `rejected: true` on any error) when e-RS refused it for good (e.g. 400, 403, 422). */
export class OutboxRejectedError extends Error {
  readonly rejected = true;
  readonly status: number | null;
  constructor(message: string, status: number | null = null) {
    super(message);
    this.name = 'OutboxRejectedError';
    this.status = status;
  }
}

/**
 * Throw from `send` when the item was not sent at all and cannot be now (the session
 * closed, the role changed): it goes back to the queue as it was, and the drain stops.
 */
export class OutboxNotSentError extends Error {
  readonly notSent = true;
  constructor(message: string) {
    super(message);
    this.name = 'OutboxNotSentError';
  }
}

function hasFlag(error: unknown, flag: 'conflict' | 'rejected' | 'notSent'): boolean {
  return typeof error === 'object' && error !== null && (error as Record<string, unknown>)[flag] === true;
}

function statusOf(error: unknown): number | null {
  const status = typeof error === 'object' && error !== null ? (error as { status?: unknown }).status : undefined;
  return typeof status === 'number' ? status : null;
}

const PROBLEM_TEXT = {
  conflict:
    'This referral was changed in e-RS after you made this decision, so it was not sent; open the referral to see what changed, then send the decision again or drop it.',
  rejected: 'e-RS refused this decision, so it was not applied; open the referral to check it, then send the decision again or drop it.',
  unknown:
    'The app stopped while this decision was being sent and e-RS could not confirm whether it arrived; check the referral in e-RS, then send the decision again or drop it.',
};

export interface Outbox {
  /** Resolves only once the item is written and synced to disk: only then may the UI say "queued". */
  enqueue(item: NewOutboxItem): Promise<OutboxItem>;
  /** Every item, in sending order. */
  list(): Promise<OutboxItem[]>;
  /** Removes a queued or conflicted item; refused while it is being sent. */
  cancel(id: string): Promise<void>;
  /**
   * Sends in order until nothing more can go: the rest needs the user, waits behind such an
   * item for the same referral, is not `ready`, or e-RS is unreachable. One drain at a time.
   */
  drain(send: SendDecision, reconcile: ReconcileDecision, ready?: ReadyToSend): Promise<DrainResult>;
  /** 'drop' removes the item; 'retry-with' queues it again, optionally with a new input and version. */
  resolveConflict(
    id: string,
    resolution: 'drop' | 'retry-with',
    replacement?: { input?: JsonValue; referralVersion?: string },
  ): Promise<OutboxItem | null>;
  /** Counts from the underlying store, including files discarded for failing authentication. */
  stats(): StoreStats;
  wipe(): Promise<void>;
}

export type OutboxOptions = Omit<StoreOptions, 'name' | 'maxBytes' | 'retentionMs'>;

const ITEM_PREFIX = 'item/';
const MAX_INPUT_BYTES = 1024 * 1024;
const OPERATION = /^[a-z][A-Za-z0-9.-]{0,63}$/;

export async function openOutbox(options: OutboxOptions): Promise<Outbox> {
  const store = await openEncryptedStore({ ...options, name: 'outbox', maxBytes: Infinity, retentionMs: Infinity });
  const outbox = new DurableOutbox(store, options);
  await outbox.init();
  return outbox;
}

class DurableOutbox implements Outbox {
  readonly #store: EncryptedStore;
  readonly #now: () => number;
  readonly #logger: Logger;
  #nextSeq = 1;
  #queue: Promise<unknown> = Promise.resolve();
  #draining: Promise<DrainResult> | null = null;

  constructor(store: EncryptedStore, options: OutboxOptions) {
    this.#store = store;
    this.#now = options.now ?? Date.now;
    this.#logger = options.logger ?? silentLogger;
  }

  async init(): Promise<void> {
    const entries = await this.#store.list(ITEM_PREFIX);
    for (const entry of entries) {
      const seq = Number(entry.key.slice(ITEM_PREFIX.length));
      if (Number.isSafeInteger(seq) && seq >= this.#nextSeq) this.#nextSeq = seq + 1;
    }
  }

  async enqueue(newItem: NewOutboxItem): Promise<OutboxItem> {
    const { operation, referralVersion } = newItem ?? {};
    if (typeof operation !== 'string' || !OPERATION.test(operation))
      throw offlineErrors.outboxInvalid('its kind of decision is not recognised');
    if (typeof referralVersion !== 'string' || !/^\d{1,9}$/.test(referralVersion))
      throw offlineErrors.outboxInvalid('the referral version is missing');
    const input = cloneInput(newItem.input);
    return this.#exclusive(async () => {
      const time = new Date(this.#now()).toISOString();
      const item: OutboxItem = {
        id: randomUUID(),
        seq: this.#nextSeq++,
        operation,
        input,
        referralVersion,
        createdAt: time,
        updatedAt: time,
        state: 'queued',
        attempts: 0,
        mayHaveBeenSent: false,
        problem: null,
      };
      await this.#write(item);
      return item;
    });
  }

  list(): Promise<OutboxItem[]> {
    return this.#exclusive(() => this.#readAll());
  }

  cancel(id: string): Promise<void> {
    return this.#exclusive(async () => {
      const item = await this.#find(id);
      if (item.state === 'sending') throw offlineErrors.outboxSending();
      await this.#store.delete(keyOf(item));
      this.#logger.info('offline.outbox.cancelled', { seq: item.seq, operation: item.operation });
    });
  }

  async resolveConflict(
    id: string,
    resolution: 'drop' | 'retry-with',
    replacement: { input?: JsonValue; referralVersion?: string } = {},
  ): Promise<OutboxItem | null> {
    if (resolution !== 'drop' && resolution !== 'retry-with') throw offlineErrors.outboxInvalid('the choice was neither drop nor retry');
    const input = replacement.input === undefined ? undefined : cloneInput(replacement.input);
    const version = replacement.referralVersion;
    if (version !== undefined && (typeof version !== 'string' || !/^\d{1,9}$/.test(version))) {
      throw offlineErrors.outboxInvalid('the referral version is missing');
    }
    return this.#exclusive(async () => {
      const item = await this.#find(id);
      if (item.state !== 'conflict') throw offlineErrors.outboxNotConflict();
      if (resolution === 'drop') {
        await this.#store.delete(keyOf(item));
        this.#logger.info('offline.outbox.dropped', { seq: item.seq, operation: item.operation, problem: item.problem?.kind });
        return null;
      }
      // The user has looked at the referral and chosen to send: it goes first, as itself.
      return this.#write({
        ...item,
        input: input ?? item.input,
        referralVersion: version ?? item.referralVersion,
        state: 'queued',
        mayHaveBeenSent: false,
        problem: null,
      });
    });
  }

  drain(send: SendDecision, reconcile: ReconcileDecision, ready: ReadyToSend = () => true): Promise<DrainResult> {
    if (!this.#draining) {
      this.#draining = this.#drainInOrder(send, reconcile, ready).finally(() => {
        this.#draining = null;
      });
    }
    return this.#draining;
  }

  stats(): StoreStats {
    return this.#store.stats();
  }

  wipe(): Promise<void> {
    return this.#exclusive(() => this.#store.wipe());
  }

  // ---------------------------------------------------------------------------------------

  async #drainInOrder(send: SendDecision, reconcile: ReconcileDecision, ready: ReadyToSend): Promise<DrainResult> {
    const sent: string[] = [];
    let waiting = { needsUser: [] as string[], held: [] as string[] };
    const result = (outcome: DrainResult['outcome'], stoppedAt: string | null): DrainResult => ({ outcome, sent, stoppedAt, ...waiting });
    for (;;) {
      const claim = await this.#exclusive(async () => {
        const pass = nextToSend(await this.#readAll(), ready);
        waiting = { needsUser: pass.needsUser, held: pass.held };
        const first = pass.next;
        if (!first) return null;
        const needsReconcile = first.state === 'sending' || first.mayHaveBeenSent;
        return { first: await this.#write({ ...first, state: 'sending', attempts: first.attempts + 1 }), needsReconcile };
      });
      if (!claim) return result(waiting.needsUser.length > 0 ? 'conflict' : 'done', null);
      const item = claim.first;

      if (claim.needsReconcile) {
        let answer: Reconciliation;
        try {
          answer = await reconcile(item);
        } catch (error) {
          await this.#update(item, { state: 'queued', mayHaveBeenSent: true });
          this.#logger.warn('offline.outbox.reconcile-failed', { seq: item.seq, error: describe(error) });
          return result('offline', item.id);
        }
        this.#logger.info('offline.outbox.reconciled', { seq: item.seq, answer });
        if (answer === 'applied') {
          await this.#exclusive(() => this.#store.delete(keyOf(item)));
          sent.push(item.id);
          continue;
        }
        if (answer !== 'not-applied') {
          // Set aside for the user; the next pass moves on to the items after it.
          await this.#update(item, { state: 'conflict', problem: { kind: 'unknown', message: PROBLEM_TEXT.unknown, status: null } });
          continue;
        }
      }

      try {
        await send(item);
      } catch (error) {
        if (hasFlag(error, 'conflict') || hasFlag(error, 'rejected')) {
          const kind = hasFlag(error, 'conflict') ? 'conflict' : 'rejected';
          const message = kind === 'rejected' && error instanceof AppError ? error.message : PROBLEM_TEXT[kind];
          await this.#update(item, { state: 'conflict', mayHaveBeenSent: false, problem: { kind, message, status: statusOf(error) } });
          this.#logger.warn('offline.outbox.needs-user', { seq: item.seq, kind, status: statusOf(error) });
          continue;
        }
        if (hasFlag(error, 'notSent')) {
          await this.#update(item, {
            state: 'queued',
            attempts: item.attempts - 1,
            mayHaveBeenSent: claim.needsReconcile || item.mayHaveBeenSent,
          });
          return result('offline', item.id);
        }
        await this.#update(item, { state: 'queued', mayHaveBeenSent: true });
        this.#logger.warn('offline.outbox.send-failed', { seq: item.seq, error: describe(error) });
        return result('offline', item.id);
      }
      // Were this delete lost to a crash, the item would be found 'sending' and reconciled as applied.
      await this.#exclusive(() => this.#store.delete(keyOf(item)));
      this.#logger.info('offline.outbox.sent', { seq: item.seq, operation: item.operation });
      sent.push(item.id);
    }
  }

  #update(item: OutboxItem, change: Partial<OutboxItem>): Promise<OutboxItem> {
    return this.#exclusive(() => this.#write({ ...item, ...change }));
  }

  async #write(item: OutboxItem): Promise<OutboxItem> {
    const stamped = { ...item, updatedAt: new Date(this.#now()).toISOString() };
    await this.#store.put(keyOf(stamped), Buffer.from(JSON.stringify(stamped), 'utf8'));
    return stamped;
  }

  async #readAll(): Promise<OutboxItem[]> {
    const items: OutboxItem[] = [];
    for (const entry of await this.#store.list(ITEM_PREFIX)) {
      const stored = await this.#store.get(entry.key);
      const item = stored ? parseItem(stored.bytes) : null;
      if (item) items.push(item);
      else this.#logger.error('offline.outbox.item-unreadable', { discardedSoFar: this.#store.stats().discarded });
    }
    return items.sort((a, b) => a.seq - b.seq);
  }

  async #find(id: string): Promise<OutboxItem> {
    const item = typeof id === 'string' ? (await this.#readAll()).find((candidate) => candidate.id === id) : undefined;
    if (!item) throw offlineErrors.outboxNotFound();
    return item;
  }

  #exclusive<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(task);
    this.#queue = run.catch(() => undefined);
    return run;
  }
}

/** The referral an item is about: items for one referral go in order, never past each other. */
function referralOf(item: OutboxItem): string | null {
  const input = item.input;
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return null;
  return typeof input.ubrn === 'string' ? input.ubrn : null;
}

/**
 * The first item that can go now, in order: items waiting for the user are passed over,
 * and so is every later item for the same referral as one of those, or as an item not
 * ready (so decisions on one referral never overtake each other).
 */
function nextToSend(items: OutboxItem[], ready: ReadyToSend): { next: OutboxItem | null; needsUser: string[]; held: string[] } {
  const needsUser: string[] = [];
  const held: string[] = [];
  const blocked = new Set<string>();
  let next: OutboxItem | null = null;
  for (const item of items) {
    const referral = referralOf(item);
    if (item.state === 'conflict') {
      needsUser.push(item.id);
      if (referral) blocked.add(referral);
    } else if ((referral && blocked.has(referral)) || !ready(item)) {
      held.push(item.id);
      if (referral) blocked.add(referral);
    } else {
      next ??= item;
    }
  }
  return { next, needsUser, held };
}

function keyOf(item: Pick<OutboxItem, 'seq'>): string {
  return `${ITEM_PREFIX}${String(item.seq).padStart(12, '0')}`;
}

function cloneInput(input: unknown): JsonValue {
  let text: string | undefined;
  try {
    text = JSON.stringify(input);
  } catch {
    throw offlineErrors.outboxInvalid('its details could not be saved');
  }
  if (text === undefined) throw offlineErrors.outboxInvalid('it has no details');
  if (Buffer.byteLength(text, 'utf8') > MAX_INPUT_BYTES) throw offlineErrors.outboxInvalid('its details are too large');
  return JSON.parse(text) as JsonValue;
}

function describe(error: unknown): { name: string; code: unknown } {
  if (error instanceof Error) return { name: error.name, code: (error as { code?: unknown }).code ?? statusOf(error) };
  return { name: typeof error, code: null };
}

function parseItem(bytes: Uint8Array): OutboxItem | null {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const v = value as Record<string, unknown>;
  const states: unknown[] = ['queued', 'sending', 'conflict'];
  if (typeof v.id !== 'string' || typeof v.seq !== 'number' || typeof v.operation !== 'string') return null;
  if (typeof v.referralVersion !== 'string' || typeof v.createdAt !== 'string' || typeof v.updatedAt !== 'string') return null;
  if (!states.includes(v.state) || typeof v.attempts !== 'number' || typeof v.mayHaveBeenSent !== 'boolean' || !('input' in v)) return null;
  if (v.problem !== null && (typeof v.problem !== 'object' || v.problem === undefined)) return null;
  return value as OutboxItem;
}
