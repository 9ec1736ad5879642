import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../../electron/app-error';
import { TestKeyProvider } from '../../../electron/offline/key-provider';
import { openOutbox, OutboxRejectedError, type Outbox, type OutboxItem, type OutboxOptions } from '../../../electron/offline/outbox';
import { httpReconcile, httpSend, startDecisionServer, type DecisionServer } from './decision-server';
import { makeTempRoot, manualClock } from '../../unit/offline/store-test-kit';

const A = '000000000001';
const B = '000000000002';
const C = '000000000003';

let server: DecisionServer;
let root: string;
let cleanup: () => void;
const clock = manualClock();

beforeEach(async () => {
  ({ root, cleanup } = makeTempRoot('outbox'));
  server = await startDecisionServer({
    [A]: { version: 3, status: 'REVIEW' },
    [B]: { version: 7, status: 'REVIEW' },
    [C]: { version: 1, status: 'REVIEW' },
  });
});

afterEach(async () => {
  await server.close();
  cleanup();
});

function options(): OutboxOptions {
  return { root, userId: 'consultant-1', environment: 'local', keyProvider: new TestKeyProvider(), now: clock.now };
}

function reject(ubrn: string, version: string, reason = 'Not appropriate for this clinic') {
  return { operation: 'referral.reject', input: { ubrn, reason }, referralVersion: version };
}

