/**
 * The composition root: the one place that builds the handler object both transports
 * serve. Handlers hold no transport logic; transports hold no handler logic.
 */
import path from 'node:path';
import type { AppInfo, OfflineStatus, PrefetchProgressView, RoleOption, SessionView, WorklistView } from './api';
import { AppError } from './app-error';
import { ApimClient } from './auth/apim';
import { ApimCombinedClient, userFromRoleChoices } from './auth/apim-combined';
import { Cis2Client } from './auth/cis2';
import { isProviderFunction, roleLabel, SessionManager } from './auth/session';
import type { AppConfig } from './config';
import { resolveEnvironment, type EnvironmentServices, type LocalEnvironmentSource } from './environment';
import { createErsClient, type ErsClient, type ErsClientOptions } from './ers/client';
import { sdsUserText } from './ers/format';
import type { ErsRoleChoice } from './ers/view-models';
import { EventHub, type Handlers } from './handlers';
import { createExternalOpener } from './files/open-externally';
import type { Logger } from './log/logger';
import { isUnreachableError } from './offline/connectivity';
import { OfflineSession, outboxItemView, type Partition } from './offline/offline-session';
import type { Platform } from './platform/platform';
import { createAuditLog } from './review/audit-log';
import { nameRows } from './review/people';
import { createReviewHandlers } from './review/review-handlers';

export interface AppDeps {
  config: AppConfig;
  platform: Platform;
  log: Logger;
  /** Development and tests only: where the `local` environment comes from (see environment.ts). */
  local?: LocalEnvironmentSource;
  /** Tests shorten timers; the defaults are the product's. */
  options?: {
    signInTimeoutMs?: number;
    /** The whole sign-in, exchange and roles included (session.ts). */
    signInDeadlineMs?: number;
    idleLockMs?: number;
    now?: () => number;
  };
}

/** What a transport needs of the app: the handlers it serves, the events it forwards, and an end. */
export interface AppShell {
  handlers: Handlers;
  events: EventHub;
  dispose(): Promise<void>;
}

export interface TriageApp extends AppShell {
  /** The environment's endpoints; in `local`, the running emulator and mocks. */
  services: EnvironmentServices;
  session: SessionManager;
  ers: ErsClient;
}

export const APP_NAME = 'e-RS Triage';
const DEFAULT_IDLE_LOCK_MINUTES = 15;


/** The clinicians a clinician admin may act for at one organisation (A040), with a name for each. */
export type ActsForLookup = (organisationOds: string) => Promise<{ userId: string; name: string }[]>;

/**
 * A030 lists organisations with the business functions held at each; the picker offers one
 * role per pair. A clinician admin role comes with the clinicians e-RS says (A040) it may act
 * for. e-RS unreachable fails the whole list (the session then offers the roles kept from the
 * last sign-in); any other refusal leaves that role with nobody to act for, which the picker says.
 */
export async function roleOptionsFrom(
  choices: ErsRoleChoice[],
  services: Pick<EnvironmentServices, 'organisationName'>,
  actsFor: ActsForLookup,
  log?: Logger,
): Promise<RoleOption[]> {
  const options: RoleOption[] = [];
  for (const choice of choices) {
    for (const fn of choice.businessFunctions) {
      if (!isProviderFunction(fn)) continue;
      const businessFunction = fn;
      let clinicians: RoleOption['actsFor'] = [];
      if (businessFunction === 'SERVICE_PROVIDER_CLINICIAN_ADMIN') {
        try {
          clinicians = await actsFor(choice.organisationOds);
        } catch (error) {
          if (isUnreachableError(error)) throw error;
          log?.warn('session.acts_for_failed', { error });
        }
      }
      options.push({
        id: `${choice.id}|${businessFunction}`,
        businessFunction,
        label: roleLabel(businessFunction),
        organisationOds: choice.organisationOds,
        organisationName: services.organisationName(choice.organisationOds),
        actsFor: clinicians,
      });
    }
  }
  return options;
}

