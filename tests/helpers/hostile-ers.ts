/**
 * A hostile e-RS on loopback, for tests that check the app shows bad answers from the
 * network as a clear message and carries on. It answers the operations the review screens
 * use (A030, A008, A023, A005, A029, A006, A042 with its object-store redirect, A007) with
 * well-formed FHIR by default, and with a chosen kind of bad answer:
 *
 * - for a worklist (A008, A023), whichever the test sets with `setList`;
 * - for a referral (A005, A029), by UBRN: `referralFor(kind)` gives the UBRN that gets it;
 * - for a file (A006, A042), by Binary id: `attachmentFor(kind)`.
 *
 * What the app also asks for while it works (A004 reference data; A024, A025 and A043 for
 * the A&G requests its offline prefetch keeps) is answered well-formed, so that every
 * message on screen comes from a bad answer the test chose.
 *
 * It writes its answers by hand, independently of the app's client, and records every
 * request with the correlation id the app sent, so a test can match a message on screen
 * to the exchange behind it, and count the bad answers actually served.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PDFDocument, StandardFonts } from 'pdf-lib';

export type ListHostility =
  'malformed-json' | 'huge-json' | 'huge-json-declared' | 'wrong-resource-type' | 'missing-required-fields' | 'patient-not-contained';

export type ReferralHostility =
  | 'malformed-json'
  | 'huge-json'
  | 'huge-json-declared'
  | 'wrong-resource-type'
  | 'missing-required-fields'
  | 'another-referral'
  | 'actions-wrong-resource-type';

export type FileHostility = 'over-size-limit' | 'over-size-limit-declared' | 'pdf-label-png-bytes' | 'jpeg-label-executable-bytes';

export const REFERRAL_HOSTILITIES: readonly ReferralHostility[] = [
  'malformed-json',
  'huge-json',
  'huge-json-declared',
  'wrong-resource-type',
  'missing-required-fields',
  'another-referral',
  'actions-wrong-resource-type',
];

export const FILE_HOSTILITIES: readonly FileHostility[] = [
  'over-size-limit',
  'over-size-limit-declared',
  'pdf-label-png-bytes',
  'jpeg-label-executable-bytes',
];

export type Operation =
  'A004' | 'A030' | 'A008' | 'A023' | 'A024' | 'A025' | 'A043' | 'A005' | 'A029' | 'A006' | 'A042' | 'A007' | 'object-store' | 'unknown';

export interface SeenRequest {
  operation: Operation;
  method: string;
  path: string;
  /** The X-Correlation-ID the app sent; null on the object store, which gets no e-RS headers. */
  correlationId: string | null;
  /** The bad answer given, or null for a well-formed one. */
  hostility: ListHostility | ReferralHostility | FileHostility | null;
  /** The UBRN, Binary id or list the answer was about. */
  target: string;
}

export interface HostileErsOptions {
  /** The app's ceiling for a JSON answer; the huge answers go 1 MiB past it. */
  maxJsonBytes: number;
  /** The app's ceiling for a file; the oversized files go 1 MiB past it. */
  maxFileBytes: number;
}

export interface ReferralListing {
  ubrn: string;
  kind: 'referrals' | 'triage';
  /** Formatted as the app shows it (3 3 4). */
  nhsNumber: string;
}

export interface AttachmentListing {
  id: string;
  title: string;
  contentType: string;
}

export interface HostileErs {
  origin: string;
  /** The e-RS base the app is given (ERS_BASE_URL): the origin plus /referrals. */
  baseUrl: string;
  /** Well-formed referrals on the list, each with one PDF letter. */
  goodReferrals: readonly ReferralListing[];
  /** Well-formed A&G requests on the A023 list. */
  adviceUbrns: readonly string[];
  /** A well-formed referral that carries the good letter and every hostile attachment. */
  attachmentsReferral: string;
  goodAttachment: AttachmentListing;
  referralFor(kind: ReferralHostility): string;
  attachmentFor(kind: FileHostility): AttachmentListing;
  /** The answer A008 or A023 gives from now on; null for a well-formed list. */
  setList(operation: 'A008' | 'A023', hostility: ListHostility | null): void;
  readonly requests: readonly SeenRequest[];
  /** Each distinct bad answer served at least once (operation, kind and target). */
  badAnswersServed(): { operation: Operation; hostility: string; target: string }[];
  close(): Promise<void>;
}

