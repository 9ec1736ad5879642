/**
 * The local identity stack for tests: the mock CIS2 and the mock APIM token endpoint on
 * loopback with a temporary data directory and a freshly generated client key pair, plus
 * what a test needs to act as the app and as the user's browser without a browser:
 * signing client assertions, a loopback callback listener, a cookie jar, and a sign-in
 * that follows every redirect and posts the login form as a person would.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { LocalTokenAuthority } from '../../local-env/src/access-tokens';
import {
  CLIENT_ASSERTION_TYPE,
  ID_TOKEN_TYPE,
  startMockApim,
  TOKEN_EXCHANGE_GRANT,
  type MockApim,
  type MockApimOptions,
} from '../../local-env/src/apim';
import { startMockCis2, type MockCis2, type MockCis2Options } from '../../local-env/src/cis2';

export const TEST_APIM_CLIENT_ID = 'ers-triage-local-apim';
export const TEST_ACCESS_TOKEN_ISSUER = 'urn:ers-triage:local-apim';
export const TEST_ACCESS_TOKEN_AUDIENCE = 'e-referrals-service-api';

export interface ClientKeys {
  clientId: string;
  kid: string;
  privateKey: CryptoKey;
  /** What the app registers with the API platform. */
  jwks: { keys: JWK[] };
}

export async function generateClientKeys(clientId = TEST_APIM_CLIENT_ID): Promise<ClientKeys> {
  const { privateKey, publicKey } = await generateKeyPair('RS512');
  const kid = `test-${randomUUID()}`;
  const publicJwk: JWK = { ...(await exportJWK(publicKey)), kid, alg: 'RS512', use: 'sig' };
  return { clientId, kid, privateKey, jwks: { keys: [publicJwk] } };
}

export interface AssertionOverrides {
  iss?: string;
  sub?: string;
  aud?: string;
  jti?: string;
  /** Epoch seconds. */
  exp?: number;
  iat?: number;
  /** `null` leaves the kid out of the header. */
  kid?: string | null;
  alg?: 'RS512' | 'RS256';
  /** Sign with another key (a forger's). */
  privateKey?: CryptoKey;
}

/** A client assertion as the app must make it; overrides make it wrong in one way. */
export async function signClientAssertion(keys: ClientKeys, audience: string, overrides: AssertionOverrides = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const kid = overrides.kid === null ? undefined : (overrides.kid ?? keys.kid);
  const alg = overrides.alg ?? 'RS512';
  return new SignJWT({})
    .setProtectedHeader(kid === undefined ? { alg, typ: 'JWT' } : { alg, kid, typ: 'JWT' })
    .setIssuer(overrides.iss ?? keys.clientId)
    .setSubject(overrides.sub ?? keys.clientId)
    .setAudience(overrides.aud ?? audience)
    .setJti(overrides.jti ?? randomUUID())
    .setIssuedAt(overrides.iat ?? now)
    .setExpirationTime(overrides.exp ?? now + 300)
    .sign(overrides.privateKey ?? keys.privateKey);
}

export interface LocalIdentity {
  dataDir: string;
  authority: LocalTokenAuthority;
  cis2: MockCis2;
  apim: MockApim;
  client: ClientKeys;
  close(): Promise<void>;
}

