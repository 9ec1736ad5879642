/**
 * Everything offline for one signed-in user, in one role, in one environment: the
 * encrypted cache, the read-through the screens use, background prefetch, connectivity, the
 * durable outbox of decisions made offline, and the drafts. e-RS shows each role (business
 * function, organisation, clinician acted for) its own referrals, so each role's data lives
 * in its own partition and a session sees only its own: switching to a role at another
 * organisation while e-RS is down shows nothing of the first. Opened when the user has
 * chosen a role, closed when the role or user changes, and wiped (every partition, where
 * the trust asks for it) at sign-out.
 */
import path from 'node:path';
import type { DecisionOutcome, OutboxItemView } from '../../contract';
import { AppError } from '../app-error';
import type { ErsClient, ErsClientOptions } from '../ers/client';
import { findAdviceReply } from '../review/advice-reply-check';
import { openAuditLog, type KeptAuditLog } from '../review/audit-log';
import { decisionFromStored, sendDecision, type QueueableOperation } from '../review/send-decision';
import { ErsError } from '../ers/ers-error';
import type { Logger } from '../log/logger';
import { createCachedReads, type CachedReads } from './cached-reads';
import { createConnectivity, createHttpProbe, offlineBanner, type Connectivity, type ConnectivityStatus } from './connectivity';
import { openDrafts, type Drafts } from './drafts';
import { openSavedTexts, type SavedTexts } from './saved-texts';
import { openUserPreferences, type UserPreferences } from './user-preferences';
import { anyPartitionHolds, openEncryptedStore, wipeUserOfflineData, type EncryptedStore, type JsonValue } from './encrypted-store';
import type { KeyProvider } from './key-provider';
import { openOutbox, OutboxConflictError, OutboxNotSentError, OutboxRejectedError, type Outbox, type OutboxItem } from './outbox';
import { createPrefetcher, DEFAULT_MAX_CONCURRENCY, type Prefetcher, type PrefetchPolicy, type PrefetchProgress } from './prefetch';
import { createErsPrefetchSources } from './prefetch/ers-sources';
import { createFileFetches } from './prefetch/in-flight';
import { RateControl } from './prefetch/rate-control';

export type { QueueableOperation } from '../review/send-decision';

export interface OfflineSettings {
  maxBytes?: number;
  retentionDays?: number;
  prefetch?: 'all' | 'next' | 'none';
  prefetchNext?: number;
}

/** The role the data is kept for: each has its own partition of the user's offline data. */
export interface Partition {
  businessFunction: string;
  organisationOds: string;
  onBehalfOfUserId: string | null;
}

/** The partition's name in the store (hashed there before it reaches a path). */
export function partitionName(partition: Partition): string {
  return ['role', partition.businessFunction, partition.organisationOds, partition.onBehalfOfUserId ?? ''].join('\u0000');
}

export interface OfflineSessionDeps {
  root: string;
  userId: string;
  environment: string;
  /** The role this session keeps data for. */
  partition: Partition;
  keyProvider: KeyProvider;
  ersBaseUrl: string;
  ersOptions: ErsClientOptions;
  ers: ErsClient;
  settings: OfflineSettings;
  log: Logger;
  onProgress(progress: PrefetchProgress): void;
  onConnectivity(status: ConnectivityStatus, banner: string | null): void;
  onOutbox(items: OutboxItemView[]): void;
  /** Queued decisions e-RS took in one drain, in the order sent (for the audit and a notice). */
  onQueuedSent?(sent: SentFromOutbox[]): Promise<void> | void;
  /** Who is acting now, and as what: a queued decision goes out only under the same. */
  actor(): Actor;
}

/** A queued decision that e-RS has now taken. */
export interface SentFromOutbox {
  outboxId: string;
  operation: string;
  input: Record<string, unknown>;
  /** e-RS's reference for the send; null when it was found already applied. */
  correlationId: string | null;
}

