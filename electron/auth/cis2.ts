/**
 * Sign-in with NHS CIS2 (OpenID Connect) as a native app: discovery from the configured
 * issuer, authorization code with PKCE (S256), state and nonce, the authorization URL opened
 * in the system browser, the code caught on a loopback redirect, and the ID token validated:
 * issuer, audience, expiry and nonce by openid-client; the signature against the issuer's
 * published keys with only the configured algorithms, `iat` within a bounded skew and
 * `auth_time` against `max_age` by ./id-token (openid-client 6 does not verify the
 * signature of an ID token from the token endpoint); the assurance level here.
 * Pointing at the NHS integration or production issuer is configuration, not code.
 */
import * as oidc from 'openid-client';
import { AppError } from '../app-error';
import type { Logger } from '../log/logger';
import { allowedAlgorithms, IdTokenRefused, ProviderKeys, verifyIdToken } from './id-token';
import type { FetchLike } from '../platform/platform';
import { proxyAuthFailure } from '../platform/proxy-auth';
import { cis2RoleProfiles, type Cis2RoleProfile } from './role-profiles';
import { listenForCallback, signInCancelled, type CallbackWait } from './loopback';

export interface Cis2Settings {
  issuer: string;
  clientId: string;
  /** Default `openid profile nationalrbacaccess`. */
  scopes?: string;
  /** The assurance level asked for and required, e.g. `AAL3_ANY`. */
  acrValues?: string;
  /** Allowed clock difference for ID token times, in seconds (default 60, at most 300). */
  clockToleranceSeconds?: number;
  /** ID token signature algorithms accepted (default RS256 and RS512; asymmetric ones only). */
  idTokenAlgorithms?: string[];
  /** When set, sent as `max_age` and the ID token's `auth_time` is checked against it. */
  maxAgeSeconds?: number;
  /** Only for the local environment's mock on http://127.0.0.1. */
  allowInsecureLoopback?: boolean;
  /** The platform's fetch, for discovery, the token request and the JWKS: the trust's proxy and certificates apply. */
  fetch: FetchLike;
  timeoutMs?: number;
}

export interface Cis2Identity {
  /** The CIS2 subject (the user's UUID / uid). */
  uid: string;
  name: string;
  acr: string;
  /** CIS2 session id, where given. */
  sid: string | null;
  idToken: string;
  idTokenExpiresAt: number;
  refreshToken: string | null;
  /** The CIS2 access token, used only by the combined pattern. */
  accessToken: string;
  /** The CIS2 role profiles the user holds (`nhsid_nrbac_roles`): the URID of each, by organisation. */
  roleProfiles: Cis2RoleProfile[];
}

export interface PendingSignIn {
  authorizationUrl: string;
  completed: Promise<Cis2Identity>;
  cancel(): void;
}

export const DEFAULT_SCOPES = 'openid profile nationalrbacaccess';

/**
 * What became of a request to end the user's sign-in at a remote service (CIS2's end-session
 * endpoint, the platform's revocation endpoint): done; not offered by that service (nothing
 * to do); or it could not be reached, or answered with a refusal, within the time allowed.
 */
export type RemoteSignOutResult = 'done' | 'not-offered' | 'unreachable' | 'refused';

/** The longest one remote sign-out request may take; sign-out in the app never waits longer. */
export const REMOTE_SIGN_OUT_TIMEOUT_MS = 5000;

/** AAL3_ANY > AAL2_OR_ABOVE > AAL1_USERPASS: compare by the number after "AAL". */
function assuranceLevel(acr: string): number {
  const match = /AAL(\d)/i.exec(acr);
  return match ? Number(match[1]) : 0;
}

export function acrMeets(actual: string | undefined, required: string | undefined): boolean {
  if (!required) return true;
  if (!actual) return false;
  return assuranceLevel(actual) >= assuranceLevel(required);
}

function unreachable(cause: unknown): AppError {
  return new AppError(
    'CIS2_UNREACHABLE',
    'NHS Care Identity Service could not be reached, so check your network connection and then press Sign in again.',
    { cause },
  );
}

