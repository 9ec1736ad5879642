import { readFileSync } from 'node:fs';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createErsClient,
  ReferenceDataCache,
  SANDBOX_CODE_SYSTEM_BASE,
  type ErsClient,
  type ErsClientOptions,
} from '../../../electron/ers/client';
import { ErsError } from '../../../electron/ers/ers-error';
import { daysSince, formatNhsNumber, ukDate } from '../../../electron/ers/format';
import { hasReference, referenceDir, warnIfNoReference } from '../../helpers/repo';
import { json, noSleep, referral, startLoopback, type Loopback, type Responder } from './loopback';
import { testFetch } from '../../helpers/fetch';

const UBRN = '000000070000';
let server: Loopback | null = null;

afterEach(async () => {
  await server?.close();
  server = null;
});

async function start(respond: Responder, extra: Partial<ErsClientOptions> = {}): Promise<ErsClient> {
  server = await startLoopback(respond);
  return createErsClient({
    baseUrl: server.url,
    fetch: testFetch,
    getAccessToken: async () => 'token',
    getRole: () => ({ businessFunction: 'SERVICE_PROVIDER_CLINICIAN', organisationOds: 'R69' }),
    sleep: noSleep,
    ...extra,
  });
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

const sentJson = (index = 0): unknown => JSON.parse(server?.requests[index]?.body.toString('utf8') ?? 'null');

describe('input is checked before anything is sent', () => {
  const cases: [string, (c: ErsClient) => Promise<unknown>, RegExp, string][] = [
    ['a UBRN that is not 12 digits', (c) => c.getReferral({ ubrn: '12345' }), /A UBRN is 12 digits/, 'ubrn'],
    ['a UBRN carrying a path', (c) => c.getReferral({ ubrn: '000000070000/../x' }), /A UBRN is 12 digits/, 'ubrn'],
    [
      'a version that is not a number',
      (c) => c.acceptReferral({ ubrn: UBRN, version: 'W/"8"' }),
      /version is missing or not a whole number/,
      'version',
    ],
    [
      'rejection comments over 2000 characters',
      (c) => c.rejectReferral({ ubrn: UBRN, version: '9', reasonCode: 'OTHER', comments: 'x'.repeat(2001) }),
      /at most 2000 characters/,
      'comments',
    ],
    [
      'a triage outcome without comments',
      (c) => c.recordTriageOutcome({ ubrn: UBRN, version: '9', outcome: 'ACCEPT_REFER_BOOK_LATER', comments: '  ' }),
      /Enter the triage comments/,
      'comments',
    ],
    [
      'a priority change when returning with advice',
      (c) =>
        c.recordTriageOutcome({ ubrn: UBRN, version: '9', outcome: 'RETURN_TO_REFERRER_WITH_ADVICE', comments: 'c', priority: 'URGENT' }),
      /priority cannot be changed when returning/,
      'priority',
    ],
    [
      'an unknown triage outcome',
      (c) => c.recordTriageOutcome({ ubrn: UBRN, version: '9', outcome: 'REFER_BOOK_NOW' as 'ACCEPT_REFER_BOOK_LATER', comments: 'c' }),
      /Choose a triage outcome/,
      'outcome',
    ],
    [
      'advice returned without a recommendation',
      (c) => c.sendAdviceReply({ ubrn: UBRN, outcome: 'RETURN_TO_REFERRER_WITH_ADVICE', guidance: 'g', priority: 'ROUTINE' }),
      /Choose a recommendation/,
      'intendedRecommendation',
    ],
    [
      'a recommendation when asking for more information',
      (c) =>
        c.sendAdviceReply({
          ubrn: UBRN,
          outcome: 'REQUIRE_FURTHER_INFORMATION',
          intendedRecommendation: 'OTHER',
          guidance: 'g',
          priority: 'ROUTINE',
        }),
      /only given when returning/,
      'intendedRecommendation',
    ],
    [
      'guidance over 8000 characters',
      (c) => c.sendAdviceReply({ ubrn: UBRN, outcome: 'REQUIRE_FURTHER_INFORMATION', guidance: 'g'.repeat(8001), priority: 'ROUTINE' }),
      /at most 8000 characters/,
      'guidance',
    ],
    [
      'an attachment with a bad reference',
      (c) =>
        c.recordTriageOutcome({
          ubrn: UBRN,
          version: '9',
          outcome: 'RETURN_TO_REFERRER_WITH_ADVICE',
          comments: 'c',
          attachments: [{ binaryId: '../x', attachedAt: new Date() }],
        }),
      /uploaded file reference is not valid/,
      'attachments.0.binaryId',
    ],
    [
      'an attachment without a time',
      (c) =>
        c.recordTriageOutcome({
          ubrn: UBRN,
          version: '9',
          outcome: 'RETURN_TO_REFERRER_WITH_ADVICE',
          comments: 'c',
          attachments: [{ binaryId: 'abc', attachedAt: 'yesterday' }],
        }),
      /time the file was attached/,
      'attachments.0.attachedAt',
    ],
    [
      'an empty upload',
      (c) => c.uploadFile({ bytes: new Uint8Array(0), fileName: 'a.pdf', contentType: 'application/pdf' }),
      /file is empty/,
      'bytes',
    ],
    [
      'an upload over 5 MB',
      (c) => c.uploadFile({ bytes: new Uint8Array(5 * 1024 * 1024 + 1), fileName: 'a.pdf', contentType: 'application/pdf' }),
      /larger than e-RS accepts \(5 MB\)/,
      'bytes',
    ],
    [
      'an upload of a type e-RS refuses',
      (c) => c.uploadFile({ bytes: new Uint8Array(4), fileName: 'a.exe', contentType: 'application/x-msdownload' }),
      /does not accept this type of file/,
      'contentType',
    ],
    [
      'an upload whose extension does not match its type',
      (c) => c.uploadFile({ bytes: new Uint8Array(4), fileName: 'a.png', contentType: 'application/pdf' }),
      /must end in \.pdf/,
      'fileName',
    ],
    [
      'an upload whose name could break a header',
      (c) => c.uploadFile({ bytes: new Uint8Array(4), fileName: 'a\r\nX-Evil: 1.pdf', contentType: 'application/pdf' }),
      /Rename the file/,
      'fileName',
    ],
    ['an unknown code system', (c) => c.getCodeSystem('NOT-A-SYSTEM' as 'SPECIALTY'), /Choose a code system/, 'codeSystem'],
  ];

  for (const [what, call, message, field] of cases) {
    it(what, async () => {
      const client = await start((_, res) => json(res, 200, referral(UBRN)));
      const error = await failure(call(client));
      expect(error.code).toBe('INVALID_INPUT');
      expect(error.message).toMatch(message);
      expect(error.issues?.[0]?.path).toBe(field);
      expect(server?.requests).toHaveLength(0);
    });
  }
});

describe('requests', () => {
  it('opens a referral: A005, then A029 for the version A005 gave', async () => {
    const client = await start((request, res) => {
      if (request.path === '/FHIR/STU3/Task') {
        json(res, 200, {
          resourceType: 'Bundle',
          type: 'searchset',
          entry: [
            {
              resource: {
                resourceType: 'Task',
                status: 'ready',
                intent: 'proposal',
                focus: { reference: `ReferralRequest/${UBRN}/_history/6` },
                code: {
                  coding: [{ system: 'https://fhir.nhs.uk/STU3/CodeSystem/eRS-AvailableActionsForUser-1', code: 'RECORD_REVIEW_OUTCOME' }],
                },
              },
            },
          ],
        });
      } else json(res, 200, referral(UBRN, '6'));
    });
    const view = await client.openReferral({ ubrn: UBRN });
    expect(view.allowedActions).toEqual(['RECORD_REVIEW_OUTCOME']);
    expect(server?.requests.map((r) => r.url)).toEqual([
      `/FHIR/STU3/ReferralRequest/${UBRN}`,
      `/FHIR/STU3/Task?focus=ReferralRequest/${UBRN}/_history/6&intent=proposal&status=ready`,
    ]);
  });

  it('refuses a versioned read answered with another version', async () => {
    const client = await start((_, res) => json(res, 200, referral(UBRN, '6')));
    expect((await failure(client.getReferral({ ubrn: UBRN, version: '5' }))).message).toMatch(/not the version asked for/);
  });

  it('builds the worklist filters in e-RS order, with "not assigned" indicators alone', async () => {
    const client = await start((_, res) => json(res, 200, { resourceType: 'List', status: 'current', mode: 'snapshot' }), {
      codeSystemBase: 'https://ers.example/referrals/FHIR',
    });
    await client.fetchReferralWorklist({
      listType: 'REFERRALS_FOR_REVIEW',
      clinician: { assigned: false },
      serviceId: '21012',
      specialty: { assigned: true, code: 'CARDIOLOGY' },
      locationOds: 'RXX01',
    });
    const body = sentJson() as { parameter: { name: string }[] };
    expect(body.parameter.map((p) => p.name)).toEqual([
      'listType',
      'service',
      'specialtyAssignedIndicator',
      'specialty',
      'location',
      'clinicianAssignedIndicator',
    ]);
    expect(JSON.stringify(body)).toContain('https://ers.example/referrals/FHIR/STU3/CodeSystem/SPECIALTY');
    expect(JSON.stringify(body)).toContain('"NOT_ASSIGNED"');
  });

  it('splits "Referrals for review" into the booked and the triage lists', async () => {
    const entry = (ubrn: string, type: string) => ({
      extension: [
        {
          url: 'https://fhir.nhs.uk/STU3/StructureDefinition/Extension-eRS-ReferralsforReview-WorkListItem-1',
          extension: [
            { url: 'priority', valueCodeableConcept: { coding: [{ code: 'URGENT' }] } },
            { url: 'patient', valueReference: { identifier: { system: 'http://fhir.nhs.net/Id/nhs-number', value: '9990000018' } } },
            { url: 'eReferralPathwayStart', valueDateTime: '2024-01-02T10:00:00Z' },
            { url: 'referralType', valueCodeableConcept: { coding: [{ code: type }] } },
          ],
        },
      ],
      item: { reference: `ReferralRequest/${ubrn}` },
    });
    const client = await start((_, res) =>
      json(res, 200, { resourceType: 'List', entry: [entry('000000000001', 'APPOINTMENT'), entry('000000000002', 'TRIAGE_DEFERRAL')] }),
    );
    expect((await client.fetchWorklist('referrals')).map((r) => r.ubrn)).toEqual(['000000000001']);
    expect((await client.fetchWorklist('triage')).map((r) => r.ubrn)).toEqual(['000000000002']);
  });

  it('uploads a file and returns the Binary id from Location', async () => {
    const client = await start((_, res) => res.writeHead(201, { Location: 'Binary/19eb7224-dff3-4730-a5cb-67eac811f1a5' }).end());
    const bytes = new TextEncoder().encode('synthetic letter');
    const uploaded = await client.uploadFile({ bytes, fileName: 'Letter 1.txt', contentType: 'text/plain', referralId: UBRN });
    expect(uploaded.binaryId).toBe('19eb7224-dff3-4730-a5cb-67eac811f1a5');
    const request = server?.requests[0];
    expect(request?.headers['content-type']).toBe('text/plain');
    expect(request?.headers['nhsd-ers-file-name']).toBe('Letter 1.txt');
    expect(request?.headers['nhsd-ers-referral-id']).toBe(UBRN);
    expect(request?.body.toString()).toBe('synthetic letter');
  });

  it('reports an upload answered without a Location', async () => {
    const client = await start((_, res) => res.writeHead(201).end());
    const error = await failure(client.uploadFile({ bytes: new Uint8Array([1]), fileName: 'a.txt', contentType: 'text/plain' }));
    expect(error.message).toMatch(/no location for the uploaded file/);
  });

  warnIfNoReference('request bodies against the sandbox placeholders');
  it.skipIf(!hasReference)('with the sandbox placeholders, sends the NHS example bodies byte for byte as JSON', async () => {
    const client = await start(
      (request, res) => {
        const body = request.path.endsWith('fetchworklist')
          ? 'examples/stu3/retrieveWorklist/responses/FilteredBySpecialty.json'
          : 'examples/stu3/rejectReferral/responses/ExampleResponseDbs.json';
        json(res, 200, JSON.parse(readFileSync(path.join(referenceDir, body), 'utf8')));
      },
      { codeSystemBase: SANDBOX_CODE_SYSTEM_BASE },
    );
    await client.fetchReferralWorklist({ listType: 'REFERRALS_FOR_REVIEW', specialty: { assigned: true, code: 'CARDIOLOGY' } });
    await client.rejectReferral({ ubrn: UBRN, version: '9', reasonCode: 'SERVICE_INAPPROPRIATE', comments: 'This is a short comment' });
    const example = (file: string): unknown => JSON.parse(readFileSync(path.join(referenceDir, file), 'utf8'));
    expect(isDeepStrictEqual(sentJson(0), example('examples/stu3/retrieveWorklist/requests/FilteringBySpecialty.json'))).toBe(true);
    expect(isDeepStrictEqual(sentJson(1), example('examples/stu3/rejectReferral/requests/BasicExampleDbs.json'))).toBe(true);
  });
});

describe('reference data cache', () => {
  const codeSystem = (id: string, display: string) => ({
    resourceType: 'CodeSystem',
    id,
    url: `_baseUrl_/STU3/CodeSystem/${id}`,
    concept: [{ code: 'CARDIOLOGY', display }],
  });

  it('asks once, shares concurrent asks, and asks again after expiry', async () => {
    let clock = 1_000_000;
    let served = 0;
    const cache = new ReferenceDataCache({ ttlMs: 60_000, now: () => clock });
    const client = await start(
      (_, res) => {
        served += 1;
        json(res, 200, codeSystem('SPECIALTY', `Cardiology v${served}`));
      },
      { referenceData: cache, environment: 'local', now: () => clock },
    );
    const [a, b] = await Promise.all([client.getCodeSystem('SPECIALTY'), client.getCodeSystem('SPECIALTY')]);
    expect(a).toBe(b);
    expect(served).toBe(1);
    clock += 59_000;
    expect((await client.getCodeSystem('SPECIALTY')).concepts[0]?.display).toBe('Cardiology v1');
    expect(served).toBe(1);
    clock += 2_000;
    expect((await client.getCodeSystem('SPECIALTY')).concepts[0]?.display).toBe('Cardiology v2');
    expect(served).toBe(2);
    expect((await client.getCodeSystem('SPECIALTY', { refresh: true })).concepts[0]?.display).toBe('Cardiology v3');
  });

  it('keeps environments apart', async () => {
    const cache = new ReferenceDataCache();
    const client = await start((_, res) => json(res, 200, codeSystem('SPECIALTY', 'Local name')), {
      referenceData: cache,
      environment: 'local',
    });
    await client.getCodeSystem('SPECIALTY');
    expect(cache.fresh('local', 'SPECIALTY')?.concepts[0]?.display).toBe('Local name');
    expect(cache.fresh('production', 'SPECIALTY')).toBeUndefined();
  });

  it('does not cache a failure', async () => {
    let calls = 0;
    const client = await start((_, res) => {
      calls += 1;
      if (calls === 1) json(res, 200, { resourceType: 'Bundle' });
      else json(res, 200, codeSystem('SPECIALTY', 'Cardiology'));
    });
    await expect(client.getCodeSystem('SPECIALTY')).rejects.toThrow(ErsError);
    expect((await client.getCodeSystem('SPECIALTY')).concepts[0]?.display).toBe('Cardiology');
  });

  it('names worklist specialties from the loaded SPECIALTY list', async () => {
    const client = await start((request, res) => {
      if (request.path.includes('CodeSystem')) json(res, 200, codeSystem('SPECIALTY', 'Cardiology (from e-RS)'));
      else json(res, 200, { ...referral(UBRN), specialty: { coding: [{ code: 'CARDIOLOGY' }] } });
    });
    expect((await client.getReferral({ ubrn: UBRN })).specialty?.display).toBe('Cardiology');
    await client.getCodeSystem('SPECIALTY');
    expect((await client.getReferral({ ubrn: UBRN })).specialty?.display).toBe('Cardiology (from e-RS)');
  });
});

describe('formatting', () => {
  it('formats NHS numbers 3 3 4', () => {
    expect(formatNhsNumber('9990000018')).toBe('999 000 0018');
  });

  it('dates a referral by the UK calendar, so 00:30 BST is that day', () => {
    expect(ukDate('2024-06-03T23:30:00Z')).toBe('2024-06-04');
    expect(ukDate('2024-01-03T23:30:00Z')).toBe('2024-01-03');
    expect(ukDate('2024-06-03')).toBe('2024-06-03');
    expect(ukDate('not a date')).toBeNull();
  });

  it('counts whole days waiting, never negative', () => {
    expect(daysSince('2024-06-01', new Date('2024-06-11T08:00:00Z'))).toBe(10);
    expect(daysSince('2024-06-20', new Date('2024-06-11T08:00:00Z'))).toBe(0);
    // Across the clock change: still whole days.
    expect(daysSince('2024-03-30', new Date('2024-04-01T12:00:00Z'))).toBe(2);
  });
});
