/**
 * The mock CIS2's end-user interaction: oidc-provider sends the browser here when it needs
 * someone signed in. The page lists the synthetic users; choosing one stands for a
 * smartcard sign-in at the configured assurance level, and Cancel returns `access_denied`
 * to the app. Consent is implied, as CIS2's terms of use imply it, so a consent prompt is
 * answered at once with a grant for what the app asked for.
 */
import type { IncomingMessage } from 'node:http';
import type Provider from 'oidc-provider';
import { errors, type InteractionResults, type KoaContextWithOIDC } from 'oidc-provider';
import type { Logger } from '../../../electron/log/logger';
import type { SyntheticUser } from '../users';
import { PAGE_CSP, renderErrorPage, renderLoginPage, STYLESHEET, STYLESHEET_PATH } from './pages';

export interface Authentication {
  /** CIS2's Authentication Context Class, e.g. `AAL3_ANY`. */
  acr: string;
  /** CIS2's Authentication Methods References, e.g. `['N3_SMARTCARD']`. */
  amr: string[];
}

export interface InteractionRoutesOptions {
  users: readonly SyntheticUser[];
  clientName: (clientId: string) => string;
  authentication: Authentication;
  logger: Logger;
}

type Next = () => Promise<unknown>;

const INTERACTION_PATH = /^\/interaction\/([A-Za-z0-9_-]{1,128})$/;
const MAX_FORM_BYTES = 16 * 1024;

class FormTooLarge extends Error {}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > MAX_FORM_BYTES) throw new FormTooLarge();
    chunks.push(buffer);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

function sendPage(ctx: KoaContextWithOIDC, status: number, html: string): void {
  ctx.status = status;
  ctx.type = 'text/html; charset=utf-8';
  ctx.set('Cache-Control', 'no-store');
  ctx.set('Content-Security-Policy', PAGE_CSP);
  ctx.set('X-Content-Type-Options', 'nosniff');
  ctx.body = html;
}

function sendExpired(ctx: KoaContextWithOIDC): void {
  sendPage(
    ctx,
    400,
    renderErrorPage({
      title: 'This sign-in has expired',
      message: 'The sign-in page was open too long, or was already used, so it cannot continue.',
    }),
  );
}

function redirect(ctx: KoaContextWithOIDC, location: string): void {
  ctx.status = 303;
  ctx.set('Cache-Control', 'no-store');
  ctx.redirect(location);
}

function stringList(value: unknown): string[] | undefined {
  return Array.isArray(value) && value.every((item) => typeof item === 'string') ? value : undefined;
}

async function grantImpliedConsent(provider: Provider, ctx: KoaContextWithOIDC): Promise<string> {
  const interaction = await provider.interactionDetails(ctx.req, ctx.res);
  const { details } = interaction.prompt;
  const accountId = interaction.session?.accountId;
  const clientId = interaction.params.client_id;
  if (!accountId || typeof clientId !== 'string') throw new errors.SessionNotFound('interaction has no signed-in account');
  const existing = interaction.grantId ? await provider.Grant.find(interaction.grantId) : undefined;
  const grant = existing ?? new provider.Grant({ accountId, clientId });
  const scopes = stringList(details.missingOIDCScope);
  if (scopes) grant.addOIDCScope(scopes.join(' '));
  const claims = stringList(details.missingOIDCClaims);
  if (claims) grant.addOIDCClaims(claims);
  const resourceScopes = details.missingResourceScopes;
  if (typeof resourceScopes === 'object' && resourceScopes !== null) {
    for (const [indicator, scope] of Object.entries(resourceScopes)) {
      const list = stringList(scope);
      if (list) grant.addResourceScope(indicator, list.join(' '));
    }
  }
  const grantId = await grant.save();
  const result: InteractionResults = { consent: existing ? {} : { grantId } };
  return provider.interactionResult(ctx.req, ctx.res, result, { mergeWithLastSubmission: true });
}

