/**
 * A small e-RS stand-in for the prefetch, connectivity and read-through tests: a real HTTP
 * server on 127.0.0.1 (OS-assigned port) answering A008, A023, A005, A029, A007 and A042
 * as the real e-RS client expects, with synthetic data only, and the bad days on demand:
 * latency, a sliding-window rate limit answered with 429 and Retry-After (as the NHS API
 * platform does), scripted faults (any status, or a connection cut part-way through a
 * body), and stopping and restarting on the same port.
 */
import http from 'node:http';
import { testFetch } from '../../helpers/fetch';
import type { AddressInfo, Socket } from 'node:net';
import { createErsClient, type ErsClient, type ErsClientOptions } from '../../../electron/ers/client';
import { bytesFor, ubrnOf } from '../../unit/offline/store-test-kit';

// The pure pieces live with the unit tests' store kit; offered here too for the tests that use the server.
export { bytesFor, openStore, ubrnOf } from '../../unit/offline/store-test-kit';

export interface FakeAttachment {
  id: string;
  bytes: Uint8Array;
  contentType: string;
  title: string;
  /** What the referral declares; the real length unless set. Null declares none. */
  declaredSize?: number | null;
  available?: boolean;
}

export interface FakeItem {
  ubrn: string;
  version: string;
  kind: 'referrals' | 'triage';
  attachments: FakeAttachment[];
}

export interface SeenRequest {
  method: string;
  path: string;
  /** performance.now() at arrival. */
  at: number;
}

/** An answer other than the normal one: a status (with headers), or a body cut off half-way. */
export type Fault = 'drop-mid-body' | { status: number; headers?: Record<string, string> } | null;

export interface FakeErsOptions {
  items: FakeItem[];
  latencyMs?: number;
  rateLimitPerSecond?: number | null;
  fault?: (request: SeenRequest, index: number) => Fault;
}

