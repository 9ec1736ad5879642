/**
 * The combined authentication and authorisation pattern of the NHS API platform: the app
 * sends the user's browser to the platform's /oauth2/authorize (authorization code with
 * PKCE S256), the platform signs the user in at CIS2 as its own confidential client,
 * receives CIS2's answer at /oauth2/callback, and sends the browser back to the app with a
 * code of its own, which the app redeems at /oauth2/token with its client assertion.
 * The app is registered with the platform only, never with CIS2.
 *
 * As on the platform, a request that names no known client or an unregistered redirect
 * URI is refused on the spot (the browser cannot safely be sent anywhere); every other
 * problem goes back to the app's redirect URI as `error` and `error_description`.
 */
import { createHash, randomBytes } from 'node:crypto';
import { decodeJwt } from 'jose';
import type { Logger } from '../../../electron/log/logger';
import type { ApimClientRegistration } from './client-assertion';
import { invalidGrant, invalidRequest, OAuthError } from './oauth-error';
import type { Cis2Trust, SubjectIdentity } from './subject-token';

export const AUTHORIZE_PATH = '/oauth2/authorize';
export const CALLBACK_PATH = '/oauth2/callback';

/** The platform's own registration at CIS2, as a confidential client. */
export interface PlatformAtCis2 {
  clientId: string;
  clientSecret: string;
  /** Default `openid profile nationalrbacaccess`. */
  scope?: string;
  /** Asked of CIS2 for every sign-in; default `AAL3_ANY`. */
  acrValues?: string;
}

export type Answer =
  | { kind: 'redirect'; location: string }
  | { kind: 'error'; error: OAuthError }
  | { kind: 'page'; status: number; title: string; message: string };

interface PendingAuthorisation {
  clientId: string;
  redirectUri: string;
  appState: string;
  codeChallenge: string;
  scope: string;
  cis2Verifier: string;
  nonce: string;
  expiresAt: number;
}

interface IssuedCode {
  clientId: string;
  redirectUri: string;
  codeChallenge: string;
  identity: SubjectIdentity;
  scope: string;
  expiresAt: number;
  used: boolean;
}

export interface CombinedSignInOptions {
  clients: ReadonlyMap<string, ApimClientRegistration>;
  cis2: Cis2Trust;
  platform: PlatformAtCis2;
  /** The platform's /oauth2/callback URL, known once it listens. */
  callbackUrl: () => string;
  verifySubjectToken: (token: string, audiences: string[] | undefined) => Promise<SubjectIdentity>;
  now: () => number;
  logger: Logger;
}

/** How long the user may take at CIS2, and how long the app has to redeem the code. */
const PENDING_TTL_SECONDS = 10 * 60;
const CODE_TTL_SECONDS = 60;
const PKCE_CHALLENGE = /^[A-Za-z0-9_-]{43,128}$/;
const PKCE_VERIFIER = /^[A-Za-z0-9._~-]{43,128}$/;

const random = (): string => randomBytes(32).toString('base64url');
const s256 = (verifier: string): string => createHash('sha256').update(verifier).digest('base64url');

function isLoopback(url: URL): boolean {
  return url.hostname === '127.0.0.1' || url.hostname === '[::1]';
}

/** RFC 8252 section 7.3: a registered loopback redirect matches on any port. */
export function redirectUriRegistered(requested: string, registered: readonly string[]): boolean {
  let asked: URL;
  try {
    asked = new URL(requested);
  } catch {
    return false;
  }
  return registered.some((entry) => {
    const known = new URL(entry);
    if (
      known.protocol !== asked.protocol ||
      known.hostname !== asked.hostname ||
      known.pathname !== asked.pathname ||
      known.search !== asked.search
    )
      return false;
    return isLoopback(known) || known.port === asked.port;
  });
}

function withParams(base: string, params: Record<string, string>): string {
  const url = new URL(base);
  for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
  return url.toString();
}

function sweep<T extends { expiresAt: number }>(map: Map<string, T>, now: number): void {
  for (const [key, value] of map) if (value.expiresAt <= now) map.delete(key);
}

