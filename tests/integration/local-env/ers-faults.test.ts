import { connect } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { EXAMPLE_BINARY_ID } from '../../../local-env/src/seed/example-items';
import { fhirJson, outcomeOf, startTestEmulator, type TestEmulator } from '../../helpers/ers-emulator';

const REFERRAL = '/STU3/ReferralRequest/000000070001';
const NO_FAULTS = {
  latencyMs: 0,
  serverErrorRate: 0,
  serverErrorStatus: 503 as const,
  dropRate: 0,
  loseAnswerRate: 0,
  rateLimitPerSecond: null,
  commitDelayMs: 0,
  onlyOperations: null,
};

describe('local e-RS: fault mode', () => {
  let t: TestEmulator;
  // Share-based faults draw from this sequence, so "half the requests fail" is exact, not a coin toss.
  let draws: number[] = [];
  beforeAll(async () => {
    t = await startTestEmulator({ random: () => draws.shift() ?? 0.99 });
  });
  beforeEach(() => {
    t.emulator.setFaults(NO_FAULTS);
    draws = [];
  });
  afterAll(async () => {
    await t.close();
  });

  it('adds latency to every answer', async () => {
    t.emulator.setFaults({ latencyMs: 150 });
    const started = performance.now();
    const response = await t.fhir(REFERRAL, { headers: await t.headers() });
    expect(response.status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
    expect(t.emulator.operations().at(-1)?.durationMs).toBeGreaterThanOrEqual(140);
  });

  it('answers a share of requests with a 5xx OperationOutcome, and changes nothing when it does', async () => {
    t.emulator.setFaults({ serverErrorRate: 0.5 });
    draws = [0.2, 0.7];
    const version = t.emulator.referral('000000070001')?.version;
    const failed = await t.fhir('/STU3/ReferralRequest/000000070001/$ers.acceptReferral', {
      method: 'POST',
      headers: { ...(await t.headers({ correlationId: 'c-503' })), 'If-Match': `W/"${version}"` },
    });
    expect(failed.status).toBe(503);
    expect(failed.headers.get('retry-after')).toBe('1');
    expect(failed.headers.get('x-correlation-id')).toBe('c-503');
    expect((await outcomeOf(failed)).code).toBe('SYSTEM_UNAVAILABLE');
    expect(t.emulator.referral('000000070001')?.version).toBe(version);
    expect(t.emulator.operations().at(-1)).toMatchObject({ operation: 'A013', status: 503, fault: 'server-error' });
    expect((await t.fhir(REFERRAL, { headers: await t.headers() })).status).toBe(200);

    t.emulator.setFaults({ serverErrorRate: 1, serverErrorStatus: 500 });
    const internal = await t.fhir('/R4/PractitionerRole', { headers: { Authorization: `Bearer ${await t.token()}` } });
    expect(internal.status).toBe(500);
    const body = (await internal.json()) as { issue: { details: { coding: { code: string }[] } }[] };
    expect(body.issue[0]?.details.coding[0]?.code).toBe('REC_SERVER_ERROR');
  });

  it('drops connections part-way through the body, then serves normally again', async () => {
    t.emulator.setFaults({ dropRate: 1 });
    const response = await t.fhir(REFERRAL, { headers: await t.headers() });
    expect(response.status).toBe(200);
    await expect(response.arrayBuffer()).rejects.toThrow();
    expect(t.emulator.operations().at(-1)?.fault).toBe('dropped');

    // Object-store downloads are cut too.
    t.emulator.setFaults({ dropRate: 0 });
    const redirect = await t.fhir(`/R4/Binary/${EXAMPLE_BINARY_ID}`, { headers: await t.headers() });
    t.emulator.setFaults({ dropRate: 1 });
    const download = await fetch(redirect.headers.get('location') ?? '');
    await expect(download.arrayBuffer()).rejects.toThrow();

    t.emulator.setFaults({ dropRate: 0 });
    const whole = await t.fhir(REFERRAL, { headers: await t.headers() });
    expect(((await whole.json()) as { id: string }).id).toBe('000000070001');
  });

  it('a slow commit applies the change at once and answers late', async () => {
    t.emulator.setFaults({ commitDelayMs: 600 });
    const version = t.emulator.referral('000000070001')?.version ?? 0;
    const started = performance.now();
    const answer = t.fhir('/STU3/ReferralRequest/000000070001/$ers.acceptReferral', {
      method: 'POST',
      headers: { ...(await t.headers()), 'If-Match': `W/"${version}"` },
    });
    let answered = false;
    void answer.then(() => (answered = true));
    // Applied while the caller still waits for its answer.
    await vi.waitFor(() => expect(t.emulator.referral('000000070001')?.version).toBe(version + 1));
    expect(answered).toBe(false);
    expect((await answer).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(590);
    expect(t.emulator.operations().at(-1)).toMatchObject({ operation: 'A013', status: 200, fault: 'slow-commit' });
  });

  it('aims faults at the operations named, and leaves the others alone', async () => {
    t.emulator.setFaults({ dropRate: 1, serverErrorRate: 1, onlyOperations: ['A008'] });
    const read = await t.fhir(REFERRAL, { headers: await t.headers() });
    expect(read.status).toBe(200);
    expect(((await read.json()) as { id: string }).id).toBe('000000070001');
    expect(t.emulator.operations().at(-1)?.fault).toBeUndefined();
    t.emulator.setFaults({ serverErrorRate: 0, onlyOperations: ['A005'] });
    const cut = await t.fhir(REFERRAL, { headers: await t.headers() });
    await expect(cut.arrayBuffer()).rejects.toThrow();
    expect(t.emulator.operations().at(-1)).toMatchObject({ operation: 'A005', fault: 'dropped' });
    expect(() => t.emulator.setFaults({ commitDelayMs: -1 })).toThrow(RangeError);
  });

  it('rate-limits with 429 and Retry-After, on STU3 and R4 alike', async () => {
    t.emulator.setFaults({ rateLimitPerSecond: 2 });
    const headers = await t.headers();
    // Sent together, so a slow machine cannot spread them over more than one second.
    const answers = await Promise.all([
      t.fhir(REFERRAL, { headers }),
      t.fhir(REFERRAL, { headers }),
      t.fhir(REFERRAL, { headers }),
      t.fhir('/R4/PractitionerRole', { headers: { Authorization: headers.Authorization ?? '' } }),
    ]);
    expect(answers.map((r) => r.status).sort()).toEqual([200, 200, 429, 429]);
    for (const limited of answers.filter((r) => r.status === 429)) {
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect((await outcomeOf(limited)).code).toBe('TOO_MANY_REQUESTS');
    }
    // Once the second has passed, the limit lets requests through again.
    await vi.waitFor(async () => expect((await t.fhir(REFERRAL, { headers })).status).toBe(200), { timeout: 5_000, interval: 100 });
  });

  it('rejects fault settings that make no sense', () => {
    expect(() => t.emulator.setFaults({ serverErrorRate: 2 })).toThrow(RangeError);
    expect(() => t.emulator.setFaults({ latencyMs: -1 })).toThrow(RangeError);
    expect(() => t.emulator.setFaults({ rateLimitPerSecond: 0 })).toThrow(RangeError);
    expect(t.emulator.faults()).toEqual(NO_FAULTS);
  });

  it('can start in fault mode', async () => {
    const faulty = await startTestEmulator({ faults: { serverErrorRate: 1, serverErrorStatus: 504 } });
    try {
      expect((await faulty.fhir(REFERRAL, { headers: await faulty.headers() })).status).toBe(504);
    } finally {
      await faulty.close();
    }
  });
});

describe('local e-RS: bad input gets an OperationOutcome and the server keeps serving', () => {
  let t: TestEmulator;
  beforeAll(async () => {
    t = await startTestEmulator();
  });
  afterAll(async () => {
    await t.close();
  });

  const worklistPath = '/STU3/ReferralRequest/$ers.fetchworklist';

  it('answers malformed and mistyped requests with the right status and code', async () => {
    const headers = await t.headers();
    const post = (body: string, contentType = 'application/fhir+json') =>
      t.fhir(worklistPath, { method: 'POST', headers: { ...headers, 'Content-Type': contentType }, body });
    const cases: [Response, number, string][] = [
      [await post('{"resourceType": "Parameters", '), 400, 'INVALID_FHIR_STRUCTURE'],
      // No body is a mandatory value missing: NHS's sandbox answers it 422, not 400.
      [await post(''), 422, 'MISSING_VALUE'],
      [await post('', ''), 422, 'MISSING_VALUE'],
      [await post('\u0000\u0001\u00ff garbage'), 400, 'INVALID_FHIR_STRUCTURE'],
      [await post('{"resourceType": "Patient"}'), 422, 'INVALID_FHIR_STRUCTURE'],
      [await post('[1, 2, 3]'), 422, 'INVALID_FHIR_STRUCTURE'],
      [await post('{"resourceType": "Parameters", "parameter": []}'), 422, 'MISSING_VALUE'],
      [await post('{"resourceType": "Parameters", "meta": {"profile": ["x"]}, "parameter": "listType"}'), 422, 'INVALID_VALUE'],
      [await post('{}', 'text/plain'), 415, 'UNSUPPORTED_MEDIA_TYPE'],
      [await post(`{"pad": "${'x'.repeat(1024 * 1024)}"}`), 400, 'INVALID_VALUE'],
      [await t.fhir('/STU3/Nowhere', { headers }), 404, 'NOT_FOUND'],
      // Another method on a known path: NHS's sandbox answers 404 (the specification has no 405).
      [await t.fhir(worklistPath, { headers }), 404, 'NOT_FOUND'],
      [await t.fhir(REFERRAL, { headers: { ...headers, Accept: 'text/html' } }), 406, 'NOT_ACCEPTABLE'],
      [await t.fhir('/STU3/ReferralRequest/not-a-ubrn', { headers }), 400, 'INVALID_VALUE'],
      [await t.fhir(REFERRAL, { headers: { ...headers, Authorization: 'Bearer not.a.jwt' } }), 401, 'NO_ACCESS'],
    ];
    for (const [response, status, code] of cases) {
      expect(response.status, code).toBe(status);
      const outcome = await outcomeOf(response);
      expect(outcome.resourceType).toBe('OperationOutcome');
      expect(outcome.code).toBe(code);
    }
    expect((await t.fhir(REFERRAL, { headers })).status).toBe(200);
  });

  it('accepts an operation name percent-encoded in the path', async () => {
    const body = {
      resourceType: 'Parameters',
      meta: { profile: ['https://fhir.nhs.uk/STU3/StructureDefinition/eRS-FetchWorklist-Parameters-1'] },
      parameter: [
        {
          name: 'listType',
          valueCodeableConcept: {
            coding: [{ system: 'https://fhir.nhs.uk/STU3/CodeSystem/eRS-ReferralListSelector-1', code: 'REFERRALS_FOR_REVIEW' }],
          },
        },
      ],
    };
    expect((await t.fhir('/STU3/ReferralRequest/%24ers.fetchworklist', fhirJson(body, await t.headers()))).status).toBe(200);
  });

  it('survives a client that vanishes mid-upload, and many requests at once', async () => {
    const url = new URL(t.emulator.fhirBaseUrl);
    const token = await t.token();
    await new Promise<void>((resolve, reject) => {
      const socket = connect(Number(url.port), url.hostname, () => {
        socket.write(
          `POST /referrals/FHIR/STU3/Binary HTTP/1.1\r\nHost: ${url.host}\r\nAuthorization: Bearer ${token}\r\nNHSD-eRS-Business-Function: SERVICE_PROVIDER_CLINICIAN\r\nNHSD-End-User-Organisation-ODS: R69\r\nNHSD-eRS-File-Name: a.txt\r\nContent-Type: text/plain\r\nContent-Length: 100000\r\n\r\npartial`,
          () => {
            socket.destroy();
            resolve();
          },
        );
      });
      socket.on('error', reject);
    });
    const headers = await t.headers();
    const answers = await Promise.all(Array.from({ length: 30 }, () => t.fhir(REFERRAL, { headers })));
    expect(answers.map((r) => r.status)).toEqual(Array(30).fill(200));
  });
});
