import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createErsClient, type ErsClient, type ErsClientOptions } from '../../../electron/ers/client';
import { ErsError } from '../../../electron/ers/ers-error';
import { backoffDelayMs, DEFAULT_RETRY_POLICY, parseRetryAfterMs } from '../../../electron/ers/retry-policy';
import { json, outcome, referral, startLoopback, type Loopback, type Responder } from './loopback';
import { testFetch } from '../../helpers/fetch';

const UBRN = '000000070000';
let server: Loopback | null = null;

afterEach(async () => {
  await server?.close();
  server = null;
});

async function clientFor(
  respond: Responder,
  extra: Partial<ErsClientOptions> = {},
): Promise<{ client: ErsClient; server: Loopback; sleeps: number[] }> {
  server = await startLoopback(respond);
  const sleeps: number[] = [];
  const client = createErsClient({
    baseUrl: server.url,
    fetch: testFetch,
    getAccessToken: async () => 'token-1',
    getRole: () => ({ businessFunction: 'SERVICE_PROVIDER_CLINICIAN', organisationOds: 'R69' }),
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 0.5,
    ...extra,
  });
  return { client, server, sleeps };
}

/** Answers `failures` with `status` (or a dropped connection), then with a good referral. */
function failThenSucceed(failures: number, status: number | 'drop', headers: Record<string, string> = {}): Responder {
  return (request, res, index) => {
    if (index < failures) {
      if (status === 'drop') res.socket?.destroy();
      else json(res, status, outcome('SYSTEM_UNAVAILABLE', 'transient'), headers);
      return;
    }
    json(res, 200, referral(UBRN));
  };
}

async function failure(promise: Promise<unknown>): Promise<ErsError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ErsError) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

describe('retries for safe calls', () => {
  for (const status of [429, 502, 503, 504] as const) {
    it(`retries a read on ${status} and succeeds`, async () => {
      const { client, server, sleeps } = await clientFor(failThenSucceed(2, status));
      const view = await client.getReferral({ ubrn: UBRN });
      expect(view.ubrn).toBe(UBRN);
      expect(server.requests).toHaveLength(3);
      expect(sleeps).toHaveLength(2);
    });
  }

  it('retries a read when the connection drops', async () => {
    const { client, server } = await clientFor(failThenSucceed(1, 'drop'));
    await client.getReferral({ ubrn: UBRN });
    expect(server.requests).toHaveLength(2);
  });

  it('keeps one correlation id across the attempts of a call, and reports it on failure', async () => {
    const { client, server } = await clientFor(failThenSucceed(10, 503), { retry: { maxAttempts: 3 } });
    const error = await failure(client.getReferral({ ubrn: UBRN }));
    expect(server.requests).toHaveLength(3);
    const ids = new Set(server.requests.map((request) => request.headers['x-correlation-id']));
    expect(ids.size).toBe(1);
    expect(error.correlationId).toBe([...ids][0]);
    expect(error.code).toBe('ERS_503');
    expect(error.message).toMatch(/not available right now/);
  });

  it('gives each call its own correlation id', async () => {
    const { client, server } = await clientFor((_, res) => json(res, 200, referral(UBRN)));
    await client.getReferral({ ubrn: UBRN });
    await client.getReferral({ ubrn: UBRN });
    expect(server.requests[0]?.headers['x-correlation-id']).not.toBe(server.requests[1]?.headers['x-correlation-id']);
  });

  it('does not retry what is not transient (404, 422, 500)', async () => {
    for (const status of [404, 422, 500]) {
      const { client, server } = await clientFor((_, res) => json(res, status, outcome('INVALID_REQUEST_STATE', 'invalid')));
      const error = await failure(client.getReferral({ ubrn: UBRN }));
      expect(error.code).toBe(`ERS_${status}`);
      expect(server.requests).toHaveLength(1);
      await server.close();
    }
  });
});

