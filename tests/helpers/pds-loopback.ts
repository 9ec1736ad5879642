/**
 * A scripted PDS on 127.0.0.1 for the PDS client's tests: GET
 * /personal-demographics/FHIR/R4/Patient/{id} answers whatever the test put under that id
 * (a Patient, or a status with an OperationOutcome), records every request with its
 * headers, and answers 404 RESOURCE_NOT_FOUND for anyone else, as PDS does.
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export const PDS_PREFIX = '/personal-demographics/FHIR/R4';

export interface PdsLoopbackRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
}

export type PdsAnswer =
  | { status: 200; body: unknown }
  | { status: number; code: string; issue?: string; diagnostics?: string; headers?: Record<string, string> }
  /** Answer nothing: the connection hangs until the client gives up. */
  | { hang: true };

export interface PdsLoopback {
  baseUrl: string;
  requests: PdsLoopbackRequest[];
  /** What each id answers; a function is asked per request (for retries). */
  answers: Map<string, PdsAnswer | ((attempt: number) => PdsAnswer)>;
  /** What any other id answers; 404 RESOURCE_NOT_FOUND unless set. */
  fallback: ((id: string) => PdsAnswer) | null;
  close(): Promise<void>;
}

export function spineOutcome(code: string, issue = 'value', severity = 'error', diagnostics?: string): unknown {
  return {
    resourceType: 'OperationOutcome',
    issue: [
      {
        severity,
        code: issue,
        details: { coding: [{ system: 'https://fhir.nhs.uk/R4/CodeSystem/Spine-ErrorOrWarningCode', version: '1', code, display: code }] },
        ...(diagnostics ? { diagnostics } : {}),
      },
    ],
  };
}

export async function startPdsLoopback(): Promise<PdsLoopback> {
  const requests: PdsLoopbackRequest[] = [];
  const answers = new Map<string, PdsAnswer | ((attempt: number) => PdsAnswer)>();
  const attempts = new Map<string, number>();
  const sockets = new Set<Socket>();
  let fallback: PdsLoopback['fallback'] = null;
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '';
    requests.push({ method: req.method ?? '', path, headers: req.headers });
    const id = path.startsWith(`${PDS_PREFIX}/Patient/`) ? path.slice(`${PDS_PREFIX}/Patient/`.length) : '';
    const attempt = (attempts.get(id) ?? 0) + 1;
    attempts.set(id, attempt);
    const scripted = answers.get(id);
    const answer: PdsAnswer =
      typeof scripted === 'function'
        ? scripted(attempt)
        : (scripted ?? fallback?.(id) ?? { status: 404, code: 'RESOURCE_NOT_FOUND', issue: 'not-found' });
    if ('hang' in answer) return;
    const mirrored: Record<string, string> = {};
    const requestId = req.headers['x-request-id'];
    const correlationId = req.headers['x-correlation-id'];
    if (typeof requestId === 'string') mirrored['X-Request-ID'] = requestId;
    if (typeof correlationId === 'string') mirrored['X-Correlation-ID'] = correlationId;
    const body =
      'body' in answer
        ? answer.body
        : spineOutcome(answer.code, answer.issue, answer.status === 404 ? 'information' : 'error', answer.diagnostics);
    res.writeHead(answer.status, { 'Content-Type': 'application/fhir+json', ...mirrored, ...('headers' in answer ? answer.headers : {}) });
    res.end(JSON.stringify(body));
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}${PDS_PREFIX}`,
    requests,
    answers,
    get fallback() {
      return fallback;
    },
    set fallback(answer) {
      fallback = answer;
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A valid NHS number (modulus 11) in the 900 000 00xx range the PDS examples use. */
export function exampleRangeNhsNumber(from: number): string {
  for (let n = from; ; n += 1) {
    const nine = `9000000${String(n).padStart(2, '0')}`;
    let sum = 0;
    for (let i = 0; i < 9; i += 1) sum += Number(nine[i]) * (10 - i);
    const check = 11 - (sum % 11);
    if (check === 10) continue;
    return `${nine}${check === 11 ? 0 : check}`;
  }
}
