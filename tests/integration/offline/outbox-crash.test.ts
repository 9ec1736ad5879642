/**
 * The app killed outright (SIGKILL: no handlers, no flushing) while the outbox writes and
 * while it sends. The outbox runs in a real child process (fixtures/, run with
 * `node --import tsx`); the decision endpoint is a real HTTP server. What must hold whatever
 * the moment of the kill: every item reported queued is on disk, intact, and no decision is
 * ever applied twice.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as jitter } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TestKeyProvider } from '../../../electron/offline/key-provider';
import { openOutbox, type OutboxItem, type OutboxOptions } from '../../../electron/offline/outbox';
import { repoRoot } from '../../helpers/repo';
import { httpReconcile, httpSend, startDecisionServer, type DecisionServer, type HoldMode } from './decision-server';
import { makeTempRoot, tempFiles } from '../../unit/offline/store-test-kit';

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');
const USER = 'consultant-crash';
const WAIT_MS = 30_000;

interface Child {
  lines: string[];
  kill(): void;
  /** Resolves when the process has exited and its output is fully read. */
  closed: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
  /** Resolves once `ready(lines)` holds; rejects if the child ends first or time runs out. */
  waitFor(ready: (lines: string[]) => boolean): Promise<void>;
}

function runChild(script: string, args: string[]): Child {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(fixtures, script), ...args], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let pending = '';
  let stderr = '';
  let check: () => void = () => undefined;
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    pending += chunk;
    const parts = pending.split('\n');
    pending = parts.pop() ?? '';
    lines.push(...parts);
    check();
  });
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    stderr += chunk;
  });
  const closed = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) => {
    child.on('close', (code, signal) => resolve({ code, signal, stderr }));
  });
  return {
    lines,
    kill: () => child.kill('SIGKILL'),
    closed,
    waitFor: (ready) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          child.kill('SIGKILL');
          reject(new Error(`The child did not get there within ${WAIT_MS} ms. stderr: ${stderr}`));
        }, WAIT_MS);
        check = () => {
          if (!ready(lines)) return;
          clearTimeout(timer);
          resolve();
        };
        void closed.then(({ code }) => {
          clearTimeout(timer);
          reject(new Error(`The child exited (${code}) before it got there. stderr: ${stderr}`));
        });
        check();
      }),
  };
}

let root: string;
let cleanup: () => void;
beforeEach(() => {
  ({ root, cleanup } = makeTempRoot('crash'));
});
afterEach(() => cleanup());

function options(): OutboxOptions {
  return { root, userId: USER, environment: 'local', keyProvider: new TestKeyProvider() };
}

const queuedLine = /^queued (\d+) ([0-9a-f-]{36})$/;

describe('killed while writing to the outbox', () => {
  it('loses nothing it reported queued, round after round, and leaves no half-written files', async () => {
    const reported = new Map<number, string>();
    let next = 0;
    for (let round = 0; round < 3; round++) {
      const target = 4 + Math.floor(Math.random() * 16);
      const delayMs = Math.floor(Math.random() * 15);
      const child = runChild('enqueue-loop.ts', [root, USER, String(next)]);
      await child.waitFor((lines) => lines.filter((line) => queuedLine.test(line)).length >= target);
      // Not a wait for anything: the kill lands a random moment after the report (inside the
      // next write, or between writes) on purpose. What the test then checks waits for nothing.
      await jitter(delayMs);
      child.kill();
      const end = await child.closed;
      expect(end.signal, `round ${round}: ${end.stderr}`).toBe('SIGKILL');

      for (const line of child.lines) {
        const match = queuedLine.exec(line);
        if (match) reported.set(Number(match[1]), match[2] as string);
      }
      const outbox = await openOutbox(options());
      const items = await outbox.list();
      const byId = new Map(items.map((item) => [item.id, item]));
      const context = `round ${round}, killed ${delayMs} ms after report ${target}`;
      for (const [i, id] of reported) {
        const item = byId.get(id);
        expect(item, `${context}: item ${i} was reported queued but is missing`).toBeDefined();
        expect(item?.input, context).toEqual({
          ubrn: String(i).padStart(12, '0'),
          reason: `reason ${i}`,
          padding: 'p'.repeat((i * 7919) % 6000),
        });
        expect(item?.state, context).toBe('queued');
      }
      // At most the one write in flight at each kill can be there without having been reported.
      expect(items.length - reported.size, context).toBeLessThanOrEqual(round + 1);
      expect(
        items.map((item) => item.seq),
        context,
      ).toEqual([...items.map((item) => item.seq)].sort((a, b) => a - b));
      expect(outbox.stats().discarded, context).toBe(0);
      expect(tempFiles(root), context).toEqual([]);
      next = Math.max(...reported.keys()) + 2;
    }
    expect(reported.size).toBeGreaterThanOrEqual(12);
  }, 120_000);
});

