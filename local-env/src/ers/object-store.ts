/**
 * The object store A042 redirects to: a second loopback server on its own port (so its
 * origin differs from e-RS's), serving a file only through a short-lived signed URL, and
 * refusing any request that carries an Authorization header, as presigned-URL stores do.
 * A client that forwards its e-RS token across the redirect fails here, as it would live.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type AddressInfo } from 'node:net';
import { type Logger } from '../../../electron/log/logger';
import { type BinaryRecord } from '../seed/model';
import { type FaultInjector } from './faults';
import { writeReply } from './http-io';
import { type OperationRecord } from './operation-ids';

export interface ObjectStoreOptions {
  host: string;
  port: number;
  ttlSeconds: number;
  now: () => Date;
  logger: Logger;
  faults: FaultInjector;
  find(binaryId: string): BinaryRecord | undefined;
  bytes(binary: BinaryRecord): Promise<Uint8Array>;
  record(entry: OperationRecord): void;
}

export interface ObjectStore {
  origin: string;
  signedUrl(binaryId: string): string;
  close(): Promise<void>;
}

function xmlError(code: string, message: string): Buffer {
  return Buffer.from(`<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>\n`, 'utf8');
}

export async function startObjectStore(options: ObjectStoreOptions): Promise<ObjectStore> {
  const secret = randomBytes(32);
  const sign = (id: string, expires: number) => createHmac('sha256', secret).update(`${id}\n${expires}`).digest('hex');
  let origin = '';

  const handle = async (
    request: IncomingMessage,
    response: ServerResponse,
  ): Promise<{ status: number; fault?: OperationRecord['fault'] }> => {
    const url = new URL(request.url ?? '/', origin);
    const fail = (status: number, code: string, message: string) => {
      writeReply(response, { status, headers: { 'Content-Type': 'application/xml' }, body: xmlError(code, message) }, false);
      return { status };
    };
    if (request.method !== 'GET' && request.method !== 'HEAD') return fail(405, 'MethodNotAllowed', 'Only GET is allowed on this URL.');
    if (request.headers.authorization !== undefined) {
      return fail(
        400,
        'InvalidArgument',
        'Only one auth mechanism allowed: the signed URL is the credential, so send no Authorization header.',
      );
    }
    const match = /^\/ers-attachments\/([0-9a-f-]{36})$/.exec(url.pathname);
    const expires = Number(url.searchParams.get('expires'));
    const signature = url.searchParams.get('signature') ?? '';
    if (!match?.[1] || !Number.isFinite(expires) || !/^[0-9a-f]{64}$/.test(signature))
      return fail(403, 'AccessDenied', 'This URL is not a valid signed attachment URL.');
    const expected = Buffer.from(sign(match[1], expires), 'hex');
    if (!timingSafeEqual(expected, Buffer.from(signature, 'hex')))
      return fail(403, 'SignatureDoesNotMatch', 'The signature of this URL does not match.');
    if (options.now().getTime() / 1000 > expires)
      return fail(403, 'AccessDenied', 'Request has expired: ask e-RS for the attachment again.');
    const binary = options.find(match[1]);
    if (!binary) return fail(404, 'NoSuchKey', 'The file no longer exists.');
    const targeted = options.faults.appliesTo('OBJECT_STORE');
    const serverError = targeted ? options.faults.serverError() : null;
    if (serverError !== null)
      return { ...fail(serverError, 'ServiceUnavailable', 'Please reduce your request rate.'), fault: 'server-error' };
    const bytes = await options.bytes(binary);
    const drop = targeted && options.faults.shouldDrop();
    writeReply(
      response,
      {
        status: 200,
        headers: {
          'Content-Type': binary.contentType,
          'Content-Disposition': `attachment; filename="${binary.fileName.replace(/["\\\r\n]/g, '_')}"`,
          'Cache-Control': 'private, no-store',
        },
        body: request.method === 'HEAD' ? new Uint8Array(0) : bytes,
      },
      drop,
    );
    return drop ? { status: 200, fault: 'dropped' } : { status: 200 };
  };

  const server: Server = createServer((request, response) => {
    const started = options.now();
    const startedMs = Date.now();
    void (async () => {
      const latency = options.faults.appliesTo('OBJECT_STORE') ? options.faults.latencyMs() : 0;
      if (latency > 0) await new Promise((resolve) => setTimeout(resolve, latency));
      let outcome: { status: number; fault?: OperationRecord['fault'] };
      try {
        outcome = await handle(request, response);
      } catch (error) {
        options.logger.error('ers.object_store.failed', { message: error instanceof Error ? error.message : String(error) });
        if (!response.headersSent)
          writeReply(
            response,
            { status: 500, headers: { 'Content-Type': 'application/xml' }, body: xmlError('InternalError', 'The file could not be read.') },
            false,
          );
        outcome = { status: 500 };
      }
      const entry: OperationRecord = {
        operation: 'OBJECT_STORE',
        method: request.method ?? 'GET',
        path: (request.url ?? '').split('?')[0] ?? '',
        status: outcome.status,
        time: started.toISOString(),
        durationMs: Date.now() - startedMs,
      };
      if (outcome.fault) entry.fault = outcome.fault;
      options.record(entry);
    })();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  origin = `http://${options.host}:${address.port}`;

  return {
    origin,
    signedUrl(binaryId: string): string {
      const expires = Math.floor(options.now().getTime() / 1000) + options.ttlSeconds;
      return `${origin}/ers-attachments/${binaryId}?expires=${expires}&signature=${sign(binaryId, expires)}`;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
