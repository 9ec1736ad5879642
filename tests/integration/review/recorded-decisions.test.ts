/**
 * A 2xx answer to a decision means e-RS recorded it, always. NHS's own sandbox answers a
 * reject on 000000070001 and an A&G reply on 000000070002 with 200 and the example body of
 * 000000070000; the app used to call that "could not read safely... Try again", audit it as
 * failed, and leave the decision to be sent a second time. Here an e-RS on loopback answers
 * every decision 2xx with a body the app cannot read, in each way one can be unreadable,
 * and every channel must say "sent", audit "sent", and have sent exactly one request.
 */
import type http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DecisionOutcome } from '../../../contract';
import { startDirectApp, type DirectApp } from '../../helpers/app-direct';
import { json, referral, startLoopback, type Loopback, type Recorded } from '../ers/loopback';

type Unreadable = 'another item' | 'not JSON' | 'empty' | 'cut off';
let answerWith: Unreadable = 'another item';

function answerDecision(res: http.ServerResponse, status: number): void {
  switch (answerWith) {
    case 'another item':
      json(res, status, referral('000000070099', '10'));
      return;
    case 'not JSON':
      res.writeHead(status, { 'Content-Type': 'application/fhir+json' }).end('<html>gateway says ok</html>');
      return;
    case 'empty':
      res.writeHead(status).end();
      return;
    case 'cut off': {
      const text = JSON.stringify(referral('000000070001', '10'));
      res.writeHead(status, { 'Content-Type': 'application/fhir+json', 'Content-Length': String(text.length) });
      res.write(text.slice(0, 40), () => setTimeout(() => res.socket?.destroy(), 5));
      return;
    }
  }
}

const DECISION =
  /\$ers\.(acceptReferral|rejectReferral|recordReviewOutcome|sendCommunicationToRequester|createFromCommunicationRequestActionLater)$/;

let ers: Loopback;
let direct: DirectApp;

beforeAll(async () => {
  ers = await startLoopback((request: Recorded, res) => {
    if (request.method === 'POST' && DECISION.test(request.path)) {
      answerDecision(res, request.path.endsWith('ActionLater') ? 201 : 200);
      return;
    }
    json(res, 404, { resourceType: 'OperationOutcome', issue: [] });
  });
  direct = await startDirectApp({ env: { ERS_ENVIRONMENT: 'sandbox', ERS_BASE_URL: ers.url } });
}, 30_000);

afterAll(async () => {
  await direct?.close();
  await ers?.close();
});

// The audit is the user's, encrypted in their offline folder: read through the app.
const audit = async (): Promise<Record<string, unknown>[]> => (await direct.app.auditEntries()) as unknown as Record<string, unknown>[];

const decisions: { action: string; send: () => ReturnType<DirectApp['raw']> }[] = [
  { action: 'accept', send: () => direct.raw('referral.accept', { ubrn: '000000070000', version: '5' }) },
  {
    action: 'reject',
    send: () =>
      direct.raw('referral.reject', {
        ubrn: '000000070001',
        version: '5',
        reasonCode: 'SERVICE_INAPPROPRIATE',
        comments: 'This is a short comment',
      }),
  },
  {
    action: 'triage-outcome',
    send: () =>
      direct.raw('referral.recordTriageOutcome', {
        ubrn: '000000070001',
        version: '5',
        outcome: 'ACCEPT_REFER_BOOK_LATER',
        comments: 'Book soon',
      }),
  },
  {
    action: 'advice-reply',
    send: () =>
      direct.raw('advice.reply', {
        ubrn: '000000070002',
        outcome: 'REQUIRE_FURTHER_INFORMATION',
        guidance: 'Please supply me with xxx test results',
        priority: 'TWO_WEEK_WAIT',
      }),
  },
  {
    action: 'advice-convert',
    send: () =>
      direct.raw('advice.convert', {
        ubrn: '000000070002',
        version: '5',
        guidance: 'Converted',
        priority: 'ROUTINE',
        reviewComments: 'Book please',
      }),
  },
];

describe('a decision e-RS answered 2xx is recorded, whatever its answer looks like', () => {
  for (const unreadable of ['another item', 'not JSON', 'empty', 'cut off'] as const) {
    it(`answer: ${unreadable} — every decision says sent, is audited sent, and went out once`, async () => {
      answerWith = unreadable;
      for (const { action, send } of decisions) {
        const before = ers.requests.length;
        const result = await send();
        expect(result.ok, `${action}: ${JSON.stringify(result)}`).toBe(true);
        const outcome = (result.ok ? result.value : null) as DecisionOutcome | null;
        expect(outcome?.status, action).toBe('sent');
        expect((await audit()).at(-1)).toMatchObject({ action, result: 'sent', errorCode: null });
        expect(ers.requests.slice(before).filter((r) => r.method === 'POST' && DECISION.test(r.path))).toHaveLength(1);
      }
    });
  }
});