export interface FakeErs {
  url: string;
  items: FakeItem[];
  requests: SeenRequest[];
  /** Answers 429 sent. */
  throttled: number;
  maxConcurrent: number;
  latencyMs: number;
  rateLimitPerSecond: number | null;
  fault: ((request: SeenRequest, index: number) => Fault) | null;
  count(predicate: (request: SeenRequest) => boolean): number;
  binaryRequests(id?: string): SeenRequest[];
  stop(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

export const NHS_NUMBER = '9990000018';
const ITEM_EXTENSION = 'https://fhir.nhs.uk/STU3/StructureDefinition/Extension-eRS-ReviewReferral-WorkListItem-1';
const PRIORITY_EXTENSION = 'https://fhir.nhs.uk/STU3/StructureDefinition/Extension-eRS-ReferralPriority-1';

export function makeItems(count: number, attachmentsEach: number, size = 2048): FakeItem[] {
  return Array.from({ length: count }, (_, i) => ({
    ubrn: ubrnOf(i),
    version: '5',
    kind: i % 3 === 2 ? 'triage' : 'referrals',
    attachments: Array.from({ length: attachmentsEach }, (_, j) => ({
      id: `att-${i}-${j}`,
      bytes: bytesFor(`att-${i}-${j}`, size + j),
      contentType: 'application/pdf',
      title: `letter-${j}.pdf`,
    })),
  }));
}

export function summaryBytes(ubrn: string, version: string): Uint8Array {
  return bytesFor(`summary-${ubrn}-${version}`, 1500);
}

function worklist(items: FakeItem[]): unknown {
  return {
    resourceType: 'List',
    status: 'current',
    mode: 'snapshot',
    contained: [
      { resourceType: 'Patient', id: 'patient-1', identifier: [{ system: 'https://fhir.nhs.uk/Id/nhs-number', value: NHS_NUMBER }] },
    ],
    entry: items.map((item) => ({
      item: { reference: `ReferralRequest/${item.ubrn}` },
      extension: [
        {
          url: ITEM_EXTENSION,
          extension: [
            { url: 'patient', valueReference: { reference: '#patient-1' } },
            { url: 'priority', valueCodeableConcept: { coding: [{ code: 'ROUTINE' }] } },
            { url: 'eReferralPathwayStart', valueDateTime: '2025-01-06T09:00:00Z' },
            { url: 'referralRequestVersion', valueInteger: Number(item.version) },
            {
              url: 'referralType',
              valueCodeableConcept: { coding: [{ code: item.kind === 'triage' ? 'TRIAGE_DEFERRAL' : 'APPOINTMENT' }] },
            },
          ],
        },
      ],
    })),
  };
}

function referral(item: FakeItem): unknown {
  return {
    resourceType: 'ReferralRequest',
    id: item.ubrn,
    meta: { versionId: item.version },
    extension: [{ url: PRIORITY_EXTENSION, valueCodeableConcept: { coding: [{ code: 'ROUTINE' }] } }],
    status: 'active',
    intent: 'plan',
    subject: { identifier: { system: 'http://fhir.nhs.net/Id/nhs-number', value: NHS_NUMBER } },
    contained: item.attachments.map((attachment, index) => ({
      resourceType: 'DocumentReference',
      id: `doc-${index}`,
      content: [
        {
          attachment: {
            url: `Binary/${attachment.id}`,
            contentType: attachment.contentType,
            title: attachment.title,
            ...(attachment.declaredSize === null ? {} : { size: attachment.declaredSize ?? attachment.bytes.byteLength }),
            extension:
              attachment.available === false
                ? [
                    {
                      url: 'https://fhir.nhs.uk/STU3/StructureDefinition/Extension-eRS-AvailabilityStatus-1',
                      valueCoding: { code: 'PENDING' },
                    },
                  ]
                : [],
          },
        },
      ],
    })),
    supportingInfo: item.attachments.map((_, index) => ({ reference: `#doc-${index}` })),
  };
}

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/fhir+json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

function sendFile(res: http.ServerResponse, bytes: Uint8Array, contentType: string, fileName: string, drop: boolean): void {
  res.writeHead(200, {
    'Content-Type': contentType,
    'Content-Length': bytes.byteLength,
    'Content-Disposition': `attachment; filename="${fileName}"`,
  });
  if (!drop) {
    res.end(Buffer.from(bytes));
    return;
  }
  // Half the body, then the connection goes: the client has headers and a partial file.
  res.write(Buffer.from(bytes.subarray(0, Math.floor(bytes.byteLength / 2))), () => {
    setTimeout(() => res.socket?.destroy(), 5);
  });
}

export async function startFakeErs(options: FakeErsOptions): Promise<FakeErs> {
  const sockets = new Set<Socket>();
  const window: number[] = [];
  let inFlight = 0;

  const fake: FakeErs = {
    url: '',
    items: options.items,
    requests: [],
    throttled: 0,
    maxConcurrent: 0,
    latencyMs: options.latencyMs ?? 0,
    rateLimitPerSecond: options.rateLimitPerSecond ?? null,
    fault: options.fault ?? null,
    count: (predicate) => fake.requests.filter(predicate).length,
    binaryRequests: (id) =>
      fake.requests.filter((r) => r.path.startsWith('/FHIR/R4/Binary/') && (id === undefined || r.path.endsWith(`/${id}`))),
    stop: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
    start: async () => {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, '127.0.0.1', () => {
          server.off('error', reject);
          resolve();
        });
      });
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      if (server.listening) await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };

  function rateLimited(now: number): number | null {
    const limit = fake.rateLimitPerSecond;
    if (limit === null) return null;
    while (window.length > 0 && (window[0] ?? 0) <= now - 1000) window.shift();
    if (window.length >= limit) return Math.max(1, Math.ceil(((window[0] ?? now) + 1000 - now) / 1000));
    window.push(now);
    return null;
  }

