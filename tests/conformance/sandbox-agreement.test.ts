/**
 * The local e-RS emulator against NHS's own sandbox (../shared/nhs-ers-sandbox), probe by
 * probe: the same requests go to both, and their answers are compared.
 *
 * The two are different kinds of server. NHS's sandbox is stateless and answers only its
 * published examples: anything else gets its generic SANDBOX_ERROR outcome, and it checks
 * no token, no If-Match and no Content-Type. The emulator is stateful e-RS for conflicts,
 * faults and scale. So every probe says what relation it expects:
 *
 * - `agree`: NHS's sandbox answers with meaning (a role refused, a file type refused, a
 *   missing value, a malformed request, no such endpoint, an example read) and the emulator
 *   must answer with the same status. Both refuse with their own words: the sandbox's
 *   refusals carry SANDBOX_ERROR, a plain-text SANDBOX_ERROR sentence or its framework's
 *   message, never an e-RS error code, so only status codes can be compared.
 * - `role gate`: the same, for whether a business function may call an operation at all:
 *   both refuse it (403) or neither does (what follows the gate depends on state only the
 *   emulator has).
 * - `no example`: the sandbox's answer is its generic "not one of my examples" outcome; the
 *   emulator answers from its state. Not compared, but the sandbox must still be giving
 *   that answer, so a new example in a later version shows up here.
 * - `sandbox does not check`: the sandbox accepts what e-RS refuses (README.local.md: no
 *   tokens, no If-Match, no state); the emulator keeps e-RS's rule. Both answers are pinned.
 * - `specification differs`: the sandbox and NHS's published specification disagree; the
 *   emulator follows the specification. Both answers are pinned, and the reason is given.
 *
 * The count printed is of the probes expected to agree; it must be all of them.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_UID, CONSULTANT_UID, NO_PROVIDER_ROLE_UID } from '../../local-env/src/users';
import { startTestEmulator, type TestEmulator } from '../helpers/ers-emulator';
import { hasNhsSandbox, nhsSandboxDir, startNhsSandbox, warnIfNoNhsSandbox, type NhsSandbox } from '../helpers/nhs-sandbox';

type Role = 'SPC' | 'SPCA' | 'SPA' | 'RC' | 'none';
type Relation =
  | { kind: 'agree' }
  | { kind: 'role gate' }
  | { kind: 'no example'; why: string }
  | { kind: 'sandbox does not check'; why: string; sandbox: number; emulator: number }
  | { kind: 'specification differs'; why: string; sandbox: number; emulator: number };

interface Probe {
  name: string;
  method: 'GET' | 'POST' | 'DELETE';
  /** Below the e-RS base: /FHIR/STU3/... */
  path: string;
  role?: Role;
  /** Send NHSD-eRS-On-Behalf-Of-User-ID (by default only with SPCA). */
  onBehalfOf?: boolean;
  headers?: Record<string, string>;
  /** A JSON body: an example under the sandbox's mocks/ folder, or literal text. */
  body?: { example: string; replace?: [string, string] } | { text: string } | { bytes: Buffer };
  contentType?: string;
  expect: Relation;
}

const AGREE: Relation = { kind: 'agree' };
const GATE: Relation = { kind: 'role gate' };
const noExample = (why: string): Relation => ({ kind: 'no example', why });

const FUNCTIONS: Record<Exclude<Role, 'none'>, { businessFunction: string; ods: string; uid: string }> = {
  SPC: { businessFunction: 'SERVICE_PROVIDER_CLINICIAN', ods: 'R69', uid: CONSULTANT_UID },
  SPCA: { businessFunction: 'SERVICE_PROVIDER_CLINICIAN_ADMIN', ods: 'R69', uid: ADMIN_UID },
  SPA: { businessFunction: 'SERVICE_PROVIDER_ADMIN', ods: 'R69', uid: ADMIN_UID },
  RC: { businessFunction: 'REFERRING_CLINICIAN', ods: 'A99001', uid: NO_PROVIDER_ROLE_UID },
};