function unavailable(status: number | null, cause: unknown): AppError {
  const answered = status === null ? '' : ` (it answered ${status})`;
  return new AppError(
    'CIS2_UNAVAILABLE',
    `NHS Care Identity Service is not working at the moment${answered}, so you were not signed in; press Sign in again in a few minutes.`,
    { cause },
  );
}

function clockSkew(cause: unknown): AppError {
  return new AppError(
    'CLOCK_SKEW',
    "Your computer's clock does not match NHS Care Identity Service's, so sign-in was refused; ask your IT service desk to correct the clock, then sign in again.",
    { cause },
  );
}

function field(value: unknown, name: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[name] : undefined;
}

/** The HTTP status behind an openid-client error: its own `status`, or that of the Response it carries. */
function statusOf(error: unknown): number | null {
  for (const candidate of [error, field(error, 'cause'), field(field(error, 'cause'), 'cause')]) {
    const status = candidate instanceof Response ? candidate.status : field(candidate, 'status');
    if (typeof status === 'number' && Number.isInteger(status)) return status;
  }
  return null;
}

function isNetworkFailure(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current !== undefined && current !== null; depth += 1) {
    const code = field(current, 'code');
    if (
      typeof code === 'string' &&
      /^(ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|UND_ERR_\w+)$/.test(code)
    )
      return true;
    // Electron's net.fetch reports network failures as net::ERR_… messages.
    if (current instanceof Error && /net::ERR_/.test(current.message)) return true;
    if (field(current, 'name') === 'TimeoutError' || field(current, 'name') === 'AbortError') return true;
    if (current instanceof TypeError && /fetch failed/.test(current.message)) return true;
    current = field(current, 'cause');
  }
  return false;
}

const transientStatus = (status: number | null): boolean => status !== null && (status === 429 || status >= 500);

/** Turns a failure to read the issuer's discovery document into a sentence. */
export function explainDiscoveryFailure(error: unknown, issuer: string): AppError {
  if (error instanceof AppError) return error;
  const proxy = proxyAuthFailure(error);
  if (proxy) return proxy;
  if (isNetworkFailure(error)) return unreachable(error);
  const code = field(error, 'code');
  if (code === 'OAUTH_JSON_ATTRIBUTE_COMPARISON_FAILED') {
    return new AppError(
      'CIS2_ISSUER_MISMATCH',
      `The sign-in service at ${issuer} says it is a different issuer, so sign-in was stopped; ask your IT service desk to check the CIS2 issuer in the trust configuration.`,
      { cause: error },
    );
  }
  const status = statusOf(error);
  if (transientStatus(status)) return unavailable(status, error);
  return new AppError(
    'CIS2_MISCONFIGURED',
    `The sign-in service at ${issuer} did not describe itself as NHS Care Identity Service should, so sign-in was stopped; ask your IT service desk to check the CIS2 issuer in the trust configuration.`,
    { cause: error },
  );
}

