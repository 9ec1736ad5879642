/**
 * Authorisation with the NHS API platform (APIM), separate from authentication, as NHS
 * recommends for e-RS: the CIS2 ID token is exchanged for an APIM access token (RFC 8693),
 * the app authenticated by its signed client assertion. Refresh uses APIM's refresh token.
 */
import { AppError } from '../app-error';
import { parseRetryAfterMs } from '../ers/retry-policy';
import type { Logger } from '../log/logger';
import type { FetchLike } from '../platform/platform';
import { proxyAuthFailure } from '../platform/proxy-auth';
import { REMOTE_SIGN_OUT_TIMEOUT_MS, type RemoteSignOutResult } from './cis2';
import { CLIENT_ASSERTION_TYPE, signClientAssertion, type AssertionKey } from './client-assertion';

export interface ApimSettings {
  tokenEndpoint: string;
  clientId: string;
  signingKey: AssertionKey;
  /**
   * RFC 7009 token revocation, where the platform offers it: at sign-out the refresh token
   * is discarded there. The NHS API platform publishes none today; without one, the refresh
   * token is only dropped from memory and the access token runs out by itself.
   */
  revocationEndpoint?: string;
  /** The platform's fetch: the trust's proxy and certificates apply. */
  fetch: FetchLike;
  timeoutMs?: number;
}

export interface ApimTokens {
  accessToken: string;
  /** Epoch seconds. */
  expiresAt: number;
  refreshToken: string | null;
  refreshExpiresAt: number | null;
}

/**
 * The platform could not answer just now (429, 5xx, a connection reset or a timeout): the
 * same request may well succeed later. `retryAfterMs` is the platform's Retry-After, if it
 * sent one.
 */
export class ApimUnavailableError extends AppError {
  constructor(
    code: 'APIM_BUSY' | 'APIM_UNAVAILABLE' | 'APIM_UNREACHABLE',
    message: string,
    readonly retryAfterMs: number | null,
    options: { cause?: unknown } = {},
  ) {
    super(code, message, options);
  }
}

export function isTransientApimError(error: unknown): error is ApimUnavailableError {
  return error instanceof ApimUnavailableError;
}

/** Which request, so a refusal reads right: a first sign-in has not "ended". */
type Purpose = 'exchange' | 'code' | 'refresh';

/**
 * The platform's own words, fit to sit inside the user's sentence: no control characters,
 * no sentence breaks, not too long. Never a token: the platform does not echo them.
 */
function platformWords(error: string, description: unknown): string {
  const text = typeof description === 'string' && description.trim() !== '' ? `${error}: ${description}` : error;
  const clean = text
    .replace(/[\p{Cc}\p{Cf}]+/gu, ' ')
    .replace(/[.!?]+(\s+|$)/g, '; ')
    .replace(/\s+/g, ' ')
    .replace(/[;\s]+$/, '')
    .trim();
  return clean.length > 160 ? `${clean.slice(0, 157)}...` : clean;
}

/** The platform refused the client assertion for a time claim: most often this computer's clock. */
const TIME_CLAIM = /\b(exp|iat|nbf)\b|expir|future|clock|timestamp/i;

const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
const ID_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:id_token';
const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';

export class ApimClient {
  constructor(
    private readonly settings: ApimSettings,
    private readonly log: Logger,
    private readonly now: () => number = () => Math.floor(Date.now() / 1000),
  ) {}

  exchangeIdToken(idToken: string): Promise<ApimTokens> {
    return this.request('exchange', {
      grant_type: TOKEN_EXCHANGE,
      subject_token_type: ID_TOKEN_TYPE,
      requested_token_type: ACCESS_TOKEN_TYPE,
      subject_token: idToken,
    });
  }

  refresh(refreshToken: string): Promise<ApimTokens> {
    return this.request('refresh', { grant_type: 'refresh_token', refresh_token: refreshToken });
  }