interface Cis2Endpoints {
  authorization_endpoint: string;
  token_endpoint: string;
}

export function createCombinedSignIn(options: CombinedSignInOptions) {
  const pending = new Map<string, PendingAuthorisation>();
  const codes = new Map<string, IssuedCode>();
  let endpoints: Promise<Cis2Endpoints> | null = null;

  function cis2Endpoints(): Promise<Cis2Endpoints> {
    endpoints ??= (async () => {
      const response = await fetch(`${options.cis2.issuer}/.well-known/openid-configuration`, { signal: AbortSignal.timeout(10_000) });
      if (!response.ok) throw new Error(`CIS2 discovery answered ${response.status}`);
      const document = (await response.json()) as Partial<Cis2Endpoints>;
      if (typeof document.authorization_endpoint !== 'string' || typeof document.token_endpoint !== 'string')
        throw new Error('CIS2 discovery lacks endpoints');
      return { authorization_endpoint: document.authorization_endpoint, token_endpoint: document.token_endpoint };
    })();
    // A CIS2 that was down must be asked again next time.
    endpoints.catch(() => {
      endpoints = null;
    });
    return endpoints;
  }

  /** GET /oauth2/authorize */
  async function authorize(url: URL): Promise<Answer> {
    const params = url.searchParams;
    const clientId = params.get('client_id');
    if (!clientId) return { kind: 'error', error: invalidRequest('client_id is missing') };
    const client = options.clients.get(clientId);
    if (!client) return { kind: 'error', error: new OAuthError(401, 'invalid_client', 'client_id is invalid') };
    const redirectUri = params.get('redirect_uri');
    if (!redirectUri) return { kind: 'error', error: invalidRequest('redirect_uri is missing') };
    if (!redirectUriRegistered(redirectUri, client.redirectUris ?? [])) {
      return { kind: 'error', error: invalidRequest('redirect_uri does not match registered callback URL') };
    }
    const appState = params.get('state');
    const refuse = (error: string, description: string): Answer => ({
      kind: 'redirect',
      location: withParams(redirectUri, { error, error_description: description, ...(appState ? { state: appState } : {}) }),
    });
    if (params.get('response_type') !== 'code') return refuse('unsupported_response_type', 'response_type must be code');
    if (!appState) return refuse('invalid_request', 'state is missing');
    const codeChallenge = params.get('code_challenge');
    if (!codeChallenge) return refuse('invalid_request', 'code_challenge is missing');
    if (params.get('code_challenge_method') !== 'S256') return refuse('invalid_request', 'code_challenge_method must be S256');
    if (!PKCE_CHALLENGE.test(codeChallenge)) return refuse('invalid_request', 'code_challenge is invalid');

    let cis2: Cis2Endpoints;
    try {
      cis2 = await cis2Endpoints();
    } catch (error) {
      options.logger.warn('apim.authorize.cis2_unreachable', { error });
      return refuse('temporarily_unavailable', 'The identity provider could not be reached');
    }
    const now = options.now();
    sweep(pending, now);
    const prompt = params.get('prompt');
    const platformState = random();
    const cis2Verifier = random();
    const nonce = random();
    pending.set(platformState, {
      clientId,
      redirectUri,
      appState,
      codeChallenge,
      scope: params.get('scope') ?? '',
      cis2Verifier,
      nonce,
      expiresAt: now + PENDING_TTL_SECONDS,
    });
    return {
      kind: 'redirect',
      location: withParams(cis2.authorization_endpoint, {
        client_id: options.platform.clientId,
        response_type: 'code',
        redirect_uri: options.callbackUrl(),
        scope: options.platform.scope ?? 'openid profile nationalrbacaccess',
        state: platformState,
        nonce,
        code_challenge: s256(cis2Verifier),
        code_challenge_method: 'S256',
        acr_values: options.platform.acrValues ?? 'AAL3_ANY',
        // Passed on as the app asked: without prompt=login, CIS2 may sign the user in from a
        // session still live in the browser, without their card or authenticator.
        ...(prompt === 'login' ? { prompt: 'login' } : {}),
      }),
    };
  }

  async function identityFromCis2(code: string, request: PendingAuthorisation): Promise<SubjectIdentity> {
    const cis2 = await cis2Endpoints();
    const response = await fetch(cis2.token_endpoint, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        redirect_uri: options.callbackUrl(),
        client_id: options.platform.clientId,
        client_secret: options.platform.clientSecret,
        code_verifier: request.cis2Verifier,
      }),
      signal: AbortSignal.timeout(10_000),
    });
    const body = (await response.json().catch(() => ({}))) as { id_token?: unknown; error?: unknown };
    if (!response.ok || typeof body.id_token !== 'string')
      throw new Error(`CIS2 token endpoint answered ${response.status} ${String(body.error ?? '')}`);
    const identity = await options.verifySubjectToken(body.id_token, [options.platform.clientId]);
    if (decodeJwt(body.id_token).nonce !== request.nonce) throw new Error('CIS2 ID token nonce does not match');
    return identity;
  }

  /** GET /oauth2/callback: CIS2 sends the browser back to the platform. */
  async function callback(url: URL): Promise<Answer> {
    const platformState = url.searchParams.get('state') ?? '';
    const request = pending.get(platformState);
    pending.delete(platformState);
    if (!request || request.expiresAt <= options.now()) {
      return {
        kind: 'page',
        status: 400,
        title: 'This sign-in link is out of date',
        message: 'Return to the app you were signing in to and start the sign-in again from there.',
      };
    }
    const back = (params: Record<string, string>): Answer => ({
      kind: 'redirect',
      location: withParams(request.redirectUri, { ...params, state: request.appState }),
    });
    const cis2Error = url.searchParams.get('error');
    if (cis2Error) {
      // The user cancelling at CIS2 reaches the app as itself; anything else is the platform's failure to sign in.
      return cis2Error === 'access_denied'
        ? back({ error: 'access_denied', error_description: 'The user cancelled the sign-in' })
        : back({ error: 'server_error', error_description: 'The identity provider did not sign the user in' });
    }
    let identity: SubjectIdentity;
    try {
      identity = await identityFromCis2(url.searchParams.get('code') ?? '', request);
    } catch (error) {
      options.logger.warn('apim.callback.cis2_refused', { error });
      return back({ error: 'server_error', error_description: 'The identity provider did not sign the user in' });
    }
    const now = options.now();
    sweep(codes, now);
    const code = random();
    codes.set(code, {
      clientId: request.clientId,
      redirectUri: request.redirectUri,
      codeChallenge: request.codeChallenge,
      identity,
      scope: request.scope,
      expiresAt: now + CODE_TTL_SECONDS,
      used: false,
    });
    options.logger.info('apim.authorize.completed', { clientId: request.clientId, aal: identity.aal });
    return back({ code });
  }

  /** The authorization_code grant, once the client is authenticated: who the code stands for. */
  function redeem(params: URLSearchParams, clientId: string): SubjectIdentity {
    const code = params.get('code') ?? '';
    const grant = codes.get(code);
    if (!grant || grant.expiresAt <= options.now()) throw invalidGrant('authorization_code is invalid');
    if (grant.used) {
      options.logger.warn('apim.token.code_reused', { clientId });
      throw invalidGrant('authorization_code is invalid');
    }
    if (grant.clientId !== clientId) throw invalidGrant('authorization_code is invalid');
    grant.used = true;
    if (params.get('redirect_uri') !== grant.redirectUri) throw invalidGrant('redirect_uri does not match the authorization request');
    const verifier = params.get('code_verifier') ?? '';
    if (!PKCE_VERIFIER.test(verifier) || s256(verifier) !== grant.codeChallenge) throw invalidGrant('code_verifier is invalid');
    return grant.identity;
  }

  return { authorize, callback, redeem };
}

export type CombinedSignIn = ReturnType<typeof createCombinedSignIn>;
