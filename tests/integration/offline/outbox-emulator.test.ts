/**
 * The outbox against the local e-RS on loopback, with its faults: a decision that needs
 * the user is set aside while the ones after it go, and an A&G reply whose first send had
 * no answer (a dropped response, a commit slower than the app waits) is looked for in the
 * conversation before anything is sent again. A026 carries no version, so e-RS itself
 * would take a second copy: here every reply reaches the conversation exactly once.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { testFetch } from '../../helpers/fetch';
import { createErsClient, type ErsClient, type ErsClientOptions } from '../../../electron/ers/client';
import { silentLogger } from '../../../electron/log/logger';
import { TestKeyProvider } from '../../../electron/offline/key-provider';
import { OfflineSession } from '../../../electron/offline/offline-session';
import { CONSULTANT_UID } from '../../../local-env/src/users';
import { NO_FAULTS, type FaultConfig } from '../../../local-env/src/ers';
import { startTestEmulator, type TestEmulator } from '../../helpers/ers-emulator';
import { writeFigures } from '../../unit/security/security-figures';
import { makeTempRoot } from '../../unit/offline/store-test-kit';

let te: TestEmulator;
let root: string;
let cleanup: () => void;
let session: OfflineSession;
let ers: ErsClient;
const figures = { faultsInjected: 0, duplicateSends: 0, decisionsLost: 0 };

const actor = { userId: CONSULTANT_UID, businessFunction: 'SERVICE_PROVIDER_CLINICIAN', organisationOds: 'R69', onBehalfOfUserId: null };

function clientOptions(timeoutMs: number): ErsClientOptions {
  return {
    baseUrl: te.emulator.baseUrl,
    environment: 'local',
    getAccessToken: () => te.token(CONSULTANT_UID),
    getRole: () => ({ businessFunction: 'SERVICE_PROVIDER_CLINICIAN', organisationOds: 'R69', onBehalfOfUserId: null }),
    retry: { maxAttempts: 1 },
    timeoutMs,
    fetch: testFetch,
  };
}

async function openSession(timeoutMs = 5_000): Promise<void> {
  const ersOptions = clientOptions(timeoutMs);
  ers = createErsClient(ersOptions);
  session = await OfflineSession.open({
    root,
    userId: CONSULTANT_UID,
    partition: { businessFunction: 'SERVICE_PROVIDER_CLINICIAN', organisationOds: 'R69', onBehalfOfUserId: null },
    environment: 'local',
    keyProvider: new TestKeyProvider(),
    ersBaseUrl: te.emulator.baseUrl,
    ersOptions,
    ers,
    settings: { prefetch: 'none' },
    log: silentLogger,
    onProgress: () => undefined,
    onConnectivity: () => undefined,
    onOutbox: () => undefined,
    actor: () => actor,
  });
}

function fault(settings: Partial<FaultConfig>): void {
  figures.faultsInjected += 1;
  te.emulator.setFaults(settings);
}

/** A&G requests waiting for this provider, not yet used by a test. */
const used = new Set<string>();
async function adviceAwaitingReply(): Promise<{ ubrn: string; version: string }> {
  for (const row of await ers.fetchWorklist('advice')) {
    if (used.has(row.ubrn) || te.emulator.advice(row.ubrn)?.status !== 'PROVIDER_RESPONSE_REQUIRED') continue;
    used.add(row.ubrn);
    return { ubrn: row.ubrn, version: String(te.emulator.advice(row.ubrn)?.version) };
  }
  throw new Error('no A&G request is waiting for a reply');
}

function repliesWith(ubrn: string, guidance: string): number {
  return (te.emulator.advice(ubrn)?.messages ?? []).filter((m) => m.category === 'RESPONDER' && m.text === guidance).length;
}

const a026For = (ubrn: string) => te.emulator.operations().filter((o) => o.operation === 'A026' && o.path.includes(ubrn));

async function queueReply(ubrn: string, version: string, guidance: string) {
  return session.queue('advice.reply', { ubrn, outcome: 'REQUIRE_FURTHER_INFORMATION', guidance, priority: 'ROUTINE' }, version);
}

beforeAll(async () => {
  te = await startTestEmulator();
});
afterAll(async () => {
  await te.close();
  writeFigures('outbox-emulator', figures);
});
beforeEach(async () => {
  ({ root, cleanup } = makeTempRoot('outbox-emulator'));
  te.emulator.setFaults(NO_FAULTS);
  te.emulator.clearOperations();
});
afterEach(async () => {
  await session?.close({ wipe: false });
  te.emulator.setFaults(NO_FAULTS);
  cleanup();
});