const U = '000000070000';
const REFERRAL = `/FHIR/STU3/ReferralRequest/${U}`;
const ADVICE = `/FHIR/STU3/CommunicationRequest/${U}`;
const UUID = 'c8d5ba0a-5e5b-4b8a-8ed3-4f0c3c1d7e2a';
const IF_MATCH = { 'If-Match': 'W/"5"' };
const pdf = () =>
  readFileSync(path.join(nhsSandboxDir, 'src', 'mocks', 'stu3', 'retrieveAttachment', 'responses', 'example_attachment.pdf'));
const upload = (fileName: string | null, referral: string | null) => ({
  ...(fileName ? { 'NHSD-eRS-File-Name': fileName } : {}),
  ...(referral ? { 'NHSD-eRS-Referral-Id': referral } : {}),
});

const EXAMPLES = {
  worklist: 'stu3/retrieveWorklist/requests/MinimalReferralsForReview.json',
  referrerWorklist: 'stu3/retrieveWorklist/requests/MinimalLettersOutstanding.json',
  adviceWorklist: 'stu3/retrieveAdviceAndGuidanceWorklist/requests/MinimalAdviceAndGuidanceRequests.json',
  reject: 'stu3/rejectReferral/requests/BasicExampleDbs.json',
  triage: 'stu3/recordTriageOutcome/requests/AcceptReferBookLater.json',
  reply: 'stu3/sendAdviceAndGuidanceResponse/requests/RequireFurtherInformation.json',
  convert: 'stu3/convertAdviceAndGuidanceToReferral/requests/NoAttachments.json',
};