export async function startLocalIdentity(
  options: { cis2?: MockCis2Options; apim?: Partial<MockApimOptions> } = {},
): Promise<LocalIdentity> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'ers-local-identity-'));
  const authority = await LocalTokenAuthority.create({ issuer: TEST_ACCESS_TOKEN_ISSUER, audience: TEST_ACCESS_TOKEN_AUDIENCE, dataDir });
  const cis2 = await startMockCis2({ dataDir, ...options.cis2 });
  const client = await generateClientKeys();
  const apim = await startMockApim({
    authority,
    cis2: { issuer: cis2.issuer, jwksUri: cis2.jwksUri },
    clients: [{ clientId: client.clientId, jwks: client.jwks, cis2ClientIds: [cis2.clientId] }],
    ...options.apim,
  });
  return {
    dataDir,
    authority,
    cis2,
    apim,
    client,
    close: async () => {
      await Promise.all([apim.close(), cis2.close()]);
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Just enough of a browser's cookie store for one host: name → value, deletions honoured. */
export class CookieJar {
  private readonly cookies = new Map<string, string>();

  store(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';');
      const eq = pair.indexOf('=');
      if (eq < 1) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attributes.some((attribute) => {
        const [key = '', raw = ''] = attribute.split('=').map((part) => part.trim());
        if (key.toLowerCase() === 'max-age') return Number(raw) <= 0;
        if (key.toLowerCase() === 'expires') return Date.parse(raw) <= Date.now();
        return false;
      });
      if (expired || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  header(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }
}

export interface CallbackListener {
  /** `http://127.0.0.1:<port>/callback`, on a port the OS chose. */
  redirectUri: string;
  /** Resolves with the first callback URL the browser is sent to. */
  received: Promise<URL>;
  close(): Promise<void>;
}

/** The app's loopback redirect listener, as RFC 8252 section 7.3 describes it. */
export async function listenForCallback(callbackPath = '/callback'): Promise<CallbackListener> {
  let resolveReceived: (url: URL) => void = () => undefined;
  const received = new Promise<URL>((resolve) => {
    resolveReceived = resolve;
  });
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', `http://${req.headers.host ?? '127.0.0.1'}`);
    if (url.pathname !== callbackPath) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' }).end('You can return to the app.');
    resolveReceived(url);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    redirectUri: `http://127.0.0.1:${port}${callbackPath}`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

export interface Discovery {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  userinfo_endpoint: string;
  jwks_uri: string;
  [key: string]: unknown;
}

export async function discover(cis2: MockCis2): Promise<Discovery> {
  const response = await fetch(cis2.discoveryUrl);
  if (!response.ok) throw new Error(`discovery answered ${response.status}`);
  return (await response.json()) as Discovery;
}

export interface BrowserVisit {
  /** The last response the browser got that was not a redirect. */
  final: Response;
  /** Its body, read once. */
  body: string;
  /** Every URL visited, in order. */
  visited: string[];
}

/** Follows redirects as a browser would, carrying cookies; stops at the first non-redirect answer. */
export async function browse(jar: CookieJar, url: string, init: { method?: string; form?: URLSearchParams } = {}): Promise<BrowserVisit> {
  const visited: string[] = [];
  let current = url;
  let method = init.method ?? 'GET';
  let body: URLSearchParams | undefined = init.form;
  for (let hop = 0; hop < 20; hop++) {
    visited.push(current);
    const response = await fetch(current, {
      method,
      redirect: 'manual',
      headers: { cookie: jar.header(), ...(body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
      body: body?.toString(),
    });
    jar.store(response);
    const location = response.headers.get('location');
    if (response.status >= 300 && response.status < 400 && location) {
      await response.arrayBuffer();
      current = new URL(location, current).toString();
      method = 'GET';
      body = undefined;
      continue;
    }
    return { final: response, body: await response.text(), visited };
  }
  throw new Error('too many redirects');
}

export interface AuthorizeRequest {
  redirectUri: string;
  clientId?: string;
  scope?: string;
  state?: string;
  nonce?: string;
  codeChallenge?: string;
  codeChallengeMethod?: string;
  extra?: Record<string, string>;
}

export function authorizeUrl(discovery: Discovery, cis2: MockCis2, request: AuthorizeRequest): string {
  const url = new URL(discovery.authorization_endpoint);
  const params: Record<string, string | undefined> = {
    client_id: request.clientId ?? cis2.clientId,
    response_type: 'code',
    scope: request.scope ?? 'openid profile nationalrbacaccess',
    redirect_uri: request.redirectUri,
    state: request.state,
    nonce: request.nonce,
    code_challenge: request.codeChallenge,
    code_challenge_method: request.codeChallengeMethod,
    ...request.extra,
  };
  for (const [key, value] of Object.entries(params)) if (value !== undefined) url.searchParams.set(key, value);
  return url.toString();
}

/** The login form's action, read from the page the way a browser would find it. */
export function loginFormAction(html: string, pageUrl: string): string {
  const match = /<form[^>]*\saction="([^"]+)"/.exec(html);
  if (!match?.[1]) throw new Error('the page has no form');
  return new URL(match[1], pageUrl).toString();
}

export interface SignInOutcome {
  callback: URL;
  state: string;
  nonce: string;
  verifier: string;
  redirectUri: string;
}

/** Goes through the authorize endpoint and login page, choosing a user (or Cancel), up to the app's callback. */
export async function authorizeAs(
  cis2: MockCis2,
  choice: { uid: string } | 'cancel',
  request: Partial<AuthorizeRequest> = {},
): Promise<SignInOutcome> {
  const discovery = await discover(cis2);
  const listener = await listenForCallback();
  try {
    const { verifier, challenge } = pkcePair();
    const state = randomBytes(16).toString('base64url');
    const nonce = randomBytes(16).toString('base64url');
    const jar = new CookieJar();
    const loginPage = await browse(
      jar,
      authorizeUrl(discovery, cis2, {
        redirectUri: listener.redirectUri,
        state,
        nonce,
        codeChallenge: challenge,
        codeChallengeMethod: 'S256',
        ...request,
      }),
    );
    if (loginPage.final.status !== 200) throw new Error(`login page answered ${loginPage.final.status}: ${loginPage.body.slice(0, 200)}`);
    const pageUrl = loginPage.visited.at(-1) ?? cis2.issuer;
    const form =
      choice === 'cancel' ? new URLSearchParams({ action: 'cancel' }) : new URLSearchParams({ uid: choice.uid, action: 'sign-in' });
    await browse(jar, loginFormAction(loginPage.body, pageUrl), { method: 'POST', form });
    const callback = await Promise.race([
      listener.received,
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error('no callback reached the loopback listener')), 5000)),
    ]);
    return { callback, state, nonce, verifier, redirectUri: listener.redirectUri };
  } finally {
    await listener.close();
  }
}

export interface Cis2Tokens {
  id_token: string;
  access_token: string;
  refresh_token?: string;
  token_type: string;
  expires_in: number;
  scope?: string;
}

export async function redeemCode(cis2: MockCis2, outcome: SignInOutcome, verifier = outcome.verifier): Promise<Response> {
  const code = outcome.callback.searchParams.get('code') ?? '';
  return fetch(cis2.tokenEndpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: outcome.redirectUri,
      client_id: cis2.clientId,
      code_verifier: verifier,
    }),
  });
}