async function showInteraction(provider: Provider, ctx: KoaContextWithOIDC, uid: string, options: InteractionRoutesOptions): Promise<void> {
  const interaction = await provider.interactionDetails(ctx.req, ctx.res);
  if (interaction.uid !== uid) return sendExpired(ctx);
  if (interaction.prompt.name === 'consent') return redirect(ctx, await grantImpliedConsent(provider, ctx));
  const clientId = typeof interaction.params.client_id === 'string' ? interaction.params.client_id : '';
  sendPage(ctx, 200, renderLoginPage({ interactionUid: uid, clientName: options.clientName(clientId), users: options.users }));
}

async function submitInteraction(
  provider: Provider,
  ctx: KoaContextWithOIDC,
  uid: string,
  options: InteractionRoutesOptions,
): Promise<void> {
  const interaction = await provider.interactionDetails(ctx.req, ctx.res);
  if (interaction.uid !== uid) return sendExpired(ctx);
  let form: URLSearchParams;
  try {
    form = await readForm(ctx.req);
  } catch (error) {
    if (!(error instanceof FormTooLarge)) throw error;
    return sendPage(
      ctx,
      413,
      renderErrorPage({ title: 'Sign-in could not continue', message: 'The sign-in form sent more data than it should.' }),
    );
  }
  if (form.get('action') === 'cancel') {
    options.logger.info('cis2.sign_in.cancelled', { clientId: interaction.params.client_id });
    const returnTo = await provider.interactionResult(
      ctx.req,
      ctx.res,
      {
        error: 'access_denied',
        error_description: 'The user cancelled the sign-in.',
      },
      { mergeWithLastSubmission: false },
    );
    return redirect(ctx, returnTo);
  }
  const chosen = options.users.find((user) => user.uid === form.get('uid'));
  if (!chosen) {
    const clientId = typeof interaction.params.client_id === 'string' ? interaction.params.client_id : '';
    return sendPage(
      ctx,
      400,
      renderLoginPage({
        interactionUid: uid,
        clientName: options.clientName(clientId),
        users: options.users,
        error: 'Select who you are signing in as',
      }),
    );
  }
  // Someone else is still signed in in this browser (the app signed out, and another person
  // signs in at the same workstation): CIS2 signs the new smartcard in. oidc-provider would
  // instead send the browser to a logout confirmation page that only script can submit, and
  // the sign-in would never come back to the app. So the old browser session ends first.
  const previous = interaction.session;
  if (previous?.accountId && previous.accountId !== chosen.uid) {
    if (previous.uid) await (await provider.Session.findByUid(previous.uid))?.destroy();
    delete interaction.session;
    await interaction.save(Math.max(1, interaction.exp - Math.floor(Date.now() / 1000)));
    options.logger.info('cis2.sign_in.replaced_session', { clientId: interaction.params.client_id });
  }
  const result: InteractionResults = {
    login: {
      accountId: chosen.uid,
      acr: options.authentication.acr,
      amr: [...options.authentication.amr],
      // A browser-session cookie only: closing the browser signs the synthetic user out.
      remember: false,
    },
  };
  options.logger.info('cis2.sign_in.completed', { clientId: interaction.params.client_id, acr: options.authentication.acr });
  redirect(ctx, await provider.interactionResult(ctx.req, ctx.res, result, { mergeWithLastSubmission: false }));
}

/** Koa middleware, registered with `provider.use`, that serves the interaction pages before oidc-provider's own routes. */
export function interactionRoutes(provider: Provider, options: InteractionRoutesOptions) {
  return async (ctx: KoaContextWithOIDC, next: Next): Promise<void> => {
    if (ctx.path === STYLESHEET_PATH && (ctx.method === 'GET' || ctx.method === 'HEAD')) {
      ctx.type = 'text/css; charset=utf-8';
      ctx.set('Cache-Control', 'public, max-age=3600');
      ctx.body = STYLESHEET;
      return;
    }
    const match = INTERACTION_PATH.exec(ctx.path);
    const uid = match?.[1];
    if (!uid) {
      await next();
      return;
    }
    try {
      if (ctx.method === 'GET') await showInteraction(provider, ctx, uid, options);
      else if (ctx.method === 'POST') await submitInteraction(provider, ctx, uid, options);
      else {
        ctx.status = 405;
        ctx.set('Allow', 'GET, POST');
      }
    } catch (error) {
      if (error instanceof errors.SessionNotFound) return sendExpired(ctx);
      throw error;
    }
  };
}