describe('state-changing calls are never retried blindly', () => {
  const attachment = { binaryId: '19eb7224-dff3-4730-a5cb-67eac811f1a5', attachedAt: new Date('2024-01-01T10:00:00Z') };
  const calls: Record<string, (client: ErsClient) => Promise<unknown>> = {
    A013: (c) => c.acceptReferral({ ubrn: UBRN, version: '8' }),
    A014: (c) => c.rejectReferral({ ubrn: UBRN, version: '9', reasonCode: 'OTHER', comments: 'Synthetic comment' }),
    A020: (c) =>
      c.uploadFile({
        bytes: new TextEncoder().encode('%PDF-1.4 synthetic'),
        fileName: 'letter.pdf',
        contentType: 'application/pdf',
        referralId: UBRN,
      }),
    A026: (c) =>
      c.sendAdviceReply({ ubrn: UBRN, outcome: 'REQUIRE_FURTHER_INFORMATION', guidance: 'Synthetic guidance', priority: 'ROUTINE' }),
    A027: (c) =>
      c.convertAdviceToReferral({ ubrn: UBRN, version: '3', guidance: 'Synthetic', priority: 'ROUTINE', reviewComments: 'Synthetic' }),
    A028: (c) =>
      c.recordTriageOutcome({
        ubrn: UBRN,
        version: '9',
        outcome: 'RETURN_TO_REFERRER_WITH_ADVICE',
        comments: 'Synthetic',
        attachments: [attachment],
      }),
  };

  for (const [operation, call] of Object.entries(calls)) {
    for (const status of [429, 502, 503, 504, 'drop'] as const) {
      it(`${operation} is sent once on ${status}`, async () => {
        const { client, server, sleeps } = await clientFor(failThenSucceed(5, status));
        const error = await failure(call(client));
        expect(server.requests).toHaveLength(1);
        expect(sleeps).toHaveLength(0);
        expect(error.operation).toBe(operation);
        if (status === 'drop' || status === 502 || status === 504) {
          // The outcome is unknown: the user is told to check before resending.
          expect(error.outcomeUnknown).toBe(true);
          expect(error.message).toMatch(/may or may not have been recorded/);
        }
      });
    }
  }
});

describe('backoff with full jitter', () => {
  it('stays within [0, min(cap, base * 2^retry)) for any dice', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 20 }), fc.double({ min: 0, max: 1, noNaN: true }), (retry, dice) => {
        const delay = backoffDelayMs(retry, DEFAULT_RETRY_POLICY, () => dice);
        const ceiling = Math.min(DEFAULT_RETRY_POLICY.maxDelayMs, DEFAULT_RETRY_POLICY.baseDelayMs * 2 ** retry);
        return delay >= 0 && delay <= ceiling && (dice < 1 ? delay < ceiling : true);
      }),
    );
  });

  it('waits the jittered exponential delays between attempts', async () => {
    const { client, sleeps } = await clientFor(failThenSucceed(3, 503), {
      random: () => 0.5,
      retry: { baseDelayMs: 100, maxDelayMs: 250, maxAttempts: 4 },
    });
    await client.getReferral({ ubrn: UBRN });
    // ceilings 100, 200, 250 (capped); half of each
    expect(sleeps).toEqual([50, 100, 125]);
  });

  it('uses no delay at all when the dice say zero', async () => {
    const { client, sleeps } = await clientFor(failThenSucceed(2, 502), { random: () => 0 });
    await client.getReferral({ ubrn: UBRN });
    expect(sleeps).toEqual([0, 0]);
  });
});

