/**
 * The browser host: a second transport for the one contract, for development machines
 * without the Electron runtime and for end-to-end tests in Chromium. It serves the built
 * renderer and carries `invoke` and `on` over HTTP on 127.0.0.1. It holds no handler
 * logic: every call goes through dispatch(), exactly as Electron IPC does.
 *
 * Only the page that was given the per-run secret can call it: the secret travels in the
 * X-Triage-Host-Key header, which other origins cannot send without a CORS preflight that
 * this server never grants. The Host and Origin headers are checked too, against DNS
 * rebinding and cross-site requests.
 *
 * Calls also travel over one WebSocket (`/api/socket`): a fetch costs Chromium's network
 * stack a few milliseconds each, a message on an open socket a fraction of one, and a
 * screen makes several calls at once. A browser cannot set headers on a WebSocket, so the
 * page offers the secret as a subprotocol (`key.<secret>`, beside `triage-host.v1`, the
 * one the server answers with), and the upgrade is refused before any socket exists unless
 * the secret matches, the Host is ours and the Origin is present and ours (a browser always
 * sends it on a WebSocket, and other sites can open one to anywhere).
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { eventNames, type EventName, type Events } from '../../contract';
import { SECURITY_HEADERS } from '../csp';
import { dispatch, type DispatchTarget } from '../dispatch';
import type { EventHub } from '../handlers';
import type { Logger } from '../log/logger';
import { readStaticFile } from '../static-files';
import { decodeWire, encodeWire } from '../../renderer/api/wire';

export const HOST_KEY_HEADER = 'x-triage-host-key';
/** The WebSocket calls travel on, and the subprotocols a page offers: this one and `key.<secret>`. */
export const HOST_SOCKET_PATH = '/api/socket';
export const HOST_SOCKET_PROTOCOL = 'triage-host.v1';
export const HOST_SOCKET_KEY_PREFIX = 'key.';
/** Uploads travel base64-encoded; e-RS allows 5 MB per file, so this leaves room. */
const MAX_BODY_BYTES = 16 * 1024 * 1024;

export interface HostOptions {
  /** The handlers and session every call is dispatched to (the composition root's TriageApp). */
  app: DispatchTarget;
  events: EventHub;
  /** The built renderer (dist/renderer). */
  staticDir: string;
  log: Logger;
  /** 0 (the default) lets the OS choose. */
  port?: number;
  /** Fixed secret for tests; a random one otherwise. */
  secret?: string;
}

export interface HostServer {
  /** The origin, e.g. http://127.0.0.1:51234 */
  origin: string;
  /** The URL to open: carries the secret in the fragment, which is never sent to a server. */
  url: string;
  secret: string;
  close(): Promise<void>;
}