/** The user and role a decision was made as (no names: ids and codes only). */
export interface Actor {
  userId: string | null;
  businessFunction: string | null;
  organisationOds: string | null;
  onBehalfOfUserId: string | null;
}

function sameActor(a: unknown, b: Actor): boolean {
  if (typeof a !== 'object' || a === null) return false;
  const stored = a as Record<string, unknown>;
  return (
    stored.userId === b.userId &&
    stored.businessFunction === b.businessFunction &&
    stored.organisationOds === b.organisationOds &&
    stored.onBehalfOfUserId === b.onBehalfOfUserId
  );
}

const DAY_MS = 24 * 3600_000;

function policyOf(settings: OfflineSettings): PrefetchPolicy {
  switch (settings.prefetch ?? 'all') {
    case 'none':
      return { mode: 'none' };
    case 'next':
      return { mode: 'next', rows: settings.prefetchNext ?? 20 };
    default:
      return { mode: 'all' };
  }
}

export function outboxItemView(item: OutboxItem): OutboxItemView {
  const input = (item.input ?? {}) as Record<string, unknown>;
  return {
    id: item.id,
    operation: item.operation,
    ubrn: typeof input.ubrn === 'string' ? input.ubrn : '',
    createdAt: item.createdAt,
    state: item.state,
    problem: item.problem?.message ?? null,
  };
}

export class OfflineSession {
  private draining: Promise<void> | null = null;
  /** What each item sent in the current drain was, by outbox id (the outbox deletes it once sent). */
  private readonly sentInDrain = new Map<string, SentFromOutbox>();
  private closed = false;
  private lastDataAt: number | null = null;

  private constructor(
    readonly userId: string,
    readonly partition: Partition,
    readonly store: EncryptedStore,
    readonly outbox: Outbox,
    readonly drafts: Drafts,
    /** The user's saved wording for comments and guidance; kept, never expired. */
    readonly savedTexts: SavedTexts,
    /** The user's own settings (the window's size and zoom), the same in every role. */
    readonly preferences: UserPreferences,
    readonly connectivity: Connectivity,
    readonly reads: CachedReads,
    readonly prefetcher: Prefetcher,
    /** The user's audit of decisions, encrypted, kept for the retention period. */
    readonly audit: KeptAuditLog,
    private readonly deps: OfflineSessionDeps,
  ) {}

  static async open(deps: OfflineSessionDeps): Promise<OfflineSession> {
    const base = {
      root: deps.root,
      userId: deps.userId,
      environment: deps.environment,
      partition: partitionName(deps.partition),
      keyProvider: deps.keyProvider,
      logger: deps.log,
    };
    const retentionMs = (deps.settings.retentionDays ?? 7) * DAY_MS;
    const store = await openEncryptedStore({
      ...base,
      ...(deps.settings.maxBytes === undefined ? {} : { maxBytes: deps.settings.maxBytes }),
      retentionMs,
    });
    await store.sweep();
    const outbox = await openOutbox(base);
    const drafts = await openDrafts({ ...base, retentionMs });
    // The user's own, in every role: no partition (saved-texts.ts moves any kept per role).
    const { partition: _role, ...userLevel } = base;
    const savedTexts = await openSavedTexts(userLevel);
    const preferences = await openUserPreferences(userLevel);
    const audit = await openAuditLog({ ...base, retentionMs });
    const connectivity = createConnectivity({
      probe: createHttpProbe(deps.ersBaseUrl, { fetch: deps.ersOptions.fetch }),
      logger: deps.log,
    });
    const fileFetches = createFileFetches();
    const rateControl = new RateControl({ maxConcurrency: DEFAULT_MAX_CONCURRENCY });
    const reads = createCachedReads({ store, connectivity, fileFetches, logger: deps.log });
    const prefetcher = createPrefetcher({
      ...createErsPrefetchSources(deps.ersOptions, rateControl),
      store,
      policy: policyOf(deps.settings),
      rateControl,
      pacing: 'by-transport',
      connectivity,
      fileFetches,
      onProgress: (progress) => deps.onProgress(progress),
      logger: deps.log,
    });
    const session = new OfflineSession(
      deps.userId,
      deps.partition,
      store,
      outbox,
      drafts,
      savedTexts,
      preferences,
      connectivity,
      reads,
      prefetcher,
      audit,
      deps,
    );
    connectivity.onChange((status) => {
      deps.onConnectivity(status, session.banner(status));
      if (status.state === 'online') void session.drain();
    });
    return session;
  }

