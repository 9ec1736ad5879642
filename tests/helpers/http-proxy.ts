/**
 * A small forward proxy on 127.0.0.1, as a trust's would be: CONNECT tunnels for https and
 * absolute-form requests (`GET http://host:port/path`) for http. It logs the host:port of
 * every request it carried, so a test can say what went through it, and it can be stopped
 * to play a proxy that has gone away. Given credentials, it wants Basic authentication, as
 * an authenticating trust proxy does: anything without the right Proxy-Authorization gets
 * 407 with a Basic challenge, and is counted in `refused`.
 */
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';

export interface TestProxy {
  /** e.g. http://127.0.0.1:41234 */
  url: string;
  /** host:port of each request carried, in order (CONNECT and forwarded alike). */
  log: string[];
  /** The distinct host:port values carried. */
  hosts(): string[];
  /** Requests answered 407 (no or wrong Proxy-Authorization), when credentials are required. */
  readonly refused: number;
  stop(): Promise<void>;
}

export async function startTestProxy(options: { credentials?: { username: string; password: string } } = {}): Promise<TestProxy> {
  const log: string[] = [];
  const sockets = new Set<net.Socket>();
  const expected = options.credentials
    ? `Basic ${Buffer.from(`${options.credentials.username}:${options.credentials.password}`).toString('base64')}`
    : null;
  const state = { refused: 0 };
  const authorised = (req: http.IncomingMessage): boolean => {
    if (expected === null || req.headers['proxy-authorization'] === expected) return true;
    state.refused += 1;
    return false;
  };
  const CHALLENGE = 'Basic realm="NHS Example Trust proxy"';
  const server = http.createServer((req, res) => {
    if (!authorised(req)) {
      res.writeHead(407, { 'Proxy-Authenticate': CHALLENGE, 'Content-Type': 'text/plain' }).end('proxy sign-in required');
      return;
    }
    let target: URL;
    try {
      target = new URL(req.url ?? '');
    } catch {
      res.writeHead(400).end('absolute-form requests only');
      return;
    }
    if (target.protocol !== 'http:') {
      res.writeHead(400).end('http only; use CONNECT for https');
      return;
    }
    log.push(`${target.hostname}:${target.port || '80'}`);
    const headers = { ...req.headers };
    delete headers['proxy-connection'];
    delete headers['proxy-authorization'];
    const upstream = http.request(
      { host: target.hostname, port: target.port || 80, method: req.method, path: `${target.pathname}${target.search}`, headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.rawHeaders);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => {
      if (!res.headersSent) res.writeHead(502).end('upstream unreachable');
      else res.destroy();
    });
    req.pipe(upstream);
  });
  server.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    if (!authorised(req)) {
      client.end(
        `HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: ${CHALLENGE}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`,
      );
      return;
    }
    const [host, port] = (req.url ?? '').split(':');
    log.push(`${host}:${port}`);
    const upstream = net.connect(Number(port), host ?? '', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  server.on('connection', (socket: net.Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    log,
    hosts: () => [...new Set(log)],
    get refused() {
      return state.refused;
    },
    async stop() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}
