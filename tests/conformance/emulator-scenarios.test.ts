/**
 * Replays every scenario of ../shared/ers-reference/scenarios.json (the NHS e-RS examples,
 * each replayed against the NHS sandbox) against the local e-RS, as the consultant at R69,
 * and checks each answer has the example's status and the same structure: resource types,
 * meta.profile values, extension URLs at every depth and coding systems (with the
 * `_baseUrl_` placeholder standing for the emulator's FHIR base).
 *
 * "Same" means equal sets, except for the worklists (A008, A023), whose entries come from
 * the seed rather than the example: there the answer must show everything the example shows
 * and nothing the operation's published examples never show.
 *
 * The emulator is stateful and the sandbox is not, so before a scenario the referral or A&G
 * request is put into the state the example assumes: its version set to the one the request
 * names (If-Match, _history, focus, based-on, createFrom), and, for decisions, the booking,
 * triage or conversation the example shows. The state is reset between such scenarios.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AdviceRequest, type Referral } from '../../local-env/src/seed/model';
import { startTestEmulator, testRenderDocument, type TestEmulator } from '../helpers/ers-emulator';
import { hasReference, referenceDir, warnIfNoReference } from '../helpers/repo';

interface Scenario {
  operation: string;
  scenario: string;
  method: string;
  path: string;
  businessFunction: string | null;
  headers?: Record<string, string>;
  query?: Record<string, string>;
  requestBody?: string;
  responseBody?: string;
  status: number;
}

interface Shape {
  resourceTypes: Set<string>;
  profiles: Set<string>;
  extensionUrls: Set<string>;
  codingSystems: Set<string>;
}

const KINDS = ['resourceTypes', 'profiles', 'extensionUrls', 'codingSystems'] as const;

function normalise(value: string, base: string): string {
  return value
    .split(base)
    .join('_baseUrl_')
    .replace(/_baseurl_/g, '_baseUrl_');
}

function shapeOf(json: unknown, base: string): Shape {
  const shape: Shape = { resourceTypes: new Set(), profiles: new Set(), extensionUrls: new Set(), codingSystems: new Set() };
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) {
      node.forEach(walk);
      return;
    }
    if (typeof node !== 'object' || node === null) return;
    const record = node as Record<string, unknown>;
    if (typeof record.resourceType === 'string') shape.resourceTypes.add(record.resourceType);
    const meta = record.meta as { profile?: unknown } | undefined;
    if (meta && Array.isArray(meta.profile))
      for (const p of meta.profile) if (typeof p === 'string') shape.profiles.add(normalise(p, base));
    // An extension holds a url and a value or nested extensions, and nothing else (an attachment also has a url).
    const keys = Object.keys(record);
    const isExtension =
      typeof record.url === 'string' &&
      (Array.isArray(record.extension) || keys.some((k) => k.startsWith('value'))) &&
      keys.every((k) => k === 'url' || k === 'id' || k === 'extension' || k.startsWith('value'));
    if (isExtension) shape.extensionUrls.add(normalise(record.url as string, base));
    if (typeof record.system === 'string' && typeof record.code === 'string') shape.codingSystems.add(normalise(record.system, base));
    Object.values(record).forEach(walk);
  };
  walk(json);
  return shape;
}

function union(shapes: Shape[]): Shape {
  const all: Shape = { resourceTypes: new Set(), profiles: new Set(), extensionUrls: new Set(), codingSystems: new Set() };
  for (const s of shapes) for (const kind of KINDS) for (const v of s[kind]) all[kind].add(v);
  return all;
}

function differences(expected: Shape, actual: Shape, vocabulary: Shape | null): string[] {
  const problems: string[] = [];
  for (const kind of KINDS) {
    const missing = [...expected[kind]].filter((v) => !actual[kind].has(v));
    const allowed = vocabulary ? vocabulary[kind] : expected[kind];
    const extra = [...actual[kind]].filter((v) => !allowed.has(v));
    if (missing.length > 0) problems.push(`${kind} missing: ${missing.join(', ')}`);
    if (extra.length > 0) problems.push(`${kind} not in the example${vocabulary ? 's' : ''}: ${extra.join(', ')}`);
  }
  return problems;
}

const readJson = (file: string): unknown => JSON.parse(readFileSync(path.join(referenceDir, file), 'utf8'));

/** Worklists: the union of every published example for the operation bounds what may appear. */
const LIST_VOCABULARY: Record<string, string> = {
  A008: 'examples/stu3/retrieveWorklist/responses',
  A023: 'examples/stu3/retrieveAdviceAndGuidanceWorklist/responses',
};

