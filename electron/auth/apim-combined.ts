/**
 * The combined authentication and authorisation pattern of the NHS API platform: the app
 * runs the authorization code flow (PKCE S256, state) against the platform's own
 * /oauth2/authorize in the system browser, the platform signs the user in at CIS2 behind
 * the scenes, and the code comes back to the loopback listener and is redeemed at
 * /oauth2/token with the app's signed client assertion for an e-RS access token and a
 * refresh token. The app is registered with the platform only; it gets no ID token, so
 * who signed in is learnt afterwards from e-RS (A030).
 */
import { createHash, randomBytes } from 'node:crypto';
import { AppError } from '../app-error';
import type { ErsRoleChoice } from '../ers/view-models';
import type { Logger } from '../log/logger';
import type { FetchLike } from '../platform/platform';
import { ApimClient, type ApimTokens } from './apim';
import type { RemoteSignOutResult } from './cis2';
import type { AssertionKey } from './client-assertion';
import { listenForCallback, signInCancelled, type CallbackWait } from './loopback';
import type { SignedInUser } from './session';

export interface ApimCombinedSettings {
  /** `<platform>/oauth2/authorize` */
  authorizeEndpoint: string;
  /** `<platform>/oauth2/token`: also the `aud` of the client assertion. */
  tokenEndpoint: string;
  clientId: string;
  signingKey: AssertionKey;
  /** The platform's fetch: the trust's proxy and certificates apply. */
  fetch: FetchLike;
  /** RFC 7009 token revocation, where the platform offers it (see ApimSettings). */
  revocationEndpoint?: string;
  /** Sent only when set: the platform decides the scope from the app's registration. */
  scope?: string;
  /** How long to wait for the browser to come back (default 5 minutes). */
  timeoutMs?: number;
  /** Per token request (default 20 seconds). */
  requestTimeoutMs?: number;
}

export interface PendingAuthorisation {
  authorizationUrl: string;
  completed: Promise<ApimTokens>;
  cancel(): void;
}

/**
 * Who signed in, from A030: each PractitionerRole names its practitioner by SDS user id.
 * e-RS gives no name there, so the header shows the SDS user id in its place.
 */
export function userFromRoleChoices(choices: readonly ErsRoleChoice[]): SignedInUser {
  const ids = new Set(choices.map((choice) => choice.userId).filter((id): id is string => typeof id === 'string' && id !== ''));
  const [uid] = ids;
  if (ids.size !== 1 || uid === undefined) {
    throw new AppError(
      'USER_UNKNOWN',
      'e-RS did not say who you are, so you were not signed in. Press Sign in to try again; if it keeps happening, tell your IT service desk.',
    );
  }
  return { uid, name: `SDS user ${uid}` };
}

export class ApimCombinedClient {
  private readonly tokens: ApimClient;

  constructor(
    private readonly settings: ApimCombinedSettings,
    private readonly log: Logger,
    private readonly now: () => number = () => Math.floor(Date.now() / 1000),
  ) {
    // Refresh is the same request in both patterns.
    this.tokens = new ApimClient(
      {
        tokenEndpoint: settings.tokenEndpoint,
        clientId: settings.clientId,
        signingKey: settings.signingKey,
        fetch: settings.fetch,
        ...(settings.revocationEndpoint ? { revocationEndpoint: settings.revocationEndpoint } : {}),
        ...(settings.requestTimeoutMs ? { timeoutMs: settings.requestTimeoutMs } : {}),
      },
      log,
      now,
    );
  }

  refresh(refreshToken: string): Promise<ApimTokens> {
    return this.tokens.refresh(refreshToken);
  }

  /** Discards the refresh token at the platform, where it offers revocation (ApimClient.revoke). */
  revoke(refreshToken: string, timeoutMs?: number): Promise<RemoteSignOutResult> {
    return this.tokens.revoke(refreshToken, timeoutMs);
  }

  /**
   * Starts a sign-in: listens on loopback, hands the platform's authorization URL to `open`
   * (the system browser); `completed` settles with the platform's tokens.
   */
  async begin(open: (url: string) => Promise<void>, onStrayCallback?: () => void): Promise<PendingAuthorisation> {
    const codeVerifier = randomBytes(32).toString('base64url');
    const codeChallenge = createHash('sha256').update(codeVerifier).digest('base64url');
    const state = randomBytes(32).toString('base64url');
    const wait: CallbackWait = await listenForCallback({
      expectedState: state,
      ...(this.settings.timeoutMs === undefined ? {} : { timeoutMs: this.settings.timeoutMs }),
      ...(onStrayCallback ? { onStrayCallback } : {}),
    });
    const url = new URL(this.settings.authorizeEndpoint);
    url.search = new URLSearchParams({
      response_type: 'code',
      client_id: this.settings.clientId,
      redirect_uri: wait.redirectUri,
      state,
      code_challenge: codeChallenge,
      code_challenge_method: 'S256',
      // Every sign-in asks for the user's card or authenticator, never a session still live in
      // the browser: the idle lock must not open for whoever sits at the workstation.
      prompt: 'login',
      ...(this.settings.scope ? { scope: this.settings.scope } : {}),
    }).toString();
    const authorizationUrl = url.toString();

    const completed = (async (): Promise<ApimTokens> => {
      const callbackUrl = await wait.result;
      const error = callbackUrl.searchParams.get('error');
      if (error === 'access_denied') throw signInCancelled();
      if (error) {
        this.log.warn('apim.authorize_refused', { error });
        throw new AppError(
          'SIGN_IN_REFUSED',
          'The NHS API platform did not sign you in, so press Sign in to try again, and tell your IT service desk if it keeps happening.',
        );
      }
      const code = callbackUrl.searchParams.get('code');
      if (!code)
        throw new AppError(
          'SIGN_IN_REFUSED',
          'The NHS API platform did not sign you in, so press Sign in to try again, and tell your IT service desk if it keeps happening.',
        );
      return this.redeem(code, wait.redirectUri, codeVerifier);
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

  /**
   * The authorization_code grant, the client authenticated by its signed assertion. A
   * refused code is this sign-in going wrong (SIGN_IN_INVALID_GRANT), not an ended session.
   */
  redeem(code: string, redirectUri: string, codeVerifier: string): Promise<ApimTokens> {
    return this.tokens.redeemCode(code, redirectUri, codeVerifier);
  }
}
