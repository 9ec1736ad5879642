/**
 * An OpenID Provider FOR TESTS ONLY, which can lie. Plain node:http on 127.0.0.1 with an
 * OS-assigned port, and jose: discovery, a JWKS, an authorize endpoint that redirects
 * straight back with a code (no login page: the test is the browser), and a token endpoint
 * that checks the code, the redirect URI and the PKCE verifier like a real provider, then
 * returns an ID token signed however the test asks:
 *
 *  - `real` / `real-rs512`: the provider's own key (RS256 / RS512), the honest case;
 *  - `foreign-key`: another RSA key under the provider's own `kid`;
 *  - `foreign-key-new-kid`: another RSA key under a `kid` the JWKS never lists;
 *  - `hs256-client-id`: HS256 keyed with the client id (a public client has no secret);
 *  - `hs256-public-key`: HS256 keyed with the provider's public key (the alg-confusion attack);
 *  - `hs256-any-secret`: HS256 with a secret of the forger's choosing;
 *  - `none`: an unsecured JWT (`alg: none`, no signature);
 *  - `es256-listed`: a real ES256 key that the JWKS lists, an algorithm the app does not accept;
 *  - `rotated`: a new key whose `kid` is missing from the first JWKS fetch and present after.
 *
 * Discovery lists whatever algorithm the current signing uses (`none`, `HS256`...), so a
 * client that trusts the discovery document's list, as openid-client does, is put to the test.
 * Never used outside tests.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, exportSPKI, generateKeyPair, SignJWT, UnsecuredJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';

export type IdTokenSigning =
  | 'real'
  | 'real-rs512'
  | 'foreign-key'
  | 'foreign-key-new-kid'
  | 'hs256-client-id'
  | 'hs256-public-key'
  | 'hs256-any-secret'
  | 'none'
  | 'es256-listed'
  | 'rotated';

export const FORGED_SIGNINGS: readonly IdTokenSigning[] = [
  'foreign-key',
  'foreign-key-new-kid',
  'hs256-client-id',
  'hs256-public-key',
  'hs256-any-secret',
  'none',
  'es256-listed',
];

export interface ForgedOpOptions {
  clientId?: string;
  signing?: IdTokenSigning;
}

export interface CannedResponse {
  status: number;
  body: string;
  headers?: Record<string, string>;
}

export interface ForgedOp {
  issuer: string;
  clientId: string;
  /** How the next ID token is signed; set it before the client's first discovery. */
  signing: IdTokenSigning;
  /** Rewrites the claims of each ID token before it is signed. */
  rewriteClaims: ((claims: JWTPayload) => JWTPayload) | null;
  /** Claims userinfo answers with (besides `sub`), for a bearer token; null: userinfo answers 404. */
  userinfo: Record<string, unknown> | null;
  /** How many times userinfo was asked. */
  userinfoRequests: number;
  /** The `issuer` discovery states, when it should differ from the URL it is served from. */
  discoveryIssuer: string | null;
  /** Answers discovery with this instead (an outage, a wrong address). */
  discoveryResponse: CannedResponse | null;
  /** Answers the token endpoint with this instead (an outage, an error). */
  tokenResponse: CannedResponse | null;
  /** The callback carries this error instead of a code. */
  authorizeError: string | null;
  /** How many times the JWKS was fetched. */
  jwksFetches: number;
  /** The authorization requests seen, as URLs. */
  authorizeRequests: URL[];
  /** Acts as the user's browser: opens the authorization URL and follows the redirect to the loopback listener. */
  browse(authorizationUrl: string): Promise<number>;
  close(): Promise<void>;
}

interface PendingCode {
  clientId: string;
  redirectUri: string;
  codeChallenge: string;
  nonce: string | null;
  used: boolean;
}

async function rsaKey(alg: 'RS256' | 'RS512', kid: string) {
  const pair = await generateKeyPair(alg, { extractable: true });
  const publicJwk: JWK = { ...(await exportJWK(pair.publicKey)), kid, alg, use: 'sig' };
  return { privateKey: pair.privateKey, publicKey: pair.publicKey, publicJwk };
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': typeof body === 'string' ? 'text/html' : 'application/json',
    'Cache-Control': 'no-store',
    ...headers,
  });
  res.end(text);
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