function vocabularyFor(operation: string, base: string): Shape | null {
  const dir = LIST_VOCABULARY[operation];
  if (!dir) return null;
  const files = readdirSync(path.join(referenceDir, dir)).filter((f) => f.endsWith('.json'));
  return union(files.map((f) => shapeOf(readJson(path.join(dir, f)), base)));
}

const REFERRAL = '000000070000';

/** A referral booked into a bookable service and waiting for the provider's review (A013, A014). */
function bookedForReview(kind: 'DBS' | 'IBS', onBehalfOf: boolean) {
  return (r: Referral) => {
    r.serviceId = kind === 'DBS' ? '11002' : '11016';
    r.shortlist = kind === 'DBS' ? ['11000', '11002'] : ['11016'];
    r.status = { code: 'BOOKED' };
    r.pathwayStart = r.created;
    delete r.review;
    r.appointment = {
      id: '70020',
      version: 0,
      kind,
      status: 'booked',
      serviceId: r.serviceId,
      created: r.created,
      start: '2025-03-20T10:00:00.000Z',
      end: kind === 'DBS' ? '2025-03-20T10:30:00.000Z' : '2025-03-20T10:00:00.000Z',
      ...(kind === 'DBS' ? { slotId: '11002001', consultantUid: '555000000104' } : {}),
    };
    for (const a of r.attachments) {
      if (onBehalfOf) a.attachedOnBehalfOf = '555000000201';
      else delete a.attachedOnBehalfOf;
    }
  };
}

/** A referral sent to a triage service and waiting for its outcome (A028). */
function awaitingTriage(r: Referral): void {
  r.serviceId = '11010';
  r.shortlist = ['11010'];
  r.status = { code: 'AWAITING_TRIAGE', reason: { system: 'REVIEW_REASON', code: 'TRIAGE' } };
  r.pathwayStart = r.created;
  delete r.review;
  r.appointment = {
    id: '70021',
    version: 1,
    kind: 'TRIAGE',
    status: 'proposed',
    serviceId: '11010',
    created: r.created,
    reason: { system: 'REVIEW_REASON', code: 'TRIAGE' },
  };
  for (const a of r.attachments) delete a.attachedOnBehalfOf;
}

type Arrange = (t: TestEmulator) => Promise<void>;

const ARRANGE: Record<string, Arrange> = {
  'accept referral': async (t) => void (await t.emulator.updateReferral(REFERRAL, bookedForReview('DBS', true))),
  'reject referral BasicExampleDbs': async (t) => void (await t.emulator.updateReferral(REFERRAL, bookedForReview('DBS', true))),
  'reject referral BasicExampleIbs': async (t) => void (await t.emulator.updateReferral(REFERRAL, bookedForReview('IBS', false))),
  'record triage outcome AcceptReferBookLater': async (t) => void (await t.emulator.updateReferral(REFERRAL, awaitingTriage)),
  'record triage outcome ReturnToReferrerWithAdvice': async (t) => void (await t.emulator.updateReferral(REFERRAL, awaitingTriage)),
  'record triage outcome AttachmentIncluded': async (t) => void (await t.emulator.updateReferral(REFERRAL, awaitingTriage)),
  'available actions WithRecordReviewOutcome': async (t) => void (await t.emulator.updateReferral('000000070001', awaitingTriage)),
  'advice conversation SingleMessageFromReferrer': async (t) =>
    void (await t.emulator.updateAdvice(REFERRAL, (a: AdviceRequest) => void (a.messages = a.messages.slice(0, 1)))),
  'advice conversation OneMessageEachWay': async (t) =>
    void (await t.emulator.updateAdvice(REFERRAL, (a: AdviceRequest) => void (a.messages = a.messages.slice(0, 2)))),
  // The reply examples show a request searched by postcode and distance.
  'send advice response RequireFurtherInformation': async (t) => void (await t.emulator.updateAdvice(REFERRAL, searchedByPostcode)),
  'send advice response ReturnToReferrerWithAdvice': async (t) => void (await t.emulator.updateAdvice(REFERRAL, searchedByPostcode)),
  'send advice response AttachmentIncluded': async (t) => void (await t.emulator.updateAdvice(REFERRAL, searchedByPostcode)),
  // The worklist filter examples assume referrals for review at service 21012 and with clinician 021600556514.
  'worklist FilteringByService': async (t) => void (await t.emulator.updateReferral('000000070001', atService('21012'))),
  'worklist FilteringByClinician': async (t) =>
    void (await t.emulator.updateReferral('000000070001', (r) => void (r.allocatedClinician = '021600556514'))),
  // Before conversion no referral has the A&G request's UBRN.
  'convert advice to referral NoAttachments': async (t) => {
    await t.emulator.deleteReferral(REFERRAL);
    await t.emulator.updateAdvice(REFERRAL, searchedByPostcode);
  },
  'convert advice to referral WithAttachments': async (t) => {
    await t.emulator.deleteReferral(REFERRAL);
    // The example's request carries a file sent on the GP's behalf, and a message file still being scanned.
    const onBehalf = t.emulator.advice('000000070001')?.attachments[0];
    const pending = t.emulator.advice('000000070004')?.messages[0]?.attachments[0];
    if (!onBehalf || !pending) throw new Error('The seed lost the A&G files this scenario borrows.');
    const { attachedOnBehalfOf: _ignored, ...ownFile } = pending;
    await t.emulator.updateAdvice(REFERRAL, (a) => {
      searchedByPostcode(a);
      a.attachments = [onBehalf];
      const first = a.messages[0];
      if (first) first.attachments = [ownFile];
    });
  },
};

