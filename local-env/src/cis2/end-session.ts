/**
 * The mock CIS2's end-session endpoint (`/connect/endSession`, where CIS2's ForgeRock AM
 * has it, published as `end_session_endpoint` in discovery). As AM does, it ends the sign-in
 * the ID token names when the token is presented as `id_token_hint`, with or without the
 * browser's cookie, so a desktop app can end it with a call of its own (a back-channel GET)
 * instead of opening a browser tab at sign-out. The hint must carry this provider's
 * signature and be for the client named; an expired hint is accepted (it only names the
 * session). oidc-provider's own RP-initiated logout needs the browser's cookie and a
 * confirmation page, so it stays off and this route stands in for it.
 */
import { compactVerify, decodeJwt, importJWK } from 'jose';
import type { KoaContextWithOIDC } from 'oidc-provider';
import type Provider from 'oidc-provider';
import type { Logger } from '../../../electron/log/logger';
import { ID_TOKEN_ALG, type SigningKey } from './signing-key';

export const END_SESSION_PATH = '/connect/endSession';

export interface EndSessionHooks {
  /** Test hook: hold every end-session request unanswered, as an IdP that accepts but never replies. */
  holdEndSession?: boolean;
  /** Test hook: answer POST with 405, as a provider that takes the hint only in the query string. */
  endSessionGetOnly?: boolean;
}

const MAX_FORM_BYTES = 64 * 1024;

async function readForm(ctx: KoaContextWithOIDC): Promise<URLSearchParams | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > MAX_FORM_BYTES) return null;
    chunks.push(buffer);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

type Next = () => Promise<unknown>;

function answer(ctx: KoaContextWithOIDC, status: number, body: unknown): void {
  ctx.status = status;
  ctx.set('Cache-Control', 'no-store');
  ctx.body = body;
}

export function endSessionRoute(
  provider: Provider,
  options: {
    issuer: string;
    key: SigningKey;
    clientIds: () => readonly string[];
    hooks: EndSessionHooks;
    logger: Logger;
    ended: string[];
    /** The method of every end-session request, oldest first. */
    methods: string[];
  },
) {
  return async (ctx: KoaContextWithOIDC, next: Next): Promise<void> => {
    if (ctx.path !== END_SESSION_PATH) {
      await next();
      return;
    }
    if (options.hooks.holdEndSession) {
      // Never answered: the request stays open until the client gives up or the server closes.
      await new Promise<void>((resolve) => ctx.req.once('close', resolve));
      return;
    }
    options.methods.push(ctx.method);
    if ((ctx.method !== 'GET' && ctx.method !== 'POST') || (ctx.method === 'POST' && options.hooks.endSessionGetOnly)) {
      ctx.set('Allow', options.hooks.endSessionGetOnly ? 'GET' : 'GET, POST');
      answer(ctx, 405, { error: 'invalid_request', error_description: 'method not allowed' });
      return;
    }
    // RP-initiated logout: the parameters in the query (GET) or a form (POST).
    const params = ctx.method === 'POST' ? await readForm(ctx) : new URLSearchParams(ctx.querystring);
    if (!params) {
      answer(ctx, 413, { error: 'invalid_request', error_description: 'the form is too large' });
      return;
    }
    const hint = params.get('id_token_hint') ?? '';
    if (!hint) {
      answer(ctx, 400, { error: 'invalid_request', error_description: 'id_token_hint is required' });
      return;
    }
    let claims: ReturnType<typeof decodeJwt>;
    try {
      await compactVerify(hint, await importJWK(options.key.publicJwk, ID_TOKEN_ALG), { algorithms: [ID_TOKEN_ALG] });
      claims = decodeJwt(hint);
    } catch {
      answer(ctx, 400, { error: 'invalid_request', error_description: 'id_token_hint is not an ID token this provider issued' });
      return;
    }
    const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    const clientId = params.get('client_id');
    if (
      claims.iss !== options.issuer ||
      !audiences.some((aud) => typeof aud === 'string' && options.clientIds().includes(aud)) ||
      (clientId !== null && !audiences.includes(clientId))
    ) {
      answer(ctx, 400, { error: 'invalid_request', error_description: 'id_token_hint is not for this client' });
      return;
    }
    const sid = typeof claims.sid === 'string' ? claims.sid : null;
    const session = sid ? await provider.Session.findByUid(sid) : undefined;
    if (session) {
      await session.destroy();
      if (sid) options.ended.push(sid);
      options.logger.info('cis2.session.ended', {});
    }
    // AM answers 200 whether or not the session was still there: signing out twice is not an error.
    ctx.status = 200;
    ctx.type = 'text/html; charset=utf-8';
    ctx.set('Cache-Control', 'no-store');
    ctx.body =
      '<!doctype html><html lang="en-GB"><head><meta charset="utf-8"><title>Signed out</title></head><body><p>You have signed out.</p></body></html>';
  };
}
