/**
 * The composition root: the one place that builds the handler object both transports
 * serve. Handlers hold no transport logic; transports hold no handler logic.
 */
import path from 'node:path';
import type { AppInfo, OfflineStatus, PrefetchProgressView, RoleOption, SessionView, WorklistView } from '../contract';
import { AppError } from './app-error';
import { ApimClient } from './auth/apim';
import { ApimCombinedClient, userFromRoleChoices } from './auth/apim-combined';
import { Cis2Client } from './auth/cis2';
import { createRememberedRoles, discardLegacyRolesFile } from './auth/remembered-roles';
import { isProviderFunction, roleLabel, SessionManager } from './auth/session';
import { pdsRequestsPerMinute, type AppConfig } from './config';
import { createDocumentConverter } from './convert/document-converter';
import { resolveEnvironment, type EnvironmentServices, type LocalEnvironmentSource } from './environment';
import { createErsClient, type ErsClient, type ErsClientOptions } from './ers/client';
import { sdsUserText } from './ers/format';
import type { ErsRoleChoice } from './ers/view-models';
import type { DispatchTarget } from './dispatch';
import { EventHub, type Handlers } from './handlers';
import { createExternalOpener } from './files/open-externally';
import type { Logger } from './log/logger';
import { isUnreachableError } from './offline/connectivity';
import type { JsonValue } from './offline/encrypted-store';
import { OfflineSession, outboxItemView, type Partition } from './offline/offline-session';
import { createReadSource } from './offline/read-source';
import { RateControl, rateControlledFetch } from './offline/prefetch/rate-control';
import { createPatientDirectory, minIntervalForRate, PDS_REQUESTS_PER_MINUTE, type PatientDirectory } from './pds/patient-directory';
import { createPdsClient } from './pds/pds-client';
import type { Platform } from './platform/platform';
import { auditActionOf, discardPlaintextAuditLog, type AuditEntry, type AuditLog } from './review/audit-log';
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
    /** Where files for other applications are written; default the OS temp folder. */
    externalFilesDir?: string;
    /** The most sign-out waits for CIS2 and the platform (session.ts); default 5 s. */
    remoteSignOutMs?: number;
  };
}

/**
 * What a transport needs of the app: what dispatch() calls (the handlers, and the session
 * whose phase decides which channels answer), the events it forwards, and an end.
 */
export interface AppShell extends DispatchTarget {
  events: EventHub;
  dispose(): Promise<void>;
  /**
   * The window's size, position and zoom kept with the signed-in user's encrypted data
   * (window-state.ts decides what they mean; main.ts applies them). Absent where no user
   * signs in (the app on a computer IT has not set up).
   */
  userWindowState?: {
    /** Whose they are now: the signed-in user with a role chosen, else null. */
    userId(): Promise<string | null>;
    read(): Promise<unknown>;
    write(state: JsonValue): Promise<void>;
  };
}

export interface TriageApp extends AppShell {
  /** The environment's endpoints; in `local`, the running emulator and mocks. */
  services: EnvironmentServices;
  session: SessionManager;
  ers: ErsClient;
  /** The signed-in user's audit of decisions, decrypted; empty when nobody is signed in. */
  auditEntries(): Promise<AuditEntry[]>;
  patients: PatientDirectory;
}

