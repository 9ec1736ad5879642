/**
 * The loopback redirect listener of RFC 8252 (OAuth 2.0 for native apps, section 7.3):
 * a one-shot HTTP server on 127.0.0.1 with an OS-assigned port. It accepts exactly one
 * callback carrying the pending `state`, answers the browser with a short page telling the
 * user to return to the app, and closes. It times out, and can be cancelled.
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
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', origin);
    if (done || req.method !== 'GET' || url.pathname !== '/callback') {
      res.writeHead(404, SECURITY_HEADERS);
      res.end(page('Not found', 'There is nothing here. Return to e-RS Triage.'));
      return;
    }
    if (url.searchParams.get('state') !== options.expectedState) {
      res.writeHead(400, SECURITY_HEADERS);
      res.end(page('This sign-in link is out of date', 'Return to e-RS Triage and finish signing in from there, or press Sign in again.'));
      options.onStrayCallback?.();
      return;
    }
    const failed = url.searchParams.has('error');
    res.writeHead(200, SECURITY_HEADERS);
    res.end(
      failed
        ? page('Sign-in did not finish', 'You can close this tab and return to e-RS Triage.')
        : page('You are signed in', 'You can close this tab and return to e-RS Triage.'),
    );
    finish(() => settle?.resolve(url));
  });

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
  const { port } = server.address() as AddressInfo;
  origin = `http://127.0.0.1:${port}`;

  const timer = setTimeout(() => {
    finish(() =>
      settle?.reject(new AppError('SIGN_IN_TIMEOUT', 'Sign-in took too long and was stopped. Press Sign in to try again.')),
    );
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