function probes(): Probe[] {
  const list: Probe[] = [
    // Reads of the examples
    { name: 'A005 an example referral', method: 'GET', path: REFERRAL, expect: AGREE },
    { name: 'A004 a code system', method: 'GET', path: '/FHIR/STU3/CodeSystem/SPECIALTY', expect: AGREE },
    { name: 'A004 a code system that does not exist', method: 'GET', path: '/FHIR/STU3/CodeSystem/NO-SUCH-SYSTEM', expect: AGREE },
    {
      name: 'A008 the example worklist',
      method: 'POST',
      path: '/FHIR/STU3/ReferralRequest/$ers.fetchworklist',
      body: { example: EXAMPLES.worklist },
      expect: AGREE,
    },
    {
      name: 'A023 the example A&G worklist as a provider admin',
      method: 'POST',
      path: '/FHIR/STU3/CommunicationRequest/$ers.fetchworklist',
      role: 'SPA',
      body: { example: EXAMPLES.adviceWorklist },
      expect: AGREE,
    },
    { name: 'A030 business functions, asked with no role', method: 'GET', path: '/FHIR/R4/PractitionerRole', role: 'none', expect: AGREE },
    { name: 'A042 an attachment redirects to the file store', method: 'GET', path: `/FHIR/R4/Binary/${UUID}`, expect: AGREE },
    // The clinician admin: acting for a clinician is required, and only for them
    { name: 'A005 as clinician admin acting for a clinician', method: 'GET', path: REFERRAL, role: 'SPCA', expect: AGREE },
    {
      name: 'A008 as clinician admin acting for a clinician',
      method: 'POST',
      path: '/FHIR/STU3/ReferralRequest/$ers.fetchworklist',
      role: 'SPCA',
      body: { example: EXAMPLES.worklist },
      expect: AGREE,
    },
    { name: 'A005 as clinician admin acting for no one', method: 'GET', path: REFERRAL, role: 'SPCA', onBehalfOf: false, expect: AGREE },
    { name: 'A005 as clinician naming someone to act for', method: 'GET', path: REFERRAL, role: 'SPC', onBehalfOf: true, expect: AGREE },
    {
      name: 'A014 as clinician admin acting for no one',
      method: 'POST',
      path: `${REFERRAL}/$ers.rejectReferral`,
      role: 'SPCA',
      onBehalfOf: false,
      headers: IF_MATCH,
      body: { example: EXAMPLES.reject },
      expect: AGREE,
    },
    // Malformed or missing
    { name: 'A029 without focus', method: 'GET', path: '/FHIR/STU3/Task?intent=proposal&status=ready', expect: AGREE },
    {
      name: 'A029 with another intent',
      method: 'GET',
      path: `/FHIR/STU3/Task?focus=ReferralRequest/${U}/_history/6&intent=order&status=ready`,
      expect: AGREE,
    },
    { name: 'A025 without based-on', method: 'GET', path: '/FHIR/STU3/Communication', expect: AGREE },
    { name: 'A025 with a malformed based-on', method: 'GET', path: '/FHIR/STU3/Communication?based-on=nonsense', expect: AGREE },
    { name: 'A042 with an id that is no attachment id', method: 'GET', path: '/FHIR/R4/Binary/not-an-id', expect: AGREE },
    {
      name: 'A014 with a body that is not JSON',
      method: 'POST',
      path: `${REFERRAL}/$ers.rejectReferral`,
      headers: IF_MATCH,
      body: { text: '{"resourceType": "Parameters", ' },
      expect: AGREE,
    },
    {
      name: 'A014 with an empty body',
      method: 'POST',
      path: `${REFERRAL}/$ers.rejectReferral`,
      headers: IF_MATCH,
      body: { text: '' },
      expect: AGREE,
    },
    {
      name: 'A014 with no body and no Content-Type',
      method: 'POST',
      path: `${REFERRAL}/$ers.rejectReferral`,
      headers: IF_MATCH,
      expect: AGREE,
    },
    {
      name: 'A014 with no parameters',
      method: 'POST',
      path: `${REFERRAL}/$ers.rejectReferral`,
      headers: IF_MATCH,
      body: { text: '{"resourceType":"Parameters","parameter":[]}' },
      expect: AGREE,
    },
    {
      name: 'A026 with an empty body',
      method: 'POST',
      path: `${ADVICE}/$ers.sendCommunicationToRequester`,
      body: { text: '' },
      expect: AGREE,
    },
    {
      name: 'A008 with no parameters',
      method: 'POST',
      path: '/FHIR/STU3/ReferralRequest/$ers.fetchworklist',
      body: { text: '{"resourceType":"Parameters","parameter":[]}' },
      expect: AGREE,
    },
    {
      name: 'A008 with an empty body',
      method: 'POST',
      path: '/FHIR/STU3/ReferralRequest/$ers.fetchworklist',
      body: { text: '' },
      expect: AGREE,
    },
    // Paths and methods
    { name: 'a path e-RS does not have', method: 'GET', path: '/FHIR/STU3/Nowhere', expect: AGREE },
    { name: 'another method on a known path', method: 'GET', path: '/FHIR/STU3/Binary', expect: AGREE },
    { name: 'DELETE on a referral', method: 'DELETE', path: REFERRAL, expect: AGREE },
    // Uploads (A020)
    {
      name: 'A020 a PDF for a referral',
      method: 'POST',
      path: '/FHIR/STU3/Binary',
      headers: upload('letter.pdf', U),
      body: { bytes: pdf() },
      contentType: 'application/pdf',
      expect: AGREE,
    },
    {
      name: 'A020 without a file name',
      method: 'POST',
      path: '/FHIR/STU3/Binary',
      headers: upload(null, U),
      body: { bytes: pdf() },
      contentType: 'application/pdf',
      expect: AGREE,
    },
    {
      name: 'A020 an empty file',
      method: 'POST',
      path: '/FHIR/STU3/Binary',
      headers: upload('letter.pdf', U),
      body: { bytes: Buffer.alloc(0) },
      contentType: 'application/pdf',
      expect: AGREE,
    },
    {
      name: 'A020 a ZIP file',
      method: 'POST',
      path: '/FHIR/STU3/Binary',
      headers: upload('letter.zip', U),
      body: { bytes: pdf() },
      contentType: 'application/zip',
      expect: AGREE,
    },
    {
      name: 'A020 an HTML page',
      method: 'POST',
      path: '/FHIR/STU3/Binary',
      headers: upload('page.html', U),
      body: { bytes: Buffer.from('<p>x</p>') },
      contentType: 'text/html',
      expect: AGREE,
    },
    {
      name: 'A020 a file with no Content-Type',
      method: 'POST',
      path: '/FHIR/STU3/Binary',
      headers: upload('letter.pdf', U),
      body: { bytes: pdf() },
      expect: AGREE,
    },
    {
      name: 'A020 as provider admin',
      method: 'POST',
      path: '/FHIR/STU3/Binary',
      role: 'SPA',
      headers: upload('letter.pdf', U),
      body: { bytes: pdf() },
      contentType: 'application/pdf',
      expect: AGREE,
    },

    // Not one of the sandbox's examples: the emulator answers from its own state.
    {
      name: 'A005 a UBRN with no example',
      method: 'GET',
      path: '/FHIR/STU3/ReferralRequest/000000079999',
      expect: noExample('the sandbox has examples for ten UBRNs only; e-RS answers 404 for an unknown one'),
    },
    {
      name: 'A005 an example at another version',
      method: 'GET',
      path: `${REFERRAL}/_history/6`,
      expect: noExample('the sandbox has version 5 only'),
    },
    {
      name: 'A024 a UBRN with no example',
      method: 'GET',
      path: '/FHIR/STU3/CommunicationRequest/000000079999',
      expect: noExample('the sandbox has three A&G examples only'),
    },
    {
      name: "A029 at the examples' own version",
      method: 'GET',
      path: `/FHIR/STU3/Task?focus=ReferralRequest/${U}/_history/5&intent=proposal&status=ready`,
      expect: noExample('the sandbox has A029 examples for version 6 only, while its A005 examples are version 5'),
    },
    {
      name: "A025 at the request's own version",
      method: 'GET',
      path: `/FHIR/STU3/Communication?based-on=CommunicationRequest/${U}/_history/5`,
      expect: noExample('the sandbox has A025 examples for versions 1, 2, 3, 6 and 7 only, while its A024 examples are version 5'),
    },
    {
      name: 'A013 accept another referral',
      method: 'POST',
      path: '/FHIR/STU3/ReferralRequest/000000070001/$ers.acceptReferral',
      headers: IF_MATCH,
      expect: noExample('the sandbox accepts 000000070000 only'),
    },
    {
      name: 'A014 reject with another comment',
      method: 'POST',
      path: `${REFERRAL}/$ers.rejectReferral`,
      headers: IF_MATCH,
      body: { example: EXAMPLES.reject, replace: ['This is a short comment', 'Another comment'] },
      expect: noExample('the sandbox answers a POST only when its body equals an example'),
    },
    {
      name: 'A026 reply with other guidance',
      method: 'POST',
      path: `${ADVICE}/$ers.sendCommunicationToRequester`,
      body: { example: EXAMPLES.reply, replace: ['Please supply', 'Please send'] },
      expect: noExample('the sandbox answers a POST only when its body equals an example'),
    },
    {
      name: 'A006 an id that is neither a UUID nor att-',
      method: 'GET',
      path: '/FHIR/STU3/Binary/not-an-id',
      expect: noExample('the sandbox serves A006 for UUIDs and att- ids only'),
    },

    // What the sandbox does not check, and e-RS does.
    {
      name: 'A005 with no business function',
      method: 'GET',
      path: REFERRAL,
      role: 'none',
      expect: {
        kind: 'sandbox does not check',
        why: 'the sandbox checks the business function only when one is sent; e-RS requires it (400)',
        sandbox: 200,
        emulator: 400,
      },
    },
    {
      name: 'A014 the example sent as text/plain',
      method: 'POST',
      path: `${REFERRAL}/$ers.rejectReferral`,
      headers: IF_MATCH,
      body: { example: EXAMPLES.reject },
      contentType: 'text/plain',
      expect: {
        kind: 'sandbox does not check',
        why: 'the sandbox reads any text as JSON; e-RS takes application/fhir+json only (415)',
        sandbox: 200,
        emulator: 415,
      },
    },
    {
      name: 'A020 a PDF named .png',
      method: 'POST',
      path: '/FHIR/STU3/Binary',
      headers: upload('letter.png', U),
      body: { bytes: pdf() },
      contentType: 'application/pdf',
      expect: {
        kind: 'sandbox does not check',
        why: 'the sandbox does not compare the file name with its type; e-RS answers 422 CONFLICTING_VALUES',
        sandbox: 201,
        emulator: 422,
      },
    },
    {
      name: 'A007 for a UBRN with no referral',
      method: 'POST',
      path: '/FHIR/STU3/ReferralRequest/000000079999/$ers.generateCRI',
      expect: {
        kind: 'sandbox does not check',
        why: 'the sandbox returns its example PDF for any UBRN; e-RS answers 404 for an unknown referral',
        sandbox: 200,
        emulator: 404,
      },
    },
    {
      name: "A008 the providers' worklist as a referring clinician",
      method: 'POST',
      path: '/FHIR/STU3/ReferralRequest/$ers.fetchworklist',
      role: 'RC',
      body: { example: EXAMPLES.worklist },
      expect: {
        kind: 'sandbox does not check',
        why: 'the sandbox lets any A008 role have any list; A008 documents Referrals for Review for provider roles only (the emulator refuses it, 403)',
        sandbox: 200,
        emulator: 403,
      },
    },
    {
      name: 'A005 with no access token',
      method: 'GET',
      path: REFERRAL,
      headers: { Authorization: '' },
      expect: {
        kind: 'sandbox does not check',
        why: 'the sandbox is open access; e-RS behind the API platform answers 401',
        sandbox: 200,
        emulator: 401,
      },
    },

    // Where the sandbox and NHS's published specification disagree, the emulator follows the specification.
    {
      name: 'A020 a file over 5 MB',
      method: 'POST',
      path: '/FHIR/STU3/Binary',
      headers: upload('big.pdf', U),
      body: { bytes: Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(6 * 1024 * 1024, 0x20)]) },
      contentType: 'application/pdf',
      expect: {
        kind: 'specification differs',
        why: "the sandbox's web framework refuses the body (413); the A020 specification lists 422 FILE_SIZE_ERROR for a file too large, and no 413",
        sandbox: 413,
        emulator: 422,
      },
    },
    {
      name: 'A020 a PDF for no referral',
      method: 'POST',
      path: '/FHIR/STU3/Binary',
      headers: upload('letter.pdf', null),
      body: { bytes: pdf() },
      contentType: 'application/pdf',
      expect: {
        kind: 'specification differs',
        why: 'the sandbox requires NHSD-eRS-Referral-ID (422); the A020 specification says it is non-mandatory (the app always sends it)',
        sandbox: 422,
        emulator: 201,
      },
    },
  ];

  // Who may call what at all, for every operation the app uses, in the roles the local
  // environment has people for (a referring clinician at a GP surgery, a provider admin,
  // a clinician admin acting for a clinician).
  const gated: Omit<Probe, 'name' | 'role' | 'expect'>[] = [
    { method: 'GET', path: '/FHIR/STU3/CodeSystem/SPECIALTY' },
    { method: 'GET', path: REFERRAL },
    { method: 'GET', path: `/FHIR/STU3/Binary/${UUID}` },
    { method: 'POST', path: `${REFERRAL}/$ers.generateCRI` },
    { method: 'POST', path: '/FHIR/STU3/ReferralRequest/$ers.fetchworklist', body: { example: EXAMPLES.worklist } },
    { method: 'POST', path: '/FHIR/STU3/CommunicationRequest/$ers.fetchworklist', body: { example: EXAMPLES.adviceWorklist } },
    { method: 'GET', path: ADVICE },
    { method: 'GET', path: `/FHIR/STU3/Communication?based-on=CommunicationRequest/${U}/_history/1` },
    { method: 'GET', path: `/FHIR/STU3/Task?focus=ReferralRequest/${U}/_history/6&intent=proposal&status=ready` },
    { method: 'POST', path: `${ADVICE}/$ers.generateCRI` },
    { method: 'GET', path: `/FHIR/R4/Binary/${UUID}` },
    { method: 'POST', path: '/FHIR/STU3/Binary', headers: upload('letter.pdf', U), body: { bytes: pdf() }, contentType: 'application/pdf' },
    { method: 'POST', path: `${REFERRAL}/$ers.acceptReferral`, headers: IF_MATCH },
    { method: 'POST', path: `${REFERRAL}/$ers.rejectReferral`, headers: IF_MATCH, body: { example: EXAMPLES.reject } },
    { method: 'POST', path: `${REFERRAL}/$ers.recordReviewOutcome`, headers: IF_MATCH, body: { example: EXAMPLES.triage } },
    { method: 'POST', path: `${ADVICE}/$ers.sendCommunicationToRequester`, body: { example: EXAMPLES.reply } },
    {
      method: 'POST',
      path: '/FHIR/STU3/ReferralRequest/$ers.createFromCommunicationRequestActionLater',
      body: { example: EXAMPLES.convert },
    },
  ];
  for (const role of ['RC', 'SPA', 'SPCA'] as const) {
    for (const probe of gated) {
      // A referrer's own worklist for a referrer: which lists a role may have is not the gate.
      const own =
        role === 'RC' && probe.body && 'example' in probe.body && probe.body.example === EXAMPLES.worklist
          ? { body: { example: EXAMPLES.referrerWorklist } }
          : {};
      list.push({ ...probe, ...own, name: `role gate: ${probe.method} ${probe.path.split('?')[0]} as ${role}`, role, expect: GATE });
    }
  }
  return list;
}