export const APP_NAME = 'e-RS Triage';
const DEFAULT_IDLE_LOCK_MINUTES = 15;
const DEFAULT_RETENTION_DAYS = 7;
const DAY_MS = 24 * 3600_000;

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
  // A signing key that ordinary users can read stops the app here (auth/apim-keys.ts).
  const services = await resolveEnvironment(config, platform.userDataDir, log, deps.local, (file) => platform.ordinaryReaders(file));

  const opener = createExternalOpener({
    openPath: (p) => platform.openPath(p),
    log,
    ...(deps.options?.externalFilesDir ? { baseDir: deps.options.externalFilesDir } : {}),
  });
  async function clearExternalFiles(): Promise<void> {
    try {
      await opener.clear();
    } catch (error) {
      log.warn('files.open_externally.clear_failed', { error });
    }
  }
  // Anything left by a run that ended without quitting (a crash, a power cut) goes at once.
  void clearExternalFiles();

  // Earlier versions kept the audit in plaintext JSON lines that never expired.
  await discardPlaintextAuditLog(platform.userDataDir).then(
    (entries) => entries > 0 && log.info('audit.plaintext_discarded', { entries }),
    (error: unknown) => log.warn('audit.plaintext_not_discarded', { error }),
  );
  // Earlier versions kept the roles in plaintext, under an unsalted hash of the staff id.
  const sessionDir = path.join(platform.userDataDir, 'session');
  await discardLegacyRolesFile(sessionDir).then(
    (found) => found && log.info('session.legacy_roles_file_discarded', {}),
    (error: unknown) => log.warn('session.legacy_roles_file_not_discarded', { error }),
  );

  let session: SessionManager | null = null;
  const currentSession = (): SessionManager => {
    if (!session) throw new AppError('STARTING', 'The app is still starting. Try again in a moment.');
    return session;
  };

  // Every outbound call goes through the platform's fetch: the trust's proxy and certificates.
  const fetch = platform.fetch;
  const ersOptions: ErsClientOptions = {
    baseUrl: services.ersBaseUrl,
    fetch,
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
    getUserId: () => session?.get().user?.id ?? null,
  };
  const ers = createErsClient(ersOptions);

  session = new SessionManager({
    environment: config.environment,
    cis2: services.cis2
      ? new Cis2Client(
          { ...services.cis2, fetch, ...(deps.options?.signInTimeoutMs ? { timeoutMs: deps.options.signInTimeoutMs } : {}) },
          log,
        )
      : null,
    apim: services.apim ? new ApimClient({ ...services.apim, fetch }, log) : null,
    combined: services.combined
      ? new ApimCombinedClient(
          { ...services.combined, fetch, ...(deps.options?.signInTimeoutMs ? { timeoutMs: deps.options.signInTimeoutMs } : {}) },
          log,
        )
      : null,
    // A030 with the new token alone, never through the session: at the lock screen the session's
    // token and role may still be the previous user's, and neither may mix with this one.
    identifyUser: async (accessToken) =>
      userFromRoleChoices(
        await createErsClient({
          ...ersOptions,
          getAccessToken: async () => accessToken,
          refreshSession: async () => {
            throw new AppError('SIGN_IN_AGAIN', 'Your sign-in has ended. Sign in again to carry on; your screen and drafts are kept.');
          },
          getRole: () => null,
        }).getBusinessFunctions(),
      ),
    fetchRoles: async () =>
      roleOptionsFrom(
        await ers.getBusinessFunctions(),
        services,
        async (ods) =>
          (await ers.getOnBehalfOfPractitioners(ods)).map((p) => ({ userId: p.userId, name: p.name ?? sdsUserText(p.userId) })),
        log,
      ),
    // electronegativity-ok: OPEN_EXTERNAL_JS_CHECK — not Electron's shell: Platform.openExternal, which opens only https, or http on loopback (isSafeExternalUrl)
    openExternal: (url) => platform.openExternal(url),
    emit: (view) => events.emit('session.changed', view),
    log,
    rememberedRoles: createRememberedRoles({
      dir: sessionDir,
      environment: config.environment,
      keyProvider: () => platform.keyProvider,
      retentionMs: (config.machine.cache?.retentionDays ?? DEFAULT_RETENTION_DAYS) * DAY_MS,
      log,
    }),
    idleLockMs: deps.options?.idleLockMs ?? (config.machine.idleLockMinutes ?? DEFAULT_IDLE_LOCK_MINUTES) * 60_000,
    // The browser's own time limit and a minute for the exchange and the roles after it.
    ...(deps.options?.signInDeadlineMs || deps.options?.signInTimeoutMs
      ? { signInDeadlineMs: deps.options.signInDeadlineMs ?? (deps.options.signInTimeoutMs ?? 0) + 60_000 }
      : {}),
    fixedRole: services.fixedRole,
    ...(deps.options?.now ? { now: deps.options.now } : {}),
    ...(deps.options?.remoteSignOutMs ? { remoteSignOutMs: deps.options.remoteSignOutMs } : {}),
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

  // Offline: one session per signed-in user, role and environment, opened once a role is chosen.
  let offline: OfflineSession | null = null;
  let opening: Promise<void> | null = null;
  let prefetch: PrefetchProgressView | null = null;
  const cacheSettings = config.machine.cache ?? {};

  // What the last drain of the outbox sent, said once in the offline bar.
  let sentNotice: OfflineStatus['sent'] = null;
  // Decisions are audited in the signed-in user's encrypted offline folder (audit-log.ts).
  const audit: AuditLog = {
    async record(entry) {
      if (opening) await opening;
      if (offline) return offline.audit.record(entry);
      // No offline folder (the OS cannot protect its key): nothing is kept in plaintext instead.
      log.warn('audit.not_kept', { action: entry.action, result: entry.result });
    },
  };

  const offlineStatus = async (): Promise<OfflineStatus> => ({
    online: offline ? !offline.isOffline() : true,
    banner: offline?.banner() ?? null,
    prefetch,
    outbox: offline ? (await offline.outbox.list()).map(outboxItemView) : [],
    sent: sentNotice,
  });
  const publishOffline = (): void => {
    void offlineStatus().then(
      (status) => events.emit('offline.changed', status),
      () => undefined,
    );
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
      onQueuedSent: async (sent) => {
        // The audit said "queued"; what became of each is appended with the same outbox id.
        for (const item of sent) {
          const what = auditActionOf(item.operation, item.input);
          if (!what) continue;
          const actor =
            typeof item.input.actor === 'object' && item.input.actor !== null ? (item.input.actor as Record<string, unknown>) : {};
          const id = (key: string) => (typeof actor[key] === 'string' ? (actor[key] as string) : null);
          try {
            await audit.record({
              ...what,
              ubrn: typeof item.input.ubrn === 'string' ? item.input.ubrn : '',
              userId: id('userId'),
              businessFunction: id('businessFunction'),
              organisationOds: id('organisationOds'),
              onBehalfOfUserId: id('onBehalfOfUserId'),
              correlationId: item.correlationId,
              result: 'sent',
              errorCode: null,
              outboxId: item.outboxId,
            });
          } catch (error) {
            log.error('audit.write_failed', { action: what.action, result: 'sent', error });
          }
        }
        const count = sent.length;
        sentNotice = {
          count,
          message: count === 1 ? '1 queued decision was sent to e-RS.' : `${count} queued decisions were sent to e-RS.`,
          at: new Date().toISOString(),
        };
        publishOffline();
      },
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
    sentNotice = null;
    if (!closing) return;
    // Files handed to other applications were this user's: they go with the session.
    await clearExternalFiles();
    // Decisions still waiting (in any of the user's roles) are never wiped with the cache: they stay for their user.
    const wipe = cacheSettings.wipeOnSignOut === true && closingForGood;
    const waiting =
      wipe && (await OfflineSession.decisionsWaiting(OfflineSession.root(platform.userDataDir), closing.userId, config.environment));
    await closing.close({ wipe: wipe && !waiting });
  }
  /** Set while the user signs out; a change of role closes a session without wiping. */
  let closingForGood = false;

  /** The user and role whose data may show now: signed in (or locked) with a role chosen. */
  const wanted = (view: SessionView): { userId: string; partition: Partition } | null => {
    const userId = view.phase === 'signed-in' || view.phase === 'locked' ? (view.user?.id ?? null) : null;
    const role = view.role;
    if (!userId || !role) return null;
    return {
      userId,
      partition: {
        businessFunction: role.businessFunction,
        organisationOds: role.organisationOds,
        onBehalfOfUserId: role.onBehalfOf?.userId ?? null,
      },
    };
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
    if (event !== 'session.changed') return;
    const view = payload as SessionView;
    // Plain patient documents written for other applications never outlive the screen
    // that showed them: gone at the idle lock and at sign-out.
    if (view.phase === 'locked' || view.phase === 'signed-out') void clearExternalFiles();
    followSession(view);
  });
  // Where there is no sign-in (the sandbox) the session starts signed in: open at once.
  followSession(activeSession.get());
  const offlineReady = async (): Promise<OfflineSession | null> => {
    // A close is followed at once by the open for the next user or role: wait for both, or
    // a read would go uncached (or, worse, to the session of the role just left).
    while (opening) await opening;
    return offline;
  };
  // Every read of e-RS data chooses between e-RS and the offline copy here, and only here.
  const read = createReadSource(offlineReady);

  const converter = createDocumentConverter({ log });
  // Patient details from PDS: the same APIM token as e-RS, and only for patients e-RS has
  // shown this user. PDS's rate limit is the application's, so every read (the banner's and
  // the worklist's) goes through one RateControl that a 429 pauses.
  const pdsRate = new RateControl({ maxConcurrency: 2 });
  const pds = services.pdsBaseUrl
    ? createPdsClient({
        baseUrl: services.pdsBaseUrl,
        log,
        fetch: rateControlledFetch(platform.fetch, pdsRate),
        ...(ersOptions.getAccessToken ? { getAccessToken: ersOptions.getAccessToken } : {}),
        ...(ersOptions.refreshSession ? { refreshSession: ersOptions.refreshSession } : {}),
        // NHSD-Session-URID: the CIS2 role profile the chosen role is held under. With CIS2
        // sign-in PDS is never asked without it. The combined pattern's identity comes from
        // e-RS, which names no role profile, and the sandbox has no user: no URID there.
        getUser: () => {
          const role = activeSession.get().role;
          return role ? { organisationOds: role.organisationOds, roleProfileId: activeSession.roleProfileId() } : null;
        },
      })
    : null;
  const patients = createPatientDirectory({
    client: pds,
    store: async () => (await offlineReady())?.store ?? null,
    offline: () => offline?.isOffline() ?? false,
    log,
    // This desktop's share of PDS's per-application rate limit (policy PdsRequestsPerMinute).
    minIntervalMs: minIntervalForRate(pdsRequestsPerMinute(config, PDS_REQUESTS_PER_MINUTE)),
  });
  // Patient details held in memory go with the session, the role they were shown under, and a lock.
  let patientsFor: string | null = null;
  events.subscribe((event, payload) => {
    if (event !== 'session.changed') return;
    const view = payload as SessionView;
    const key =
      view.phase === 'signed-in' && view.user && view.role
        ? `${view.user.id}|${view.role.organisationOds}|${view.role.businessFunction}|${view.role.onBehalfOf?.userId ?? ''}`
        : null;
    if (key !== patientsFor) {
      patientsFor = key;
      patients.reset();
    }
  });
  const nhsDigits = (formatted: string): string => formatted.replace(/\s+/g, '');
  const startPatientLookup = (formatted: string): void => {
    const nhs = nhsDigits(formatted);
    patients.allow([nhs]);
    void patients.lookup(nhs).catch((error: unknown) => log.warn('pds.lookup_failed', { error }));
  };

  const review = createReviewHandlers({
    ers,
    session: activeSession,
    converter,
    audit,
    offline: offlineReady,
    read,
    opener,
    log,
    nameOf: (userId) => activeSession.knownName(userId),
  });
  const named = (view: WorklistView): WorklistView => ({ ...view, rows: nameRows(view.rows, (userId) => activeSession.knownName(userId)) });

  const handlers: Handlers = {
    ...review,
    // What e-RS shows the user is what PDS may be asked about; and the banner will ask at
    // once, so the read starts now, while the screen is drawn (the banner joins it).
    'referral.open': async (input) => {
      const screen = await review['referral.open'](input);
      startPatientLookup(screen.referral.nhsNumber);
      return screen;
    },
    'advice.open': async (input) => {
      const screen = await review['advice.open'](input);
      startPatientLookup(screen.request.nhsNumber);
      return screen;
    },
    'patient.get': async ({ nhsNumber }) => patients.lookup(nhsNumber),
    'patient.summaries': async ({ nhsNumbers }) => patients.summaries(nhsNumbers),
    'app.info': async () => info,

    'session.get': async () => activeSession.get(),
    'session.signIn': () => activeSession.signIn(),
    'session.cancelSignIn': async () => activeSession.cancelSignIn(),
    'session.chooseRole': ({ roleId, onBehalfOfUserId }) => activeSession.chooseRole(roleId, onBehalfOfUserId),
    'session.signOut': async () => {
      // The trust may require a wipe at sign-out; decisions still waiting (in any role) must not be wiped with it.
      const userId = activeSession.get().user?.id ?? null;
      if (
        cacheSettings.wipeOnSignOut &&
        userId &&
        (await OfflineSession.decisionsWaiting(OfflineSession.root(platform.userDataDir), userId, config.environment))
      ) {
        throw new AppError(
          'OUTBOX_NOT_EMPTY',
          'Decisions are still waiting to be sent. Reconnect to send them, or cancel them, before signing out.',
        );
      }
      return activeSession.signOut();
    },
    'session.activity': async () => activeSession.activity(),

    'worklist.fetch': async ({ kind, refresh }): Promise<WorklistView> => {
      const found = await read({
        fetch: () => ers.fetchWorklist(kind),
        cached: async (session, fetch) => {
          const kept = await session.reads.worklist(kind, fetch);
          return { value: kept.rows, fetchedAt: kept.fetchedAt, stale: kept.stale };
        },
        showsData: true,
      });
      const view: WorklistView = { kind, rows: found.value, fetchedAt: found.fetchedAt, stale: found.stale };
      // What e-RS shows the user is what PDS may be asked about.
      patients.allow(view.rows.map((row) => nhsDigits(row.nhsNumber)));
      // After sign-in and on each refresh, what the lists hold is fetched in the background;
      // not for a service provider admin, whom e-RS lets list items but not read them.
      const session = found.session;
      const readsItems = activeSession.get().role?.businessFunction !== 'SERVICE_PROVIDER_ADMIN';
      if (session && readsItems && !view.stale && (refresh || prefetch === null)) {
        session.startPrefetch();
        // Reference data too, so a rejection can be written while offline.
        void handlers['referral.rejectionReasons']({}).catch(() => undefined);
      }
      return named(view);
    },

    'offline.status': async () => {
      await offlineReady();
      return offlineStatus();
    },

    'outbox.cancel': async ({ id }) => {
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
    async auditEntries() {
      const session = await offlineReady();
      return session ? session.audit.entries() : [];
    },
    patients,
    userWindowState: {
      async userId() {
        return (await offlineReady())?.userId ?? null;
      },
      async read() {
        return (await offlineReady())?.preferences.get('window') ?? null;
      },
      async write(state) {
        await (await offlineReady())?.preferences.set('window', state);
      },
    },
    async dispose() {
      patients.reset();
      activeSession.dispose();
      if (opening) await opening;
      await offline?.close({ wipe: false }).catch(() => undefined);
      await clearExternalFiles();
      await converter.dispose();
      await services.dispose();
    },
  };
}