function atService(serviceId: string) {
  return (r: Referral) => {
    r.serviceId = serviceId;
    r.shortlist = [serviceId];
    if (r.appointment) r.appointment.serviceId = serviceId;
    r.allocatedClinician = '555000000104';
    r.clinicalInfoLastUpdated = r.lastUpdated;
  };
}

function searchedByPostcode(a: AdviceRequest): void {
  a.searchCriteria = { postcode: 'ZX1 2AB', distanceLimit: 50, ageAndGenderAppropriate: true };
}

/** The version a request names for the record it acts on, so the record can be brought to it. */
async function alignVersion(t: TestEmulator, s: Scenario, body: string | undefined): Promise<boolean> {
  const ifMatch = s.headers?.['If-Match'];
  const referralPath = /ReferralRequest\/(\d{12})/.exec(s.path)?.[1];
  const history = /\/_history\/(\d+)$/.exec(s.path)?.[1];
  if (ifMatch && referralPath) {
    await t.emulator.setReferralVersion(referralPath, Number(/\d+/.exec(ifMatch)?.[0]));
    return true;
  }
  if (history && referralPath) {
    await t.emulator.setReferralVersion(referralPath, Number(history));
    return true;
  }
  const focus = s.query?.focus ? /ReferralRequest\/(\d{12})\/_history\/(\d+)/.exec(s.query.focus) : null;
  if (focus?.[1] && focus[2]) {
    await t.emulator.setReferralVersion(focus[1], Number(focus[2]));
    return true;
  }
  const basedOn = s.query?.['based-on'] ? /CommunicationRequest\/(\d{12})\/_history\/(\d+)/.exec(s.query['based-on']) : null;
  const createFrom = body ? /CommunicationRequest\/(\d{12})\/_history\/(\d+)/.exec(body) : null;
  const advice = basedOn ?? createFrom;
  if (advice?.[1] && advice[2]) {
    const version = Number(advice[2]);
    await t.emulator.updateAdvice(advice[1], (a) => void (a.version = version));
    return true;
  }
  return false;
}

const STATE_CHANGING = new Set(['A013', 'A014', 'A020', 'A026', 'A027', 'A028']);

warnIfNoReference('the emulator conformance replay of scenarios.json');

