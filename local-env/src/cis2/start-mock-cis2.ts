/**
 * The local stand-in for NHS CIS2 Authentication: an OpenID provider (oidc-provider) on
 * loopback with discovery, authorization code + PKCE (S256 only, always required), RS256
 * ID tokens with CIS2's acr/amr and claims, refresh tokens, and the app registered as a
 * native public client whose loopback redirect may use any port (RFC 8252 section 7.3).
 * Endpoint paths follow CIS2's (`/authorize`, `/access_token`, `/userinfo`,
 * `/connect/jwk_uri`, `/connect/endSession`) though clients should only ever find them
 * through discovery. The end-session endpoint ends the sign-in an `id_token_hint` names, as
 * CIS2's does (end-session.ts).
 */
import { randomBytes } from 'node:crypto';
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { JWK } from 'jose';
import Provider, { type ClientMetadata, type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import { silentLogger, type Logger } from '../../../electron/log/logger';
import { SYNTHETIC_USERS, type SyntheticUser } from '../users';
import { CIS2_CLAIMS_BY_SCOPE, CIS2_SCOPES, cis2ClaimsFor } from './cis2-claims';
import { END_SESSION_PATH, endSessionRoute } from './end-session';
import { idTokenTestHook, type Cis2TestHooks } from './id-token-test-hook';
import { interactionRoutes, type Authentication } from './interaction-routes';
import { createMemoryAdapter } from './memory-adapter';
import { PAGE_CSP, renderErrorPage } from './pages';
import { ID_TOKEN_ALG, loadOrCreateSigningKey } from './signing-key';

export const DEFAULT_CIS2_CLIENT_ID = 'ers-triage-local';

/** CIS2's authentication context classes, strongest first. */
export const CIS2_ACR_VALUES = ['AAL3_ANY', 'AAL2_OR_AAL3_ANY', 'AAL2_ANY', 'AAL1_USERPASS'] as const;

const SMARTCARD: Authentication = { acr: 'AAL3_ANY', amr: ['N3_SMARTCARD'] };

export interface MockCis2Options {
  /** Port on 127.0.0.1; the OS picks one when absent. */
  port?: number;
  /** The app's client id at CIS2. */
  clientId?: string;
  clientName?: string;
  /** Registered redirect URIs; loopback ones accept any port at request time. */
  redirectUris?: string[];
  /** Where the ID token signing key is kept, so tokens verify across restarts. */
  dataDir?: string;
  users?: readonly SyntheticUser[];
  /** What a sign-in on the login page stands for; a smartcard at AAL3 unless told. */
  authentication?: Authentication;
  logger?: Logger;
  testHooks?: Cis2TestHooks;
  /** Confidential clients besides the app: the mock API platform, for the combined pattern. */
  confidentialClients?: ConfidentialClient[];
}

/**
 * A relying party that authenticates with a client secret, as the NHS API platform does at
 * CIS2 when it signs users in for the combined pattern. Its loopback redirect may use any
 * port, since the platform's port is chosen by the OS after CIS2 has started.
 */
export interface ConfidentialClient {
  clientId: string;
  clientSecret: string;
  clientName: string;
  redirectUris: string[];
}

export interface MockCis2 {
  /** `http://127.0.0.1:<port>`: the issuer, and the base of every endpoint. */
  issuer: string;
  discoveryUrl: string;
  jwksUri: string;
  tokenEndpoint: string;
  clientId: string;
  /** The public keys ID tokens are signed with. */
  jwks(): { keys: JWK[] };
  /** Mutable: set `rewriteIdTokenClaims` to make the next ID tokens fail a client's checks. */
  testHooks: Cis2TestHooks;
  /** `<issuer>/connect/endSession`, as discovery publishes it. */
  endSessionEndpoint: string;
  /** The sign-in sessions (their `sid`) that ID tokens were issued for, oldest first. */
  sessionIds(): readonly string[];
  /** Whether the sign-in session with this `sid` is still live at the provider. */
  sessionActive(sid: string): Promise<boolean>;
  /** The sessions the end-session endpoint has ended, oldest first. */
  endedSessions(): readonly string[];
  /** The HTTP method of each request to the end-session endpoint, oldest first. */
  endSessionMethods(): readonly string[];
  close(): Promise<void>;
}

const TTL = {
  AccessToken: 60 * 60,
  AuthorizationCode: 60,
  IdToken: 60 * 60,
  Interaction: 10 * 60,
  Session: 12 * 60 * 60,
  Grant: 12 * 60 * 60,
  RefreshToken: 12 * 60 * 60,
} as const;

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function errorMessage(error: string, description: string | undefined): string {
  if (description?.startsWith('redirect_uri'))
    return 'The app asked to come back to an address this sign-in service does not accept for it.';
  if (error === 'invalid_client') return 'The app that sent you here is not registered with this sign-in service.';
  return `The sign-in request was not valid (${description ?? error}).`;
}

export async function startMockCis2(options: MockCis2Options = {}): Promise<MockCis2> {
  const logger = options.logger ?? silentLogger;
  const clientId = options.clientId ?? DEFAULT_CIS2_CLIENT_ID;
  const clientName = options.clientName ?? 'e-RS Triage';
  const users = options.users ?? SYNTHETIC_USERS;
  const testHooks: Cis2TestHooks = options.testHooks ?? {};
  const key = await loadOrCreateSigningKey(options.dataDir);

  // The issuer must carry the port, so the server listens before the provider exists.
  let handler: RequestListener | null = null;
  const server = createServer((req, res) => {
    if (handler) handler(req, res);
    else {
      res.statusCode = 503;
      res.end();
    }
  });
  const port = await listen(server, options.port ?? 0);
  const issuer = `http://127.0.0.1:${port}`;
  const sessionIds: string[] = [];
  const ended: string[] = [];
  const endSessionMethods: string[] = [];

  const configuration: Configuration = {
    adapter: createMemoryAdapter(),
    clients: [
      {
        client_id: clientId,
        client_name: clientName,
        application_type: 'native',
        token_endpoint_auth_method: 'none',
        redirect_uris: options.redirectUris ?? ['http://127.0.0.1/callback', 'http://[::1]/callback'],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        id_token_signed_response_alg: ID_TOKEN_ALG,
      },
      ...(options.confidentialClients ?? []).map((client): ClientMetadata => ({
        client_id: client.clientId,
        client_secret: client.clientSecret,
        client_name: client.clientName,
        // 'native' is what lets oidc-provider accept the loopback redirect on any port.
        application_type: 'native',
        token_endpoint_auth_method: 'client_secret_post',
        redirect_uris: client.redirectUris,
        grant_types: ['authorization_code'],
        response_types: ['code'],
        id_token_signed_response_alg: ID_TOKEN_ALG,
      })),
    ],
    jwks: { keys: [key.privateJwk] },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    findAccount: (_ctx, id, token) => {
      const user = users.find((candidate) => candidate.uid === id);
      if (!user) return undefined;
      // The code or token being redeemed knows its browser session; its uid serves as CIS2's
      // `sid`, so the API platform can tie access tokens to one sign-in.
      const source = token as { sessionUid?: unknown; acr?: unknown } | undefined;
      if (typeof source?.sessionUid === 'string' && !sessionIds.includes(source.sessionUid)) sessionIds.push(source.sessionUid);
      const signIn = {
        sid: typeof source?.sessionUid === 'string' ? source.sessionUid : undefined,
        acr: typeof source?.acr === 'string' ? source.acr : undefined,
      };
      return { accountId: user.uid, claims: () => cis2ClaimsFor(user, signIn) };
    },
    scopes: [...CIS2_SCOPES, 'offline_access'],
    claims: CIS2_CLAIMS_BY_SCOPE,
    acrValues: [...CIS2_ACR_VALUES],
    // CIS2 offers the authorization code flow only.
    responseTypes: ['code'],
    // CIS2 puts the profile and RBAC claims in the ID token too; the app and APIM read them there.
    conformIdTokenClaims: false,
    // A native app never calls CIS2 from a web page.
    clientBasedCORS: () => false,
    pkce: { required: () => true },
    // CIS2 publishes its end-session endpoint; oidc-provider's own needs the browser (see end-session.ts).
    discovery: { end_session_endpoint: `${issuer}${END_SESSION_PATH}` },
    features: {
      devInteractions: { enabled: false },
      rpInitiatedLogout: { enabled: false },
      resourceIndicators: { enabled: false },
      pushedAuthorizationRequests: { enabled: false },
      dPoP: { enabled: false },
      userinfo: { enabled: true },
    },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    issueRefreshToken: (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    renderError: (ctx, out) => {
      ctx.type = 'text/html; charset=utf-8';
      ctx.set('Content-Security-Policy', PAGE_CSP);
      ctx.body = renderErrorPage({ title: 'Sign-in could not continue', message: errorMessage(out.error, out.error_description) });
    },
    routes: {
      authorization: '/authorize',
      token: '/access_token',
      userinfo: '/userinfo',
      jwks: '/connect/jwk_uri',
    },
    ttl: { ...TTL },
  };

  const provider = new Provider(issuer, configuration);
  provider.use(idTokenTestHook(testHooks, key));
  provider.use(
    endSessionRoute(provider, {
      issuer,
      key,
      clientIds: () => [clientId, ...(options.confidentialClients ?? []).map((client) => client.clientId)],
      hooks: testHooks,
      logger,
      ended,
      methods: endSessionMethods,
    }),
  );
  provider.use(
    interactionRoutes(provider, {
      users,
      clientName: (id) =>
        id === clientId ? clientName : (options.confidentialClients?.find((client) => client.clientId === id)?.clientName ?? id),
      authentication: options.authentication ?? SMARTCARD,
      logger,
    }),
  );
  provider.on('server_error', (_ctx: KoaContextWithOIDC, error: Error) => logger.error('cis2.server_error', { message: error.message }));
  provider.on('grant.error', (_ctx: KoaContextWithOIDC, error: Error) => logger.info('cis2.token.refused', { error: error.message }));
  handler = provider.callback();
  logger.info('cis2.started', { issuer });

  return {
    issuer,
    discoveryUrl: `${issuer}/.well-known/openid-configuration`,
    jwksUri: `${issuer}/connect/jwk_uri`,
    tokenEndpoint: `${issuer}/access_token`,
    clientId,
    jwks: () => ({ keys: [key.publicJwk] }),
    testHooks,
    endSessionEndpoint: `${issuer}${END_SESSION_PATH}`,
    sessionIds: () => [...sessionIds],
    sessionActive: async (sid) => (await provider.Session.findByUid(sid)) !== undefined,
    endedSessions: () => [...ended],
    endSessionMethods: () => [...endSessionMethods],
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
