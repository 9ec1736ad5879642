/**
 * The PDS client on its own, against a scripted loopback PDS: the headers PDS requires, the
 * transport rules it shares with e-RS (retries with the same X-Request-ID, Retry-After, one
 * refresh on 401, time limits), what each failure means for the banner, and the mapping of
 * the record shapes PDS sends (the local PDS's synthetic records stand in for NHS England's
 * examples, which tests/conformance/pds-examples.test.ts reads when they are present).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testFetch } from '../../helpers/fetch';
import { silentLogger } from '../../../electron/log/logger';
import { lookupProblem } from '../../../electron/pds/lookup-problems';
import { formatNhsNumber, nhsNumberDigits, passesCheckDigit } from '../../../contract';
import { createPdsClient, type PdsClientOptions } from '../../../electron/pds/pds-client';
import { expectOneSentence } from '../../helpers/one-sentence';
import { pdsPatient } from '../../../local-env/src/pds/records';
import type { Patient } from '../../../local-env/src/seed/model';
import { startPdsLoopback, type PdsLoopback } from '../../helpers/pds-loopback';

const NOW = Date.parse('2026-03-01T12:00:00Z');
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;
const SEED_PATIENT: Patient = {
  nhsNumber: '9990000018',
  givenName: 'Wren',
  familyName: 'Okafor',
  birthDate: '1961-04-09',
  gender: 'female',
  postcode: 'ZX4 7QP',
};

let pds: PdsLoopback;
beforeEach(async () => {
  pds = await startPdsLoopback();
});
afterEach(async () => {
  await pds.close();
});

function client(extra: Partial<PdsClientOptions> = {}) {
  return createPdsClient({
    baseUrl: pds.baseUrl,
    fetch: testFetch,
    now: () => NOW,
    log: silentLogger,
    sleep: async () => undefined,
    random: () => 0,
    ...extra,
  });
}

function failureOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (error: unknown) => error,
  );
}

describe('the NHS number check digit', () => {
  it('passes numbers whose tenth digit is their modulus 11 check, and nothing else', () => {
    for (const good of ['9434765919', '9000000009', '9990000018', '9111231130']) expect(passesCheckDigit(good), good).toBe(true);
    for (const bad of ['9434765918', '9000000015', '9000000000', '943476591', '94347659x9', ''])
      expect(passesCheckDigit(bad), bad).toBe(false);
    // Nine digits whose check would be 10 make no valid number at all.
    expect(passesCheckDigit('1000000010')).toBe(false);
    expect(nhsNumberDigits('943 476-5919')).toBe('9434765919');
    expect(formatNhsNumber('9434765919')).toBe('943 476 5919');
  });
});

describe('what the client sends', () => {
  it('sends the access token and the headers PDS requires: X-Request-ID, X-Correlation-ID, the organisation and, when known, the role profile', async () => {
    pds.answers.set(SEED_PATIENT.nhsNumber, { status: 200, body: pdsPatient(SEED_PATIENT, null, { referenceDate: '2026-03-01' }) });
    await client({
      getAccessToken: async () => 'access-token-1',
      getUser: () => ({ organisationOds: 'R69', roleProfileId: '555100001001' }),
    }).readPatient(SEED_PATIENT.nhsNumber);
    const [request] = pds.requests;
    expect(request?.method).toBe('GET');
    expect(request?.path).toBe(`/personal-demographics/FHIR/R4/Patient/${SEED_PATIENT.nhsNumber}`);
    expect(request?.headers.authorization).toBe('Bearer access-token-1');
    expect(request?.headers['x-request-id']).toMatch(UUID);
    expect(request?.headers['x-correlation-id']).toMatch(UUID);
    expect(request?.headers['x-request-id']).not.toBe(request?.headers['x-correlation-id']);
    expect(request?.headers['nhsd-end-user-organisation-ods']).toBe('R69');
    expect(request?.headers['nhsd-session-urid']).toBe('555100001001');
    expect(request?.headers.accept).toBe('application/fhir+json');
    // e-RS's role headers are e-RS's: PDS gets none of them.
    expect(request?.headers['nhsd-ers-business-function']).toBeUndefined();
  });

  it('leaves out what it does not know, and a new X-Request-ID for every read', async () => {
    pds.answers.set(SEED_PATIENT.nhsNumber, { status: 200, body: pdsPatient(SEED_PATIENT, null, { referenceDate: '2026-03-01' }) });
    const c = client({ getUser: () => null });
    await c.readPatient(SEED_PATIENT.nhsNumber);
    await c.readPatient(SEED_PATIENT.nhsNumber);
    const [first, second] = pds.requests;
    expect(first?.headers.authorization).toBeUndefined();
    expect(first?.headers['nhsd-end-user-organisation-ods']).toBeUndefined();
    expect(first?.headers['nhsd-session-urid']).toBeUndefined();
    expect(first?.headers['x-request-id']).not.toBe(second?.headers['x-request-id']);
  });

  it('re-sends a read PDS could not answer with the same X-Request-ID, as PDS asks, and honours Retry-After', async () => {
    const waits: number[] = [];
    pds.answers.set(SEED_PATIENT.nhsNumber, (attempt) =>
      attempt === 1
        ? { status: 503, code: 'SERVICE_UNAVAILABLE', issue: 'transient', headers: { 'Retry-After': '2' } }
        : attempt === 2
          ? { status: 429, code: 'TOO_MANY_REQUESTS', issue: 'throttled', headers: { 'Retry-After': '1' } }
          : { status: 200, body: pdsPatient(SEED_PATIENT, null, { referenceDate: '2026-03-01' }) },
    );
    const read = await client({ sleep: async (ms) => void waits.push(ms) }).readPatient(SEED_PATIENT.nhsNumber);
    expect(read.patient.name?.family).toBe('Okafor');
    expect(pds.requests).toHaveLength(3);
    expect(new Set(pds.requests.map((r) => r.headers['x-request-id'])).size).toBe(1);
    expect(new Set(pds.requests.map((r) => r.headers['x-correlation-id'])).size).toBe(1);
    expect(waits).toEqual([2000, 1000]);
  });

  it('asks the session to refresh once on 401, then reads with the new token', async () => {
    let token = 'old';
    let refreshes = 0;
    pds.answers.set(SEED_PATIENT.nhsNumber, (attempt) =>
      attempt === 1
        ? { status: 401, code: 'ACCESS_DENIED', issue: 'forbidden' }
        : { status: 200, body: pdsPatient(SEED_PATIENT, null, { referenceDate: '2026-03-01' }) },
    );
    await client({
      getAccessToken: async () => token,
      refreshSession: async () => {
        refreshes += 1;
        token = 'new';
      },
    }).readPatient(SEED_PATIENT.nhsNumber);
    expect(refreshes).toBe(1);
    expect(pds.requests.map((r) => r.headers.authorization)).toEqual(['Bearer old', 'Bearer new']);
  });
});

describe('what each failure means for the banner', () => {
  it('not found, invalidated, invalid, refused, busy and broken answers each get their own sentence', async () => {
    const c = client();
    const cases: [string, Parameters<PdsLoopback['answers']['set']>[1], string, RegExp][] = [
      ['9990000026', { status: 404, code: 'RESOURCE_NOT_FOUND', issue: 'not-found' }, 'not-found', /^PDS has no record of this NHS number/],
      ['9990000034', { status: 404, code: 'INVALIDATED_RESOURCE', issue: 'not-found' }, 'not-found', /has been invalidated/],
      ['9990000042', { status: 400, code: 'INVALID_RESOURCE_ID' }, 'invalid', /^PDS says this NHS number is not valid/],
      ['9990000050', { status: 403, code: 'ACCESS_DENIED', issue: 'forbidden' }, 'unavailable', /PDS refused access for your role/],
      [
        '9990000069',
        { status: 429, code: 'TOO_MANY_REQUESTS', issue: 'throttled', headers: { 'Retry-After': '60' } },
        'unavailable',
        /too many requests/,
      ],
      ['9990000077', { status: 500, code: 'INTERNAL_SERVER_ERROR', issue: 'exception' }, 'unavailable', /PDS is not available right now/],
      ['9990000085', { status: 200, body: { resourceType: 'Bundle' } }, 'unavailable', /could not read safely.*quote the reference/],
    ];
    for (const [nhs, answer, problem, message] of cases) {
      pds.answers.set(nhs, answer);
      const outcome = lookupProblem(await failureOf(c.readPatient(nhs)));
      expect(outcome.problem, nhs).toBe(problem);
      expect(outcome.message, nhs).toMatch(message);
      // One sentence, and never the number itself (the banner shows it beside the sentence).
      expect(outcome.message.endsWith('.')).toBe(true);
      expect(outcome.message).not.toContain(nhs);
      expect(outcome.correlationId, nhs).toMatch(UUID);
    }
  });

  it('an unreachable PDS and one that never answers are both "unavailable", said as such', async () => {
    const hung = client({ timeoutMs: 50, retry: { maxAttempts: 1 } });
    pds.answers.set('9990000093', { hang: true });
    expect(lookupProblem(await failureOf(hung.readPatient('9990000093')))).toMatchObject({
      problem: 'unavailable',
      message: expect.stringMatching(/PDS took too long to answer/),
    });
    const closed = createPdsClient({
      baseUrl: 'http://127.0.0.1:9/personal-demographics/FHIR/R4',
      fetch: testFetch,
      retry: { maxAttempts: 1 },
    });
    expect(lookupProblem(await failureOf(closed.readPatient('9990000093')))).toMatchObject({
      problem: 'unavailable',
      message: expect.stringMatching(/PDS could not be reached/),
    });
  });
});

describe('the records PDS sends', () => {
  it('maps a full record: name, birth date, gender, the current home address, telephone and GP', async () => {
    pds.answers.set(SEED_PATIENT.nhsNumber, { status: 200, body: pdsPatient(SEED_PATIENT, null, { referenceDate: '2026-03-01' }) });
    const { patient } = await client().readPatient(SEED_PATIENT.nhsNumber);
    expect(patient).toMatchObject({
      nhsNumber: '999 000 0018',
      name: { given: ['Wren'], family: 'Okafor' },
      birthDate: '1961-04-09',
      gender: 'female',
      deceased: null,
      restricted: false,
    });
    expect(patient.address).toMatch(/, ZX4 7QP$/);
    expect(patient.telephone).toMatch(/^01632 960\d{3}$/);
    expect(patient.gpPracticeOds).toMatch(/^A99/);
  });

  it('never yields location data for a restricted record, even when some was sent', async () => {
    const leaky = {
      ...pdsPatient(SEED_PATIENT, null, { referenceDate: '2026-03-01' }),
      meta: { versionId: '3', security: [{ code: 'R' }] },
    };
    pds.answers.set(SEED_PATIENT.nhsNumber, { status: 200, body: leaky });
    const { patient } = await client().readPatient(SEED_PATIENT.nhsNumber);
    expect(patient.restricted).toBe(true);
    expect([patient.address, patient.telephone, patient.gpPracticeOds]).toEqual([null, null, null]);
  });

  it('dates a death on the UK calendar, and reads a minimal record without inventing anything', async () => {
    const deceased = {
      ...pdsPatient(SEED_PATIENT, 'deceased', { referenceDate: '2026-03-01' }),
      deceasedDateTime: '2024-06-30T23:30:00+00:00',
    };
    pds.answers.set(SEED_PATIENT.nhsNumber, { status: 200, body: deceased });
    expect((await client().readPatient(SEED_PATIENT.nhsNumber)).patient.deceased).toEqual({ date: '2024-07-01' });
    pds.answers.set('9990000026', {
      status: 200,
      body: pdsPatient({ ...SEED_PATIENT, nhsNumber: '9990000026' }, 'minimal', { referenceDate: '2026-03-01' }),
    });
    expect((await client().readPatient('9990000026')).patient).toEqual({
      nhsNumber: '999 000 0026',
      name: null,
      birthDate: null,
      gender: null,
      deceased: null,
      restricted: false,
      address: null,
      telephone: null,
      gpPracticeOds: null,
    });
  });

  it('prefers the usual name in force today, and keeps only current contact details', async () => {
    const record = {
      ...pdsPatient(SEED_PATIENT, null, { referenceDate: '2026-03-01' }),
      name: [
        { use: 'usual', period: { start: '1961-04-09', end: '2019-05-01' }, given: ['Wren'], family: 'Abbott', prefix: ['Miss'] },
        { use: 'usual', period: { start: '2019-05-01' }, given: ['Wren', 'Ada'], family: 'Okafor', prefix: ['Mrs'] },
        { use: 'nickname', given: ['Renny'] },
      ],
      telecom: [{ system: 'phone', value: '01632 960001', period: { start: '2001-01-01', end: '2020-01-01' } }],
      address: [{ use: 'home', line: ['1 Old Row'], postalCode: 'ZX1 1AA', period: { start: '1990-01-01', end: '2018-01-01' } }],
    };
    pds.answers.set(SEED_PATIENT.nhsNumber, { status: 200, body: record });
    const { patient } = await client().readPatient(SEED_PATIENT.nhsNumber);
    expect(patient.name).toEqual({ titles: ['Mrs'], given: ['Wren', 'Ada'], family: 'Okafor' });
    expect(patient.telephone).toBeNull();
    expect(patient.address).toBeNull();
  });
});

describe('the role profile (NHSD-Session-URID)', () => {
  it('without a role profile id (the combined pattern) asks PDS without the header, which its specification makes optional', async () => {
    pds.answers.set(SEED_PATIENT.nhsNumber, { status: 200, body: pdsPatient(SEED_PATIENT, null, { referenceDate: '2026-03-01' }) });
    const { patient } = await client({ getUser: () => ({ organisationOds: 'R69', roleProfileId: null }) }).readPatient(
      SEED_PATIENT.nhsNumber,
    );
    expect(patient.name?.family).toBeTruthy();
    expect(pds.requests).toHaveLength(1);
    expect(pds.requests[0]?.headers['nhsd-session-urid']).toBeUndefined();
    expect(pds.requests[0]?.headers['nhsd-end-user-organisation-ods']).toBe('R69');
  });

  it('says plainly when PDS refuses the role profile sent, as a missing or invalid NHSD-Session-URID', async () => {
    pds.answers.set(SEED_PATIENT.nhsNumber, {
      status: 400,
      code: 'INVALID_VALUE',
      diagnostics: "Invalid value - 'NHSD-Session-URID' is not a role profile of the signed-in user",
    });
    const error = await failureOf(
      client({ getUser: () => ({ organisationOds: 'R69', roleProfileId: '555100001001' }) }).readPatient(SEED_PATIENT.nhsNumber),
    );
    expect(pds.requests[0]?.headers['nhsd-session-urid']).toBe('555100001001');
    const problem = lookupProblem(error);
    expect(problem.problem).toBe('unavailable');
    expect(problem.message).toContain('PDS did not accept your NHS Care Identity role');
    expectOneSentence(problem.message);
  });
});
