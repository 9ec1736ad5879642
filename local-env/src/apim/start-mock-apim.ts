/**
 * The local stand-in for the NHS API platform's OAuth 2.0 server, on loopback:
 * POST /oauth2/token with
 *  - RFC 8693 token exchange: a CIS2 ID token for an access token (the "separate
 *    authentication and authorisation" pattern), the client authenticated by a signed JWT;
 *  - refresh_token, for refresh tokens it issued, with the same client authentication;
 *  - authorization_code, for codes from its own /oauth2/authorize (the "combined" pattern,
 *    see combined-sign-in.ts), offered when the platform is registered with CIS2;
 * and POST /oauth2/revoke (RFC 7009), with the same client authentication, which discards a
 * refresh token so that it is refused from then on. (The NHS API platform documents no
 * revocation endpoint; the app calls one only where the trust configures it.)
 * Access tokens come from the LocalTokenAuthority the e-RS emulator verifies. Answers and
 * errors have the platform's shapes, including its habit of sending numbers as strings.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { silentLogger, type Logger } from '../../../electron/log/logger';
import type { LocalTokenAuthority } from '../access-tokens';
import { authenticateClient, type ApimClientRegistration, type ClientAssertionContext } from './client-assertion';
import {
  AUTHORIZE_PATH,
  CALLBACK_PATH,
  createCombinedSignIn,
  type Answer,
  type CombinedSignIn,
  type PlatformAtCis2,
} from './combined-sign-in';
import { invalidGrant, invalidRequest, OAuthError } from './oauth-error';
import { RefreshTokenStore } from './refresh-tokens';
import { ReplayCache } from './replay-cache';
import { createSubjectTokenVerifier, ID_TOKEN_TYPE, type Cis2Trust } from './subject-token';

export const TOKEN_PATH = '/oauth2/token';
export const REVOKE_PATH = '/oauth2/revoke';
export const TOKEN_EXCHANGE_GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange';
export const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';
const MAX_BODY_BYTES = 64 * 1024;

export interface MockApimOptions {
  /** Signs the access tokens; the e-RS emulator verifies them with the same authority. */
  authority: LocalTokenAuthority;
  /** The CIS2 whose ID tokens may be exchanged. */
  cis2: Cis2Trust;
  /** Applications registered with the platform: client id and public keys. */
  clients: ApimClientRegistration[];
  /** Port on 127.0.0.1; the OS picks one when absent. */
  port?: number;
  /** The API the tokens are for; it names the scope, as the platform's do. */
  apiName?: string;
  /** Lifetime of a refresh token chain; the platform's is 12 hours. */
  refreshTokenTtlSeconds?: number;
  logger?: Logger;
  /** Epoch seconds; tests may move the platform's clock. */
  now?: () => number;
  /** The platform's own client at CIS2; without it the combined pattern is not offered. */
  platformAtCis2?: PlatformAtCis2;
}

export interface MockApim {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** The token endpoint URL: also the `aud` client assertions must carry. */
  tokenEndpoint: string;
  /** Where the combined pattern starts (answers 404 when it is not offered). */
  authorizeEndpoint: string;
  /** Where CIS2 sends the browser back to the platform: register it with CIS2. */
  callbackUrl: string;
  /** RFC 7009 token revocation. */
  revocationEndpoint: string;
  /** How many refresh tokens revocation has discarded. */
  revokedCount(): number;
  close(): Promise<void>;
}

type TokenResponse = Record<string, string>;

class BodyTooLarge extends Error {}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > MAX_BODY_BYTES) throw new BodyTooLarge();
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
    Pragma: 'no-cache',
    ...headers,
  });
  res.end(text);
}

function renderPage(title: string, message: string): string {
  // Title and message are the mock's own constant sentences, never request input.
  return `<!doctype html><html lang="en-GB"><head><meta charset="utf-8"><title>${title}</title></head><body><h1>${title}</h1><p>${message}</p></body></html>`;
}