  banner(status: ConnectivityStatus = this.connectivity.status()): string | null {
    return offlineBanner(status, this.lastDataAt ? { dataFrom: this.lastDataAt } : {});
  }

  /** Remembers when the data on screen came from e-RS, for the banner. */
  noteDataFrom(fetchedAt: string): void {
    const at = Date.parse(fetchedAt);
    if (Number.isFinite(at) && (this.lastDataAt === null || at > this.lastDataAt)) this.lastDataAt = at;
  }

  isOffline(): boolean {
    return !this.connectivity.isOnline();
  }

  /** Starts a background prefetch of the current worklists; progress arrives through onProgress. */
  startPrefetch(): void {
    void this.prefetcher.refresh().catch((error: unknown) => this.deps.log.warn('prefetch.failed', { error }));
  }

  /** Puts a decision made offline on disk first; only then does the user see "queued". */
  async queue(operation: QueueableOperation, input: { [key: string]: JsonValue }, referralVersion: string): Promise<DecisionOutcome> {
    const actor = this.deps.actor();
    const item = await this.outbox.enqueue({ operation, input: { ...input, actor: { ...actor } }, referralVersion });
    await this.publishOutbox();
    return {
      status: 'queued',
      outboxId: item.id,
      message: 'You are offline. The decision is saved on this computer and will be sent when e-RS is reachable.',
    };
  }

  async publishOutbox(): Promise<OutboxItemView[]> {
    const items = (await this.outbox.list()).map(outboxItemView);
    this.deps.onOutbox(items);
    return items;
  }

  /**
   * Sends queued decisions in order, once each. One drain at a time. A decision that needs
   * the user (a conflict, a refusal) is set aside and the ones after it still go; so do
   * decisions made in the role in use while others wait for theirs (each goes out only as
   * the user and role it was made as). Decisions on one referral never overtake each other.
   */
  drain(): Promise<void> {
    this.draining ??= (async () => {
      try {
        this.sentInDrain.clear();
        const result = await this.outbox.drain(
          (item) => this.send(item),
          (item) => this.reconcile(item),
          (item) => sameActor((item.input as Record<string, unknown>).actor, this.deps.actor()),
        );
        const sent = result.sent.map((id) => this.sentInDrain.get(id)).filter((item): item is SentFromOutbox => item !== undefined);
        this.sentInDrain.clear();
        if (sent.length > 0) {
          try {
            await this.deps.onQueuedSent?.(sent);
          } catch (error) {
            this.deps.log.error('outbox.sent_report_failed', { count: sent.length, error });
          }
        }
      } catch (error) {
        this.deps.log.warn('outbox.drain_failed', { error });
      } finally {
        this.draining = null;
        await this.publishOutbox().catch(() => undefined);
      }
    })();
    return this.draining;
  }