export async function startHost(options: HostOptions): Promise<HostServer> {
  const secret = options.secret ?? randomBytes(32).toString('base64url');
  const secretBytes = Buffer.from(secret);
  const sseClients = new Set<http.ServerResponse>();
  let origin = '';

  let hostName = '';
  const secretMatches = (given: string | undefined): boolean => {
    if (typeof given !== 'string') return false;
    const givenBytes = Buffer.from(given);
    return givenBytes.length === secretBytes.length && timingSafeEqual(givenBytes, secretBytes);
  };
  const keyMatches = (req: http.IncomingMessage): boolean => {
    const given = req.headers[HOST_KEY_HEADER];
    return typeof given === 'string' && secretMatches(given);
  };

  const server = http.createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      options.log.error('host.request_failed', { error });
      if (!res.headersSent) sendJson(res, 500, { error: 'The app host failed to answer. Restart it.' });
      else res.destroy();
    });
  });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    // DNS rebinding: only our own loopback address and port are served.
    if (req.headers.host !== hostName) {
      sendJson(res, 421, { error: 'This host serves 127.0.0.1 only.' });
      return;
    }
    const requestOrigin = req.headers.origin;
    if (requestOrigin !== undefined && requestOrigin !== origin) {
      sendJson(res, 403, { error: 'Requests from other sites are refused.' });
      return;
    }
    const url = new URL(req.url ?? '/', origin);

    if (url.pathname.startsWith('/api/')) {
      if (!keyMatches(req)) {
        sendJson(res, 401, { error: 'This app host needs its secret. Open the URL the host printed.' });
        return;
      }
      if (url.pathname === '/api/events' && req.method === 'GET') {
        openEventStream(res);
        return;
      }
      const match = /^\/api\/invoke\/([A-Za-z0-9.]+)$/.exec(url.pathname);
      if (match && req.method === 'POST') {
        await invoke(match[1] ?? '', req, res);
        return;
      }
      sendJson(res, 404, { error: 'No such host endpoint.' });
      return;
    }

    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendJson(res, 405, { error: 'Method not allowed.' });
      return;
    }
    const file = await readStaticFile(options.staticDir, url.pathname);
    if (!file) {
      res.writeHead(404, { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('Not found');
      return;
    }
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      'Content-Type': file.contentType,
      'Cache-Control': 'no-store',
      'Content-Length': file.body.length,
    });
    res.end(req.method === 'HEAD' ? undefined : file.body);
  }

  async function invoke(channel: string, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const contentType = req.headers['content-type'] ?? '';
    if (!contentType.startsWith('application/json')) {
      sendJson(res, 415, { error: 'The host takes JSON only.' });
      return;
    }
    const text = await readBody(req, MAX_BODY_BYTES);
    if (text === null) {
      sendJson(res, 413, { error: 'That request is too large for the app host.' });
      return;
    }
    let input: unknown;
    try {
      input = text === '' ? {} : decodeWire(text);
    } catch {
      const result = {
        ok: false,
        error: { code: 'INVALID_INPUT', message: 'The request was not valid JSON. Reload the page and try again.' },
      };
      sendRaw(res, 200, encodeWire(result));
      return;
    }
    const result = await dispatch(options.app, channel, input, options.log);
    sendRaw(res, 200, encodeWire(result));
  }

  function openEventStream(res: http.ServerResponse): void {
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      'X-Content-Type-Options': 'nosniff',
    });
    res.write(': connected\n\n');
    sseClients.add(res);
    res.on('close', () => sseClients.delete(res));
  }

  // Calls over one WebSocket: the same checks as a call over HTTP, made once, at the upgrade.
  const sockets = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_BODY_BYTES,
    perMessageDeflate: false,
    handleProtocols: (offered) => (offered.has(HOST_SOCKET_PROTOCOL) ? HOST_SOCKET_PROTOCOL : false),
  });
  server.on('upgrade', (req: http.IncomingMessage, socket: Socket, head: Buffer) => {
    const refuse = (status: number, reason: string) => {
      socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    if (req.headers.host !== hostName) return refuse(421, 'Misdirected Request');
    if (req.headers.origin !== origin) return refuse(403, 'Forbidden');
    if (req.url !== HOST_SOCKET_PATH) return refuse(404, 'Not Found');
    const offered = (req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
    const key = offered.find((p) => p.startsWith(HOST_SOCKET_KEY_PREFIX))?.slice(HOST_SOCKET_KEY_PREFIX.length);
    if (!secretMatches(key)) return refuse(401, 'Unauthorized');
    if (!offered.includes(HOST_SOCKET_PROTOCOL)) return refuse(400, 'Bad Request');
    sockets.handleUpgrade(req, socket, head, (ws) => serveSocket(ws));
  });

  function serveSocket(ws: WebSocket): void {
    ws.on('message', (data: RawData, isBinary: boolean) => {
      if (isBinary) {
        ws.close(1003, 'The host takes JSON text only.');
        return;
      }
      void answer(ws, rawText(data)).catch((error: unknown) => {
        options.log.error('host.socket_call_failed', { error });
        ws.close(1011, 'The app host failed to answer.');
      });
    });
    ws.on('error', (error) => options.log.warn('host.socket_error', { error }));
  }

  async function answer(ws: WebSocket, text: string): Promise<void> {
    let message: unknown;
    try {
      message = decodeWire(text);
    } catch {
      ws.close(1007, 'The message was not valid JSON.');
      return;
    }
    if (!isSocketCall(message)) {
      ws.close(1008, 'A call needs a numeric id and a channel.');
      return;
    }
    const result = await dispatch(options.app, message.channel, message.input ?? {}, options.log);
    if (ws.readyState === ws.OPEN) ws.send(encodeWire({ id: message.id, result }));
  }

  const unsubscribe = options.events.subscribe(<E extends EventName>(event: E, payload: Events[E]) => {
    if (!eventNames.includes(event)) return;
    const frame = `event: ${event}\ndata: ${encodeWire(payload)}\n\n`;
    for (const client of sseClients) client.write(frame);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  // After start-up, a server error (say, out of file handles) is logged, never a crash.
  server.on('error', (error) => options.log.error('host.server_error', { error }));
  const { port } = server.address() as AddressInfo;
  origin = `http://127.0.0.1:${port}`;
  hostName = `127.0.0.1:${port}`;

  return {
    origin,
    url: `${origin}/#key=${secret}`,
    secret,
    async close() {
      unsubscribe();
      for (const client of sseClients) client.end();
      sseClients.clear();
      for (const client of sockets.clients) client.terminate();
      sockets.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

interface SocketCall {
  id: number;
  channel: unknown;
  input?: unknown;
}

function isSocketCall(value: unknown): value is SocketCall {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const call = value as Record<string, unknown>;
  return typeof call.id === 'number' && Number.isSafeInteger(call.id) && typeof call.channel === 'string';
}

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data instanceof ArrayBuffer ? new Uint8Array(data) : data).toString('utf8');
}

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  sendRaw(res, status, JSON.stringify(body));
}

function sendRaw(res: http.ServerResponse, status: number, text: string): void {
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    'Content-Length': Buffer.byteLength(text),
  });
  res.end(text);
}

/** Reads a request body up to `limit` bytes; past that, drains the rest and answers null. */
function readBody(req: http.IncomingMessage, limit: number): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
    });
    req.on('end', () => resolve(size > limit ? null : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