const SD = 'https://fhir.nhs.uk/STU3/StructureDefinition/';
const CS = 'https://fhir.nhs.uk/STU3/CodeSystem/';
const NHS_NUMBER = 'https://fhir.nhs.uk/Id/nhs-number';
const SDS_USER = 'https://fhir.nhs.uk/Id/sds-user-id';
const ODS = 'https://fhir.nhs.uk/Id/ods-organization-code';
const FHIR_JSON = 'application/fhir+json;charset=UTF-8';
const MiB = 1024 * 1024;
const VERSION = '4';

/** A 1×1 PNG. */
const PNG_BYTES = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
/** The start of a Windows executable: "MZ", then what a PE header stub looks like. */
const EXECUTABLE_BYTES = Buffer.concat([
  Buffer.from('MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00', 'latin1'),
  Buffer.alloc(496),
]);

/** Synthetic NHS numbers in the 999 test range, each with a valid modulus 11 check digit, never repeated. */
export function nhsNumbers(start = 100): () => string {
  let serial = start;
  return () => {
    for (;;) {
      const first9 = `999${String(serial++).padStart(6, '0')}`;
      const sum = [...first9].reduce((total, digit, index) => total + Number(digit) * (10 - index), 0);
      const check = 11 - (sum % 11);
      if (check !== 10) return `${first9}${check === 11 ? 0 : check}`;
    }
  };
}

function formatNhs(digits: string): string {
  return `${digits.slice(0, 3)} ${digits.slice(3, 6)} ${digits.slice(6)}`;
}

function coding(system: string, code: string, display?: string) {
  return display === undefined ? { system, code } : { system, code, display };
}

interface ReferralRecord {
  ubrn: string;
  nhs: string;
  kind: 'referrals' | 'triage';
  hostility: ReferralHostility | null;
  attachments: AttachmentRecord[];
}

interface AttachmentRecord {
  id: string;
  title: string;
  contentType: string;
  size: number;
  hostility: FileHostility | null;
}

async function letterPdf(): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const page = doc.addPage([595, 842]);
  const font = await doc.embedFont(StandardFonts.Helvetica);
  page.drawText('Synthetic referral letter for testing. Not a real patient.', { x: 50, y: 780, size: 14, font });
  return Buffer.from(await doc.save());
}

function readRequestBody(request: IncomingMessage): Promise<void> {
  return new Promise((resolve) => {
    request.on('data', () => undefined);
    request.on('end', () => resolve());
    request.on('error', () => resolve());
  });
}

/** Writes `total` bytes of `prefix` + filler + `suffix`, stopping quietly when the app hangs up. */
async function streamLarge(
  response: ServerResponse,
  headers: Record<string, string | number>,
  total: number,
  prefix: string,
  suffix: string,
): Promise<void> {
  response.on('error', () => undefined);
  response.writeHead(200, headers);
  const head = Buffer.from(prefix);
  const tail = Buffer.from(suffix);
  const filler = Buffer.alloc(256 * 1024, 'A');
  let left = total - head.length - tail.length;
  let closed = false;
  response.once('close', () => {
    closed = true;
  });
  const drained = () =>
    new Promise<void>((resolve) => {
      const done = () => {
        response.off('drain', done);
        response.off('close', done);
        resolve();
      };
      response.on('drain', done);
      response.on('close', done);
    });
  const write = async (chunk: Buffer): Promise<void> => {
    if (closed) return;
    if (!response.write(chunk)) await drained();
  };
  await write(head);
  while (left > 0 && !closed) {
    const chunk = left >= filler.length ? filler : filler.subarray(0, left);
    left -= chunk.length;
    await write(chunk);
  }
  await write(tail);
  if (!closed) response.end();
}

