/**
 * The loopback redirect listener of RFC 8252 (OAuth 2.0 for native apps, section 7.3):
 * a one-shot HTTP server on 127.0.0.1 with an OS-assigned port. It accepts exactly one
 * callback carrying the pending `state`, answers the browser with a short page telling the
 * user to return to the app (which then decides whether the sign-in succeeded), and closes.
 * Every other request (another path, another Host, a malformed or absolute-form request
 * line, a wrong state) is answered with 400 or 404 and ignored, so no local process can end
 * or hijack the sign-in. It times out, and can be cancelled.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { AppError } from '../app-error';

export interface CallbackWait {
  /** The redirect_uri to send in the authorization request. */
  redirectUri: string;
  /** Resolves with the full callback URL (code, state, iss...); rejects with an AppError. */
  result: Promise<URL>;
  cancel(error?: AppError): void;
}

export interface ListenOptions {
  expectedState: string;
  timeoutMs?: number;
  /** Told when the browser came back with a response that was not for this sign-in. */
  onStrayCallback?: () => void;
}

export const DEFAULT_SIGN_IN_TIMEOUT_MS = 5 * 60 * 1000;

export function signInCancelled(): AppError {
  return new AppError('SIGN_IN_CANCELLED', 'Sign-in was cancelled. Press Sign in when you are ready to try again.');
}

function page(title: string, message: string): string {
  // No script, no remote resources: the browser shows this once and the user goes back.
  return `<!doctype html><html lang="en-GB"><head><meta charset="utf-8"><title>${title}</title>
<style>body{font-family:Arial,sans-serif;margin:3rem;color:#212b32}h1{color:#005eb8}</style></head>
<body><h1>${title}</h1><p>${message}</p></body></html>`;
}

const SECURITY_HEADERS = {
  'Content-Type': 'text/html; charset=utf-8',
  'Cache-Control': 'no-store',
  'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'",
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
};

export async function listenForCallback(options: ListenOptions): Promise<CallbackWait> {
  let settle: { resolve: (url: URL) => void; reject: (error: AppError) => void } | null = null;
  const result = new Promise<URL>((resolve, reject) => {
    settle = { resolve, reject };
  });
  // Callers may cancel before awaiting; never let that become an unhandled rejection.
  result.catch(() => undefined);

  let done = false;
  let origin = '';
  let port = 0;
  const server = http.createServer((req, res) => {
    // Nothing a local process sends may throw out of here: an exception in a request
    // listener is an uncaught exception, which ends the app through the crash handler.
    try {
      handle(req, res);
    } catch {
      refuse(res, 400);
    }
  });
  // Requests Node cannot parse (a malformed request line, oversized headers) are answered
  // here and the connection dropped; the sign-in carries on.
  server.on('clientError', (_error, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    socket.destroy();
  });

  function refuse(res: http.ServerResponse, status: 400 | 404): void {
    if (res.headersSent) return;
    res.writeHead(status, { ...SECURITY_HEADERS, Connection: 'close' });
    res.end(
      status === 404
        ? page('Not found', 'There is nothing here; return to e-RS Triage.')
        : page('Bad request', 'This is not a sign-in response; return to e-RS Triage.'),
    );
  }

  /** Only `127.0.0.1:<port>` or `localhost:<port>`: anything else is another site (DNS rebinding) or not a browser. */
  function hostAllowed(host: string | undefined): boolean {
    if (host === undefined) return false;
    const lower = host.toLowerCase();
    return lower === `127.0.0.1:${port}` || lower === `localhost:${port}`;
  }

  function handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const target = req.url ?? '';
    // Origin-form only (RFC 9112 3.2.1), which is all a browser sends to the redirect URI:
    // no absolute-form ("GET http://a:b/"), no "*", no "//host" that parses as a network path.
    if (done || !target.startsWith('/') || target.startsWith('//')) return refuse(res, done ? 404 : 400);
    if (!hostAllowed(req.headers.host) || req.method !== 'GET') return refuse(res, 400);
    const queryAt = target.indexOf('?');
    const rawPath = queryAt === -1 ? target : target.slice(0, queryAt);
    if (rawPath !== '/callback') return refuse(res, 404);
    if (!URL.canParse(target, origin)) return refuse(res, 400);
    const url = new URL(target, origin);
    const states = url.searchParams.getAll('state');
    if (states.length !== 1 || states[0] !== options.expectedState || url.searchParams.getAll('code').length > 1) {
      res.writeHead(400, { ...SECURITY_HEADERS, Connection: 'close' });
      res.end(page('This sign-in link is out of date', 'Return to e-RS Triage and finish signing in from there, or press Sign in again.'));
      options.onStrayCallback?.();
      return;
    }
    const failed = url.searchParams.has('error');
    res.writeHead(200, SECURITY_HEADERS);
    // The app has not yet checked what came back, so the page cannot say the user is signed in.
    res.end(
      failed
        ? page('Sign-in did not finish', 'Return to e-RS Triage to see what happened; you can close this tab.')
        : page('Return to e-RS Triage', 'Return to e-RS Triage to finish signing in; you can close this tab.'),
    );
    finish(() => settle?.resolve(url));
  }

  function finish(action: () => void): void {
    if (done) return;
    done = true;
    clearTimeout(timer);
    action();
    server.closeAllConnections();
    server.close();
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  origin = `http://127.0.0.1:${port}`;

  const timer = setTimeout(() => {
    finish(() => settle?.reject(new AppError('SIGN_IN_TIMEOUT', 'Sign-in took too long and was stopped. Press Sign in to try again.')));
  }, options.timeoutMs ?? DEFAULT_SIGN_IN_TIMEOUT_MS);
  timer.unref();

  return {
    redirectUri: `${origin}/callback`,
    result,
    cancel(error = signInCancelled()) {
      finish(() => settle?.reject(error));
    },
  };
}
