/**
 * Test hook: lets a test make the mock CIS2 hand out an ID token that a careful client
 * must refuse (issued in the future or already expired, as from a clock far off; a lower
 * `acr`; another audience). The token endpoint issues a proper ID token first; when the
 * hook is set, its claims are rewritten and the token re-signed with the provider's own
 * key, so the signature still verifies and only the rewritten claims are wrong.
 * Never set outside tests.
 */
import { decodeJwt, decodeProtectedHeader, importJWK, SignJWT, type JWTPayload } from 'jose';
import type { KoaContextWithOIDC } from 'oidc-provider';
import type { EndSessionHooks } from './end-session';
import { ID_TOKEN_ALG, type SigningKey } from './signing-key';

export interface Cis2TestHooks extends EndSessionHooks {
  /** Rewrites the claims of every ID token the token endpoint returns. */
  rewriteIdTokenClaims?: (claims: JWTPayload) => JWTPayload;
}

type Next = () => Promise<unknown>;

function hasIdToken(body: unknown): body is { id_token: string } {
  return typeof body === 'object' && body !== null && typeof (body as { id_token?: unknown }).id_token === 'string';
}

export function idTokenTestHook(hooks: Cis2TestHooks, key: SigningKey) {
  return async (ctx: KoaContextWithOIDC, next: Next): Promise<void> => {
    await next();
    const rewrite = hooks.rewriteIdTokenClaims;
    if (!rewrite || ctx.oidc?.route !== 'token' || !hasIdToken(ctx.body)) return;
    const header = decodeProtectedHeader(ctx.body.id_token);
    const claims = rewrite({ ...decodeJwt(ctx.body.id_token) });
    const privateKey = await importJWK(key.privateJwk, ID_TOKEN_ALG);
    const idToken = await new SignJWT(claims)
      .setProtectedHeader({ ...header, alg: ID_TOKEN_ALG, kid: key.privateJwk.kid })
      .sign(privateKey);
    ctx.body = { ...ctx.body, id_token: idToken };
  };
}
