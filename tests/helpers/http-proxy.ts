/**
 * A small forward proxy on 127.0.0.1, as a trust's would be: CONNECT tunnels for https and
 * absolute-form requests (`GET http://host:port/path`) for http. It logs the host:port of
 * every request it carried, so a test can say what went through it, and it can be stopped
 * to play a proxy that has gone away.
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
  stop(): Promise<void>;
}

export async function startTestProxy(): Promise<TestProxy> {
  const log: string[] = [];
  const sockets = new Set<net.Socket>();
  const server = http.createServer((req, res) => {
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
    async stop() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}