describe('Retry-After', () => {
  it('honours delta-seconds', async () => {
    const { client, sleeps } = await clientFor(failThenSucceed(1, 429, { 'Retry-After': '3' }));
    await client.getReferral({ ubrn: UBRN });
    expect(sleeps).toEqual([3000]);
  });

  it('honours an HTTP date, measured from the injected clock', async () => {
    const now = Date.parse('2024-03-01T10:00:00Z');
    const { client, sleeps } = await clientFor(failThenSucceed(1, 503, { 'Retry-After': 'Fri, 01 Mar 2024 10:00:07 GMT' }), {
      now: () => now,
    });
    await client.getReferral({ ubrn: UBRN });
    expect(sleeps).toEqual([7000]);
  });

  it('stops and says when to come back if asked to wait longer than the cap', async () => {
    const { client, server, sleeps } = await clientFor(failThenSucceed(1, 429, { 'Retry-After': '300' }), {
      retry: { maxRetryAfterMs: 30_000 },
    });
    const error = await failure(client.getReferral({ ubrn: UBRN }));
    expect(server.requests).toHaveLength(1);
    expect(sleeps).toEqual([]);
    expect(error.code).toBe('ERS_429');
    expect(error.message).toBe('e-RS is receiving too many requests and asked the app to wait. Try again in about 5 minutes.');
  });

  it('parses the forms RFC 9110 allows and ignores the rest', () => {
    const now = Date.parse('2024-03-01T10:00:00Z');
    expect(parseRetryAfterMs('120', now)).toBe(120_000);
    expect(parseRetryAfterMs(' 0 ', now)).toBe(0);
    expect(parseRetryAfterMs('Fri, 01 Mar 2024 10:01:00 GMT', now)).toBe(60_000);
    expect(parseRetryAfterMs('Fri, 01 Mar 2024 09:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfterMs('soon', now)).toBeNull();
    expect(parseRetryAfterMs('-5', now)).toBeNull();
    expect(parseRetryAfterMs(null, now)).toBeNull();
  });
});

describe('timeouts', () => {
  it('gives up on a silent server after the time limit, retrying a read once more', async () => {
    const { client, server } = await clientFor(() => undefined, { timeoutMs: 150, retry: { maxAttempts: 2 } });
    const started = Date.now();
    const error = await failure(client.getReferral({ ubrn: UBRN }));
    expect(error.code).toBe('ERS_TIMEOUT');
    expect(error.message).toMatch(/took too long/);
    expect(server.requests).toHaveLength(2);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('times out a body that stops half way', async () => {
    const { client } = await clientFor(
      (_, res) => {
        res.writeHead(200, { 'Content-Type': 'application/fhir+json' });
        res.write('{"resourceType":"ReferralRequest",');
      },
      { timeoutMs: 150, retry: { maxAttempts: 1 } },
    );
    const error = await failure(client.getReferral({ ubrn: UBRN }));
    expect(error.code).toBe('ERS_TIMEOUT');
  });

  it('sends a decision once and says its outcome is unknown when e-RS does not answer', async () => {
    const { client, server } = await clientFor(() => undefined, { timeoutMs: 150 });
    const error = await failure(client.acceptReferral({ ubrn: UBRN, version: '8' }));
    expect(error.code).toBe('ERS_TIMEOUT');
    expect(error.outcomeUnknown).toBe(true);
    expect(server.requests).toHaveLength(1);
  });

  it('stops when the caller cancels', async () => {
    const { client, server } = await clientFor(() => undefined, { timeoutMs: 10_000 });
    const controller = new AbortController();
    const pending = client.getReferral({ ubrn: UBRN }, controller.signal);
    // Cancelled once the request is with e-RS, which never answers.
    await vi.waitFor(() => expect(server.requests).toHaveLength(1), { interval: 5 });
    controller.abort();
    const error = await failure(pending);
    expect(error.code).toBe('ERS_CANCELLED');
  });
});

describe('a file is whole when its transfer completed, whatever size the referral declared', () => {
  const pdf = new Uint8Array(2049).fill(7);
  /** A fetch (as Electron's net.fetch may be) that hands over whatever body it got, with the headers e-RS sent. */
  const fetchGiving = (bodies: Uint8Array[], contentLength: number, extra: Record<string, string> = {}) => {
    let calls = 0;
    return {
      calls: () => calls,
      fetch: async () => {
        const body = bodies[Math.min(calls, bodies.length - 1)] ?? new Uint8Array(0);
        calls += 1;
        return new Response(new Uint8Array(body), {
          status: 200,
          headers: { 'Content-Type': 'application/pdf', 'Content-Length': String(contentLength), ...extra },
        });
      },
    };
  };
  const client = (fetch: () => Promise<Response>) =>
    createErsClient({
      baseUrl: 'http://127.0.0.1:9',
      getRole: () => ({ businessFunction: 'SERVICE_PROVIDER_CLINICIAN', organisationOds: 'R69' }),
      fetch,
      sleep: async () => undefined,
    });

  it('refuses a body that ended short of its Content-Length, retries, and hands over the whole file', async () => {
    const source = fetchGiving([pdf.subarray(0, 1000), pdf], pdf.byteLength);
    const file = await client(source.fetch).getAttachmentStu3({ attachmentId: 'c8d5ba0a-5e5b-4b8a-8ed3-4f0c3c1d7e2a' });
    expect(file.bytes.byteLength).toBe(2049);
    expect(source.calls()).toBe(2);
  });

  it('says a body always cut short is a network failure, never a file', async () => {
    const source = fetchGiving([pdf.subarray(0, 1000)], pdf.byteLength);
    const error = await failure(client(source.fetch).getAttachmentStu3({ attachmentId: 'c8d5ba0a-5e5b-4b8a-8ed3-4f0c3c1d7e2a' }));
    expect(error.code).toBe('ERS_NETWORK');
  });

  it('takes a compressed body at its decoded length', async () => {
    const source = fetchGiving([pdf], 300, { 'Content-Encoding': 'gzip' });
    const file = await client(source.fetch).getAttachmentStu3({ attachmentId: 'c8d5ba0a-5e5b-4b8a-8ed3-4f0c3c1d7e2a' });
    expect(file.bytes.byteLength).toBe(2049);
  });
});