/** Turns openid-client's and the ID token check's failures into sentences a clinician can act on. */
export function explainTokenFailure(error: unknown): AppError {
  if (error instanceof AppError) return error;
  const proxy = proxyAuthFailure(error);
  if (proxy) return proxy;
  if (error instanceof IdTokenRefused) {
    switch (error.problem) {
      case 'keys-unavailable':
        return isNetworkFailure(error) ? unreachable(error) : unavailable(null, error);
      case 'signature':
        return new AppError(
          'ID_TOKEN_SIGNATURE',
          'NHS Care Identity Service sent back an identity that does not carry its valid signature, so you were not signed in; press Sign in to try again, and tell your IT service desk if it happens again.',
          { cause: error },
        );
      case 'clock':
        return clockSkew(error);
      case 'auth-time':
        return new AppError(
          'AUTH_TOO_OLD',
          'NHS Care Identity Service did not confirm that you entered your credentials recently enough, so you were not signed in; press Sign in and sign in again with your smartcard or authenticator.',
          { cause: error },
        );
      case 'claims':
        break;
    }
  }
  const code = field(error, 'code');
  const oauthError = field(error, 'error');
  const status = statusOf(error);
  const text = error instanceof Error ? `${error.message} ${String(field(error, 'cause') ?? '')}` : String(error);
  if (oauthError === 'invalid_grant') {
    return new AppError(
      'SIGN_IN_INVALID_GRANT',
      'The sign-in could not be completed because it had already been used or had expired, so press Sign in to start again.',
      { cause: error },
    );
  }
  if (
    oauthError === 'temporarily_unavailable' ||
    oauthError === 'server_error' ||
    ((code === 'OAUTH_RESPONSE_BODY_ERROR' || code === 'OAUTH_RESPONSE_IS_NOT_CONFORM' || code === 'OAUTH_RESPONSE_IS_NOT_JSON') &&
      transientStatus(status))
  ) {
    return unavailable(status, error);
  }
  if (code === 'OAUTH_RESPONSE_BODY_ERROR') {
    return new AppError(
      'SIGN_IN_REFUSED',
      `NHS Care Identity Service refused to complete the sign-in (${typeof oauthError === 'string' && /^[\w.-]{1,60}$/.test(oauthError) ? oauthError : 'no reason given'}), so press Sign in to try again, and tell your IT service desk if it happens again.`,
      { cause: error },
    );
  }
  if (code === 'OAUTH_JWT_TIMESTAMP_CHECK_FAILED' || /timestamp|"iat"|"exp"|"nbf"|clock/i.test(text)) return clockSkew(error);
  if (isNetworkFailure(error)) return unreachable(error);
  return new AppError(
    'ID_TOKEN_INVALID',
    'The identity returned by NHS Care Identity Service could not be verified, so you were not signed in; press Sign in to try again, and tell your IT service desk if it happens again.',
    { cause: error },
  );
}

/** The promise, or a rejection when the signal aborts first. */
function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    if (signal.aborted) onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

export class Cis2Client {
  private configuration: oidc.Configuration | null = null;
  private keys: ProviderKeys | null = null;
  private readonly tolerance: number;
  private readonly algorithms: string[];

  constructor(
    private readonly settings: Cis2Settings,
    private readonly log: Logger,
  ) {
    this.tolerance = Math.min(Math.max(settings.clockToleranceSeconds ?? 60, 0), 300);
    this.algorithms = allowedAlgorithms(settings.idTokenAlgorithms);
  }

  private async discover(): Promise<{ configuration: oidc.Configuration; keys: ProviderKeys }> {
    if (this.configuration && this.keys) return { configuration: this.configuration, keys: this.keys };
    if (this.algorithms.length === 0) {
      throw new AppError(
        'SIGN_IN_MISCONFIGURED',
        'This installation allows no ID token signature algorithm the app accepts, so sign-in cannot start; ask your IT service desk to check the trust configuration.',
      );
    }
    let configuration: oidc.Configuration;
    try {
      configuration = await oidc.discovery(
        new URL(this.settings.issuer),
        this.settings.clientId,
        { [oidc.clockTolerance]: this.tolerance },
        oidc.None(),
        {
          // Kept by the configuration for the token request and the JWKS too.
          [oidc.customFetch]: (url, options) => this.settings.fetch(url, options as RequestInit),
          ...(this.settings.allowInsecureLoopback ? { execute: [oidc.allowInsecureRequests] } : {}),
        },
      );
    } catch (error) {
      this.log.warn('cis2.discovery_failed', { error });
      throw explainDiscoveryFailure(error, this.settings.issuer);
    }
    const jwksUri = configuration.serverMetadata().jwks_uri;
    const secure =
      jwksUri !== undefined &&
      URL.canParse(jwksUri) &&
      (new URL(jwksUri).protocol === 'https:' ||
        (this.settings.allowInsecureLoopback === true && new URL(jwksUri).hostname === '127.0.0.1'));
    if (!jwksUri || !secure) {
      this.log.warn('cis2.discovery_failed', { reason: 'no usable jwks_uri' });
      throw explainDiscoveryFailure(new Error('no usable jwks_uri'), this.settings.issuer);
    }
    this.configuration = configuration;
    this.keys = new ProviderKeys(new URL(jwksUri), this.settings.fetch);
    return { configuration, keys: this.keys };
  }