/** A whole CIS2 sign-in as the given user: the tokens the app would hold afterwards. */
export async function signInAtCis2(
  cis2: MockCis2,
  uid: string,
  request: Partial<AuthorizeRequest> = {},
): Promise<Cis2Tokens & { nonce: string }> {
  const outcome = await authorizeAs(cis2, { uid }, request);
  const response = await redeemCode(cis2, outcome);
  if (!response.ok) throw new Error(`token endpoint answered ${response.status}: ${await response.text()}`);
  return { ...((await response.json()) as Cis2Tokens), nonce: outcome.nonce };
}

/** POSTs a form to the APIM token endpoint and returns status and parsed JSON. */
export async function postToken(apim: MockApim, form: Record<string, string>): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(apim.tokenEndpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** The form of an RFC 8693 exchange of a CIS2 ID token, with a fresh valid assertion unless one is given. */
export async function tokenExchangeForm(identity: LocalIdentity, idToken: string, assertion?: string): Promise<Record<string, string>> {
  return {
    grant_type: TOKEN_EXCHANGE_GRANT,
    subject_token_type: ID_TOKEN_TYPE,
    subject_token: idToken,
    client_assertion_type: CLIENT_ASSERTION_TYPE,
    client_assertion: assertion ?? (await signClientAssertion(identity.client, identity.apim.tokenEndpoint)),
  };
}
