/**
 * e-RS's worklist size limit: "If a worklist response exceeds 10MB, a successful response
 * will not be returned" (A008, A023), the NHS API platform's limit. The local e-RS refuses
 * such an answer as the platform (Apigee) does, 502 with the TooBigBody fault; the client
 * asks for a provider list that large again one specialty at a time, and says in one
 * sentence what happened when even that cannot work.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createErsClient, type ErsClient } from '../../../electron/ers/client';
import { ErsError } from '../../../electron/ers/ers-error';
import { CONSULTANT_UID } from '../../../local-env/src/users';
import { PLATFORM_MAX_RESPONSE_BYTES } from '../../../local-env/src/ers/platform-limit';
import { fhirJson, startTestEmulator, type TestEmulator } from '../../helpers/ers-emulator';
import { testFetch } from '../../helpers/fetch';

const CS = 'https://fhir.nhs.uk/STU3/CodeSystem/';
const PROFILE = 'https://fhir.nhs.uk/STU3/StructureDefinition/eRS-FetchWorklist-Parameters-1';
const REVIEW = {
  name: 'listType',
  valueCodeableConcept: { coding: [{ system: `${CS}eRS-ReferralListSelector-1`, code: 'REFERRALS_FOR_REVIEW' }] },
};

let te: TestEmulator;
/** Bytes of R69's whole Referrals for review answer when nothing limits it. */
let wholeBytes = 0;
/** The app's Referrals and Triage lists as one answer gives them. */
let wholeIds: { referrals: string[]; triage: string[] };

function client(): ErsClient {
  return createErsClient({
    baseUrl: te.emulator.baseUrl,
    environment: 'local',
    getAccessToken: () => te.token(CONSULTANT_UID),
    getRole: () => ({ businessFunction: 'SERVICE_PROVIDER_CLINICIAN', organisationOds: 'R69', onBehalfOfUserId: null }),
    fetch: testFetch,
  });
}

async function rawReview(parameters: unknown[] = []): Promise<Response> {
  return te.fhir(
    '/STU3/ReferralRequest/$ers.fetchworklist',
    fhirJson({ resourceType: 'Parameters', meta: { profile: [PROFILE] }, parameter: [REVIEW, ...parameters] }, await te.headers()),
  );
}

const a008Statuses = (): number[] =>
  te.emulator
    .operations()
    .filter((r) => r.operation === 'A008')
    .map((r) => r.status);

async function failure(promise: Promise<unknown>): Promise<ErsError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ErsError) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

beforeAll(async () => {
  te = await startTestEmulator();
  const response = await rawReview();
  expect(response.status).toBe(200);
  wholeBytes = (await response.arrayBuffer()).byteLength;
  const c = client();
  wholeIds = {
    referrals: (await c.fetchWorklist('referrals')).map((r) => r.id).sort(),
    triage: (await c.fetchWorklist('triage')).map((r) => r.id).sort(),
  };
  expect(wholeIds.referrals.length).toBeGreaterThan(20);
});

afterAll(async () => {
  await te.close();
});

describe('e-RS worklist size limit', () => {
  it('the platform limit is 10 MB, as e-RS documents it for A008 and A023', () => {
    expect(PLATFORM_MAX_RESPONSE_BYTES).toBe(10 * 1024 * 1024);
  });

  it('the local e-RS refuses a worklist answer over the limit as the platform does: 502 with the TooBigBody fault, not a 200', async () => {
    await te.restart({ maxResponseBytes: Math.floor(wholeBytes * 0.6) });
    const response = await rawReview();
    expect(response.status).toBe(502);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await response.json()).toEqual({
      fault: { faultstring: 'Body buffer overflow', detail: { errorcode: 'protocol.http.TooBigBody' } },
    });
    // A part of the list, by e-RS's own specialty filter, is under the limit and answered.
    const part = await rawReview([
      {
        name: 'specialtyAssignedIndicator',
        valueCodeableConcept: { coding: [{ system: `${CS}eRS-AssignedIndicator-1`, code: 'ASSIGNED' }] },
      },
      {
        name: 'specialty',
        valueCodeableConcept: { coding: [{ system: `${te.emulator.fhirBaseUrl}/STU3/CodeSystem/SPECIALTY`, code: 'CARDIOLOGY' }] },
      },
    ]);
    expect(part.status).toBe(200);
    expect((await part.arrayBuffer()).byteLength).toBeLessThan(wholeBytes * 0.6);
  });

  it('the client asks for a list too large for one answer one specialty at a time, and gets the same rows', async () => {
    await te.restart({ maxResponseBytes: Math.floor(wholeBytes * 0.6) });
    const c = client();
    const referrals = (await c.fetchWorklist('referrals')).map((r) => r.id).sort();
    expect(referrals).toEqual(wholeIds.referrals);
    const statuses = a008Statuses();
    // One refusal, not retried, then the parts: one per specialty and the items with none.
    expect(statuses[0]).toBe(502);
    expect(statuses.filter((s) => s === 502)).toHaveLength(1);
    expect(statuses.slice(1).every((s) => s === 200)).toBe(true);
    expect(statuses.length).toBeGreaterThan(5);
    const triage = (await c.fetchWorklist('triage')).map((r) => r.id).sort();
    expect(triage).toEqual(wholeIds.triage);
    // Known to be too large: asked for in parts at once, with no second refusal.
    expect(a008Statuses().filter((s) => s === 502)).toHaveLength(1);
  });

  it('a list call refused as too large that cannot be split further is not retried and says what happened and what to do', async () => {
    await te.restart({ maxResponseBytes: 2_000 });
    const error = await failure(
      client().fetchReferralWorklist({ listType: 'REFERRALS_FOR_REVIEW', specialty: { assigned: true, code: 'CARDIOLOGY' } }),
    );
    expect(error.code).toBe('ERS_ANSWER_TOO_LARGE');
    expect(error.status).toBe(502);
    expect(error.message).toMatch(
      /^The worklist is larger than the NHS API platform will pass on \(10 MB\), so e-RS could not send it\. Tell your IT service desk/,
    );
    expect(a008Statuses()).toEqual([502]);
  });

  it('the client’s own A008 call (as prefetch uses it) also asks for a list that large in parts', async () => {
    await te.restart({ maxResponseBytes: Math.floor(wholeBytes * 0.6) });
    const items = await client().fetchReferralWorklist({ listType: 'REFERRALS_FOR_REVIEW' });
    expect(
      items
        .filter((item) => item.kind === 'referrals')
        .map((item) => item.row.id)
        .sort(),
    ).toEqual(wholeIds.referrals);
  });

  it('when even one specialty is too large, the whole list fails with that sentence rather than showing part of it', async () => {
    await te.restart({ maxResponseBytes: 2_000 });
    const error = await failure(client().fetchWorklist('referrals'));
    expect(error.code).toBe('ERS_ANSWER_TOO_LARGE');
    expect(error.message).toMatch(/larger than the NHS API platform will pass on \(10 MB\)/);
  });
});