  /**
   * Discards the refresh token at the platform (RFC 7009), authenticated by the same signed
   * client assertion as a token request (its `aud` the token endpoint, as APIM requires).
   * Bounded by `timeoutMs`; never throws: the app's own sign-out does not depend on it.
   */
  async revoke(refreshToken: string, timeoutMs = REMOTE_SIGN_OUT_TIMEOUT_MS): Promise<RemoteSignOutResult> {
    const endpoint = this.settings.revocationEndpoint;
    if (!endpoint) return 'not-offered';
    try {
      const assertion = await signClientAssertion({
        clientId: this.settings.clientId,
        tokenEndpoint: this.settings.tokenEndpoint,
        signingKey: this.settings.signingKey,
        now: this.now(),
      });
      const response = await this.settings.fetch(endpoint, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
        body: new URLSearchParams({
          token: refreshToken,
          token_type_hint: 'refresh_token',
          client_id: this.settings.clientId,
          client_assertion_type: CLIENT_ASSERTION_TYPE,
          client_assertion: assertion,
        }),
        signal: AbortSignal.timeout(timeoutMs),
      });
      await response.body?.cancel().catch(() => undefined);
      if (response.ok) return 'done';
      this.log.warn('apim.revoke_failed', { status: response.status });
      return 'refused';
    } catch (error) {
      this.log.warn('apim.revoke_failed', { error });
      return 'unreachable';
    }
  }

  /** The authorization code grant of the combined pattern (the code from APIM's own authorize). */
  redeemCode(code: string, redirectUri: string, codeVerifier: string): Promise<ApimTokens> {
    return this.request('code', { grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: codeVerifier });
  }

  private async request(purpose: Purpose, grant: Record<string, string>): Promise<ApimTokens> {
    const assertion = await signClientAssertion({
      clientId: this.settings.clientId,
      tokenEndpoint: this.settings.tokenEndpoint,
      signingKey: this.settings.signingKey,
      now: this.now(),
    });
    const body = new URLSearchParams({
      ...grant,
      client_id: this.settings.clientId,
      client_assertion_type: CLIENT_ASSERTION_TYPE,
      client_assertion: assertion,
    });
    let response: Response;
    try {
      response = await this.settings.fetch(this.settings.tokenEndpoint, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
        body,
        signal: AbortSignal.timeout(this.settings.timeoutMs ?? 20_000),
      });
    } catch (cause) {
      const proxy = proxyAuthFailure(cause);
      if (proxy) throw proxy;
      this.log.warn('apim.unreachable', { error: cause });
      throw new ApimUnavailableError(
        'APIM_UNREACHABLE',
        'The NHS API platform could not be reached to authorise you, so check your network connection and then press Sign in again.',
        null,
        { cause },
      );
    }
    let json: unknown;
    try {
      json = await response.json();
    } catch {
      json = null;
    }
    const record = (json ?? {}) as Record<string, unknown>;
    if (!response.ok) throw this.refusal(purpose, response, record);
    const accessToken = record.access_token;
    const expiresIn = Number(record.expires_in);
    if (typeof accessToken !== 'string' || !Number.isFinite(expiresIn)) {
      throw new AppError(
        'APIM_BAD_RESPONSE',
        'The NHS API platform gave an answer the app could not use, so sign in again, and tell your IT service desk if it keeps happening.',
      );
    }
    const refreshIn = Number(record.refresh_token_expires_in);
    return {
      accessToken,
      expiresAt: this.now() + expiresIn,
      refreshToken: typeof record.refresh_token === 'string' ? record.refresh_token : null,
      refreshExpiresAt: Number.isFinite(refreshIn) ? this.now() + refreshIn : null,
    };
  }

  /** One sentence for each way the platform says no; 429 and 5xx are worth trying again. */
  private refusal(purpose: Purpose, response: Response, record: Record<string, unknown>): AppError {
    const status = response.status;
    const error = typeof record.error === 'string' ? record.error : null;
    const description = typeof record.error_description === 'string' ? record.error_description : null;
    this.log.warn('apim.refused', { status, error, description, purpose });
    if (status === 429 || status >= 500) {
      const retryAfterMs = parseRetryAfterMs(response.headers.get('retry-after'), this.now() * 1000);
      return status === 429
        ? new ApimUnavailableError(
            'APIM_BUSY',
            'The NHS API platform is too busy to authorise you just now (it answered 429), so wait a minute and then press Sign in again.',
            retryAfterMs,
          )
        : new ApimUnavailableError(
            'APIM_UNAVAILABLE',
            `The NHS API platform is not working at the moment (it answered ${status}), so press Sign in again in a few minutes.`,
            retryAfterMs,
          );
    }
    const words = platformWords(error ?? `HTTP ${status}`, description);
    if (error === 'invalid_grant') {
      // Refresh: the platform's session is over. A first sign-in has not "ended": it failed.
      if (purpose === 'refresh')
        return new AppError('SIGN_IN_AGAIN', 'Your sign-in has ended. Sign in again to carry on; your screen and drafts are kept.');
      if (purpose === 'code')
        return new AppError(
          'SIGN_IN_INVALID_GRANT',
          'The sign-in could not be completed because it had already been used or had expired, so press Sign in to start again.',
        );
      return new AppError(
        'APIM_EXCHANGE_REFUSED',
        `The NHS API platform did not accept your NHS Care Identity Service sign-in (${words}), so press Sign in to try again, and tell your IT service desk if it keeps happening.`,
      );
    }
    if (description !== null && TIME_CLAIM.test(description)) {
      return new AppError(
        'APIM_CLOCK',
        `The NHS API platform refused the app's signed request (${words}), so check that this computer's clock is right, then sign in again, and tell your IT service desk if it keeps happening.`,
      );
    }
    if (error === 'invalid_client') {
      return new AppError(
        'APIM_CLIENT_REFUSED',
        `The NHS API platform did not accept this installation of the app (${words}), so ask your IT service desk to check its registration and signing key.`,
      );
    }
    return new AppError(
      'APIM_REFUSED',
      `The NHS API platform refused to authorise you (${words}), so sign in again, and tell your IT service desk if it keeps happening.`,
    );
  }
}