function algorithmOf(signing: IdTokenSigning): string {
  switch (signing) {
    case 'real-rs512':
      return 'RS512';
    case 'hs256-client-id':
    case 'hs256-public-key':
    case 'hs256-any-secret':
      return 'HS256';
    case 'none':
      return 'none';
    case 'es256-listed':
      return 'ES256';
    default:
      return 'RS256';
  }
}

export async function startForgedOp(options: ForgedOpOptions = {}): Promise<ForgedOp> {
  const clientId = options.clientId ?? 'forged-op-test-client';
  const real = await rsaKey('RS256', 'op-key-1');
  const real512 = await rsaKey('RS512', 'op-key-512');
  const next = await rsaKey('RS256', 'op-key-2');
  const foreign = await rsaKey('RS256', 'op-key-1');
  const es = await generateKeyPair('ES256', { extractable: true });
  const esJwk: JWK = { ...(await exportJWK(es.publicKey)), kid: 'op-key-es', alg: 'ES256', use: 'sig' };
  const publicPem = await exportSPKI(real.publicKey);
  const codes = new Map<string, PendingCode>();

  const op: ForgedOp = {
    issuer: '',
    clientId,
    signing: options.signing ?? 'real',
    rewriteClaims: null,
    userinfo: null,
    userinfoRequests: 0,
    discoveryIssuer: null,
    discoveryResponse: null,
    tokenResponse: null,
    authorizeError: null,
    jwksFetches: 0,
    authorizeRequests: [],
    async browse(authorizationUrl: string): Promise<number> {
      const authorize = await fetch(authorizationUrl, { redirect: 'manual' });
      const location = authorize.headers.get('location');
      await authorize.arrayBuffer();
      if (!location) return authorize.status;
      const callback = await fetch(location);
      await callback.arrayBuffer();
      return callback.status;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };

  function jwks(): { keys: JWK[] } {
    op.jwksFetches += 1;
    const keys = [real.publicJwk, real512.publicJwk, esJwk];
    // Rotation: the new key appears only after the first fetch.
    if (op.signing === 'rotated' && op.jwksFetches > 1) keys.push(next.publicJwk);
    return { keys };
  }

  function discovery(): Record<string, unknown> {
    const algs = ['RS256', 'RS512'];
    const current = algorithmOf(op.signing);
    if (!algs.includes(current)) algs.push(current);
    return {
      issuer: op.discoveryIssuer ?? op.issuer,
      authorization_endpoint: `${op.issuer}/authorize`,
      token_endpoint: `${op.issuer}/token`,
      jwks_uri: `${op.issuer}/jwks`,
      userinfo_endpoint: `${op.issuer}/userinfo`,
      response_types_supported: ['code'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: algs,
      code_challenge_methods_supported: ['S256'],
      token_endpoint_auth_methods_supported: ['none'],
      grant_types_supported: ['authorization_code', 'refresh_token'],
      authorization_response_iss_parameter_supported: true,
      acr_values_supported: ['AAL1_USERPASS', 'AAL3_ANY'],
    };
  }

  async function idToken(claims: JWTPayload): Promise<string> {
    const signed = (alg: string, kid: string | undefined) =>
      new SignJWT(claims).setProtectedHeader(kid ? { alg, kid, typ: 'JWT' } : { alg, typ: 'JWT' });
    switch (op.signing) {
      case 'real':
        return signed('RS256', 'op-key-1').sign(real.privateKey);
      case 'real-rs512':
        return signed('RS512', 'op-key-512').sign(real512.privateKey);
      case 'rotated':
        return signed('RS256', 'op-key-2').sign(next.privateKey);
      case 'foreign-key':
        return signed('RS256', 'op-key-1').sign(foreign.privateKey);
      case 'foreign-key-new-kid':
        return signed('RS256', `forger-${randomUUID()}`).sign(foreign.privateKey);
      case 'hs256-client-id':
        return signed('HS256', 'op-key-1').sign(new TextEncoder().encode(clientId));
      case 'hs256-public-key':
        return signed('HS256', 'op-key-1').sign(new TextEncoder().encode(publicPem));
      case 'hs256-any-secret':
        return signed('HS256', undefined).sign(randomBytes(32));
      case 'es256-listed':
        return signed('ES256', 'op-key-es').sign(es.privateKey as CryptoKey);
      case 'none':
        return new UnsecuredJWT(claims).encode();
    }
  }

  function canned(res: ServerResponse, answer: CannedResponse): void {
    res.writeHead(answer.status, { 'Content-Type': 'text/html', ...answer.headers });
    res.end(answer.body);
  }

  async function token(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const form = await readForm(req);
    if (op.tokenResponse) return canned(res, op.tokenResponse);
    const code = codes.get(form.get('code') ?? '');
    const verifier = form.get('code_verifier') ?? '';
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    if (
      form.get('grant_type') !== 'authorization_code' ||
      !code ||
      code.used ||
      code.clientId !== form.get('client_id') ||
      code.redirectUri !== form.get('redirect_uri') ||
      challenge !== code.codeChallenge
    ) {
      send(res, 400, { error: 'invalid_grant', error_description: 'code, redirect_uri or code_verifier does not match' });
      return;
    }
    code.used = true;
    const now = Math.floor(Date.now() / 1000);
    const uid = '555000000001';
    let claims: JWTPayload = {
      iss: op.issuer,
      sub: uid,
      aud: clientId,
      exp: now + 600,
      iat: now,
      auth_time: now,
      acr: 'AAL3_ANY',
      amr: ['SCARD'],
      uid,
      name: 'Dr Test Forged-Op',
      sid: randomUUID(),
      ...(code.nonce ? { nonce: code.nonce } : {}),
    };
    if (op.rewriteClaims) claims = op.rewriteClaims(claims);
    send(res, 200, {
      access_token: randomBytes(24).toString('base64url'),
      token_type: 'Bearer',
      expires_in: 600,
      refresh_token: randomBytes(24).toString('base64url'),
      id_token: await idToken(claims),
    });
  }

  function authorize(url: URL, res: ServerResponse): void {
    op.authorizeRequests.push(url);
    const p = url.searchParams;
    const redirectUri = p.get('redirect_uri') ?? '';
    if (p.get('client_id') !== clientId || !/^http:\/\/127\.0\.0\.1:\d+\/callback$/.test(redirectUri)) {
      send(res, 400, '<p>unknown client or redirect_uri</p>');
      return;
    }
    const back = new URL(redirectUri);
    back.searchParams.set('state', p.get('state') ?? '');
    back.searchParams.set('iss', op.issuer);
    if (op.authorizeError) {
      back.searchParams.set('error', op.authorizeError);
    } else if (p.get('response_type') !== 'code' || p.get('code_challenge_method') !== 'S256' || !p.get('code_challenge')) {
      back.searchParams.set('error', 'invalid_request');
    } else {
      const code = randomBytes(16).toString('base64url');
      codes.set(code, { clientId, redirectUri, codeChallenge: p.get('code_challenge') ?? '', nonce: p.get('nonce'), used: false });
      back.searchParams.set('code', code);
    }
    res.writeHead(302, { Location: back.toString(), 'Cache-Control': 'no-store' });
    res.end();
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', op.issuer);
    const route = `${req.method ?? ''} ${url.pathname}`;
    const failed = (error: unknown) => send(res, 500, { error: 'server_error', error_description: String(error) });
    switch (route) {
      case 'GET /.well-known/openid-configuration':
        return op.discoveryResponse ? canned(res, op.discoveryResponse) : send(res, 200, discovery());
      case 'GET /jwks':
        return send(res, 200, jwks());
      case 'GET /authorize':
        return authorize(url, res);
      case 'POST /token':
        return void token(req, res).catch(failed);
      case 'GET /userinfo':
        op.userinfoRequests += 1;
        if (!op.userinfo) return send(res, 404, { error: 'not_found' });
        if (!/^Bearer \S+$/.test(req.headers.authorization ?? '')) return send(res, 401, { error: 'invalid_token' });
        return send(res, 200, { sub: '555000000001', ...op.userinfo });
      default:
        return send(res, 404, { error: 'not_found' });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  op.issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return op;
}
