import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createErsClient, type ErsClient } from '../../../electron/ers/client';
import { ErsError } from '../../../electron/ers/ers-error';
import { hasReference, referenceDir, warnIfNoReference } from '../../helpers/repo';
import { json, noSleep, outcome, referral, startLoopback, type Loopback, type Responder } from './loopback';
import { testFetch } from '../../helpers/fetch';

const UBRN = '000000070000';
let server: Loopback | null = null;

afterEach(async () => {
  await server?.close();
  server = null;
});

async function start(respond: Responder, extra: { maxJsonBytes?: number } = {}): Promise<ErsClient> {
  server = await startLoopback(respond);
  return createErsClient({
    baseUrl: server.url,
    fetch: testFetch,
    getAccessToken: async () => 'token',
    getRole: () => ({ businessFunction: 'SERVICE_PROVIDER_CLINICIAN', organisationOds: 'R69' }),
    sleep: noSleep,
    retry: { maxAttempts: 1 },
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

describe('OperationOutcome becomes an ErsError', () => {
  const cases: { status: number; code: string; issue: string; message: RegExp; conflict?: boolean }[] = [
    { status: 400, code: 'UNEXPECTED_FIELD', issue: 'value', message: /could not accept the acceptance the app sent/ },
    { status: 403, code: 'FORBIDDEN', issue: 'forbidden', message: /your current role does not allow it.*right role and organisation/ },
    { status: 404, code: 'NOT_FOUND', issue: 'not-found', message: /could not find this acceptance/ },
    { status: 409, code: 'CONFLICT', issue: 'conflict', message: /Someone else changed this item/, conflict: true },
    {
      status: 412,
      code: 'PRECONDITION_FAILED',
      issue: 'conflict',
      message: /Someone else changed this item after you opened it\. Reload it/,
      conflict: true,
    },
    { status: 422, code: 'INVALID_REQUEST_STATE', issue: 'business-rule', message: /no longer in a state where that can be done/ },
    { status: 422, code: 'NO_RELATIONSHIP', issue: 'business-rule', message: /no relationship with this referral/ },
    { status: 422, code: 'SOMETHING_NEW', issue: 'business-rule', message: /could not process the acceptance as it stands/ },
    { status: 423, code: 'LOCKED', issue: 'lock-error', message: /Someone else is updating this item right now/ },
    { status: 429, code: 'TOO_MANY_REQUESTS', issue: 'throttled', message: /too many requests/ },
    { status: 503, code: 'SYSTEM_UNAVAILABLE', issue: 'transient', message: /not available right now/ },
  ];

  for (const c of cases) {
    it(`${c.status} ${c.code}`, async () => {
      const client = await start((_, res) =>
        json(res, c.status, outcome(c.code, c.issue, 'UBRN 000000070000 for NHS number 9990000018 is locked')),
      );
      const error = await failure(client.acceptReferral({ ubrn: UBRN, version: '8' }));
      expect(error).toBeInstanceOf(ErsError);
      expect(error.code).toBe(`ERS_${c.status}`);
      expect(error.status).toBe(c.status);
      expect(error.ersCode).toBe(c.code);
      expect(error.issueCode).toBe(c.issue);
      expect(error.message).toMatch(c.message);
      expect(error.conflict).toBe(c.conflict ?? false);
      expect(error.correlationId).toBe(server?.requests[0]?.headers['x-correlation-id']);
      // e-RS's diagnostics can quote identifiers: they stay off the user's sentence.
      expect(error.message).not.toMatch(/9990000018|000000070000|diagnostics/);
      expect(error.toShape()).toEqual({ code: `ERS_${c.status}`, message: error.message, correlationId: error.correlationId });
    });
  }

  it('keeps the status when the error body is not an OperationOutcome', async () => {
    const client = await start((_, res) => {
      res.writeHead(404, { 'Content-Type': 'text/plain' });
      res.end('Not Found');
    });
    const error = await failure(client.getReferral({ ubrn: UBRN }));
    expect(error.code).toBe('ERS_404');
    expect(error.ersCode).toBeNull();
    expect(error.message).toBe('e-RS could not find this referral. It may have been cancelled or moved on; refresh the worklist.');
  });

  it('says a decision may or may not have been recorded on a gateway timeout', async () => {
    const client = await start((_, res) => json(res, 504, outcome('GATEWAY_TIMEOUT', 'timeout')));
    const error = await failure(client.rejectReferral({ ubrn: UBRN, version: '9', reasonCode: 'OTHER', comments: 'Synthetic' }));
    expect(error.outcomeUnknown).toBe(true);
    expect(error.message).toBe(
      'e-RS did not confirm the rejection, so it may or may not have been recorded. Reload the item to check before sending again.',
    );
  });

  warnIfNoReference('OperationOutcome examples from the NHS reference');
  it.skipIf(!hasReference)('reads the NHS example outcomes (STU3 and R4)', async () => {
    const examples: [string, number, string, string][] = [
      ['examples/stu3/STU3-Forbidden.json', 403, 'FORBIDDEN', 'forbidden'],
      ['examples/stu3/STU3-Unauthorised.json', 403, 'NO_ACCESS', 'login'],
      ['examples/stu3/STU3-OperationOutcome.json', 422, 'UNEXPECTED_FIELD', 'value'],
      ['examples/stu3/STU3-ServiceUnavailable.json', 503, 'SYSTEM_UNAVAILABLE', 'transient'],
      ['examples/r4/NHSDigital-OperationOutcome-422.json', 422, 'PENDING', 'invalid'],
      ['examples/r4/NHSDigital-OperationOutcome-429.json', 429, 'TOO_MANY_REQUESTS', 'throttled'],
    ];
    for (const [file, status, code, issue] of examples) {
      const body = readFileSync(path.join(referenceDir, file));
      const client = await start((_, res) => {
        res.writeHead(status, { 'Content-Type': 'application/fhir+json' });
        res.end(body);
      });
      const error = await failure(client.getAttachment({ attachmentId: 'c8d5ba0a-5e5b-4b8a-8ed3-4f0c3c1d7e2a' }));
      expect([error.code, error.ersCode, error.issueCode]).toEqual([`ERS_${status}`, code, issue]);
      if (code === 'PENDING')
        expect(error.message).toBe('e-RS is still scanning this file. Wait at least 5 minutes, then try to open it again.');
      await server?.close();
      server = null;
    }
  });
});

describe('malformed answers become clear errors', () => {
  const worklistEntry = (patient: unknown) => ({
    extension: [
      {
        url: 'https://fhir.nhs.uk/STU3/StructureDefinition/Extension-eRS-ReferralsforReview-WorkListItem-1',
        extension: [
          {
            url: 'priority',
            valueCodeableConcept: { coding: [{ system: 'https://fhir.nhs.uk/STU3/CodeSystem/eRS-Priority-1', code: 'ROUTINE' }] },
          },
          { url: 'patient', valueReference: patient },
          { url: 'eReferralPathwayStart', valueDateTime: '2024-01-02T10:00:00Z' },
          { url: 'referralRequestVersion', valueInteger: 3 },
        ],
      },
    ],
    item: { reference: 'ReferralRequest/000000070001' },
  });
  const patient = (id: string, nhs: string) => ({
    resourceType: 'Patient',
    id,
    identifier: [{ system: 'http://fhir.nhs.net/Id/nhs-number', value: nhs }],
  });
  const worklist = (contained: unknown[], entries: unknown[]) => ({
    resourceType: 'List',
    status: 'current',
    mode: 'snapshot',
    contained,
    entry: entries,
  });

  async function worklistError(body: unknown): Promise<ErsError> {
    const client = await start((_, res) => json(res, 200, body));
    return failure(client.fetchReferralWorklist({ listType: 'REFERRALS_FOR_REVIEW' }));
  }

  it('not JSON', async () => {
    const client = await start((_, res) => {
      res.writeHead(200, { 'Content-Type': 'application/fhir+json' });
      res.end('<html>proxy error</html>');
    });
    const error = await failure(client.getReferral({ ubrn: UBRN }));
    expect(error.code).toBe('ERS_MALFORMED');
    expect(error.message).toBe(
      'e-RS sent a referral the app could not read safely (not JSON). Try again; if it keeps happening, tell your IT service desk and quote the reference shown with this message.',
    );
    expect(error.correlationId).toBe(server?.requests[0]?.headers['x-correlation-id']);
  });

  it('an empty answer', async () => {
    const client = await start((_, res) => res.writeHead(200).end());
    expect((await failure(client.getReferral({ ubrn: UBRN }))).message).toMatch(/\(an empty answer\)/);
  });

  it('JSON over the size limit, declared', async () => {
    const client = await start((_, res) => json(res, 200, { ...referral(UBRN), padding: 'x'.repeat(4096) }), { maxJsonBytes: 1024 });
    const error = await failure(client.getReferral({ ubrn: UBRN }));
    expect(error.code).toBe('ERS_TOO_LARGE');
    expect(error.message).toMatch(/larger than the app accepts/);
  });

  it('JSON over the size limit, streamed without a length', async () => {
    const client = await start(
      (_, res) => {
        res.writeHead(200, { 'Content-Type': 'application/fhir+json' });
        for (let i = 0; i < 64; i += 1) res.write(`"${'y'.repeat(1000)}",`);
        res.end();
      },
      { maxJsonBytes: 16 * 1024 },
    );
    expect((await failure(client.getReferral({ ubrn: UBRN }))).code).toBe('ERS_TOO_LARGE');
  });

  it('the wrong resourceType', async () => {
    const client = await start((_, res) => json(res, 200, { resourceType: 'Bundle', entry: [] }));
    const error = await failure(client.getReferral({ ubrn: UBRN }));
    expect(error.code).toBe('ERS_MALFORMED');
    expect(error.message).toMatch(/\(a Bundle where a ReferralRequest was expected\)/);
  });

  it('a required field missing', async () => {
    const { subject: _subject, ...withoutSubject } = referral(UBRN);
    const client = await start((_, res) => json(res, 200, withoutSubject));
    expect((await failure(client.getReferral({ ubrn: UBRN }))).message).toMatch(/missing or wrong subject/);
  });

  it('another referral than the one asked for', async () => {
    const client = await start((_, res) => json(res, 200, referral('000000070099')));
    expect((await failure(client.getReferral({ ubrn: UBRN }))).message).toMatch(/the referral is not the one asked for/);
  });

  it('a worklist entry whose patient is not in contained', async () => {
    const error = await worklistError(worklist([patient('Patient-A', '9990000018')], [worklistEntry({ reference: '#Patient-B' })]));
    expect(error.code).toBe('ERS_MALFORMED');
    expect(error.message).toMatch(/entry 1 patient: a Patient it refers to is missing/);
  });

  it('a worklist entry whose patient reference points outside the list', async () => {
    const error = await worklistError(worklist([], [worklistEntry({ reference: 'Patient/9990000018' })]));
    expect(error.message).toMatch(/entry 1: the patient is not in the list/);
  });

  it('a worklist whose patient reference resolves to a practitioner', async () => {
    const error = await worklistError(
      worklist([{ resourceType: 'Practitioner', id: 'X', identifier: [] }], [worklistEntry({ reference: '#X' })]),
    );
    expect(error.message).toMatch(/points to a Practitioner, not a Patient/);
  });

  it('two contained patients with one id', async () => {
    const error = await worklistError(
      worklist([patient('Patient-A', '9990000018'), patient('Patient-A', '9990000026')], [worklistEntry({ reference: '#Patient-A' })]),
    );
    expect(error.message).toMatch(/two contained resources share one id/);
  });

  it('a patient without a valid NHS number, never showing what was there', async () => {
    const error = await worklistError(worklist([patient('Patient-A', '99900000')], [worklistEntry({ reference: '#Patient-A' })]));
    expect(error.message).toMatch(/entry 1: no valid NHS number for the patient/);
    expect(error.message).not.toMatch(/99900000/);
  });

  it('maps a good worklist built the same way (so the cases above fail for their reason)', async () => {
    const client = await start((_, res) =>
      json(res, 200, worklist([patient('Patient-A', '9990000018')], [worklistEntry({ reference: '#Patient-A' })])),
    );
    const items = await client.fetchReferralWorklist({ listType: 'REFERRALS_FOR_REVIEW' });
    expect(items).toHaveLength(1);
    expect(items[0]?.row).toMatchObject({
      ubrn: '000000070001',
      nhsNumber: '999 000 0018',
      version: '3',
      priority: 'ROUTINE',
      referralDate: '2024-01-02',
    });
  });
});

describe('A042: the redirect to the file store is followed without credentials', () => {
  let store: Loopback | null = null;
  afterEach(async () => {
    await store?.close();
    store = null;
  });

  it('fetches the file from the redirect target with no Authorization and no role headers', async () => {
    store = await startLoopback((_, res) => {
      res.writeHead(200, { 'Content-Type': 'application/pdf', 'Content-Disposition': 'attachment; filename="letter.pdf"' });
      res.end('%PDF-1.4 synthetic');
    });
    const storeUrl = store.url;
    const client = await start((_, res) => res.writeHead(307, { Location: `${storeUrl}/object/abc?sig=1` }).end());
    const file = await client.getAttachment({ attachmentId: 'c8d5ba0a-5e5b-4b8a-8ed3-4f0c3c1d7e2a' });
    expect(new TextDecoder().decode(file.bytes)).toBe('%PDF-1.4 synthetic');
    expect(file.contentType).toBe('application/pdf');
    expect(file.fileName).toBe('letter.pdf');
    expect(server?.requests[0]?.headers.authorization).toBe('Bearer token');
    const followed = store.requests[0];
    expect(followed?.url).toBe('/object/abc?sig=1');
    expect(followed?.headers.authorization).toBeUndefined();
    expect(followed?.headers['nhsd-ers-business-function']).toBeUndefined();
    expect(followed?.headers['nhsd-end-user-organisation-ods']).toBeUndefined();
  });

  it('does not follow a redirect on any other call', async () => {
    store = await startLoopback((_, res) => json(res, 200, referral(UBRN)));
    const storeUrl = store.url;
    const client = await start((_, res) => res.writeHead(307, { Location: `${storeUrl}/elsewhere` }).end());
    const error = await failure(client.getReferral({ ubrn: UBRN }));
    expect(error.code).toBe('ERS_307');
    expect(store.requests).toHaveLength(0);
  });

  it('reports a redirect without a location', async () => {
    const client = await start((_, res) => res.writeHead(307).end());
    expect((await failure(client.getAttachment({ attachmentId: 'att-1' }))).message).toMatch(/a redirect without a usable location/);
  });

  it('reports a file store that refuses', async () => {
    store = await startLoopback((_, res) => res.writeHead(403).end('expired'));
    const storeUrl = store.url;
    const client = await start((_, res) => res.writeHead(307, { Location: `${storeUrl}/x` }).end());
    const error = await failure(client.getAttachment({ attachmentId: 'att-1' }));
    expect(error.code).toBe('ERS_DOWNLOAD_FAILED');
    expect(error.correlationId).toBe(server?.requests[0]?.headers['x-correlation-id']);
  });

  it('stops an endless chain of redirects', async () => {
    const client = await start((request, res) => res.writeHead(307, { Location: `/loop${request.url}` }).end());
    const error = await failure(client.getAttachment({ attachmentId: 'att-1' }));
    expect(error.message).toMatch(/too many redirects/);
    expect(server?.requests).toHaveLength(4);
  });
});
