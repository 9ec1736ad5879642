/**
 * Sign-in with NHS CIS2 (OpenID Connect) as a native app: discovery from the configured
 * issuer, authorization code with PKCE (S256), state and nonce, the authorization URL opened
 * in the system browser, the code caught on a loopback redirect, and the ID token validated
 * (issuer, audience, signature, expiry with bounded clock skew, nonce — by openid-client —
 * and the authentication assurance level, here).
 * Pointing at the NHS integration or production issuer is configuration, not code.
 */
import * as oidc from 'openid-client';
import { AppError } from '../app-error';
import type { Logger } from '../log/logger';
import type { FetchLike } from '../platform/platform';
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
}

export interface PendingSignIn {
  authorizationUrl: string;
  completed: Promise<Cis2Identity>;
  cancel(): void;
}

export const DEFAULT_SCOPES = 'openid profile nationalrbacaccess';

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
  return new AppError('CIS2_UNREACHABLE', 'NHS Care Identity Service could not be reached. Check your network connection, then press Sign in again.', { cause });
}

/** Turns openid-client's failures into sentences a clinician can act on. */
export function explainTokenFailure(error: unknown): AppError {
  if (error instanceof AppError) return error;
  const code = (error as { code?: unknown }).code;
  const text = error instanceof Error ? `${error.message} ${String((error as { cause?: unknown }).cause ?? '')}` : String(error);
  if (code === 'OAUTH_RESPONSE_BODY_ERROR' || /invalid_grant/.test(text)) {
    return new AppError('SIGN_IN_INVALID_GRANT', 'The sign-in could not be completed because it had already been used or had expired. Press Sign in to start again.', { cause: error });
  }
  if (/timestamp|"iat"|"exp"|"nbf"|clock/i.test(text) || code === 'OAUTH_JWT_TIMESTAMP_CHECK_FAILED') {
    return new AppError('CLOCK_SKEW', "Your computer's clock does not match NHS Care Identity Service, so sign-in was refused. Ask your IT service desk to correct the clock, then sign in again.", { cause: error });
  }
  if (code === 'ECONNREFUSED' || /fetch failed|ECONNREFUSED|ENOTFOUND|network|net::ERR_/i.test(text)) return unreachable(error);
  return new AppError('ID_TOKEN_INVALID', 'The identity returned by NHS Care Identity Service could not be verified, so you were not signed in. Press Sign in to try again; if this keeps happening, tell your IT service desk.', { cause: error });
}

export class Cis2Client {
  private configuration: oidc.Configuration | null = null;

  constructor(
    private readonly settings: Cis2Settings,
    private readonly log: Logger,
  ) {}

  private async discover(): Promise<oidc.Configuration> {
    if (this.configuration) return this.configuration;
    const tolerance = Math.min(Math.max(this.settings.clockToleranceSeconds ?? 60, 0), 300);
    try {
      this.configuration = await oidc.discovery(
        new URL(this.settings.issuer),
        this.settings.clientId,
        { [oidc.clockTolerance]: tolerance },
        oidc.None(),
        {
          // Kept by the configuration for the token request and the JWKS too.
          [oidc.customFetch]: (url, options) => this.settings.fetch(url, options as RequestInit),
          ...(this.settings.allowInsecureLoopback ? { execute: [oidc.allowInsecureRequests] } : {}),
        },
      );
    } catch (error) {
      this.log.warn('cis2.discovery_failed', { error });
      throw unreachable(error);
    }
    return this.configuration;
  }

  /**
   * Starts a sign-in: listens on loopback, builds the authorization URL and hands it to
   * `open` (the system browser). `completed` settles when the browser comes back.
   */
  async begin(open: (url: string) => Promise<void>, onStrayCallback?: () => void): Promise<PendingSignIn> {
    const configuration = await this.discover();
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
    const authorizationUrl = oidc.buildAuthorizationUrl(configuration, parameters).href;

    const completed = (async (): Promise<Cis2Identity> => {
      const callbackUrl = await wait.result;
      const error = callbackUrl.searchParams.get('error');
      if (error === 'access_denied') throw signInCancelled();
      if (error) {
        throw new AppError('SIGN_IN_REFUSED', 'NHS Care Identity Service did not sign you in. Press Sign in to try again; if it keeps happening, tell your IT service desk.');
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
      const claims = tokens.claims();
      if (!claims || !tokens.id_token) throw explainTokenFailure(new Error('no id token'));
      const acr = typeof claims.acr === 'string' ? claims.acr : undefined;
      if (!acrMeets(acr, this.settings.acrValues)) {
        throw new AppError('ASSURANCE_TOO_LOW', 'You signed in with a method that is not strong enough for e-RS. Sign in again with your smartcard or another approved authenticator.');
      }
      const uid = typeof claims.uid === 'string' ? claims.uid : claims.sub;
      const name = typeof claims.name === 'string' ? claims.name : [claims.given_name, claims.family_name].filter((p) => typeof p === 'string').join(' ');
      return {
        uid,
        name: name || 'Signed-in user',
        acr: acr ?? '',
        sid: typeof claims.sid === 'string' ? claims.sid : null,
        idToken: tokens.id_token,
        idTokenExpiresAt: claims.exp,
        refreshToken: tokens.refresh_token ?? null,
        accessToken: tokens.access_token,
      };
    })();
    completed.catch(() => undefined);

    try {
      await open(authorizationUrl);
    } catch (cause) {
      wait.cancel();
      throw new AppError('BROWSER_UNAVAILABLE', 'The web browser could not be opened for sign-in. Check a default browser is set, then press Sign in again.', { cause });
    }
    return { authorizationUrl, completed, cancel: () => wait.cancel() };
  }
}
