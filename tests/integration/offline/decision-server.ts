/**
 * A tiny real HTTP server standing in for the e-RS decision endpoints, enough to prove the
 * outbox sends each decision once: referrals with a version and a status, a POST that
 * applies a decision only when If-Match names the current version (412 otherwise), a GET
 * that reconciliation reads, and a count of every decision applied. It can hold a request
 * open (before or after applying it) so a test can kill the sender at that moment.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { OutboxConflictError, OutboxRejectedError, type OutboxItem, type Reconciliation } from '../../../electron/offline/outbox';

export interface Referral {
  version: number;
  status: string;
}

export type HoldMode = 'none' | 'hold-before-apply' | 'hold-after-apply';

export interface DecisionServer {
  baseUrl: string;
  referrals: Map<string, Referral>;
  /** ubrn → how many decisions were applied to it. */
  applied: Map<string, number>;
  /** Every POST received, in order, as `${ubrn} ${decision}`. */
  received: string[];
  hold: HoldMode;
  /** Resolves when the next POST has arrived (and, if holding after apply, been applied). */
  nextPost(): Promise<void>;
  close(): Promise<void>;
}

const STATUS_FOR: Record<string, string> = { reject: 'REJECTED', accept: 'ACCEPTED' };

export async function startDecisionServer(seed: Record<string, Referral>): Promise<DecisionServer> {
  const referrals = new Map(Object.entries(seed));
  const applied = new Map<string, number>();
  const received: string[] = [];
  let waiters: (() => void)[] = [];
  const state = { hold: 'none' as HoldMode };

  const server = http.createServer((req, res) => {
    const match = /^\/referral\/(\d{12})(?:\/(reject|accept))?$/.exec(req.url ?? '');
    const referral = match?.[1] ? referrals.get(match[1]) : undefined;
    if (!match?.[1] || !referral) {
      res.writeHead(404).end();
      return;
    }
    if (req.method === 'GET' && !match[2]) {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(referral));
      return;
    }
    const ubrn = match[1];
    const decision = match[2];
    if (req.method !== 'POST' || !decision) {
      res.writeHead(405).end();
      return;
    }
    req.resume();
    req.on('end', () => {
      received.push(`${ubrn} ${decision}`);
      const notify = () => {
        const current = waiters;
        waiters = [];
        for (const wake of current) wake();
      };
      if (state.hold === 'hold-before-apply') {
        notify();
        return; // never answered, never applied
      }
      if (req.headers['if-match'] !== `W/"${referral.version}"`) {
        res.writeHead(412).end();
        notify();
        return;
      }
      referral.version += 1;
      referral.status = STATUS_FOR[decision] ?? decision;
      applied.set(ubrn, (applied.get(ubrn) ?? 0) + 1);
      notify();
      if (state.hold === 'hold-after-apply') return; // applied, but the answer never comes
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(referral));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    baseUrl: `http://127.0.0.1:${port}`,
    referrals,
    applied,
    received,
    get hold() {
      return state.hold;
    },
    set hold(mode: HoldMode) {
      state.hold = mode;
    },
    nextPost: () => new Promise<void>((resolve) => waiters.push(resolve)),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

interface DecisionInput {
  ubrn: string;
}

function ubrnOf(item: OutboxItem): string {
  const input = item.input as unknown as DecisionInput;
  return input.ubrn;
}

function decisionOf(item: OutboxItem): string {
  return item.operation.replace(/^referral\./, '');
}

/** The outbox's `send`, over real HTTP, mapping status codes the way the e-RS client will. */
export function httpSend(baseUrl: string): (item: OutboxItem) => Promise<void> {
  return async (item) => {
    const response = await fetch(`${baseUrl}/referral/${ubrnOf(item)}/${decisionOf(item)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'if-match': `W/"${item.referralVersion}"` },
      body: JSON.stringify(item.input),
    });
    await response.arrayBuffer();
    if (response.status === 412 || response.status === 409) throw new OutboxConflictError(response.status);
    if (response.status >= 400 && response.status < 500) throw new OutboxRejectedError('e-RS refused the decision.', response.status);
    if (!response.ok) throw new Error(`e-RS answered ${response.status}.`);
  };
}

/** The outbox's `reconcile`, over real HTTP: did the referral move to the decided status? */
export function httpReconcile(baseUrl: string): (item: OutboxItem) => Promise<Reconciliation> {
  return async (item) => {
    const response = await fetch(`${baseUrl}/referral/${ubrnOf(item)}`);
    if (!response.ok) throw new Error(`e-RS answered ${response.status}.`);
    const referral = (await response.json()) as Referral;
    if (String(referral.version) === item.referralVersion) return 'not-applied';
    return referral.status === STATUS_FOR[decisionOf(item)] ? 'applied' : 'unknown';
  };
}