  private async send(item: OutboxItem): Promise<void> {
    // After close (sign-out, another user) nothing more goes out under anyone's name.
    if (this.closed) throw new OutboxNotSentError('The session ended before this decision was sent; it stays queued.');
    const input = item.input as Record<string, unknown>;
    // A decision goes out only as the user and role it was made as: a clinician admin who
    // has since switched to act for someone else must not send it in that clinician's name.
    if (!sameActor(input.actor, this.deps.actor())) {
      throw new OutboxNotSentError('This decision was made in another role; choose that role again to send it, or cancel it.');
    }
    const decision = (() => {
      try {
        return decisionFromStored(item.operation, input, item.referralVersion);
      } catch (error) {
        // Unreadable or unknown: the user must see it, never a silent drop or a retry loop.
        throw new OutboxRejectedError(error instanceof Error ? error.message : 'This saved decision could not be read back.');
      }
    })();
    try {
      const { correlationId } = await sendDecision(this.deps.ers, decision);
      this.sentInDrain.set(item.id, { outboxId: item.id, operation: item.operation, input, correlationId });
    } catch (error) {
      if (error instanceof ErsError && error.conflict) throw new OutboxConflictError(error.status === 409 ? 409 : 412, error.message);
      if (
        error instanceof ErsError &&
        error.status !== null &&
        error.status >= 400 &&
        error.status < 500 &&
        error.status !== 429 &&
        error.status !== 401
      ) {
        throw new OutboxRejectedError(error.message, error.status);
      }
      if (error instanceof ErsError && !error.outcomeUnknown) this.connectivity.reportFailure(error);
      throw error;
    }
  }

  /**
   * After a crash mid-send, or a send whose answer never came: if the referral is still at
   * the version the decision was made against, it was not applied; if it moved, the app
   * cannot tell who moved it, so the user decides. An A&G reply carries no version for
   * e-RS to refuse a second copy by, so it is looked for in the conversation itself
   * (advice-reply-check.ts). Never a blind resend.
   */
  private async reconcile(item: OutboxItem): Promise<'applied' | 'not-applied' | 'unknown'> {
    const input = item.input as Record<string, unknown>;
    const ubrn = String(input.ubrn ?? '');
    try {
      if (item.operation === 'advice.reply') {
        const found = await findAdviceReply(this.deps.ers, {
          ubrn,
          guidance: String(input.guidance ?? ''),
          firstSentAt: Date.parse(item.createdAt),
        });
        if (found.landed) return 'applied';
        return found.version === item.referralVersion ? 'not-applied' : 'unknown';
      }
      const current = item.operation.startsWith('advice.')
        ? await this.deps.ers.getAdviceRequest({ ubrn })
        : await this.deps.ers.getReferral({ ubrn });
      return current.version === item.referralVersion ? 'not-applied' : 'unknown';
    } catch (error) {
      // Not an answer from e-RS (offline, locked, session ended): ask again at the next drain.
      if (!(error instanceof ErsError) || error.status === null) throw error;
      return 'unknown';
    }
  }

  async cancelQueued(id: string): Promise<OutboxItemView[]> {
    await this.outbox.cancel(id);
    return this.publishOutbox();
  }

  async close(options: { wipe: boolean }): Promise<void> {
    this.closed = true;
    await this.draining?.catch(() => undefined);
    await this.prefetcher.cancel().catch(() => undefined);
    this.connectivity.dispose();
    await this.store.flush().catch(() => undefined);
    if (options.wipe) {
      // Every role's data goes, unless a decision waits in any role's outbox.
      if (await OfflineSession.decisionsWaiting(this.deps.root, this.userId, this.deps.environment)) {
        throw new AppError(
          'OUTBOX_NOT_EMPTY',
          'Decisions are still waiting to be sent, so this computer keeps them. Reconnect to send them, or cancel them, before signing out.',
        );
      }
      await wipeUserOfflineData({ root: this.deps.root, userId: this.userId, environment: this.deps.environment });
    }
  }

  static root(userDataDir: string): string {
    return path.join(userDataDir, 'offline');
  }

  /** Whether this session is the one for this user in this role. */
  isFor(userId: string, partition: Partition): boolean {
    return this.userId === userId && partitionName(this.partition) === partitionName(partition);
  }

  /** True when a decision waits in the outbox of any of the user's roles. */
  static decisionsWaiting(root: string, userId: string, environment: string): Promise<boolean> {
    return anyPartitionHolds({ root, userId, environment, name: 'outbox' });
  }
}