interface Answer {
  status: number;
  /** A few words of the body, to explain a disagreement. */
  said: string;
  sandboxError: boolean;
}

async function ask(base: string, probe: Probe, target: 'sandbox' | 'emulator', t: TestEmulator, fhirBase: string): Promise<Answer> {
  const role = probe.role ?? 'SPC';
  const headers: Record<string, string> = { 'X-Correlation-ID': `probe-${target}` };
  if (role !== 'none') {
    const who = FUNCTIONS[role];
    headers['NHSD-eRS-Business-Function'] = who.businessFunction;
    headers['NHSD-End-User-Organisation-ODS'] = who.ods;
    if (probe.onBehalfOf ?? role === 'SPCA') headers['NHSD-eRS-On-Behalf-Of-User-ID'] = CONSULTANT_UID;
  }
  // The sandbox checks no token; the emulator gets one for the person who holds the role.
  if (target === 'emulator') headers.Authorization = `Bearer ${await t.token(role === 'none' ? CONSULTANT_UID : FUNCTIONS[role].uid)}`;
  Object.assign(headers, probe.headers ?? {});
  if (headers.Authorization === '') delete headers.Authorization;
  let body: BodyInit | undefined;
  if (probe.body && 'example' in probe.body) {
    let text = readFileSync(path.join(nhsSandboxDir, 'src', 'mocks', probe.body.example), 'utf8');
    if (probe.body.replace) text = text.replace(probe.body.replace[0], probe.body.replace[1]);
    // The examples' code-system placeholders stand for the environment's FHIR base.
    body = target === 'emulator' ? text.replace(/_baseUrl_|_baseurl_/g, fhirBase) : text;
    headers['Content-Type'] = probe.contentType ?? 'application/fhir+json';
  } else if (probe.body && 'text' in probe.body) {
    body = probe.body.text;
    headers['Content-Type'] = probe.contentType ?? 'application/fhir+json';
  } else if (probe.body) {
    body = new Uint8Array(probe.body.bytes);
    if (probe.contentType) headers['Content-Type'] = probe.contentType;
  }
  const response = await fetch(`${base}${probe.path}`, { method: probe.method, headers, body, redirect: 'manual' });
  const bytes = Buffer.from(await response.arrayBuffer());
  const type = (response.headers.get('content-type') ?? '').split(';')[0] ?? '';
  let said = type.startsWith('text/') || type === '' ? bytes.toString('utf8').replace(/\s+/g, ' ').trim().slice(0, 80) : `<${type}>`;
  let sandboxError = false;
  try {
    const json = JSON.parse(bytes.toString('utf8')) as {
      resourceType?: string;
      issue?: { details?: { coding?: { code?: string }[] } }[];
      error?: string;
      message?: string;
    };
    const code = json.issue?.[0]?.details?.coding?.[0]?.code;
    sandboxError = code === 'SANDBOX_ERROR';
    said = code ?? json.error ?? json.message ?? json.resourceType ?? said;
  } catch {
    // not JSON: the words themselves, or the type of file
  }
  return { status: response.status, said, sandboxError };
}

