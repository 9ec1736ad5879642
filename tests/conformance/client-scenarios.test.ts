/**
 * Request conformance of the e-RS client against the NHS examples.
 *
 * For each of the 53 scenarios in ../shared/ers-reference/scenarios.json the real client,
 * given that scenario's high-level inputs (the table below, read from what the scenario
 * represents), sends its request over real HTTP to a loopback capture server, which
 * records it and answers with the scenario's example response and status. The recorded
 * request must match the scenario: method, path, query, the headers it names, and a body
 * equal to the NHS example file as JSON (key order aside; `_baseUrl_`/`_baseurl_` standing
 * for the configured code-system base, here the default: the e-RS base + /FHIR).
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createErsClient, type ErsClient } from '../../electron/ers/client';
import { ErsError } from '../../electron/ers/ers-error';
import { hasReference, referenceDir, warnIfNoReference } from '../helpers/repo';
import { testFetch } from '../helpers/fetch';

interface Scenario {
  operation: string;
  scenario: string;
  method: string;
  path: string;
  businessFunction: string | null;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  requestBody?: string;
  responseBody?: string;
  status: number;
  note?: string;
}

interface Captured {
  method: string;
  path: string;
  query: [string, string][];
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

const ref = (file: string) => path.join(referenceDir, file);
const ATTACHMENT_PDF = 'examples/r4/retrieveAttachment/example_attachment.pdf';
const UPLOAD_PDF = 'examples/stu3/retrieveAttachment/responses/example_attachment.pdf';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** What a user (or the app) decided, per scenario: the client's high-level inputs. */
type Call = (client: ErsClient) => Promise<unknown>;
const U = '000000070000';
const INPUTS: Record<string, Call> = {
  'A004 code system SPECIALTY': (c) => c.getCodeSystem('SPECIALTY', { refresh: true }),
  'A004 code system PRIORITY': (c) => c.getCodeSystem('PRIORITY', { refresh: true }),
  'A004 code system APPOINTMENT-CANCELLATION-REASON': (c) => c.getCodeSystem('APPOINTMENT-CANCELLATION-REASON', { refresh: true }),
  'A004 code system REFERRAL-CANCELLATION-REASON': (c) => c.getCodeSystem('REFERRAL-CANCELLATION-REASON', { refresh: true }),
  'A004 code system CLINIC-TYPE': (c) => c.getCodeSystem('CLINIC-TYPE', { refresh: true }),
  'A004 code system APPOINTMENT-NON-ATTENDANCE-REASON': (c) => c.getCodeSystem('APPOINTMENT-NON-ATTENDANCE-REASON', { refresh: true }),

  'A008 worklist MinimalReferralsForReview': (c) => c.fetchReferralWorklist({ listType: 'REFERRALS_FOR_REVIEW' }),
  'A008 worklist MinimalAppointmentSlotIssues': (c) => c.fetchReferralWorklist({ listType: 'APPOINTMENT_SLOT_ISSUES' }),
  'A008 worklist FilteringBySpecialty': (c) =>
    c.fetchReferralWorklist({ listType: 'REFERRALS_FOR_REVIEW', specialty: { assigned: true, code: 'CARDIOLOGY' } }),
  'A008 worklist FilteringByService': (c) => c.fetchReferralWorklist({ listType: 'REFERRALS_FOR_REVIEW', serviceId: '21012' }),
  'A008 worklist FilteringByClinician': (c) =>
    c.fetchReferralWorklist({ listType: 'REFERRALS_FOR_REVIEW', clinician: { assigned: true, userId: '021600556514' } }),
  'A008 worklist MinimalRejectedTriageResponse': (c) => c.fetchReferralWorklist({ listType: 'REJECTED_TRIAGE_RESPONSE' }),
  'A008 worklist MinimalAssessmentReturnedCancelledDna': (c) => c.fetchReferralWorklist({ listType: 'ASSESSMENT_RETURNED_CANCELLED_DNA' }),
  'A008 worklist MinimalAwaitingBooking': (c) => c.fetchReferralWorklist({ listType: 'AWAITING_BOOKING' }),
  'A008 worklist MinimalLettersOutstanding': (c) => c.fetchReferralWorklist({ listType: 'LETTERS_OUTSTANDING' }),

  'A005 referral Unbooked': (c) => c.getReferral({ ubrn: '000000070000' }),
  'A005 referral BookedDBS': (c) => c.getReferral({ ubrn: '000000070001' }),
  'A005 referral BookedIBS': (c) => c.getReferral({ ubrn: '000000070002' }),
  'A005 referral DeferredToProvider': (c) => c.getReferral({ ubrn: '000000070003' }),
  'A005 referral ConvertedFromAdviceAndGuidance': (c) => c.getReferral({ ubrn: '000000070004' }),
  'A005 referral WithRelatedReferral': (c) => c.getReferral({ ubrn: '000000070005' }),
  'A005 referral WithAdditionalRequirements': (c) => c.getReferral({ ubrn: '000000070011' }),
  'A005 referral WithUnavailableAttachments': (c) => c.getReferral({ ubrn: '000000070012' }),
  'A005 referral Unbooked, version 5': (c) => c.getReferral({ ubrn: U, version: '5' }),

  'A006 attachment by uuid': (c) => c.getAttachmentStu3({ attachmentId: 'c8d5ba0a-5e5b-4b8a-8ed3-4f0c3c1d7e2a' }),
  'A042 attachment (R4) redirect': (c) => c.getAttachment({ attachmentId: 'c8d5ba0a-5e5b-4b8a-8ed3-4f0c3c1d7e2a' }),
  'A007 clinical information summary': (c) => c.getClinicalInformation({ ubrn: U }),

  'A013 accept referral': (c) => c.acceptReferral({ ubrn: U, version: '8' }),
  'A014 reject referral BasicExampleDbs': (c) =>
    c.rejectReferral({ ubrn: U, version: '9', reasonCode: 'SERVICE_INAPPROPRIATE', comments: 'This is a short comment' }),
  'A014 reject referral BasicExampleIbs': (c) =>
    c.rejectReferral({ ubrn: U, version: '9', reasonCode: 'OTHER', comments: 'This is a short comment', appointmentCancelledInPas: true }),

  'A023 advice and guidance worklist': (c) => c.fetchAdviceWorklist(),
  'A024 advice request MinimalExample': (c) => c.getAdviceRequest({ ubrn: '000000070000' }),
  'A024 advice request WithAttachmentFileReference': (c) => c.getAdviceRequest({ ubrn: '000000070001' }),
  'A024 advice request WithUnavailableAttachments': (c) => c.getAdviceRequest({ ubrn: '000000070002' }),

  'A025 advice conversation SingleMessageFromReferrer': (c) => c.getConversation({ ubrn: '000000070000', version: '1' }),
  'A025 advice conversation OneMessageEachWay': (c) => c.getConversation({ ubrn: '000000070000', version: '2' }),
  'A025 advice conversation AttachmentPresentInEachDirection': (c) => c.getConversation({ ubrn: '000000070001', version: '6' }),
  'A025 advice conversation MultiWayConversation': (c) => c.getConversation({ ubrn: '000000070002', version: '1' }),
  'A025 advice conversation AttachmentUploadedFromRCS': (c) => c.getConversation({ ubrn: '000000070003', version: '7' }),
  'A025 advice conversation UnavailableAttachments': (c) => c.getConversation({ ubrn: '000000070004', version: '3' }),

  'A026 send advice response RequireFurtherInformation': (c) =>
    c.sendAdviceReply({
      ubrn: U,
      outcome: 'REQUIRE_FURTHER_INFORMATION',
      guidance: 'Please supply me with xxx test results',
      priority: 'TWO_WEEK_WAIT',
    }),
  'A026 send advice response ReturnToReferrerWithAdvice': (c) =>
    c.sendAdviceReply({
      ubrn: U,
      outcome: 'RETURN_TO_REFERRER_WITH_ADVICE',
      intendedRecommendation: 'ADVICE_ONLY_NO_REFERRAL_RECOMMENDED',
      guidance: 'No evidence of serious problem: patient can be advised to xxx',
      priority: 'ROUTINE',
    }),
  'A026 send advice response AttachmentIncluded': (c) =>
    c.sendAdviceReply({
      ubrn: U,
      outcome: 'RETURN_TO_REFERRER_WITH_ADVICE',
      intendedRecommendation: 'OTHER',
      guidance: 'Advise treatment as in attached document',
      priority: 'ROUTINE',
      attachments: [
        {
          binaryId: '19eb7224-dff3-4730-a5cb-67eac811f1a5',
          description: 'Treatment Specification',
          attachedAt: new Date('2021-09-29T13:22:35.335Z'),
        },
      ],
    }),

  'A027 convert advice to referral NoAttachments': (c) =>
    c.convertAdviceToReferral({
      ubrn: U,
      version: '3',
      guidance: 'I have converted this to send the patient to one of our services',
      priority: 'ROUTINE',
      reviewComments: "Refer this patient to our 'xxx' service please as soon as possible",
    }),
  'A027 convert advice to referral WithAttachments': (c) =>
    c.convertAdviceToReferral({
      ubrn: U,
      version: '3',
      guidance: 'Patient booked into our service. See attachment for best initial medication',
      priority: 'ROUTINE',
      reviewComments: "Book patient to 'xxx' service to include attached file as referral letter",
      guidanceAttachments: [
        {
          binaryId: 'badaf6fc-90f4-411d-999f-04ccd79fa166',
          description: 'Initial medication',
          attachedAt: new Date('2021-10-01T14:06:14.915Z'),
        },
      ],
      referralAttachments: [
        {
          binaryId: '38dc19ab-893f-47ca-8db0-2d0a07c0e387',
          description: 'Referral letter',
          attachedAt: new Date('2021-10-01T14:06:14.919Z'),
        },
      ],
    }),

  'A028 record triage outcome AcceptReferBookLater': (c) =>
    c.recordTriageOutcome({
      ubrn: U,
      version: '9',
      outcome: 'ACCEPT_REFER_BOOK_LATER',
      comments: 'Urgent action needed. To be booked ASAP',
      priority: 'URGENT',
    }),
  'A028 record triage outcome ReturnToReferrerWithAdvice': (c) =>
    c.recordTriageOutcome({
      ubrn: U,
      version: '9',
      outcome: 'RETURN_TO_REFERRER_WITH_ADVICE',
      comments: 'Condition not serious. No further action needed',
    }),
  'A028 record triage outcome AttachmentIncluded': (c) =>
    c.recordTriageOutcome({
      ubrn: U,
      version: '9',
      outcome: 'RETURN_TO_REFERRER_WITH_ADVICE',
      comments: 'Condition not serious. See attached document',
      attachments: [
        {
          binaryId: 'a7c98bb4-c0d0-4094-b26d-8dbd1677edc8',
          description: 'Condition details',
          attachedAt: new Date('2021-10-07T15:00:41.239Z'),
        },
      ],
    }),

  'A029 available actions Empty': (c) => c.getAvailableActions({ ubrn: '000000070000', version: '6' }),
  'A029 available actions WithRecordReviewOutcome': (c) => c.getAvailableActions({ ubrn: '000000070001', version: '6' }),
  'A030 business functions of the signed-in user': (c) => c.getBusinessFunctions(),
  'A043 advice and guidance overview PDF': (c) => c.getAdviceOverview({ ubrn: '000049146177' }),
  'A020 upload a file to the document store': (c) =>
    c.uploadFile({
      bytes: new Uint8Array(readFileSync(ref(UPLOAD_PDF))),
      fileName: 'guidance.pdf',
      contentType: 'application/pdf',
      referralId: '000000070000',
    }),
};

