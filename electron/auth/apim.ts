/**
 * Authorisation with the NHS API platform (APIM), separate from authentication, as NHS
 * recommends for e-RS: the CIS2 ID token is exchanged for an APIM access token (RFC 8693),
 * the app authenticated by its signed client assertion. Refresh uses APIM's refresh token.
 */
import { AppError } from '../app-error';
import type { Logger } from '../log/logger';
import type { FetchLike } from '../platform/platform';
import { CLIENT_ASSERTION_TYPE, signClientAssertion, type AssertionKey } from './client-assertion';

export interface ApimSettings {
  tokenEndpoint: string;
  clientId: string;
  signingKey: AssertionKey;
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
    return this.request({
      grant_type: TOKEN_EXCHANGE,
      subject_token_type: ID_TOKEN_TYPE,
      requested_token_type: ACCESS_TOKEN_TYPE,
      subject_token: idToken,
    });
  }

  refresh(refreshToken: string): Promise<ApimTokens> {
    return this.request({ grant_type: 'refresh_token', refresh_token: refreshToken });
  }

  /** The authorization code grant of the combined pattern (the code from APIM's own authorize). */
  redeemCode(code: string, redirectUri: string, codeVerifier: string): Promise<ApimTokens> {
    return this.request({ grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: codeVerifier });
  }

  private async request(grant: Record<string, string>): Promise<ApimTokens> {
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
      this.log.warn('apim.unreachable', { error: cause });
      throw new AppError('APIM_UNREACHABLE', 'The NHS API platform could not be reached to authorise you. Check your network connection, then sign in again.', { cause });
    }
    let json: unknown;
    try {
      json = await response.json();
    } catch {
      json = null;
    }
    const record = (json ?? {}) as Record<string, unknown>;
    if (!response.ok) {
      const error = typeof record.error === 'string' ? record.error : 'unknown';
      this.log.warn('apim.refused', { status: response.status, error });
      if (error === 'invalid_grant') {
        throw new AppError('SIGN_IN_AGAIN', 'Your sign-in has ended. Sign in again to carry on; your screen and drafts are kept.');
      }
      if (error === 'invalid_client') {
        throw new AppError('APIM_CLIENT_REFUSED', 'The NHS API platform did not accept this installation of the app. Ask your IT service desk to check its registration and signing key.');
      }
      throw new AppError('APIM_REFUSED', `The NHS API platform refused to authorise you (${error}). Sign in again; if it keeps happening, tell your IT service desk.`);
    }
    const accessToken = record.access_token;
    const expiresIn = Number(record.expires_in);
    if (typeof accessToken !== 'string' || !Number.isFinite(expiresIn)) {
      throw new AppError('APIM_BAD_RESPONSE', 'The NHS API platform gave an answer the app could not use. Sign in again; if it keeps happening, tell your IT service desk.');
    }
    const refreshIn = Number(record.refresh_token_expires_in);
    return {
      accessToken,
      expiresAt: this.now() + expiresIn,
      refreshToken: typeof record.refresh_token === 'string' ? record.refresh_token : null,
      refreshExpiresAt: Number.isFinite(refreshIn) ? this.now() + refreshIn : null,
    };
  }
}