export async function startMockApim(options: MockApimOptions): Promise<MockApim> {
  const logger = options.logger ?? silentLogger;
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const apiName = options.apiName ?? 'e-referrals-service-api';
  const refreshTtl = options.refreshTokenTtlSeconds ?? 43_199;
  const clients = new Map(options.clients.map((client) => [client.clientId, client]));
  const replays = new ReplayCache();
  const refreshTokens = new RefreshTokenStore();
  const verifySubjectToken = createSubjectTokenVerifier(options.cis2, now);
  let assertionContext: ClientAssertionContext | null = null;
  let callbackUrl = '';
  const combined: CombinedSignIn | null = options.platformAtCis2
    ? createCombinedSignIn({
        clients,
        cis2: options.cis2,
        platform: options.platformAtCis2,
        callbackUrl: () => callbackUrl,
        verifySubjectToken,
        now,
        logger,
      })
    : null;

  function tokenResponse(
    token: string,
    expiresIn: number,
    refreshToken: string,
    refreshExpiresIn: number,
    refreshCount: number,
  ): TokenResponse {
    return {
      access_token: token,
      expires_in: String(expiresIn),
      token_type: 'Bearer',
      refresh_token: refreshToken,
      refresh_token_expires_in: String(refreshExpiresIn),
      refresh_count: String(refreshCount),
    };
  }

  async function authorizationCode(
    params: URLSearchParams,
    context: ClientAssertionContext,
    signIn: CombinedSignIn,
  ): Promise<TokenResponse> {
    if (!params.get('code')) throw invalidRequest('code is missing');
    if (!params.get('redirect_uri')) throw invalidRequest('redirect_uri is missing');
    if (!params.get('code_verifier')) throw invalidRequest('code_verifier is missing');
    const client = await authenticateClient(params, context);
    const identity = signIn.redeem(params, client.clientId);
    const scope = `urn:nhsd:apim:user-nhs-cis2:${identity.aal}:${apiName}`;
    const { token, expiresIn } = await options.authority.issue({ sub: identity.uid, sid: identity.sid, scope, now: now() });
    const refreshToken = refreshTokens.issue({
      clientId: client.clientId,
      sub: identity.uid,
      sid: identity.sid,
      scope,
      expiresAt: now() + refreshTtl,
      refreshCount: 0,
    });
    logger.info('apim.token.code_redeemed', { clientId: client.clientId, aal: identity.aal });
    return tokenResponse(token, expiresIn, refreshToken, refreshTtl, 0);
  }

  async function exchange(params: URLSearchParams, context: ClientAssertionContext): Promise<TokenResponse> {
    const subjectTokenType = params.get('subject_token_type');
    if (subjectTokenType !== ID_TOKEN_TYPE) throw invalidRequest(`Missing or invalid subject_token_type - must be '${ID_TOKEN_TYPE}'`);
    const subjectToken = params.get('subject_token');
    if (!subjectToken) throw invalidRequest('Missing subject_token');
    const client = await authenticateClient(params, context);
    const identity = await verifySubjectToken(subjectToken, client.cis2ClientIds);
    const scope = `urn:nhsd:apim:user-nhs-cis2:${identity.aal}:${apiName}`;
    const { token, expiresIn } = await options.authority.issue({ sub: identity.uid, sid: identity.sid, scope, now: now() });
    const refreshToken = refreshTokens.issue({
      clientId: client.clientId,
      sub: identity.uid,
      sid: identity.sid,
      scope,
      expiresAt: now() + refreshTtl,
      refreshCount: 0,
    });
    logger.info('apim.token.exchanged', { clientId: client.clientId, aal: identity.aal });
    return {
      access_token: token,
      expires_in: String(expiresIn),
      token_type: 'Bearer',
      issued_token_type: ACCESS_TOKEN_TYPE,
      refresh_token: refreshToken,
      refresh_token_expires_in: String(refreshTtl),
      refresh_count: '0',
    };
  }

  async function refresh(params: URLSearchParams, context: ClientAssertionContext): Promise<TokenResponse> {
    const presented = params.get('refresh_token');
    if (!presented) throw invalidRequest('Missing refresh_token');
    const client = await authenticateClient(params, context);
    const grant = refreshTokens.take(presented, client.clientId, now());
    if (!grant) throw invalidGrant('refresh_token is invalid');
    const { token, expiresIn } = await options.authority.issue({ sub: grant.sub, sid: grant.sid, scope: grant.scope, now: now() });
    const next = { ...grant, refreshCount: grant.refreshCount + 1 };
    const refreshToken = refreshTokens.issue(next);
    logger.info('apim.token.refreshed', { clientId: client.clientId, refreshCount: next.refreshCount });
    return {
      access_token: token,
      expires_in: String(expiresIn),
      token_type: 'Bearer',
      refresh_token: refreshToken,
      refresh_token_expires_in: String(Math.max(0, grant.expiresAt - now())),
      refresh_count: String(next.refreshCount),
    };
  }

  async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
    if (req.method !== 'POST') throw new OAuthError(405, 'invalid_request', 'The token endpoint accepts POST only');
    const contentType = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
    if (contentType !== 'application/x-www-form-urlencoded') {
      throw new OAuthError(415, 'invalid_request', 'Content-Type must be application/x-www-form-urlencoded');
    }
    try {
      return new URLSearchParams(await readBody(req));
    } catch (error) {
      if (error instanceof BodyTooLarge) throw new OAuthError(413, 'invalid_request', 'The request body is too large');
      throw error;
    }
  }

  let revoked = 0;
  /** RFC 7009 section 2.2: 200 whether or not the token was live, so nobody learns which are. */
  async function handleRevoke(req: IncomingMessage, context: ClientAssertionContext): Promise<Record<string, never>> {
    const params = await readForm(req);
    const token = params.get('token');
    if (!token) throw invalidRequest('Missing token');
    const client = await authenticateClient(params, context);
    if (refreshTokens.revoke(token, client.clientId)) {
      revoked += 1;
      logger.info('apim.token.revoked', { clientId: client.clientId });
    }
    return {};
  }

  async function handleToken(req: IncomingMessage, context: ClientAssertionContext): Promise<TokenResponse> {
    const params = await readForm(req);
    const grantType = params.get('grant_type');
    if (!grantType) throw invalidRequest('grant_type is missing');
    if (grantType === TOKEN_EXCHANGE_GRANT) return exchange(params, context);
    if (grantType === 'refresh_token') return refresh(params, context);
    if (grantType === 'authorization_code' && combined) return authorizationCode(params, context, combined);
    throw new OAuthError(400, 'unsupported_grant_type', 'grant_type is invalid');
  }

  function sendAnswer(res: ServerResponse, answer: Answer): void {
    if (answer.kind === 'redirect') {
      res.writeHead(302, { Location: answer.location, 'Cache-Control': 'no-store' });
      res.end();
    } else if (answer.kind === 'error') {
      logger.info('apim.authorize.refused', { error: answer.error.error, description: answer.error.description });
      sendJson(res, answer.error.status, answer.error.body());
    } else {
      const html = renderPage(answer.title, answer.message);
      res.writeHead(answer.status, {
        'Content-Type': 'text/html; charset=utf-8',
        'Cache-Control': 'no-store',
        'Content-Security-Policy': "default-src 'none'",
        'Content-Length': Buffer.byteLength(html),
      });
      res.end(html);
    }
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = url.pathname;
    if (combined && (path === AUTHORIZE_PATH || path === CALLBACK_PATH)) {
      if (req.method !== 'GET') {
        sendJson(res, 405, new OAuthError(405, 'invalid_request', 'This endpoint accepts GET only').body(), { Allow: 'GET' });
        return;
      }
      (path === AUTHORIZE_PATH ? combined.authorize(url) : combined.callback(url))
        .then((answer) => sendAnswer(res, answer))
        .catch((error: unknown) => {
          logger.error('apim.server_error', { message: error instanceof Error ? error.message : String(error) });
          sendJson(res, 500, new OAuthError(500, 'server_error', 'The authorization endpoint failed unexpectedly').body());
        });
      return;
    }
    if ((path !== TOKEN_PATH && path !== REVOKE_PATH) || !assertionContext) {
      sendJson(res, 404, new OAuthError(404, 'invalid_request', 'No such endpoint on the API platform mock').body());
      return;
    }
    (path === REVOKE_PATH ? handleRevoke(req, assertionContext) : handleToken(req, assertionContext))
      .then((answer) => sendJson(res, 200, answer))
      .catch((error: unknown) => {
        if (error instanceof OAuthError) {
          logger.info('apim.token.refused', { error: error.error, description: error.description });
          const headers: Record<string, string> = error.status === 405 ? { Allow: 'POST' } : {};
          sendJson(res, error.status, error.body(), headers);
          return;
        }
        logger.error('apim.server_error', { message: error instanceof Error ? error.message : String(error) });
        sendJson(res, 500, new OAuthError(500, 'server_error', 'The token endpoint failed unexpectedly').body());
      });
  });

  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
  const url = `http://127.0.0.1:${port}`;
  const tokenEndpoint = `${url}${TOKEN_PATH}`;
  callbackUrl = `${url}${CALLBACK_PATH}`;
  assertionContext = { clients, tokenEndpoint, replays, now };
  logger.info('apim.started', { tokenEndpoint });

  return {
    url,
    tokenEndpoint,
    authorizeEndpoint: `${url}${AUTHORIZE_PATH}`,
    callbackUrl,
    revocationEndpoint: `${url}${REVOKE_PATH}`,
    revokedCount: () => revoked,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