export async function createApp(deps: AppDeps): Promise<TriageApp> {
  const { config, platform, log } = deps;
  const events = new EventHub();
  const services = await resolveEnvironment(config, platform.userDataDir, log, deps.local);

  let session: SessionManager | null = null;
  const currentSession = (): SessionManager => {
    if (!session) throw new AppError('STARTING', 'The app is still starting. Try again in a moment.');
    return session;
  };

  const ersOptions: ErsClientOptions = {
    baseUrl: services.ersBaseUrl,
    environment: config.environment,
    log,
    ...(services.codeSystemBase ? { codeSystemBase: services.codeSystemBase } : {}),
    getAccessToken: async () => (services.cis2 || services.combined ? currentSession().accessToken() : null),
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
  };
  const ers = createErsClient(ersOptions);

  session = new SessionManager({
    environment: config.environment,
    cis2: services.cis2 ? new Cis2Client({ ...services.cis2, ...(deps.options?.signInTimeoutMs ? { timeoutMs: deps.options.signInTimeoutMs } : {}) }, log) : null,
    apim: services.apim ? new ApimClient(services.apim, log) : null,
    combined: services.combined ? new ApimCombinedClient({ ...services.combined, ...(deps.options?.signInTimeoutMs ? { timeoutMs: deps.options.signInTimeoutMs } : {}) }, log) : null,
    identifyUser: async () => userFromRoleChoices(await ers.getBusinessFunctions()),
    fetchRoles: async () =>
      roleOptionsFrom(
        await ers.getBusinessFunctions(),
        services,
        async (ods) => (await ers.getOnBehalfOfPractitioners(ods)).map((p) => ({ userId: p.userId, name: p.name ?? sdsUserText(p.userId) })),
        log,
      ),
    // electronegativity-ok: OPEN_EXTERNAL_JS_CHECK — not Electron's shell: Platform.openExternal, which opens only https, or http on loopback (isSafeExternalUrl)
    openExternal: (url) => platform.openExternal(url),
    emit: (view) => events.emit('session.changed', view),
    log,
    stateDir: path.join(platform.userDataDir, 'session'),
    idleLockMs: deps.options?.idleLockMs ?? (config.machine.idleLockMinutes ?? DEFAULT_IDLE_LOCK_MINUTES) * 60_000,
    // The browser's own time limit and a minute for the exchange and the roles after it.
    ...(deps.options?.signInDeadlineMs || deps.options?.signInTimeoutMs
      ? { signInDeadlineMs: deps.options.signInDeadlineMs ?? (deps.options.signInTimeoutMs ?? 0) + 60_000 }
      : {}),
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
    setup: null,
  };

  const requireSignedIn = (): void => {
    const phase = activeSession.get().phase;
    if (phase === 'locked') throw new AppError('LOCKED', 'The app is locked. Sign in again to carry on.');
    if (phase !== 'signed-in') throw new AppError('NOT_SIGNED_IN', 'Sign in and choose your role to see worklists.');
  };

  // Offline: one session per signed-in user, role and environment, opened once a role is chosen.
  let offline: OfflineSession | null = null;
  let opening: Promise<void> | null = null;
  let prefetch: PrefetchProgressView | null = null;
  const cacheSettings = config.machine.cache ?? {};

  const offlineStatus = async (): Promise<OfflineStatus> => ({
    online: offline ? !offline.isOffline() : true,
    banner: offline?.banner() ?? null,
    prefetch,
    outbox: offline ? (await offline.outbox.list()).map(outboxItemView) : [],
  });
  const publishOffline = (): void => {
    void offlineStatus().then((status) => events.emit('offline.changed', status), () => undefined);
  };

  async function openOffline(userId: string, partition: Partition): Promise<void> {
    const opened = await OfflineSession.open({
      root: OfflineSession.root(platform.userDataDir),
      userId,
      partition,
      environment: config.environment,
      keyProvider: platform.keyProvider,
      ersBaseUrl: services.ersBaseUrl,
      ersOptions,
      ers,
      settings: cacheSettings,
      log,
      onProgress: (p) => {
        prefetch = { phase: p.phase, total: p.total, done: p.done, failed: p.failed, bytes: p.bytes, message: p.message };
        publishOffline();
      },
      onConnectivity: () => publishOffline(),
      onOutbox: () => publishOffline(),
      actor: () => {
        const view = activeSession.get();
        return {
          userId: view.user?.id ?? null,
          businessFunction: view.role?.businessFunction ?? null,
          organisationOds: view.role?.organisationOds ?? null,
          onBehalfOfUserId: view.role?.onBehalfOf?.userId ?? null,
        };
      },
    });
    offline = opened;
    // Decisions queued in an earlier run go out as soon as e-RS answers.
    void opened.drain();
  }

  async function closeOffline(): Promise<void> {
    const closing = offline;
    offline = null;
    prefetch = null;
    if (!closing) return;
    // Decisions still waiting (in any of the user's roles) are never wiped with the cache: they stay for their user.
    const wipe = cacheSettings.wipeOnSignOut === true && closingForGood;
    const waiting = wipe && (await OfflineSession.decisionsWaiting(OfflineSession.root(platform.userDataDir), closing.userId, config.environment));
    await closing.close({ wipe: wipe && !waiting });
  }
  /** Set while the user signs out; a change of role closes a session without wiping. */
  let closingForGood = false;

  /** The user and role whose data may show now: signed in (or locked) with a role chosen. */
  const wanted = (view: SessionView): { userId: string; partition: Partition } | null => {
    const userId = view.phase === 'signed-in' || view.phase === 'locked' ? (view.user?.id ?? null) : null;
    const role = view.role;
    if (!userId || !role) return null;
    return { userId, partition: { businessFunction: role.businessFunction, organisationOds: role.organisationOds, onBehalfOfUserId: role.onBehalfOf?.userId ?? null } };
  };

  /**
   * Opens the offline session for whoever is signed in, in the role they chose; closes it
   * when they sign out, and swaps it when the user or the role changes, so no role ever
   * sees what another kept.
   */
  const followSession = (view: SessionView): void => {
    const want = wanted(view);
    // While an open or close is under way, the last word is checked again when it ends, so a
    // sign-out or another user arriving meanwhile is never lost.
    if (opening) return;
    if (want && !offline?.isFor(want.userId, want.partition)) {
      closingForGood = false;
      opening = (offline ? closeOffline() : Promise.resolve())
        .then(() => openOffline(want.userId, want.partition))
        .catch((error: unknown) => log.error('offline.open_failed', { error }))
        .finally(() => {
          opening = null;
          followSession(activeSession.get());
        });
    } else if (want && view.phase === 'signed-in' && !view.needsReauth) {
      // A role chosen (or a sign-in renewed): decisions waiting for this role can go now.
      void offline?.drain();
    } else if (!want && view.phase !== 'locked' && offline) {
      // Signed out, or signed in again and still choosing a role: nothing of the last role stays open.
      closingForGood = view.phase === 'signed-out';
      opening = closeOffline()
        .catch((error: unknown) => log.error('offline.close_failed', { error }))
        .finally(() => {
          opening = null;
          followSession(activeSession.get());
        });
    }
  };
  events.subscribe((event, payload) => {
    if (event === 'session.changed') followSession(payload as SessionView);
  });
  // Where there is no sign-in (the sandbox) the session starts signed in: open at once.
  followSession(activeSession.get());
  const offlineReady = async (): Promise<OfflineSession | null> => {
    // A close is followed at once by the open for the next user or role: wait for both, or
    // a read would go uncached (or, worse, to the session of the role just left).
    while (opening) await opening;
    return offline;
  };

  const opener = createExternalOpener({ openPath: (p) => platform.openPath(p), log });
  // Files handed to other applications are kept a day, then removed.
  void opener.cleanup(24 * 3600_000).catch(() => undefined);

  const review = createReviewHandlers({
    ers,
    session: activeSession,
    audit: createAuditLog(path.join(platform.userDataDir, 'audit')),
    offline: offlineReady,
    opener,
    log,
    requireSignedIn,
    nameOf: (userId) => activeSession.knownName(userId),
  });
  const named = (view: WorklistView): WorklistView => ({ ...view, rows: nameRows(view.rows, (userId) => activeSession.knownName(userId)) });

  const handlers: Handlers = {
    ...review,
    'app.info': async () => info,

    'session.get': async () => activeSession.get(),
    'session.signIn': () => activeSession.signIn(),
    'session.cancelSignIn': async () => activeSession.cancelSignIn(),
    'session.chooseRole': ({ roleId, onBehalfOfUserId }) => activeSession.chooseRole(roleId, onBehalfOfUserId),
    'session.signOut': async () => {
      // The trust may require a wipe at sign-out; decisions still waiting (in any role) must not be wiped with it.
      const userId = activeSession.get().user?.id ?? null;
      if (cacheSettings.wipeOnSignOut && userId && (await OfflineSession.decisionsWaiting(OfflineSession.root(platform.userDataDir), userId, config.environment))) {
        throw new AppError('OUTBOX_NOT_EMPTY', 'Decisions are still waiting to be sent. Reconnect to send them, or cancel them, before signing out.');
      }
      return activeSession.signOut();
    },
    'session.activity': async () => activeSession.activity(),

    'worklist.fetch': async ({ kind, refresh }): Promise<WorklistView> => {
      requireSignedIn();
      const session = await offlineReady();
      if (!session) {
        const rows = await ers.fetchWorklist(kind);
        return named({ kind, rows, fetchedAt: new Date().toISOString(), stale: false });
      }
      const view = await session.prefetcher.foreground(() => session.reads.worklist(kind, () => ers.fetchWorklist(kind)));
      session.noteDataFrom(view.fetchedAt);
      // After sign-in and on each refresh, what the lists hold is fetched in the background;
      // not for a service provider admin, whom e-RS lets list items but not read them.
      const readsItems = activeSession.get().role?.businessFunction !== 'SERVICE_PROVIDER_ADMIN';
      if (readsItems && !view.stale && (refresh || prefetch === null)) {
        session.startPrefetch();
        // Reference data too, so a rejection can be written while offline.
        void handlers['referral.rejectionReasons']({}).catch(() => undefined);
      }
      return named(view);
    },

    'offline.status': async () => {
      requireSignedIn();
      await offlineReady();
      return offlineStatus();
    },

    'outbox.cancel': async ({ id }) => {
      requireSignedIn();
      const session = await offlineReady();
      if (!session) throw new AppError('NOT_SIGNED_IN', 'Sign in to see decisions waiting to be sent.');
      return session.cancelQueued(id);
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
      if (opening) await opening;
      await offline?.close({ wipe: false }).catch(() => undefined);
      await services.dispose();
    },
  };
}