describe.skipIf(!hasReference)('local e-RS against the published e-RS scenarios', () => {
  let t: TestEmulator;
  beforeAll(async () => {
    t = await startTestEmulator();
  }, 60_000);
  afterAll(async () => {
    await t?.close();
  });

  it('notices a structural difference (the comparison is not vacuous)', () => {
    const example = readJson('examples/stu3/retrieveReferralRequest/responses/BookedDBS.json') as { extension: { url: string }[] };
    const base = t.emulator.fhirBaseUrl;
    expect(differences(shapeOf(example, base), shapeOf(example, base), null)).toEqual([]);
    const altered = structuredClone(example);
    altered.extension = altered.extension.filter((e) => !e.url.endsWith('Extension-eRS-ReferralState-1'));
    const problems = differences(shapeOf(example, base), shapeOf(altered, base), null);
    expect(problems.join(' ')).toContain('Extension-eRS-ReferralState-1');
    expect(problems.join(' ')).toContain('eRS-ReferralState-1');
  });

  it('answers every scenario with the example status and structure', async () => {
    const { scenarios } = readJson('scenarios.json') as { scenarios: Scenario[] };
    const base = t.emulator.fhirBaseUrl;
    const mismatches: string[] = [];
    let dirty = false;
    for (const [index, s] of scenarios.entries()) {
      const name = `${s.operation} ${s.scenario}`;
      if (dirty) {
        await t.emulator.reset();
        dirty = false;
      }
      const body = s.requestBody
        ? readFileSync(path.join(referenceDir, s.requestBody), 'utf8').replace(/_baseUrl_|_baseurl_/g, base)
        : undefined;
      if (await alignVersion(t, s, body)) dirty = true;
      const arrange = ARRANGE[s.scenario];
      if (arrange) {
        await arrange(t);
        dirty = true;
      }
      if (STATE_CHANGING.has(s.operation)) dirty = true;

      const correlationId = `conformance-${index}`;
      const headers: Record<string, string> = {
        ...(await t.headers({ businessFunction: s.businessFunction, correlationId })),
        ...(s.headers ?? {}),
      };
      let requestBody: BodyInit | undefined = body;
      if (body) headers['Content-Type'] = 'application/fhir+json';
      if (s.operation === 'A020')
        requestBody = Buffer.from(await testRenderDocument({ kind: 'pdf-letter', seed: 1, title: 'Guidance', pages: 1 }));
      const query = s.query ? `?${new URLSearchParams(s.query).toString()}` : '';
      const response = await fetch(`${t.emulator.baseUrl}${s.path}${query}`, {
        method: s.method,
        headers,
        body: requestBody,
        redirect: 'manual',
      });

      const problems: string[] = [];
      if (response.status !== s.status)
        problems.push(`status ${response.status}, expected ${s.status}: ${(await response.text()).slice(0, 300)}`);
      else if (response.headers.get('x-correlation-id') !== correlationId) problems.push('X-Correlation-ID was not echoed');
      else if (s.operation === 'A042') {
        const location = response.headers.get('location') ?? '';
        if (new URL(location).origin === t.emulator.origin) problems.push('the redirect stays on the e-RS origin');
        const download = await fetch(location);
        const bytes = Buffer.from(await download.arrayBuffer());
        if (download.status !== 200 || !bytes.subarray(0, 5).equals(Buffer.from('%PDF-')))
          problems.push(`the object store answered ${download.status} without a PDF`);
      } else if (s.operation === 'A020') {
        if (!/^Binary\/[0-9a-f-]{36}$/.test(response.headers.get('location') ?? ''))
          problems.push(`Location ${response.headers.get('location')} is not Binary/<uuid>`);
      } else if (s.responseBody?.endsWith('.pdf')) {
        const bytes = Buffer.from(await response.arrayBuffer());
        if (response.headers.get('content-type') !== 'application/pdf' || !bytes.subarray(0, 5).equals(Buffer.from('%PDF-')))
          problems.push('the answer is not a PDF');
        if (!/^attachment; filename="[^"]+\.pdf"$/.test(response.headers.get('content-disposition') ?? ''))
          problems.push('no attachment Content-Disposition');
      } else if (s.responseBody) {
        const expected = shapeOf(readJson(s.responseBody), base);
        const actual = shapeOf(await response.json(), base);
        problems.push(...differences(expected, actual, vocabularyFor(s.operation, base)));
      }
      if (problems.length > 0) mismatches.push(`${name}: ${problems.join('; ')}`);
    }
    const matched = scenarios.length - mismatches.length;
    console.log(`emulator conformance: ${matched} of ${scenarios.length} scenarios match`);
    expect(mismatches, mismatches.join('\n')).toEqual([]);
  }, 180_000);
});
