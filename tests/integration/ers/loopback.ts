/**
 * A scripted e-RS stand-in for the client's unit tests: a real HTTP server on 127.0.0.1
 * with an OS-assigned port that records every request and answers with whatever the test
 * scripts for that request.
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface Recorded {
  method: string;
  path: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

export type Responder = (request: Recorded, res: http.ServerResponse, index: number) => void;

export interface Loopback {
  url: string;
  requests: Recorded[];
  close(): Promise<void>;
}

export async function startLoopback(respond: Responder): Promise<Loopback> {
  const requests: Recorded[] = [];
  const sockets = new Set<Socket>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const recorded: Recorded = {
        method: req.method ?? '',
        path: (req.url ?? '/').split('?')[0] ?? '',
        url: req.url ?? '/',
        headers: req.headers,
        body: Buffer.concat(chunks),
      };
      requests.push(recorded);
      respond(recorded, res, requests.length - 1);
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    async close() {
      // Tests leave hanging responses on purpose (timeouts): cut them so close() returns.
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export function json(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': 'application/fhir+json', ...headers });
  res.end(JSON.stringify(body));
}

export function outcome(code: string, issueCode: string, diagnostics = 'Example diagnostics message.'): unknown {
  return {
    resourceType: 'OperationOutcome',
    meta: { profile: ['https://fhir.nhs.uk/STU3/StructureDefinition/eRS-OperationOutcome-1'] },
    issue: [
      {
        severity: 'error',
        code: issueCode,
        details: { coding: [{ system: 'https://fhir.nhs.uk/STU3/CodeSystem/eRS-APIErrorCode-1', code }] },
        diagnostics,
      },
    ],
  };
}

/** A minimal valid A005 answer for UBRN `ubrn` (synthetic: NHS number 9990000018). */
export function referral(ubrn: string, version = '5'): Record<string, unknown> {
  return {
    resourceType: 'ReferralRequest',
    id: ubrn,
    meta: { versionId: version },
    extension: [
      {
        url: 'https://fhir.nhs.uk/STU3/StructureDefinition/Extension-eRS-ReferralPriority-1',
        valueCodeableConcept: { coding: [{ system: 'https://fhir.nhs.uk/STU3/CodeSystem/eRS-Priority-1', code: 'URGENT' }] },
      },
    ],
    status: 'active',
    subject: { identifier: { system: 'http://fhir.nhs.net/Id/nhs-number', value: '9990000018' } },
    intent: 'plan',
  };
}

export const noSleep = async (): Promise<void> => undefined;