/**
 * Two NHS example conversations hold messages based on other A&G requests than the one
 * their scenario asks for (asked 000000070003, messages on 000000070007; asked
 * 000000070004, messages on 000000070003 and 000000070001). The client refuses to show
 * those rather than risk another patient's thread; the requests themselves must match.
 */
const REFUSED_ANSWERS: Record<string, string> = {
  'A025 advice conversation AttachmentUploadedFromRCS': 'a message belongs to another advice request',
  'A025 advice conversation UnavailableAttachments': 'a message belongs to another advice request',
};

function loadScenarios(): Scenario[] {
  return (JSON.parse(readFileSync(ref('scenarios.json'), 'utf8')) as { scenarios: Scenario[] }).scenarios;
}

function listen(server: http.Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

warnIfNoReference('client conformance against the NHS e-RS scenarios');

describe.skipIf(!hasReference)('e-RS client request conformance (scenarios.json)', () => {
  let current: Scenario | null = null;
  const captured: Captured[] = [];
  const objectStoreRequests: http.IncomingHttpHeaders[] = [];
  let ers: http.Server;
  let objectStore: http.Server;
  let baseUrl = '';
  let objectStoreUrl = '';

  beforeAll(async () => {
    // The object store A042 redirects to: another origin, as in the live service.
    objectStore = http.createServer((req, res) => {
      objectStoreRequests.push(req.headers);
      req.resume();
      res.writeHead(200, { 'Content-Type': 'application/pdf' });
      res.end(readFileSync(ref(ATTACHMENT_PDF)));
    });
    objectStoreUrl = `http://127.0.0.1:${await listen(objectStore)}`;

    ers = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const url = new URL(req.url ?? '/', 'http://capture');
        captured.push({
          method: req.method ?? '',
          path: (req.url ?? '/').split('?')[0] ?? '',
          query: [...url.searchParams.entries()],
          headers: req.headers,
          body: Buffer.concat(chunks),
        });
        const scenario = current;
        if (!scenario) {
          res.writeHead(500).end();
          return;
        }
        const headers: Record<string, string> = { 'X-Correlation-ID': String(req.headers['x-correlation-id'] ?? '') };
        if (scenario.operation === 'A042') {
          res.writeHead(scenario.status, { ...headers, Location: `${objectStoreUrl}/attachments/c8d5ba0a?signature=test` }).end();
          return;
        }
        if (scenario.operation === 'A020') {
          res.writeHead(scenario.status, { ...headers, Location: `Binary/${randomUUID()}` }).end();
          return;
        }
        if (!scenario.responseBody) {
          res.writeHead(scenario.status, headers).end();
          return;
        }
        const body = readFileSync(ref(scenario.responseBody));
        if (scenario.responseBody.endsWith('.pdf')) {
          headers['Content-Type'] = 'application/pdf';
          headers['Content-Disposition'] = `attachment; filename="${path.basename(scenario.responseBody)}"`;
        } else {
          headers['Content-Type'] = 'application/fhir+json';
        }
        if (scenario.operation === 'A013') headers.ETag = 'W/"9"';
        res.writeHead(scenario.status, headers).end(body);
      });
    });
    baseUrl = `http://127.0.0.1:${await listen(ers)}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => ers.close(resolve));
    await new Promise((resolve) => objectStore.close(resolve));
  });

  it('sends every scenario request as the NHS examples do, and reads every answer', async () => {
    const scenarios = loadScenarios();
    expect(scenarios).toHaveLength(53);
    const codeSystemBase = `${baseUrl}/FHIR`;
    const mismatches: string[] = [];
    const answerProblems: string[] = [];
    let matching = 0;

    for (const scenario of scenarios) {
      const name = `${scenario.operation} ${scenario.scenario}`;
      const call = INPUTS[name];
      if (!call) {
        mismatches.push(`${name}: no inputs in the table`);
        continue;
      }
      const client = createErsClient({
        baseUrl,
        fetch: testFetch,
        getAccessToken: async () => 'conformance-token',
        getRole: () => ({ businessFunction: scenario.businessFunction ?? 'SERVICE_PROVIDER_CLINICIAN', organisationOds: 'R69' }),
        retry: { maxAttempts: 1 },
      });
      current = scenario;
      captured.length = 0;
      objectStoreRequests.length = 0;
      let answer: unknown;
      let failure: unknown = null;
      try {
        answer = await call(client);
      } catch (error) {
        failure = error;
      }
      current = null;

      const problems: string[] = [];
      const request = captured[0];
      if (captured.length !== 1 || !request) {
        problems.push(`expected one request to e-RS, saw ${captured.length}`);
      } else {
        if (request.method !== scenario.method) problems.push(`method ${request.method}, expected ${scenario.method}`);
        if (request.path !== scenario.path) problems.push(`path ${request.path}, expected ${scenario.path}`);
        const expectedQuery = Object.entries(scenario.query ?? {}).sort();
        if (!isDeepStrictEqual([...request.query].sort(), expectedQuery)) {
          problems.push(`query ${JSON.stringify(request.query)}, expected ${JSON.stringify(expectedQuery)}`);
        }
        const bf = request.headers['nhsd-ers-business-function'];
        if (scenario.businessFunction === null) {
          if (bf !== undefined) problems.push('a business function header was sent where none is wanted');
          if (request.headers['nhsd-end-user-organisation-ods'] !== undefined)
            problems.push('an organisation header was sent where none is wanted');
        } else {
          if (bf !== scenario.businessFunction) problems.push(`business function ${String(bf)}, expected ${scenario.businessFunction}`);
          if (request.headers['nhsd-end-user-organisation-ods'] !== 'R69') problems.push('organisation header missing');
        }
        if (request.headers['nhsd-ers-on-behalf-of-user-id'] !== undefined) problems.push('on-behalf-of header sent for a non-admin role');
        for (const [header, value] of Object.entries(scenario.headers ?? {})) {
          const sent = request.headers[header.toLowerCase()];
          if (sent !== value) problems.push(`header ${header} ${JSON.stringify(sent)}, expected ${JSON.stringify(value)}`);
        }
        if (!UUID.test(String(request.headers['x-correlation-id'] ?? ''))) problems.push('no X-Correlation-ID UUID');
        if (request.headers.authorization !== 'Bearer conformance-token') problems.push('no bearer token');

        if (scenario.requestBody) {
          const expected: unknown = JSON.parse(
            readFileSync(ref(scenario.requestBody), 'utf8').replaceAll(/_baseUrl_|_baseurl_/g, codeSystemBase),
          );
          let sent: unknown = null;
          try {
            sent = JSON.parse(request.body.toString('utf8'));
          } catch {
            problems.push('body is not JSON');
          }
          if (sent !== null && !isDeepStrictEqual(sent, expected)) {
            problems.push(`body differs from ${scenario.requestBody}: sent ${JSON.stringify(sent)}`);
          }
          if (request.headers['content-type'] !== 'application/fhir+json')
            problems.push(`content type ${String(request.headers['content-type'])}`);
        } else if (scenario.operation === 'A020') {
          if (!request.body.equals(readFileSync(ref(UPLOAD_PDF)))) problems.push('the uploaded bytes differ from the file');
        } else if (request.body.length > 0) {
          problems.push(`a body was sent where none is wanted (${request.body.length} bytes)`);
        }
        if (scenario.operation === 'A042') {
          const followed = objectStoreRequests[0];
          if (objectStoreRequests.length !== 1 || !followed) problems.push('the redirect was not followed once');
          else if (followed.authorization !== undefined) problems.push('the redirected request carried the Authorization header');
        }
      }
      if (problems.length === 0) matching += 1;
      else mismatches.push(`${name}: ${problems.join('; ')}`);

      const refusal = REFUSED_ANSWERS[name];
      if (refusal) {
        if (!(failure instanceof ErsError) || failure.code !== 'ERS_MALFORMED' || !failure.message.includes(refusal)) {
          answerProblems.push(
            `${name}: expected the inconsistent answer to be refused (${refusal}), got ${failure instanceof Error ? failure.message : 'success'}`,
          );
        }
      } else if (failure !== null) {
        answerProblems.push(`${name}: the answer was not read: ${failure instanceof Error ? failure.message : String(failure)}`);
      } else if (answer === undefined) {
        answerProblems.push(`${name}: the call returned nothing`);
      }
    }

    console.log(`client conformance: ${matching} of ${scenarios.length} scenarios match`);
    if (mismatches.length > 0) console.log(`mismatches:\n  ${mismatches.join('\n  ')}`);
    if (answerProblems.length > 0) console.log(`answers:\n  ${answerProblems.join('\n  ')}`);
    expect(mismatches, 'every scenario request must match its NHS example').toEqual([]);
    expect(answerProblems, 'every example answer must be read (or refused for the stated reason)').toEqual([]);
    expect(matching).toBe(53);
  });
});