warnIfNoNhsSandbox("the emulator compared with NHS's own sandbox, probe by probe");

describe.skipIf(!hasNhsSandbox)("the local e-RS emulator agrees with NHS's own sandbox wherever both answer", () => {
  let sandbox: NhsSandbox;
  let t: TestEmulator;

  beforeAll(async () => {
    [sandbox, t] = await Promise.all([startNhsSandbox(), startTestEmulator()]);
  }, 60_000);

  afterAll(async () => {
    await t?.close();
    await sandbox?.close();
  });

  it('answers every probe as the probe expects, and every probe that should agree does', async () => {
    const list = probes();
    const expectedToAgree = list.filter((p) => p.expect.kind === 'agree' || p.expect.kind === 'role gate');
    const problems: string[] = [];
    const lines: string[] = [];
    let agreeing = 0;
    for (const probe of list) {
      const nhs = await ask(sandbox.url, probe, 'sandbox', t, t.emulator.fhirBaseUrl);
      const local = await ask(t.emulator.baseUrl, probe, 'emulator', t, t.emulator.fhirBaseUrl);
      const pair = `NHS ${nhs.status} ${nhs.said} | emulator ${local.status} ${local.said}`;
      const relation = probe.expect;
      switch (relation.kind) {
        case 'agree':
          if (nhs.status === local.status) agreeing += 1;
          else problems.push(`${probe.name}: ${pair}`);
          break;
        case 'role gate':
          if ((nhs.status === 403) === (local.status === 403)) agreeing += 1;
          else problems.push(`${probe.name}: the role gate differs: ${pair}`);
          break;
        case 'no example':
          if (!nhs.sandboxError) problems.push(`${probe.name}: the sandbox now answers this (${pair}); compare it`);
          lines.push(`  no example    ${probe.name}: ${pair} (${relation.why})`);
          break;
        case 'sandbox does not check':
        case 'specification differs':
          if (nhs.status !== relation.sandbox || local.status !== relation.emulator) {
            problems.push(`${probe.name}: expected NHS ${relation.sandbox} and emulator ${relation.emulator}, got ${pair}`);
          }
          lines.push(
            `  ${relation.kind === 'specification differs' ? 'spec differs ' : 'not checked  '} ${probe.name}: ${pair} (${relation.why})`,
          );
          break;
      }
    }
    console.log(
      [
        `sandbox agreement: ${agreeing} of ${expectedToAgree.length} probes agree (${list.length} probes in all)`,
        'not compared, with why:',
        ...lines,
      ].join('\n'),
    );
    expect(problems, problems.join('\n')).toEqual([]);
    expect(agreeing).toBe(expectedToAgree.length);
    // The sandbox's log saw every probe: the comparison is against the server that ran.
    expect(sandbox.requests().filter((r) => r.correlationId === 'probe-sandbox')).toHaveLength(list.length);
  }, 120_000);
});