describe('a decision that needs the user does not hold up the others', () => {
  it('a conflicted first decision is set aside, shown with its problem and cancellable, while the decisions after it are sent', async () => {
    await openSession();
    const rows = (await ers.fetchWorklist('referrals')).slice(0, 3);
    expect(rows).toHaveLength(3);
    const [first, second, third] = rows.map((row) => ({ ubrn: row.ubrn, version: String(te.emulator.referral(row.ubrn)?.version) }));
    if (!first || !second || !third) throw new Error('worklist too short');
    const reason = (await ers.getRejectionReasons())[0]?.code ?? '';
    // Someone else changes the first referral after the decision was made offline.
    const queuedFirst = await session.queue('referral.accept', { ubrn: first.ubrn }, first.version);
    await te.emulator.touchReferral(first.ubrn);
    await session.queue(
      'referral.reject',
      { ubrn: second.ubrn, reasonCode: reason, comments: 'Synthetic: refer to community service.' },
      second.version,
    );
    await session.queue('referral.accept', { ubrn: third.ubrn }, third.version);

    await session.drain();
    expect(te.emulator.referral(second.ubrn)?.status.code).toBe('REJECTED');
    expect(te.emulator.referral(third.ubrn)?.version).toBe(Number(third.version) + 1);
    const waiting = await session.publishOutbox();
    expect(waiting).toEqual([
      expect.objectContaining({
        id: queuedFirst.status === 'queued' ? queuedFirst.outboxId : '',
        operation: 'referral.accept',
        ubrn: first.ubrn,
        state: 'conflict',
        problem: expect.stringMatching(/^This referral was changed in e-RS after you made this decision/),
      }),
    ]);
    // The user resolves it (outbox.cancel): nothing was sent for it.
    expect(await session.cancelQueued(waiting[0]?.id ?? '')).toEqual([]);
    expect(
      te.emulator
        .operations()
        .filter((o) => o.operation === 'A013' && o.path.includes(first.ubrn))
        .map((o) => o.status),
    ).toEqual([412]);
  });
});

describe('an A&G reply whose first send had no answer is never sent twice', () => {
  it('an answer cut off after e-RS said 200: the reply is recorded, so it leaves the outbox and is not sent again', async () => {
    await openSession();
    const { ubrn, version } = await adviceAwaitingReply();
    const guidance = 'Synthetic: please send the latest blood results.';
    await queueReply(ubrn, version, guidance);

    // The status line arrived and the body did not: a 2xx means e-RS recorded it.
    fault({ dropRate: 1, onlyOperations: ['A026'] });
    await session.drain();
    expect(a026For(ubrn).map((o) => o.fault)).toEqual(['dropped']);
    expect(await session.outbox.list()).toEqual([]);
    expect(repliesWith(ubrn, guidance)).toBe(1);

    te.emulator.setFaults(NO_FAULTS);
    await session.drain();
    expect(a026For(ubrn)).toHaveLength(1);
    expect(repliesWith(ubrn, guidance)).toBe(1);
    figures.duplicateSends += Math.max(0, repliesWith(ubrn, guidance) - 1);
  });

  it('a slow commit: the app gave up waiting, e-RS had the reply, and it is not sent again', async () => {
    await openSession(1_000);
    const { ubrn, version } = await adviceAwaitingReply();
    const guidance = 'Synthetic: start a trial of treatment and review in six weeks.';
    await queueReply(ubrn, version, guidance);

    fault({ commitDelayMs: 3_000, onlyOperations: ['A026'] });
    await session.drain();
    expect((await session.outbox.list())[0]).toMatchObject({ state: 'queued', mayHaveBeenSent: true });
    expect(repliesWith(ubrn, guidance)).toBe(1);

    te.emulator.setFaults(NO_FAULTS);
    await session.drain();
    expect(await session.outbox.list()).toEqual([]);
    // The emulator logs the slow A026 once its late answer has gone out.
    await vi.waitFor(() => expect(a026For(ubrn).map((o) => o.fault)).toEqual(['slow-commit']), { timeout: 10_000 });
    expect(repliesWith(ubrn, guidance)).toBe(1);
    figures.duplicateSends += Math.max(0, repliesWith(ubrn, guidance) - 1);
  }, 30_000);

  it('a gateway error before e-RS applied it: the reply is not in the conversation, so it is sent again, once', async () => {
    await openSession();
    const { ubrn, version } = await adviceAwaitingReply();
    const guidance = 'Synthetic: no referral needed; manage in primary care.';
    await queueReply(ubrn, version, guidance);

    fault({ serverErrorRate: 1, serverErrorStatus: 502, onlyOperations: ['A026'] });
    await session.drain();
    expect((await session.outbox.list())[0]).toMatchObject({ state: 'queued', mayHaveBeenSent: true });
    expect(repliesWith(ubrn, guidance)).toBe(0);

    te.emulator.setFaults(NO_FAULTS);
    await session.drain();
    expect(await session.outbox.list()).toEqual([]);
    expect(a026For(ubrn).map((o) => o.status)).toEqual([502, 200]);
    expect(repliesWith(ubrn, guidance)).toBe(1);
    figures.decisionsLost += repliesWith(ubrn, guidance) === 1 ? 0 : 1;
  });
});