  /**
   * Ends the user's sign-in at CIS2 (OpenID Connect RP-initiated logout) with a call of the
   * app's own to the `end_session_endpoint` discovery published, the ID token as
   * `id_token_hint`: CIS2 (ForgeRock AM) ends the session the token names without the
   * browser's cookie, so no browser tab opens at sign-out. POST first (the specification's
   * other required method), which keeps the ID token, with the user's name in it, out of
   * URLs and proxy logs; GET, as openid-client builds it, where the provider answers 405.
   * Bounded by `timeoutMs`; never throws: the app's own sign-out does not depend on it.
   */
  async endSession(idToken: string, timeoutMs = REMOTE_SIGN_OUT_TIMEOUT_MS): Promise<RemoteSignOutResult> {
    const signal = AbortSignal.timeout(timeoutMs);
    let configuration: oidc.Configuration;
    try {
      // Known from the sign-in; found again only after a restart of the app's configuration.
      configuration = this.configuration ?? (await abortable(this.discover(), signal)).configuration;
    } catch (error) {
      this.log.warn('cis2.end_session_failed', { reason: 'discovery', error });
      return 'unreachable';
    }
    const endpoint = configuration.serverMetadata().end_session_endpoint;
    if (!endpoint || !URL.canParse(endpoint)) return 'not-offered';
    const target = new URL(endpoint);
    // The ID token never travels in the clear.
    if (!(target.protocol === 'https:' || (this.settings.allowInsecureLoopback === true && target.hostname === '127.0.0.1'))) {
      this.log.warn('cis2.end_session_failed', { reason: 'insecure endpoint' });
      return 'refused';
    }
    const parameters = { id_token_hint: idToken, client_id: this.settings.clientId };
    try {
      let response = await this.settings.fetch(target.href, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(parameters),
        redirect: 'manual',
        signal,
      });
      await response.body?.cancel().catch(() => undefined);
      if (response.status === 405) {
        const url = oidc.buildEndSessionUrl(configuration, parameters);
        response = await this.settings.fetch(url.href, { method: 'GET', redirect: 'manual', signal });
        await response.body?.cancel().catch(() => undefined);
      }
      // A redirect (to a page after sign-out) is AM's way of saying done, as a 200 is.
      if (response.status < 400 || response.type === 'opaqueredirect') return 'done';
      this.log.warn('cis2.end_session_failed', { status: response.status });
      return 'refused';
    } catch (error) {
      this.log.warn('cis2.end_session_failed', { error });
      return 'unreachable';
    }
  }

  /**
   * Starts a sign-in: listens on loopback, builds the authorization URL and hands it to
   * `open` (the system browser). `completed` settles when the browser comes back.
   */
  async begin(open: (url: string) => Promise<void>, onStrayCallback?: () => void): Promise<PendingSignIn> {
    const { configuration, keys } = await this.discover();
    const codeVerifier = oidc.randomPKCECodeVerifier();
    const codeChallenge = await oidc.calculatePKCECodeChallenge(codeVerifier);
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const wait: CallbackWait = await listenForCallback({
      expectedState: state,
      ...(this.settings.timeoutMs === undefined ? {} : { timeoutMs: this.settings.timeoutMs }),
      ...(onStrayCallback ? { onStrayCallback } : {}),
    });
    const parameters: Record<string, string> = {
      redirect_uri: wait.redirectUri,
      scope: this.settings.scopes ?? DEFAULT_SCOPES,
      code_challenge: codeChallenge,
      code_challenge_method: 'S256',
      state,
      nonce,
      prompt: 'login',
    };
    if (this.settings.acrValues) parameters.acr_values = this.settings.acrValues;
    const maxAge = this.settings.maxAgeSeconds;
    if (maxAge !== undefined) parameters.max_age = String(maxAge);
    const authorizationUrl = oidc.buildAuthorizationUrl(configuration, parameters).href;

    const completed = (async (): Promise<Cis2Identity> => {
      const callbackUrl = await wait.result;
      const error = callbackUrl.searchParams.get('error');
      if (error === 'access_denied') throw signInCancelled();
      if (error) {
        throw new AppError(
          'SIGN_IN_REFUSED',
          'NHS Care Identity Service did not sign you in, so press Sign in to try again, and tell your IT service desk if it keeps happening.',
        );
      }
      let tokens: Awaited<ReturnType<typeof oidc.authorizationCodeGrant>>;
      try {
        tokens = await oidc.authorizationCodeGrant(configuration, callbackUrl, {
          pkceCodeVerifier: codeVerifier,
          expectedState: state,
          expectedNonce: nonce,
          idTokenExpected: true,
        });
      } catch (cause) {
        this.log.warn('cis2.code_exchange_failed', { error: cause });
        throw explainTokenFailure(cause);
      }
      if (!tokens.claims() || !tokens.id_token) throw explainTokenFailure(new Error('no id token'));
      // openid-client checked the claims but not the signature: nothing of the token is used before this.
      let claims: Awaited<ReturnType<typeof verifyIdToken>>;
      try {
        claims = await verifyIdToken(tokens.id_token, keys, {
          issuer: configuration.serverMetadata().issuer,
          clientId: this.settings.clientId,
          algorithms: this.algorithms,
          clockToleranceSeconds: this.tolerance,
          ...(maxAge === undefined ? {} : { maxAgeSeconds: maxAge }),
        });
      } catch (cause) {
        this.log.warn('cis2.id_token_refused', { error: cause });
        throw explainTokenFailure(cause);
      }
      const acr = typeof claims.acr === 'string' ? claims.acr : undefined;
      if (!acrMeets(acr, this.settings.acrValues)) {
        throw new AppError(
          'ASSURANCE_TOO_LOW',
          'You signed in with a method that is not strong enough for e-RS, so sign in again with your smartcard or another approved authenticator.',
        );
      }
      const uid = typeof claims.uid === 'string' ? claims.uid : (claims.sub ?? '');
      const name =
        typeof claims.name === 'string'
          ? claims.name
          : [claims.given_name, claims.family_name].filter((p) => typeof p === 'string').join(' ');
      // The role profiles: in the ID token where CIS2 put them there, else from userinfo (where
      // NHS CIS2 gives `nhsid_nrbac_roles`). Without them sign-in still completes; PDS then
      // cannot be asked, and the banner says why.
      let roleProfiles = cis2RoleProfiles(claims);
      if (roleProfiles.length === 0 && tokens.access_token && typeof claims.sub === 'string') {
        try {
          roleProfiles = cis2RoleProfiles(await oidc.fetchUserInfo(configuration, tokens.access_token, claims.sub));
        } catch (cause) {
          this.log.warn('cis2.userinfo_failed', { error: cause });
        }
      }
      return {
        uid,
        name: name || 'Signed-in user',
        roleProfiles,
        acr: acr ?? '',
        sid: typeof claims.sid === 'string' ? claims.sid : null,
        idToken: tokens.id_token,
        idTokenExpiresAt: claims.exp ?? 0,
        refreshToken: tokens.refresh_token ?? null,
        accessToken: tokens.access_token,
      };
    })();
    completed.catch(() => undefined);

    try {
      await open(authorizationUrl);
    } catch (cause) {
      wait.cancel();
      throw new AppError(
        'BROWSER_UNAVAILABLE',
        'The web browser could not be opened for sign-in, so check a default browser is set, then press Sign in again.',
        { cause },
      );
    }
    return { authorizationUrl, completed, cancel: () => wait.cancel() };
  }
}