async function rejection(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

/** A send over real HTTP that also records the order and how many ran at once. */
function countingSend(baseUrl: string) {
  const inner = httpSend(baseUrl);
  const record = { order: [] as string[], inFlight: 0, maxInFlight: 0 };
  const send = async (item: OutboxItem) => {
    record.inFlight++;
    record.maxInFlight = Math.max(record.maxInFlight, record.inFlight);
    record.order.push((item.input as { ubrn: string }).ubrn);
    try {
      await inner(item);
    } finally {
      record.inFlight--;
    }
  };
  return { send, record };
}

const neverReconcile = async (): Promise<never> => {
  throw new Error('reconcile should not be asked about an item that was never sent');
};

describe('enqueue and list', () => {
  it('keeps every field, in order, across a reopen', async () => {
    const outbox = await openOutbox(options());
    const first = await outbox.enqueue(reject(A, '3'));
    clock.advance(1000);
    const second = await outbox.enqueue({
      operation: 'referral.accept',
      input: { ubrn: B, appointment: null, tags: [1, 'x'] },
      referralVersion: '7',
    });
    expect(first).toMatchObject({
      operation: 'referral.reject',
      referralVersion: '3',
      state: 'queued',
      attempts: 0,
      mayHaveBeenSent: false,
      problem: null,
    });
    expect(first.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(new Date(second.createdAt).getTime() - new Date(first.createdAt).getTime()).toBe(1000);

    const reopened = await openOutbox(options());
    expect(await reopened.list()).toEqual([first, second]);
    const third = await reopened.enqueue(reject(C, '1'));
    expect(third.seq).toBeGreaterThan(second.seq);
  });

  it('refuses what cannot be queued with a clear sentence', async () => {
    const outbox = await openOutbox(options());
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    for (const bad of [
      { operation: '', input: {}, referralVersion: '1' },
      { operation: 'referral.reject', input: {}, referralVersion: 'W/"1"' },
      { operation: 'referral.reject', input: cyclic, referralVersion: '1' },
      { operation: 'referral.reject', input: { text: 'x'.repeat(1024 * 1024) }, referralVersion: '1' },
    ]) {
      const error = await rejection(outbox.enqueue(bad as Parameters<Outbox['enqueue']>[0]));
      expect(error.code).toBe('OUTBOX_INVALID');
      expect(error.message).toMatch(/^This decision could not be queued because .+; check the form and try again\.$/);
    }
    expect(await outbox.list()).toEqual([]);
  });
});

describe('drain', () => {
  it('sends in order, one at a time, exactly once each, and empties the outbox', async () => {
    const outbox = await openOutbox(options());
    const items = [await outbox.enqueue(reject(B, '7')), await outbox.enqueue(reject(A, '3')), await outbox.enqueue(reject(C, '1'))];
    const { send, record } = countingSend(server.baseUrl);
    const result = await outbox.drain(send, neverReconcile);
    expect(result).toEqual({ outcome: 'done', sent: items.map((item) => item.id), stoppedAt: null, needsUser: [], held: [] });
    expect(record.order).toEqual([B, A, C]);
    expect(record.maxInFlight).toBe(1);
    expect([...server.applied.values()]).toEqual([1, 1, 1]);
    expect(await outbox.list()).toEqual([]);
    expect(await (await openOutbox(options())).list()).toEqual([]);
  });

  it('a second drain while one runs joins it rather than sending again', async () => {
    const outbox = await openOutbox(options());
    await outbox.enqueue(reject(A, '3'));
    const { send, record } = countingSend(server.baseUrl);
    const [one, two] = await Promise.all([outbox.drain(send, neverReconcile), outbox.drain(send, neverReconcile)]);
    expect(one).toEqual(two);
    expect(record.order).toEqual([A]);
    expect(server.applied.get(A)).toBe(1);
  });

  it('a 412 sets the item aside for the user and the items after it still go; the user retries with the new version or drops it', async () => {
    const outbox = await openOutbox(options());
    const ok = await outbox.enqueue(reject(A, '3'));
    const stale = await outbox.enqueue(reject(B, '6')); // e-RS is at 7
    const later = await outbox.enqueue(reject(C, '1'));
    const { send, record } = countingSend(server.baseUrl);

    // Not blocked: the conflict waits for the user, the decision after it is sent.
    expect(await outbox.drain(send, neverReconcile)).toEqual({
      outcome: 'conflict',
      sent: [ok.id, later.id],
      stoppedAt: null,
      needsUser: [stale.id],
      held: [],
    });
    const [conflicted] = await outbox.list();
    expect(await outbox.list()).toHaveLength(1);
    expect(conflicted).toMatchObject({ id: stale.id, state: 'conflict', problem: { kind: 'conflict', status: 412 } });
    expect(conflicted?.problem?.message).toMatch(/changed in e-RS after you made this decision.+; .+\.$/);
    expect(Object.fromEntries(server.applied)).toEqual({ [A]: 1, [C]: 1 });

    // Set aside, not retried behind the user's back.
    expect(await outbox.drain(send, neverReconcile)).toEqual({
      outcome: 'conflict',
      sent: [],
      stoppedAt: null,
      needsUser: [stale.id],
      held: [],
    });
    expect(record.order).toEqual([A, B, C]);

    const retried = await outbox.resolveConflict(stale.id, 'retry-with', {
      referralVersion: '7',
      input: { ubrn: B, reason: 'Reviewed the update; still reject' },
    });
    expect(retried).toMatchObject({ state: 'queued', referralVersion: '7', problem: null, mayHaveBeenSent: false });
    expect(await outbox.drain(send, neverReconcile)).toEqual({
      outcome: 'done',
      sent: [stale.id],
      stoppedAt: null,
      needsUser: [],
      held: [],
    });
    expect(Object.fromEntries(server.applied)).toEqual({ [A]: 1, [B]: 1, [C]: 1 });
  });

  it('a later decision on the same referral waits behind one that needs the user, and never overtakes it', async () => {
    const outbox = await openOutbox(options());
    const stale = await outbox.enqueue(reject(B, '6')); // e-RS is at 7
    const sameReferral = await outbox.enqueue({ operation: 'referral.accept', input: { ubrn: B }, referralVersion: '7' });
    const other = await outbox.enqueue(reject(A, '3'));
    const { send, record } = countingSend(server.baseUrl);
    expect(await outbox.drain(send, neverReconcile)).toEqual({
      outcome: 'conflict',
      sent: [other.id],
      stoppedAt: null,
      needsUser: [stale.id],
      held: [sameReferral.id],
    });
    expect(record.order).toEqual([B, A]);
    expect((await outbox.list()).map((item) => [item.id, item.state])).toEqual([
      [stale.id, 'conflict'],
      [sameReferral.id, 'queued'],
    ]);
    // The user drops the stale one: the one behind it goes.
    await outbox.resolveConflict(stale.id, 'drop');
    expect(await outbox.drain(send, neverReconcile)).toEqual({
      outcome: 'done',
      sent: [sameReferral.id],
      stoppedAt: null,
      needsUser: [],
      held: [],
    });
  });

  it('items the caller says are not ready (another role) wait, with their referral, while the rest go', async () => {
    const outbox = await openOutbox(options());
    const otherRole = await outbox.enqueue({
      operation: 'referral.reject',
      input: { ubrn: A, reason: 'x', role: 'R68' },
      referralVersion: '3',
    });
    const behindIt = await outbox.enqueue({ operation: 'referral.accept', input: { ubrn: A, role: 'R69' }, referralVersion: '3' });
    const thisRole = await outbox.enqueue({
      operation: 'referral.reject',
      input: { ubrn: C, reason: 'y', role: 'R69' },
      referralVersion: '1',
    });
    const { send, record } = countingSend(server.baseUrl);
    const ready = (item: OutboxItem) => (item.input as { role: string }).role === 'R69';
    expect(await outbox.drain(send, neverReconcile, ready)).toEqual({
      outcome: 'done',
      sent: [thisRole.id],
      stoppedAt: null,
      needsUser: [],
      held: [otherRole.id, behindIt.id],
    });
    expect(record.order).toEqual([C]);
    expect((await outbox.list()).map((item) => [item.id, item.state, item.attempts])).toEqual([
      [otherRole.id, 'queued', 0],
      [behindIt.id, 'queued', 0],
    ]);
  });

  it("dropping a conflict removes it, by the user's choice; nothing else waited for it", async () => {
    const outbox = await openOutbox(options());
    const stale = await outbox.enqueue(reject(B, '5'));
    const next = await outbox.enqueue(reject(A, '3'));
    const { send } = countingSend(server.baseUrl);
    expect(await outbox.drain(send, neverReconcile)).toMatchObject({ outcome: 'conflict', sent: [next.id], needsUser: [stale.id] });
    expect(await outbox.resolveConflict(stale.id, 'drop')).toBeNull();
    expect(await outbox.drain(send, neverReconcile)).toEqual({ outcome: 'done', sent: [], stoppedAt: null, needsUser: [], held: [] });
    expect(await outbox.list()).toEqual([]);
    expect(server.applied.get(B)).toBeUndefined();
  });

  it('a refusal (e.g. 403) is handed to the user with its message, not retried', async () => {
    const outbox = await openOutbox(options());
    const item = await outbox.enqueue(reject(A, '3'));
    const refused = new AppError('ERS_403', 'e-RS says you may not reject referrals for this service; ask your service administrator.');
    const result = await outbox.drain(async () => {
      throw Object.assign(refused, { rejected: true, status: 403 });
    }, neverReconcile);
    expect(result.outcome).toBe('conflict');
    expect((await outbox.list())[0]).toMatchObject({
      id: item.id,
      state: 'conflict',
      mayHaveBeenSent: false,
      problem: { kind: 'rejected', status: 403, message: refused.message },
    });
    await outbox.drain(async () => {
      throw new OutboxRejectedError('no', 400);
    }, neverReconcile);
    expect(server.received).toEqual([]);
  });

  it('a network failure leaves the item queued and stops; next time it is reconciled before any resend', async () => {
    const outbox = await openOutbox(options());
    const item = await outbox.enqueue(reject(A, '3'));
    const deadServer = await startDecisionServer({});
    const deadUrl = deadServer.baseUrl;
    await deadServer.close(); // a port nobody listens on: connection refused, a real network failure

    expect(await outbox.drain(httpSend(deadUrl), httpReconcile(deadUrl))).toEqual({
      outcome: 'offline',
      sent: [],
      stoppedAt: item.id,
      needsUser: [],
      held: [],
    });
    expect((await outbox.list())[0]).toMatchObject({ state: 'queued', mayHaveBeenSent: true, attempts: 1 });

    // Still offline: reconciliation cannot reach e-RS either; nothing changes, nothing is sent.
    expect(await outbox.drain(httpSend(deadUrl), httpReconcile(deadUrl))).toEqual({
      outcome: 'offline',
      sent: [],
      stoppedAt: item.id,
      needsUser: [],
      held: [],
    });
    expect((await outbox.list())[0]).toMatchObject({ state: 'queued', mayHaveBeenSent: true });

    // Back online: reconciliation says it never arrived, so it is sent, once.
    const { send, record } = countingSend(server.baseUrl);
    expect(await outbox.drain(send, httpReconcile(server.baseUrl))).toEqual({
      outcome: 'done',
      sent: [item.id],
      stoppedAt: null,
      needsUser: [],
      held: [],
    });
    expect(record.order).toEqual([A]);
    expect(server.applied.get(A)).toBe(1);
  });

  it('a failure after e-RS applied the decision (answer lost) is reconciled as applied, not resent', async () => {
    const outbox = await openOutbox(options());
    const item = await outbox.enqueue(reject(A, '3'));
    const inner = httpSend(server.baseUrl);
    const loseTheAnswer = async (sent: OutboxItem) => {
      await inner(sent);
      throw new TypeError('fetch failed');
    };
    expect((await outbox.drain(loseTheAnswer, neverReconcile)).outcome).toBe('offline');
    const { send, record } = countingSend(server.baseUrl);
    expect(await outbox.drain(send, httpReconcile(server.baseUrl))).toEqual({
      outcome: 'done',
      sent: [item.id],
      stoppedAt: null,
      needsUser: [],
      held: [],
    });
    expect(record.order).toEqual([]);
    expect(server.applied.get(A)).toBe(1);
  });

  it('when reconciliation cannot tell, the item goes to the user instead of being resent', async () => {
    const outbox = await openOutbox(options());
    const item = await outbox.enqueue(reject(A, '3'));
    await outbox.drain(async () => {
      throw new TypeError('fetch failed');
    }, neverReconcile);
    server.referrals.set(A, { version: 4, status: 'ACCEPTED' }); // someone else changed it meanwhile
    const { send, record } = countingSend(server.baseUrl);
    expect(await outbox.drain(send, httpReconcile(server.baseUrl))).toEqual({
      outcome: 'conflict',
      sent: [],
      stoppedAt: null,
      needsUser: [item.id],
      held: [],
    });
    expect((await outbox.list())[0]).toMatchObject({ state: 'conflict', problem: { kind: 'unknown' } });
    expect(record.order).toEqual([]);
  });
});

describe('cancel', () => {
  it('removes a queued item so it is never sent; refuses while it is being sent and for unknown ids', async () => {
    const outbox = await openOutbox(options());
    const first = await outbox.enqueue(reject(A, '3'));
    const cancelled = await outbox.enqueue(reject(B, '7'));
    await outbox.cancel(cancelled.id);
    expect((await outbox.list()).map((item) => item.id)).toEqual([first.id]);
    expect((await rejection(outbox.cancel(cancelled.id))).code).toBe('OUTBOX_NOT_FOUND');

    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let entered: () => void = () => undefined;
    const inSend = new Promise<void>((resolve) => {
      entered = resolve;
    });
    const inner = httpSend(server.baseUrl);
    const draining = outbox.drain(async (item) => {
      entered();
      await gate;
      await inner(item);
    }, neverReconcile);
    await inSend;

    const refused = await rejection(outbox.cancel(first.id));
    expect(refused.code).toBe('OUTBOX_ITEM_SENDING');
    expect(refused.message).toMatch(/can no longer be cancelled; .+\.$/);
    // What a restarted app would see at this moment: the item is marked 'sending' on disk.
    expect((await (await openOutbox(options())).list())[0]).toMatchObject({ id: first.id, state: 'sending' });

    release();
    expect((await draining).sent).toEqual([first.id]);
    expect(Object.fromEntries(server.applied)).toEqual({ [A]: 1 });
  });
});
