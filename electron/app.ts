/**
 * The composition root: the one place that builds the handler object both transports
 * serve. Handlers hold no transport logic; transports hold no handler logic.
 */
import path from 'node:path';
import type { AppInfo, RoleOption, WorklistView } from './api';
import { AppError } from './app-error';
import { ApimClient } from './auth/apim';
import { Cis2Client } from './auth/cis2';
import { roleLabel, SessionManager } from './auth/session';
import type { AppConfig } from './config';
import { resolveEnvironment, type EnvironmentServices } from './environment';
import { createErsClient, type ErsClient } from './ers/client';
import type { ErsRoleChoice } from './ers/view-models';
import { EventHub, type Handlers } from './handlers';
import { createExternalOpener } from './files/open-externally';
import type { Logger } from './log/logger';
import { openDrafts, type Drafts } from './offline/drafts';
import type { Platform } from './platform/platform';
import { createAuditLog } from './review/audit-log';
import { createReviewHandlers } from './review/review-handlers';

export interface AppDeps {
  config: AppConfig;
  platform: Platform;
  log: Logger;
  /** Tests shorten timers; the defaults are the product's. */
  options?: {
    signInTimeoutMs?: number;
    idleLockMs?: number;
    now?: () => number;
  };
}

export interface TriageApp {
  handlers: Handlers;
  events: EventHub;
  /** The environment's endpoints; in `local`, the running emulator and mocks. */
  services: EnvironmentServices;
  session: SessionManager;
  ers: ErsClient;
  dispose(): Promise<void>;
}

export const APP_NAME = 'e-RS Triage';
const DEFAULT_IDLE_LOCK_MINUTES = 15;

const PROVIDER_FUNCTIONS = new Set<string>(['SERVICE_PROVIDER_CLINICIAN', 'SERVICE_PROVIDER_CLINICIAN_ADMIN', 'SERVICE_PROVIDER_ADMIN']);

/** A030 lists organisations with the business functions held at each; the picker offers one role per pair. */
export function roleOptionsFrom(choices: ErsRoleChoice[], userId: string, services: Pick<EnvironmentServices, 'organisationName' | 'actsFor'>): RoleOption[] {
  const options: RoleOption[] = [];
  for (const choice of choices) {
    for (const fn of choice.businessFunctions) {
      if (!PROVIDER_FUNCTIONS.has(fn)) continue;
      const businessFunction = fn as RoleOption['businessFunction'];
      options.push({
        id: `${choice.id}|${businessFunction}`,
        businessFunction,
        label: roleLabel(businessFunction),
        organisationOds: choice.organisationOds,
        organisationName: services.organisationName(choice.organisationOds),
        actsFor: businessFunction === 'SERVICE_PROVIDER_CLINICIAN_ADMIN' ? services.actsFor(userId, choice.organisationOds) : [],
      });
    }
  }
  return options;
}

export async function createApp(deps: AppDeps): Promise<TriageApp> {
  const { config, platform, log } = deps;
  const events = new EventHub();
  const services = await resolveEnvironment(config, platform.userDataDir, log);

  let session: SessionManager | null = null;
  const currentSession = (): SessionManager => {
    if (!session) throw new AppError('STARTING', 'The app is still starting. Try again in a moment.');
    return session;
  };

  const ers = createErsClient({
    baseUrl: services.ersBaseUrl,
    environment: config.environment,
    log,
    ...(services.codeSystemBase ? { codeSystemBase: services.codeSystemBase } : {}),
    getAccessToken: async () => (services.cis2 ? currentSession().accessToken() : null),
    refreshSession: async () => {
      if (!(await currentSession().refreshAfterUnauthorised())) {
        throw new AppError('SIGN_IN_AGAIN', 'Your sign-in has ended. Sign in again to carry on; your screen and drafts are kept.');
      }
    },
    getRole: () => {
      try {
        return currentSession().roleHeaders();
      } catch {
        return null;
      }
    },
  });

  session = new SessionManager({
    environment: config.environment,
    cis2: services.cis2 ? new Cis2Client({ ...services.cis2, ...(deps.options?.signInTimeoutMs ? { timeoutMs: deps.options.signInTimeoutMs } : {}) }, log) : null,
    apim: services.apim ? new ApimClient(services.apim, log) : null,
    fetchRoles: async (_accessToken, userId) => roleOptionsFrom(await ers.getBusinessFunctions(), userId, services),
    // electronegativity-ok: OPEN_EXTERNAL_JS_CHECK — not Electron's shell: Platform.openExternal, which opens only https, or http on loopback (isSafeExternalUrl)
    openExternal: (url) => platform.openExternal(url),
    emit: (view) => events.emit('session.changed', view),
    log,
    stateDir: path.join(platform.userDataDir, 'session'),
    idleLockMs: deps.options?.idleLockMs ?? (config.machine.idleLockMinutes ?? DEFAULT_IDLE_LOCK_MINUTES) * 60_000,
    fixedRole: services.fixedRole,
    ...(deps.options?.now ? { now: deps.options.now } : {}),
  });
  const activeSession = session;

  const info: AppInfo = {
    name: APP_NAME,
    version: platform.appVersion,
    environment: config.environment,
    environmentLabel: config.environmentLabel,
    managed: config.managed,
    transport: platform.kind,
  };

  const requireSignedIn = (): void => {
    const phase = activeSession.get().phase;
    if (phase === 'locked') throw new AppError('LOCKED', 'The app is locked. Sign in again to carry on.');
    if (phase !== 'signed-in') throw new AppError('NOT_SIGNED_IN', 'Sign in and choose your role to see worklists.');
  };

  // The signed-in user's drafts: opened on first use, per user and environment.
  let drafts: { userId: string; store: Promise<Drafts> } | null = null;
  const userDrafts = (): Promise<Drafts> => {
    const userId = activeSession.get().user?.id;
    if (!userId) return Promise.reject(new AppError('NOT_SIGNED_IN', 'Sign in to keep drafts.'));
    if (drafts?.userId !== userId) {
      drafts = {
        userId,
        store: openDrafts({ root: path.join(platform.userDataDir, 'offline'), userId, environment: config.environment, keyProvider: platform.keyProvider, logger: log }),
      };
    }
    return drafts.store;
  };

  const opener = createExternalOpener({ openPath: (p) => platform.openPath(p), log });
  // Files handed to other applications are kept a day, then removed.
  void opener.cleanup(24 * 3600_000).catch(() => undefined);

  const review = createReviewHandlers({
    ers,
    session: activeSession,
    audit: createAuditLog(path.join(platform.userDataDir, 'audit')),
    drafts: userDrafts,
    opener,
    log,
    requireSignedIn,
  });

  const handlers: Handlers = {
    ...review,
    'app.info': async () => info,

    'session.get': async () => activeSession.get(),
    'session.signIn': () => activeSession.signIn(),
    'session.cancelSignIn': async () => activeSession.cancelSignIn(),
    'session.chooseRole': ({ roleId, onBehalfOfUserId }) => activeSession.chooseRole(roleId, onBehalfOfUserId),
    'session.signOut': () => activeSession.signOut(),
    'session.activity': async () => activeSession.activity(),

    'worklist.fetch': async ({ kind }): Promise<WorklistView> => {
      requireSignedIn();
      const rows = await ers.fetchWorklist(kind);
      return { kind, rows, fetchedAt: new Date().toISOString(), stale: false };
    },
  };

  return {
    handlers,
    events,
    services,
    session: activeSession,
    ers,
    async dispose() {
      activeSession.dispose();
      await services.dispose();
    },
  };
}