  function answer(seen: SeenRequest, index: number, res: http.ServerResponse): void {
    const fault = fake.fault?.(seen, index) ?? null;
    if (fault !== null && fault !== 'drop-mid-body') {
      res.writeHead(fault.status, { 'Content-Type': 'application/fhir+json', ...fault.headers });
      res.end(JSON.stringify({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'transient' }] }));
      return;
    }
    const drop = fault === 'drop-mid-body';
    const path = seen.path;
    const byUbrn = (ubrn: string | undefined) => fake.items.find((item) => item.ubrn === ubrn);
    let match: RegExpExecArray | null;
    if (path === '/_ping') {
      sendJson(res, 200, { status: 'pass' });
    } else if (path === '/FHIR/STU3/ReferralRequest/$ers.fetchworklist') {
      sendJson(res, 200, worklist(fake.items));
    } else if (path === '/FHIR/STU3/CommunicationRequest/$ers.fetchworklist') {
      sendJson(res, 200, { resourceType: 'List', status: 'current', mode: 'snapshot', entry: [] });
    } else if (path === '/FHIR/STU3/Task') {
      sendJson(res, 200, { resourceType: 'Bundle', type: 'searchset', entry: [] });
    } else if ((match = /^\/FHIR\/STU3\/ReferralRequest\/(\d{12})\/\$ers\.generateCRI$/.exec(path))) {
      const item = byUbrn(match[1]);
      if (!item) sendJson(res, 404, { resourceType: 'OperationOutcome', issue: [] });
      else sendFile(res, summaryBytes(item.ubrn, item.version), 'application/pdf', `${item.ubrn}_summary.pdf`, drop);
    } else if ((match = /^\/FHIR\/STU3\/ReferralRequest\/(\d{12})$/.exec(path))) {
      const item = byUbrn(match[1]);
      if (!item) sendJson(res, 404, { resourceType: 'OperationOutcome', issue: [] });
      else sendJson(res, 200, referral(item));
    } else if ((match = /^\/FHIR\/R4\/Binary\/([A-Za-z0-9._-]+)$/.exec(path))) {
      const attachment = fake.items.flatMap((item) => item.attachments).find((a) => a.id === match?.[1]);
      if (!attachment) sendJson(res, 404, { resourceType: 'OperationOutcome', issue: [] });
      else sendFile(res, attachment.bytes, attachment.contentType, attachment.title, drop);
    } else {
      sendJson(res, 404, { resourceType: 'OperationOutcome', issue: [] });
    }
  }

  const server = http.createServer((req, res) => {
    const seen: SeenRequest = { method: req.method ?? '', path: (req.url ?? '/').split('?')[0] ?? '', at: performance.now() };
    const index = fake.requests.length;
    fake.requests.push(seen);
    inFlight += 1;
    fake.maxConcurrent = Math.max(fake.maxConcurrent, inFlight);
    res.on('close', () => {
      inFlight -= 1;
    });
    req.resume();
    req.on('end', () => {
      const wait = rateLimited(seen.at);
      const reply = () => {
        if (res.destroyed) return;
        if (wait !== null) {
          fake.throttled += 1;
          res.writeHead(429, { 'Content-Type': 'application/fhir+json', 'Retry-After': String(wait) });
          res.end(JSON.stringify({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'throttled' }] }));
          return;
        }
        answer(seen, index, res);
      };
      if (fake.latencyMs > 0) setTimeout(reply, fake.latencyMs);
      else reply();
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  fake.url = `http://127.0.0.1:${port}`;
  return fake;
}

/** The client options the app would use, pointed at the fake, with the role the fake does not check. */
export function clientOptions(url: string, extra: Partial<ErsClientOptions> = {}): ErsClientOptions {
  return {
    baseUrl: url,
    fetch: testFetch,
    getAccessToken: async () => 'test-token',
    getRole: () => ({ businessFunction: 'SERVICE_PROVIDER_CLINICIAN', organisationOds: 'R69' }),
    timeoutMs: 5000,
    ...extra,
  };
}

export function ersClient(url: string, extra: Partial<ErsClientOptions> = {}): ErsClient {
  return createErsClient(clientOptions(url, extra));
}