describe('killed while sending a decision', () => {
  let server: DecisionServer;
  const UBRN = '000000000042';
  beforeEach(async () => {
    server = await startDecisionServer({ [UBRN]: { version: 3, status: 'REVIEW' } });
  });
  afterEach(async () => {
    await server.close();
  });

  /** Queues one reject, starts a child draining it, and kills the child while e-RS holds the request. */
  async function killMidSend(hold: HoldMode): Promise<OutboxItem> {
    const queued = await (
      await openOutbox(options())
    ).enqueue({ operation: 'referral.reject', input: { ubrn: UBRN, reason: 'Wrong specialty' }, referralVersion: '3' });
    server.hold = hold;
    const posted = server.nextPost();
    const child = runChild('drain-once.ts', [root, USER, server.baseUrl]);
    const diedEarly = child.closed.then(({ stderr }) => {
      throw new Error(`The child exited before sending. stderr: ${stderr}`);
    });
    await Promise.race([posted, diedEarly]);
    child.kill();
    expect((await child.closed).signal).toBe('SIGKILL');
    server.hold = 'none';
    const [found] = await (await openOutbox(options())).list();
    expect(found).toMatchObject({ id: queued.id, state: 'sending' });
    return queued;
  }

  function countingSend() {
    const inner = httpSend(server.baseUrl);
    const calls: string[] = [];
    return {
      calls,
      send: async (item: OutboxItem) => {
        calls.push(item.id);
        await inner(item);
      },
    };
  }

  it('after e-RS applied it: reconciled as applied and not sent again', async () => {
    const item = await killMidSend('hold-after-apply');
    const { send, calls } = countingSend();
    const result = await (await openOutbox(options())).drain(send, httpReconcile(server.baseUrl));
    expect(result).toEqual({ outcome: 'done', sent: [item.id], stoppedAt: null, needsUser: [], held: [] });
    expect(calls).toEqual([]);
    expect(server.applied.get(UBRN)).toBe(1);
    expect(server.received).toEqual([`${UBRN} reject`]);
    expect(await (await openOutbox(options())).list()).toEqual([]);
  }, 60_000);

  it('before e-RS applied it: reconciled as not applied and sent exactly once', async () => {
    const item = await killMidSend('hold-before-apply');
    const { send, calls } = countingSend();
    const result = await (await openOutbox(options())).drain(send, httpReconcile(server.baseUrl));
    expect(result).toEqual({ outcome: 'done', sent: [item.id], stoppedAt: null, needsUser: [], held: [] });
    expect(calls).toEqual([item.id]);
    expect(server.applied.get(UBRN)).toBe(1);
    expect(server.referrals.get(UBRN)).toEqual({ version: 4, status: 'REJECTED' });
  }, 60_000);

  it('when e-RS cannot say: handed to the user as a conflict, not resent', async () => {
    const item = await killMidSend('hold-before-apply');
    server.referrals.set(UBRN, { version: 4, status: 'ACCEPTED' }); // changed by someone else meanwhile
    const { send, calls } = countingSend();
    const outbox = await openOutbox(options());
    expect(await outbox.drain(send, httpReconcile(server.baseUrl))).toEqual({
      outcome: 'conflict',
      sent: [],
      stoppedAt: null,
      needsUser: [item.id],
      held: [],
    });
    expect(calls).toEqual([]);
    expect(server.applied.get(UBRN)).toBeUndefined();
    expect((await outbox.list())[0]).toMatchObject({ state: 'conflict', problem: { kind: 'unknown' } });
  }, 60_000);
});
