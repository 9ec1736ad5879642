/**
 * Reading requests and writing answers on node:http, with the limits and headers every
 * e-RS answer has. Answers are built whole (a Reply) and written in one place, so fault
 * mode can cut any of them part-way through and every answer echoes X-Correlation-ID.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ErsError } from './outcome';

export interface Reply {
  status: number;
  headers: Record<string, string>;
  body?: Uint8Array;
}

export const FHIR_JSON = 'application/fhir+json;charset=UTF-8';

export function jsonReply(status: number, resource: unknown, headers: Record<string, string> = {}): Reply {
  return { status, headers: { 'Content-Type': FHIR_JSON, ...headers }, body: Buffer.from(JSON.stringify(resource), 'utf8') };
}

export function bytesReply(status: number, body: Uint8Array, contentType: string, headers: Record<string, string> = {}): Reply {
  return { status, headers: { 'Content-Type': contentType, ...headers }, body };
}

export function emptyReply(status: number, headers: Record<string, string> = {}): Reply {
  return { status, headers };
}

/**
 * Reads the whole body, refusing more than `limit` bytes. `onTooLarge` builds the error
 * (uploads and JSON bodies fail with different e-RS codes).
 */
export async function readBody(request: IncomingMessage, limit: number, onTooLarge: () => ErsError): Promise<Buffer> {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) throw onTooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > limit) throw onTooLarge();
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

/** Writes the reply; when `drop` is set, sends the headers and part of the body, then cuts the connection. */
export function writeReply(response: ServerResponse, reply: Reply, drop: boolean): void {
  const body = reply.body ?? new Uint8Array(0);
  response.statusCode = reply.status;
  for (const [name, value] of Object.entries(reply.headers)) response.setHeader(name, value);
  response.setHeader('Content-Length', String(body.length));
  if (drop) {
    // Promise the whole body, deliver some of it, then vanish: what a dropped mobile or VPN link looks like.
    const part = Math.max(1, Math.floor(body.length / 2));
    response.flushHeaders();
    response.write(body.subarray(0, Math.min(part, body.length)), () => response.socket?.destroy());
    return;
  }
  response.end(body);
}

export function header(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name.toLowerCase()];
  if (Array.isArray(value)) return value[0];
  return value === undefined || value === '' ? undefined : value;
}

/** Does the Accept header (if any) allow this media type? */
export function accepts(request: IncomingMessage, mediaType: string): boolean {
  const accept = header(request, 'accept');
  if (!accept) return true;
  const [type] = mediaType.split('/');
  return accept.split(',').some((part) => {
    const range = (part.split(';')[0] ?? '').trim().toLowerCase();
    return (
      range === '*/*' ||
      range === mediaType ||
      range === `${type}/*` ||
      (mediaType === 'application/fhir+json' && range === 'application/json')
    );
  });
}