export async function startHostileErs(options: HostileErsOptions): Promise<HostileErs> {
  const pdf = await letterPdf();
  const requests: SeenRequest[] = [];
  const lists: Record<'A008' | 'A023', ListHostility | null> = { A008: null, A023: null };
  const nextNhs = nhsNumbers();
  let ubrnSerial = 90_001;
  const nextUbrn = () => String(ubrnSerial++).padStart(12, '0');

  const letter = (ubrn: string): AttachmentRecord => ({
    id: `letter-${ubrn}`,
    title: 'Referral letter.pdf',
    contentType: 'application/pdf',
    size: pdf.length,
    hostility: null,
  });
  const referral = (
    kind: ReferralRecord['kind'],
    hostility: ReferralHostility | null,
    attachments?: AttachmentRecord[],
  ): ReferralRecord => {
    const ubrn = nextUbrn();
    return { ubrn, nhs: nextNhs(), kind, hostility, attachments: attachments ?? [letter(ubrn)] };
  };

  const goods = [referral('referrals', null), referral('referrals', null), referral('triage', null)];
  const hostileReferrals = new Map<ReferralHostility, ReferralRecord>(
    REFERRAL_HOSTILITIES.map((kind) => [kind, referral('referrals', kind)]),
  );
  const fileSpec: Record<FileHostility, Omit<AttachmentRecord, 'id' | 'hostility'>> = {
    'over-size-limit': { title: 'Scanned notes.pdf', contentType: 'application/pdf', size: options.maxFileBytes + MiB },
    'over-size-limit-declared': { title: 'Imaging report.pdf', contentType: 'application/pdf', size: options.maxFileBytes + MiB },
    'pdf-label-png-bytes': { title: 'Discharge summary.pdf', contentType: 'application/pdf', size: PNG_BYTES.length },
    'jpeg-label-executable-bytes': { title: 'Photograph.jpg', contentType: 'image/jpeg', size: EXECUTABLE_BYTES.length },
  };
  const withFiles = referral('referrals', null);
  const goodAttachment = withFiles.attachments[0] as AttachmentRecord;
  const hostileFiles = new Map<FileHostility, AttachmentRecord>();
  for (const kind of FILE_HOSTILITIES) {
    const record: AttachmentRecord = { id: `hostile-${kind}`, ...fileSpec[kind], hostility: kind };
    hostileFiles.set(kind, record);
    withFiles.attachments.push(record);
  }
  const referrals = [...goods, withFiles, ...hostileReferrals.values()];
  const byUbrn = new Map(referrals.map((r) => [r.ubrn, r]));
  const files = new Map(referrals.flatMap((r) => r.attachments.map((a) => [a.id, a] as const)));
  const advice = [nextUbrn(), nextUbrn()].map((ubrn) => ({ ubrn, nhs: nextNhs() }));

  // -------------------------------------------------------------------------------------
  // Well-formed answers

  const worklist = () => {
    const patients = referrals.map((r) => ({
      resourceType: 'Patient',
      id: `Patient-${r.nhs}`,
      identifier: [{ system: NHS_NUMBER, value: r.nhs }],
    }));
    return {
      resourceType: 'List',
      meta: { profile: [`${SD}eRS-FetchWorklist-List-1`] },
      contained: patients,
      status: 'current',
      mode: 'snapshot',
      entry: referrals.map((r) => ({
        extension: [
          {
            url: `${SD}Extension-eRS-ReferralsforReview-WorkListItem-1`,
            extension: [
              { url: 'priority', valueCodeableConcept: { coding: [coding(`${CS}eRS-Priority-1`, 'ROUTINE', 'Routine')] } },
              {
                url: 'specialty',
                valueCodeableConcept: { coding: [coding('_baseUrl_/STU3/CodeSystem/SPECIALTY', 'CARDIOLOGY', 'Cardiology')] },
              },
              { url: 'patient', valueReference: { reference: `#Patient-${r.nhs}` } },
              { url: 'eReferralPathwayStart', valueDateTime: '2026-10-01T09:00:00.000Z' },
              {
                url: 'requestContextStatus',
                valueCodeableConcept: { coding: [coding(`${CS}eRS-RequestContextStatus-1`, 'NEVER_REVIEWED', 'Never Reviewed')] },
              },
              {
                url: 'referralType',
                valueCodeableConcept: {
                  coding: [coding(`${CS}eRS-ReferralType-1`, r.kind === 'triage' ? 'TRIAGE_DEFERRAL' : 'APPOINTMENT')],
                },
              },
              {
                url: 'service',
                valueReference: {
                  identifier: { system: 'http://fhir.nhs.net/Id/ers-service', value: '900001' },
                  display: 'Synthetic Cardiology Clinic',
                },
              },
              { url: 'referralRequestVersion', valueInteger: Number(VERSION) },
            ],
          },
        ],
        item: { reference: `ReferralRequest/${r.ubrn}` },
      })),
    };
  };

  const adviceList = () => ({
    resourceType: 'List',
    status: 'current',
    mode: 'snapshot',
    entry: advice.map((a) => ({
      extension: [
        {
          url: `${SD}Extension-eRS-AdviceAndGuidanceRequests-WorkListItem-1`,
          extension: [
            { url: 'priority', valueCodeableConcept: { coding: [coding(`${CS}eRS-Priority-1`, 'ROUTINE', 'Routine')] } },
            { url: 'patient', valueReference: { identifier: { system: NHS_NUMBER, value: a.nhs } } },
            {
              url: 'category',
              valueCodeableConcept: {
                coding: [coding(`${CS}eRS-AdviceAndGuidanceStatus-1`, 'AWAITING_PROVIDER_RESPONSE', 'Awaiting Provider Response')],
              },
            },
            { url: 'adviceFirstRequested', valueDateTime: '2026-10-02T10:00:00.000Z' },
            { url: 'communicationRequestVersion', valueInteger: 2 },
          ],
        },
      ],
      item: { reference: `CommunicationRequest/${a.ubrn}` },
    })),
  });

  const adviceRequest = (a: { ubrn: string; nhs: string }) => ({
    resourceType: 'CommunicationRequest',
    id: a.ubrn,
    meta: { versionId: '2', profile: [`${SD}eRS-CommunicationRequest-1`] },
    extension: [
      {
        url: `${SD}Extension-eRS-ReferralPriority-1`,
        valueCodeableConcept: { coding: [coding(`${CS}eRS-Priority-1`, 'ROUTINE', 'Routine')] },
      },
      { url: `${SD}Extension-eRS-Specialty-1`, valueCoding: coding('_baseUrl_/STU3/CodeSystem/SPECIALTY', 'CARDIOLOGY', 'Cardiology') },
    ],
    status: 'active',
    category: [{ coding: [coding(`${CS}eRS-AdviceAndGuidanceStatus-1`, 'AWAITING_PROVIDER_RESPONSE', 'Awaiting Provider Response')] }],
    subject: { identifier: { system: NHS_NUMBER, value: a.nhs } },
    authoredOn: '2026-10-02T10:00:00.000Z',
  });

  const conversation = (a: { ubrn: string }) => ({
    resourceType: 'Bundle',
    type: 'searchset',
    total: 1,
    entry: [
      {
        resource: {
          resourceType: 'Communication',
          id: `message-${a.ubrn}`,
          basedOn: [{ reference: `CommunicationRequest/${a.ubrn}/_history/2` }],
          status: 'completed',
          sent: '2026-10-02T10:00:00.000Z',
          payload: [{ contentString: 'Synthetic question for testing.' }],
        },
        search: { mode: 'match' },
      },
    ],
  });

  const documentReference = (a: AttachmentRecord) => ({
    resourceType: 'DocumentReference',
    id: `DocumentReference-${a.id}`,
    type: { coding: [coding(`${CS}eRS-AttachmentType-1`, 'REFERRER', 'Referrer')] },
    status: 'current',
    indexed: '2026-10-01T09:05:00.000Z',
    content: [
      {
        attachment: {
          id: a.id,
          extension: [
            { url: `${SD}Extension-eRS-AvailabilityStatus-1`, valueCoding: coding(`${CS}eRS-AvailabilityStatus-1`, 'AVAILABLE') },
            { url: `${SD}Extension-eRS-AttachedByOrganisation-1`, valueReference: { identifier: { system: ODS, value: 'A99968' } } },
          ],
          contentType: a.contentType,
          url: `Binary/${a.id}`,
          size: a.size,
          title: a.title,
          creation: '2026-10-01',
        },
      },
    ],
  });

  const referralResource = (r: ReferralRecord, ubrn = r.ubrn) => ({
    resourceType: 'ReferralRequest',
    id: ubrn,
    meta: { versionId: VERSION, profile: [`${SD}eRS-ReferralRequest-1`] },
    extension: [
      {
        url: `${SD}Extension-eRS-ReferralPriority-1`,
        valueCodeableConcept: { coding: [coding(`${CS}eRS-Priority-1`, 'ROUTINE', 'Routine')] },
      },
      { url: `${SD}Extension-eRS-eReferralPathwayStart-1`, valueInstant: '2026-10-01T09:00:00.000Z' },
      {
        url: `${SD}Extension-eRS-ReferralState-1`,
        extension: [{ url: 'state', valueCoding: coding(`${CS}eRS-ReferralState-1`, 'BOOKED', 'Booked') }],
      },
    ],
    contained: r.attachments.map(documentReference),
    status: 'active',
    specialty: { coding: [coding('_baseUrl_/STU3/CodeSystem/SPECIALTY', 'CARDIOLOGY', 'Cardiology')] },
    subject: { identifier: { system: NHS_NUMBER, value: r.nhs } },
    supportingInfo: r.attachments.map((a) => ({ reference: `#DocumentReference-${a.id}` })),
    intent: 'plan',
  });

  const actions = (r: ReferralRecord) => ({
    resourceType: 'Bundle',
    type: 'searchset',
    total: 1,
    entry: [
      {
        resource: {
          resourceType: 'Task',
          id: `task-${r.ubrn}`,
          status: 'ready',
          intent: 'proposal',
          focus: { reference: `ReferralRequest/${r.ubrn}/_history/${VERSION}` },
          code: { coding: [coding(`${CS}eRS-AvailableActionsForUser-1`, 'RECORD_REVIEW_OUTCOME')] },
        },
      },
    ],
  });

  /** A004: the review screens ask for the rejection reasons (and prefetch them). */
  const codeSystem = (id: string) => ({
    resourceType: 'CodeSystem',
    id,
    url: `_baseUrl_/STU3/CodeSystem/${id}`,
    name: id,
    status: 'active',
    concept:
      id === 'APPOINTMENT-CANCELLATION-REASON'
        ? [
            {
              code: 'CLINICALLY_INAPPROPRIATE',
              display: 'Clinically inappropriate',
              property: [{ code: 'appointmentBookingCancellationReasonType', valueCode: 'PROVIDER_REJECT' }],
            },
          ]
        : [],
  });

  const roles = () => ({
    resourceType: 'Bundle',
    type: 'searchset',
    entry: [
      {
        resource: {
          resourceType: 'PractitionerRole',
          id: 'role-1',
          practitioner: { identifier: { system: SDS_USER, value: '555000000001' } },
          organization: { identifier: { system: ODS, value: 'R69' } },
          code: [{ coding: [coding(`${CS}eRS-BusinessFunction-1`, 'SERVICE_PROVIDER_CLINICIAN')] }],
        },
      },
    ],
  });

  // -------------------------------------------------------------------------------------
  // Bad answers

  /** The bad answers any JSON operation can give; `good` is the answer it would have given. */
  async function badJson(response: ServerResponse, hostility: ListHostility, resourceType: string, good: () => object): Promise<void> {
    const total = options.maxJsonBytes + MiB;
    switch (hostility) {
      case 'malformed-json':
        sendJson(response, 200, `{"resourceType":"${resourceType}","id":"`);
        return;
      case 'huge-json':
        await streamLarge(response, { 'Content-Type': FHIR_JSON }, total, `{"resourceType":"${resourceType}","text":{"div":"`, '"}}');
        return;
      case 'huge-json-declared':
        await streamLarge(
          response,
          { 'Content-Type': FHIR_JSON, 'Content-Length': total },
          total,
          `{"resourceType":"${resourceType}","text":{"div":"`,
          '"}}',
        );
        return;
      case 'wrong-resource-type': {
        const wrong = resourceType === 'List' ? 'Bundle' : resourceType === 'Bundle' ? 'List' : 'Patient';
        sendJson(response, 200, JSON.stringify({ ...good(), resourceType: wrong }));
        return;
      }
      case 'missing-required-fields': {
        const body = good() as Record<string, unknown>;
        if (resourceType === 'List') {
          // Entries without the item they are about.
          body.entry = (body.entry as { extension: unknown }[]).map(({ extension }) => ({ extension }));
        } else {
          // A referral with no patient and no version.
          delete body.subject;
          delete body.meta;
        }
        sendJson(response, 200, JSON.stringify(body));
        return;
      }
      case 'patient-not-contained': {
        const body = good() as { contained?: unknown[] };
        // The entries still point at "#Patient-…", but the list no longer carries them.
        body.contained = [];
        sendJson(response, 200, JSON.stringify(body));
        return;
      }
    }
  }

  /** A005's answer for a referral: well-formed, or the bad answer its UBRN was given. */
  async function referralAnswer(response: ServerResponse, r: ReferralRecord): Promise<void> {
    switch (r.hostility) {
      case null:
      case 'actions-wrong-resource-type':
        sendJson(response, 200, JSON.stringify(referralResource(r)), { ETag: `W/"${VERSION}"` });
        return;
      case 'another-referral': {
        // Well-formed, but about another referral than the one asked for.
        const other = goods[0] as ReferralRecord;
        sendJson(response, 200, JSON.stringify(referralResource(r, other.ubrn)), { ETag: `W/"${VERSION}"` });
        return;
      }
      default:
        await badJson(response, r.hostility, 'ReferralRequest', () => referralResource(r));
    }
  }

  async function sendFile(response: ServerResponse, file: AttachmentRecord): Promise<void> {
    switch (file.hostility) {
      case null:
        response.writeHead(200, {
          'Content-Type': file.contentType,
          'Content-Length': pdf.length,
          'Content-Disposition': `attachment; filename="${file.title}"`,
        });
        response.end(pdf);
        return;
      case 'over-size-limit':
        await streamLarge(response, { 'Content-Type': file.contentType }, file.size, '%PDF-1.7\n', '\n%%EOF\n');
        return;
      case 'over-size-limit-declared':
        await streamLarge(
          response,
          { 'Content-Type': file.contentType, 'Content-Length': file.size },
          file.size,
          '%PDF-1.7\n',
          '\n%%EOF\n',
        );
        return;
      case 'pdf-label-png-bytes':
        response.writeHead(200, { 'Content-Type': file.contentType, 'Content-Length': PNG_BYTES.length });
        response.end(PNG_BYTES);
        return;
      case 'jpeg-label-executable-bytes':
        response.writeHead(200, { 'Content-Type': file.contentType, 'Content-Length': EXECUTABLE_BYTES.length });
        response.end(EXECUTABLE_BYTES);
        return;
    }
  }

  // -------------------------------------------------------------------------------------
  // Routing

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    await readRequestBody(request);
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const path = url.pathname;
    const correlation = request.headers['x-correlation-id'];
    const seen = (operation: Operation, target: string, hostility: SeenRequest['hostility']) =>
      requests.push({
        operation,
        method: request.method ?? '',
        path,
        correlationId: typeof correlation === 'string' ? correlation : null,
        hostility,
        target,
      });
    const fhir = '/referrals/FHIR';
    let match: RegExpExecArray | null;

    if ((match = /^\/referrals\/FHIR\/STU3\/CodeSystem\/([A-Z-]+)$/.exec(path)) && request.method === 'GET') {
      seen('A004', match[1] ?? '', null);
      sendJson(response, 200, JSON.stringify(codeSystem(match[1] ?? '')));
      return;
    }
    if (request.method === 'GET' && path === `${fhir}/R4/PractitionerRole`) {
      seen('A030', 'roles', null);
      sendJson(response, 200, JSON.stringify(roles()));
      return;
    }
    if (request.method === 'POST' && path === `${fhir}/STU3/ReferralRequest/$ers.fetchworklist`) {
      const hostility = lists.A008;
      seen('A008', 'referral worklist', hostility);
      if (hostility) await badJson(response, hostility, 'List', worklist);
      else sendJson(response, 200, JSON.stringify(worklist()));
      return;
    }
    if (request.method === 'POST' && path === `${fhir}/STU3/CommunicationRequest/$ers.fetchworklist`) {
      const hostility = lists.A023;
      seen('A023', 'advice worklist', hostility);
      if (hostility) await badJson(response, hostility, 'List', adviceList);
      else sendJson(response, 200, JSON.stringify(adviceList()));
      return;
    }
    if ((match = /^\/referrals\/FHIR\/STU3\/ReferralRequest\/(\d{12})$/.exec(path)) && request.method === 'GET') {
      const r = byUbrn.get(match[1] ?? '');
      const hostility = r?.hostility && r.hostility !== 'actions-wrong-resource-type' ? r.hostility : null;
      seen('A005', match[1] ?? '', hostility);
      if (!r) return notFound(response);
      await referralAnswer(response, r);
      return;
    }
    if (request.method === 'GET' && path === `${fhir}/STU3/Task`) {
      const focus = /^ReferralRequest\/(\d{12})\/_history\/\d+$/.exec(url.searchParams.get('focus') ?? '');
      const r = byUbrn.get(focus?.[1] ?? '');
      const hostility = r?.hostility === 'actions-wrong-resource-type' ? r.hostility : null;
      seen('A029', focus?.[1] ?? '', hostility);
      if (!r) return notFound(response);
      if (hostility) await badJson(response, 'wrong-resource-type', 'Bundle', () => actions(r));
      else sendJson(response, 200, JSON.stringify(actions(r)));
      return;
    }
    if ((match = /^\/referrals\/FHIR\/STU3\/CommunicationRequest\/(\d{12})$/.exec(path)) && request.method === 'GET') {
      const item = advice.find((a) => a.ubrn === match?.[1]);
      seen('A024', match[1] ?? '', null);
      if (!item) return notFound(response);
      sendJson(response, 200, JSON.stringify(adviceRequest(item)), { ETag: 'W/"2"' });
      return;
    }
    if (request.method === 'GET' && path === `${fhir}/STU3/Communication`) {
      const basis = /^CommunicationRequest\/(\d{12})\/_history\/\d+$/.exec(url.searchParams.get('based-on') ?? '');
      const item = advice.find((a) => a.ubrn === basis?.[1]);
      seen('A025', basis?.[1] ?? '', null);
      if (!item) return notFound(response);
      sendJson(response, 200, JSON.stringify(conversation(item)));
      return;
    }
    if ((match = /^\/referrals\/FHIR\/STU3\/CommunicationRequest\/(\d{12})\/\$ers\.generateCRI$/.exec(path)) && request.method === 'POST') {
      seen('A043', match[1] ?? '', null);
      if (!advice.some((a) => a.ubrn === match?.[1])) return notFound(response);
      response.writeHead(200, { 'Content-Type': 'application/pdf', 'Content-Length': pdf.length });
      response.end(pdf);
      return;
    }
    if ((match = /^\/referrals\/FHIR\/STU3\/ReferralRequest\/(\d{12})\/\$ers\.generateCRI$/.exec(path)) && request.method === 'POST') {
      seen('A007', match[1] ?? '', null);
      if (!byUbrn.has(match[1] ?? '')) return notFound(response);
      response.writeHead(200, { 'Content-Type': 'application/pdf', 'Content-Length': pdf.length });
      response.end(pdf);
      return;
    }
    if ((match = /^\/referrals\/FHIR\/R4\/Binary\/([A-Za-z0-9._-]+)$/.exec(path)) && request.method === 'GET') {
      const file = files.get(match[1] ?? '');
      seen('A042', match[1] ?? '', null);
      if (!file) return notFound(response);
      // As e-RS does: a redirect to the object store, which the app follows without credentials.
      response.writeHead(307, { Location: `/object-store/${file.id}?signature=synthetic` });
      response.end();
      return;
    }
    if ((match = /^\/object-store\/([A-Za-z0-9._-]+)$/.exec(path)) && request.method === 'GET') {
      const file = files.get(match[1] ?? '');
      seen('object-store', match[1] ?? '', file?.hostility ?? null);
      if (!file) return notFound(response);
      await sendFile(response, file);
      return;
    }
    if ((match = /^\/referrals\/FHIR\/STU3\/Binary\/([A-Za-z0-9._-]+)$/.exec(path)) && request.method === 'GET') {
      const file = files.get(match[1] ?? '');
      seen('A006', match[1] ?? '', file?.hostility ?? null);
      if (!file) return notFound(response);
      await sendFile(response, file);
      return;
    }
    seen('unknown', path, null);
    notFound(response);
  }

  const server: Server = createServer((request, response) => {
    handle(request, response).catch(() => {
      if (!response.headersSent) response.writeHead(500).end();
      else response.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;

  const listing = (r: ReferralRecord): ReferralListing => ({ ubrn: r.ubrn, kind: r.kind, nhsNumber: formatNhs(r.nhs) });
  const attachmentListing = (a: AttachmentRecord): AttachmentListing => ({ id: a.id, title: a.title, contentType: a.contentType });

  return {
    origin,
    baseUrl: `${origin}/referrals`,
    goodReferrals: goods.map(listing),
    adviceUbrns: advice.map((a) => a.ubrn),
    attachmentsReferral: withFiles.ubrn,
    goodAttachment: attachmentListing(goodAttachment),
    referralFor: (kind) => (hostileReferrals.get(kind) as ReferralRecord).ubrn,
    attachmentFor: (kind) => attachmentListing(hostileFiles.get(kind) as AttachmentRecord),
    setList(operation, hostility) {
      lists[operation] = hostility;
    },
    requests,
    badAnswersServed() {
      const distinct = new Map<string, { operation: Operation; hostility: string; target: string }>();
      for (const seen of requests) {
        if (seen.hostility === null) continue;
        distinct.set(`${seen.operation}|${seen.hostility}|${seen.target}`, {
          operation: seen.operation,
          hostility: seen.hostility,
          target: seen.target,
        });
      }
      return [...distinct.values()];
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function sendJson(response: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'Content-Type': FHIR_JSON, 'Content-Length': Buffer.byteLength(text), ...headers });
  response.end(text);
}

function notFound(response: ServerResponse): void {
  sendJson(
    response,
    404,
    JSON.stringify({
      resourceType: 'OperationOutcome',
      issue: [{ severity: 'error', code: 'not-found', details: { coding: [{ code: 'REFERENCE_NOT_FOUND' }] } }],
    }),
  );
}
