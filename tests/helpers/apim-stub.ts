/**
 * A scriptable stand-in for the NHS API platform's token endpoint, FOR TESTS: plain
 * node:http on 127.0.0.1 with an OS-assigned port. It checks each client assertion as APIM
 * does (RS512 signature with the registered key, iss = sub = client id, aud = this
 * endpoint, a fresh jti, `exp` in the future and no more than five minutes ahead of ITS
 * clock), then answers with the next scripted answer: a status and body, a connection
 * reset, or (when the script is empty) fresh tokens.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateKeyPair, jwtVerify, type JWTPayload } from 'jose';
import type { AssertionKey } from '../../electron/auth/client-assertion';

export type StubAnswer = { status: number; json?: unknown; body?: string; headers?: Record<string, string> } | 'reset' | 'ok';

export interface StubRequest {
  grantType: string;
  form: URLSearchParams;
  assertion: JWTPayload | null;
  /** The stub's clock when the request came, epoch seconds. */
  at: number;
}

export interface ApimStub {
  tokenEndpoint: string;
  clientId: string;
  /** The app's signing key, registered with this stub. */
  signingKey: AssertionKey;
  /** Answers still to give, in order; empty means "ok". */
  script: StubAnswer[];
  requests: StubRequest[];
  /** Seconds this platform gives access tokens. */
  expiresIn: number;
  /** What each successful answer's access_token was. */
  issued: string[];
  close(): Promise<void>;
}

export const APIM_MAX_EXP_AHEAD_SECONDS = 300;

export async function startApimStub(options: { clientId?: string; now?: () => number } = {}): Promise<ApimStub> {
  const clientId = options.clientId ?? 'apim-stub-client';
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const { privateKey, publicKey } = await generateKeyPair('RS512');
  const seenJti = new Set<string>();
  const stub: ApimStub = {
    tokenEndpoint: '',
    clientId,
    signingKey: { key: privateKey, kid: 'stub-key-1' },
    script: [],
    requests: [],
    expiresIn: 300,
    issued: [],
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };

  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', ...headers });
    res.end(JSON.stringify(body));
  };

  /** APIM's checks of the client assertion, with APIM's wording; null when it passes. */
  async function assertionProblem(form: URLSearchParams, at: number): Promise<{ payload: JWTPayload | null; problem: string | null }> {
    const assertion = form.get('client_assertion') ?? '';
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(assertion, publicKey, {
        algorithms: ['RS512'],
        issuer: clientId,
        subject: clientId,
        audience: stub.tokenEndpoint,
        currentDate: new Date(at * 1000),
        requiredClaims: ['exp', 'jti'],
      }));
    } catch (error) {
      if ((error as { code?: string }).code === 'ERR_JWT_EXPIRED')
        return { payload: null, problem: 'Invalid exp claim in JWT - JWT has expired' };
      return { payload: null, problem: 'Invalid client_assertion - signature or claims do not verify' };
    }
    if ((payload.exp ?? 0) - at > APIM_MAX_EXP_AHEAD_SECONDS)
      return { payload, problem: 'Invalid exp claim in JWT - more than 5 minutes in future' };
    if (seenJti.has(payload.jti ?? '')) return { payload, problem: 'Non-unique jti claim in JWT' };
    seenJti.add(payload.jti ?? '');
    return { payload, problem: null };
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
    const at = now();
    const { payload, problem } = await assertionProblem(form, at);
    stub.requests.push({ grantType: form.get('grant_type') ?? '', form, assertion: payload, at });
    if (problem) return json(res, 400, { error: 'invalid_request', error_description: problem, message_id: 'rrt-stub' });
    const answer = stub.script.shift() ?? 'ok';
    if (answer === 'reset') {
      req.socket.destroy();
      return;
    }
    if (answer === 'ok') {
      const accessToken = randomBytes(20).toString('base64url');
      stub.issued.push(accessToken);
      return json(res, 200, {
        access_token: accessToken,
        token_type: 'Bearer',
        expires_in: String(stub.expiresIn),
        issued_token_type: 'urn:ietf:params:oauth:token-type:access_token',
        refresh_token: randomBytes(20).toString('base64url'),
        refresh_token_expires_in: '43199',
      });
    }
    res.writeHead(answer.status, { 'Content-Type': answer.json === undefined ? 'text/plain' : 'application/json', ...answer.headers });
    res.end(answer.json === undefined ? (answer.body ?? '') : JSON.stringify(answer.json));
  }

  const server = createServer((req, res) => {
    if (req.method !== 'POST' || req.url !== '/oauth2/token') return json(res, 404, { error: 'not_found' });
    handle(req, res).catch((error: unknown) => json(res, 500, { error: 'server_error', error_description: String(error) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  stub.tokenEndpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/oauth2/token`;
  return stub;
}
