/**
 * The signed-in session, held in main-process memory only. It drives sign-in (CIS2 in the
 * system browser, then the APIM token exchange; or, in the combined pattern, the
 * authorization code flow at APIM itself), the role choice (A030), token refresh
 * before expiry, the idle lock and sign-out, and tells the renderer what to show through
 * `SessionView`, which never carries a token.
 */
import type { EnvironmentName, RoleOption, SessionView } from '../../contract';
import { AppError } from '../app-error';
import type { Logger } from '../log/logger';
import { isUnreachableError } from '../offline/connectivity';
import { isTransientApimError, type ApimClient, type ApimTokens } from './apim';
import type { ApimCombinedClient, PendingAuthorisation } from './apim-combined';
import { REMOTE_SIGN_OUT_TIMEOUT_MS, type Cis2Client, type Cis2Identity, type PendingSignIn, type RemoteSignOutResult } from './cis2';
import type { RememberedRoles, RememberedRolesStore } from './remembered-roles';
import { roleProfileFor, type Cis2RoleProfile } from './role-profiles';

export interface RoleHeaders {
  businessFunction: RoleOption['businessFunction'];
  organisationOds: string;
  onBehalfOfUserId: string | null;
}

/** What the e-RS client needs from the session. */
export interface SessionAccess {
  accessToken(): Promise<string>;
  /** Asked after a 401: refresh once; false when the user must sign in again. */
  refreshAfterUnauthorised(): Promise<boolean>;
  roleHeaders(): RoleHeaders;
}

export interface SessionDeps {
  environment: EnvironmentName;
  /** Null in environments without sign-in (the NHS sandbox). */
  cis2: Cis2Client | null;
  /** Null in the combined pattern or where there is no sign-in. */
  apim: ApimClient | null;
  /** The combined pattern: sign-in and authorisation at APIM in one; `cis2` is then null. */
  combined?: ApimCombinedClient | null;
  /**
   * Combined pattern only: who the token belongs to. The platform gives the app no ID token,
   * so this asks e-RS (A030, whose PractitionerRoles name the SDS user id).
   */
  identifyUser?: (accessToken: string) => Promise<SignedInUser>;
  /** A030: the roles the user may act in, with the access token just obtained. */
  fetchRoles(accessToken: string, userId: string): Promise<RoleOption[]>;
  openExternal(url: string): Promise<void>;
  emit(view: SessionView): void;
  log: Logger;
  /** Where the last role choice and roles per user are remembered (encrypted); none, nothing is. */
  rememberedRoles?: RememberedRolesStore | null;
  idleLockMs?: number;
  /**
   * The most a whole sign-in may take, from pressing Sign in to the roles being offered
   * (the browser, the token exchange and A030 together); past it the attempt is stopped with
   * a sentence instead of leaving "Finish signing in" on screen for ever.
   */
  signInDeadlineMs?: number;
  /** The role used where there is no sign-in (sandbox). */
  fixedRole?: { businessFunction: RoleOption['businessFunction']; organisationOds: string; onBehalfOfUserId?: string } | null;
  now?: () => number;
  /** Refresh this long before the access token expires. */
  refreshLeadSeconds?: number;
  /** Called when the session ends, for the offline store's wipe policy. */
  onSignedOut?: (userId: string | null) => Promise<void>;
  /** The refresh schedule's timers; tests pass their own to move time on. */
  timers?: SessionTimers;
  /**
   * The most sign-out waits for CIS2's end-session endpoint and the platform's revocation
   * (asked side by side); the app's own sign-out is complete before either is asked.
   */
  remoteSignOutMs?: number;
}

/** Timers for the refresh schedule. */
export interface SessionTimers {
  set(callback: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

const realTimers: SessionTimers = {
  set(callback, ms) {
    const timer = setTimeout(callback, ms);
    timer.unref();
    return timer;
  },
  clear(handle) {
    clearTimeout(handle as NodeJS.Timeout);
  },
};

/**
 * A refresh the platform could not answer (429, 5xx, a reset connection) is tried again
 * while the access token in hand still works: after Retry-After when the platform sent
 * one, else after 1, 2, 4... seconds up to 30. A retry must land this long before expiry.
 */
export const REFRESH_RETRY = { baseMs: 1000, maxMs: 30_000, beforeExpiryMs: 5000 };

export const SIGNED_OUT = 'You have signed out.';
/** CIS2's own sign-in may still be live in the browser: another person could continue it there. */
export const SIGNED_OUT_CIS2_UNREACHED =
  'You have signed out of e-RS Triage, but NHS Care Identity Service could not be reached to end your sign-in there, so close your web browser before you leave this computer.';
/** The refresh token is gone from memory; only this installation's key could use it, and it runs out. */
export const SIGNED_OUT_PLATFORM_UNREACHED =
  'You have signed out; the NHS API platform could not be reached to cancel your sign-in there, so it will run out by itself, and you need do nothing.';

const SESSION_ENDED = 'Your sign-in has ended. Sign in again to carry on; your screen and drafts are kept.';
const RENEWAL_FAILED =
  'The NHS API platform could not renew your sign-in before it ran out, so sign in again to carry on; your screen and drafts are kept.';

export interface SignedInUser {
  /** The SDS user id. */
  uid: string;
  name: string;
  /** The CIS2 role profiles (URIDs by organisation), where the sign-in was with CIS2. */
  roleProfiles?: readonly Cis2RoleProfile[];
}

/** The e-RS business functions of a service provider: the only roles this app offers. */
const PROVIDER_FUNCTIONS: readonly string[] = ['SERVICE_PROVIDER_CLINICIAN', 'SERVICE_PROVIDER_CLINICIAN_ADMIN', 'SERVICE_PROVIDER_ADMIN'];

export function isProviderFunction(value: string): value is RoleOption['businessFunction'] {
  return PROVIDER_FUNCTIONS.includes(value);
}

/** The browser's five minutes (loopback.ts), and a minute for the exchange and the roles after it. */
export const DEFAULT_SIGN_IN_DEADLINE_MS = 6 * 60 * 1000;

export const SIGN_IN_TIMED_OUT = 'Sign-in did not finish in time, so it was stopped: press Sign in to try again.';

export class SessionManager implements SessionAccess {
  private view: SessionView;
  private pending: PendingSignIn | PendingAuthorisation | null = null;
  /**
   * Every sign-in attempt has a number; cancel, sign-out, a new attempt and the deadline
   * each move it on, and every step of an attempt checks it is still the current one before
   * it touches the session, so nothing of an old attempt can act on a new one.
   */
  private attempt = 0;
  /** The attempt still opening the browser: a second press joins it instead of racing it. */
  private starting: Promise<SessionView> | null = null;
  private deadline: NodeJS.Timeout | null = null;
  private identity: SignedInUser | null = null;
  private tokens: ApimTokens | null = null;
  /** The CIS2 ID token of the signed-in user, kept only to end the CIS2 sign-in at sign-out (`id_token_hint`). */
  private idToken: string | null = null;
  private roles: RoleOption[] = [];
  private activeRole: RoleHeaders | null = null;
  private refreshTimer: unknown = null;
  private idleTimer: NodeJS.Timeout | null = null;
  private refreshing: Promise<boolean> | null = null;
  /** Transient refresh failures in a row, and when (epoch seconds) the next retry is due. */
  private refreshFailures = 0;
  private retryAt: number | null = null;
  private readonly now: () => number;
  private readonly timers: SessionTimers;

  constructor(private readonly deps: SessionDeps) {
    this.now = deps.now ?? (() => Math.floor(Date.now() / 1000));
    this.timers = deps.timers ?? realTimers;
    this.view = {
      phase: 'signed-out',
      environment: deps.environment,
      user: null,
      roles: [],
      role: null,
      signInNotRequired: !this.signInRequired(),
      notice: null,
      needsReauth: false,
      rememberedRoleId: null,
    };
    if (!this.signInRequired() && deps.fixedRole) {
      this.activeRole = { ...deps.fixedRole, onBehalfOfUserId: deps.fixedRole.onBehalfOfUserId ?? null };
      this.view = {
        ...this.view,
        phase: 'signed-in',
        user: { id: 'sandbox', name: 'NHS sandbox user' },
        role: {
          businessFunction: deps.fixedRole.businessFunction,
          label: roleLabel(deps.fixedRole.businessFunction),
          organisationOds: deps.fixedRole.organisationOds,
          organisationName: deps.fixedRole.organisationOds,
          onBehalfOf: deps.fixedRole.onBehalfOfUserId
            ? { userId: deps.fixedRole.onBehalfOfUserId, name: `SDS user ${deps.fixedRole.onBehalfOfUserId}` }
            : null,
        },
        notice: { kind: 'info', message: 'The NHS sandbox needs no sign-in: a fixed example role is used, and all data is example data.' },
      };
    }
  }

  private signInRequired(): boolean {
    return this.deps.cis2 !== null || Boolean(this.deps.combined);
  }

  get(): SessionView {
    return this.view;
  }

  private update(patch: Partial<SessionView>): SessionView {
    this.view = { ...this.view, ...patch };
    this.deps.emit(this.view);
    return this.view;
  }

  // ---------------------------------------------------------------------------------
  // Sign-in

  signIn(): Promise<SessionView> {
    if (!this.deps.cis2 && !this.deps.combined) return Promise.resolve(this.view);
    // A press while the browser is still being opened is the same sign-in, not a second one
    // whose listener would replace the first's while the first tab is the one completed.
    this.starting ??= this.startSignIn().finally(() => {
      this.starting = null;
    });
    return this.starting;
  }

  private async startSignIn(): Promise<SessionView> {
    const cis2 = this.deps.cis2;
    const combined = this.deps.combined;
    // A new attempt replaces one waiting for the browser.
    this.pending?.cancel();
    this.pending = null;
    const attempt = ++this.attempt;
    this.startDeadline(attempt);
    // electronegativity-ok: OPEN_EXTERNAL_JS_CHECK — the CIS2 or API platform authorisation URL, opened through Platform.openExternal, which allows only https or loopback http
    const open = (url: string): Promise<void> => this.deps.openExternal(url);
    const stray = (): void => {
      if (attempt === this.attempt) {
        this.update({
          notice: {
            kind: 'info',
            message:
              'The browser returned an out-of-date sign-in; it was ignored. Finish signing in in the browser, or cancel and try again.',
          },
        });
      }
    };
    const failed = (error: unknown): void => {
      if (attempt === this.attempt) this.failSignIn(error);
    };
    let pending: PendingSignIn | PendingAuthorisation;
    try {
      pending = cis2 ? await cis2.begin(open, stray) : await (combined as ApimCombinedClient).begin(open, stray);
    } catch (error) {
      if (attempt !== this.attempt) return this.view;
      return this.failSignIn(error);
    }
    // Cancelled, signed out or timed out while the browser was opening: this attempt is over,
    // and its listener must not catch a browser that comes back for it.
    if (attempt !== this.attempt) {
      pending.cancel();
      return this.view;
    }
    this.pending = pending;
    if (cis2) void (pending as PendingSignIn).completed.then((identity) => this.afterIdentity(attempt, pending, identity), failed);
    else void (pending as PendingAuthorisation).completed.then((tokens) => this.afterCombined(attempt, pending, tokens), failed);
    return this.update({
      phase: this.view.needsReauth || this.view.phase === 'locked' ? this.view.phase : 'waiting-for-browser',
      notice: { kind: 'info', message: 'Finish signing in in your web browser, then come back here.' },
    });
  }

  /** Stops this attempt, with a sentence, if it has not finished by the deadline. */
  private startDeadline(attempt: number): void {
    this.stopDeadline();
    this.deadline = setTimeout(() => {
      if (attempt !== this.attempt) return;
      this.deps.log.warn('session.sign_in_timed_out', {});
      this.attempt++;
      this.pending?.cancel();
      this.failSignIn(new AppError('SIGN_IN_TIMEOUT', SIGN_IN_TIMED_OUT));
    }, this.deps.signInDeadlineMs ?? DEFAULT_SIGN_IN_DEADLINE_MS);
    this.deadline.unref();
  }

  private stopDeadline(): void {
    if (this.deadline) clearTimeout(this.deadline);
    this.deadline = null;
  }

  /** The attempt's own listener is done with; another attempt's is not this one's to drop. */
  private settled(pending: PendingSignIn | PendingAuthorisation): void {
    if (this.pending === pending) this.pending = null;
  }

  cancelSignIn(): SessionView {
    this.attempt++;
    this.stopDeadline();
    this.pending?.cancel();
    this.pending = null;
    if (this.view.phase === 'waiting-for-browser') return this.update({ phase: 'signed-out', notice: null });
    return this.update({ notice: null });
  }

  private failSignIn(error: unknown): SessionView {
    this.pending = null;
    this.stopDeadline();
    const message = error instanceof AppError ? error.message : 'Sign-in failed. Press Sign in to try again.';
    if (!(error instanceof AppError)) this.deps.log.error('session.sign_in_failed', { error });
    const phase = this.view.phase === 'waiting-for-browser' || this.view.phase === 'choosing-role' ? 'signed-out' : this.view.phase;
    // A sign-in that failed part-way must not leave live tokens (and their refresh timer).
    if (phase === 'signed-out' || phase === 'locked') {
      this.tokens = null;
      this.stopRefresh();
    }
    return this.update({ phase, notice: { kind: 'error', message } });
  }

  private async afterIdentity(attempt: number, pending: PendingSignIn | PendingAuthorisation, cis2Identity: Cis2Identity): Promise<void> {
    this.settled(pending);
    if (attempt !== this.attempt) return;
    try {
      const tokens = this.deps.apim
        ? await this.deps.apim.exchangeIdToken(cis2Identity.idToken)
        : {
            accessToken: cis2Identity.accessToken,
            expiresAt: cis2Identity.idTokenExpiresAt,
            refreshToken: cis2Identity.refreshToken,
            refreshExpiresAt: null,
          };
      if (attempt !== this.attempt) return;
      await this.afterAuthorised(
        attempt,
        { uid: cis2Identity.uid, name: cis2Identity.name, roleProfiles: cis2Identity.roleProfiles },
        tokens,
        cis2Identity.idToken,
      );
    } catch (error) {
      if (attempt === this.attempt) this.failSignIn(error);
    }
  }

  /** Combined pattern: the platform's tokens came back; e-RS says whose they are. */
  private async afterCombined(attempt: number, pending: PendingSignIn | PendingAuthorisation, tokens: ApimTokens): Promise<void> {
    this.settled(pending);
    if (attempt !== this.attempt) return;
    const identify = this.deps.identifyUser;
    try {
      if (!identify)
        throw new AppError(
          'SIGN_IN_MISCONFIGURED',
          'This installation cannot tell who signed in. Ask your IT service desk to check the trust configuration.',
        );
      // The new token goes to this one call only, never to accessToken(): at the lock screen
      // the previous user's role is still set, and a queued send must not go under this token.
      const user = await identify(tokens.accessToken);
      if (attempt !== this.attempt) return;
      await this.afterAuthorised(attempt, user, tokens);
    } catch (error) {
      if (attempt === this.attempt) this.failSignIn(error);
    }
  }

  private async afterAuthorised(attempt: number, identity: SignedInUser, tokens: ApimTokens, idToken: string | null = null): Promise<void> {
    if (attempt !== this.attempt) return;
    const returning = this.identity?.uid === identity.uid && (this.view.needsReauth || this.view.phase === 'locked');
    if ((this.view.needsReauth || this.view.phase === 'locked') && !returning) {
      // Someone else at the workstation: nothing of the previous user's may show, and the
      // previous user's CIS2 sign-in is ended as at sign-out (in the background).
      void this.endRemote(this.takeRemote());
      this.clearUser();
    }
    this.identity = identity;
    this.tokens = tokens;
    if (idToken !== null) this.idToken = idToken;
    this.scheduleRefresh();
    if (returning && this.activeRole) {
      this.stopDeadline();
      this.touchIdle();
      this.update({ phase: 'signed-in', needsReauth: false, notice: null });
      return;
    }
    let roles: RoleOption[];
    let notice: SessionView['notice'] = null;
    try {
      roles = (await this.deps.fetchRoles(tokens.accessToken, identity.uid)).filter((r) => isProviderFunction(r.businessFunction));
      await this.rememberRoleOptions(identity.uid, roles);
    } catch (error) {
      // e-RS down but identity up: offer the roles e-RS gave at this user's last sign-in,
      // so the worklists and decisions kept offline stay reachable.
      const kept = isUnreachableError(error) ? await this.rememberedRoleOptions(identity.uid) : null;
      if (!kept) throw error;
      roles = kept;
      notice = {
        kind: 'info',
        message: 'e-RS cannot be reached, so your roles are the ones from your last sign-in. Worklists show what this computer kept.',
      };
    }
    if (attempt !== this.attempt) return;
    this.stopDeadline();
    if (roles.length === 0) {
      this.clearUser();
      this.update({
        phase: 'signed-out',
        notice: {
          kind: 'error',
          message:
            'You are signed in to NHS Care Identity Service, but you have no service provider role in e-RS, so this app cannot show you referrals. Ask your registration authority to add the role you need.',
        },
      });
      return;
    }
    this.roles = roles;
    this.update({
      phase: 'choosing-role',
      user: { id: identity.uid, name: identity.name },
      roles,
      role: null,
      needsReauth: false,
      notice,
      rememberedRoleId: await this.rememberedRole(identity.uid),
    });
  }

  async chooseRole(roleId: string, onBehalfOfUserId?: string): Promise<SessionView> {
    if (this.view.phase !== 'choosing-role' && this.view.phase !== 'signed-in') {
      throw new AppError('NOT_SIGNED_IN', 'Sign in before choosing a role.');
    }
    const role = this.roles.find((r) => r.id === roleId);
    if (!role) throw new AppError('ROLE_UNKNOWN', 'That role is not one you hold. Choose one of the roles listed.');
    let onBehalfOf: { userId: string; name: string } | null = null;
    if (role.businessFunction === 'SERVICE_PROVIDER_CLINICIAN_ADMIN') {
      if (!onBehalfOfUserId) throw new AppError('ON_BEHALF_OF_REQUIRED', 'Choose the clinician you are working for.');
      const known = role.actsFor.find((c) => c.userId === onBehalfOfUserId);
      // Only someone e-RS listed (A040): e-RS would refuse every call made for anyone else.
      if (!known)
        throw new AppError(
          'ON_BEHALF_OF_UNKNOWN',
          'e-RS does not list that clinician as one you may act for: choose one of the clinicians listed.',
        );
      onBehalfOf = known;
    } else if (onBehalfOfUserId) {
      throw new AppError('ON_BEHALF_OF_NOT_ALLOWED', 'Only clinician admin staff work on behalf of a clinician. Choose your role again.');
    }
    this.activeRole = {
      businessFunction: role.businessFunction,
      organisationOds: role.organisationOds,
      onBehalfOfUserId: onBehalfOf?.userId ?? null,
    };
    if (this.identity) await this.rememberRole(this.identity.uid, role.id);
    this.touchIdle();
    return this.update({
      phase: 'signed-in',
      role: {
        businessFunction: role.businessFunction,
        label: role.label,
        organisationOds: role.organisationOds,
        organisationName: role.organisationName,
        onBehalfOf,
      },
      rememberedRoleId: role.id,
      notice: null,
    });
  }

  /**
   * Signs out here first (no token, no user, nothing on screen), then ends the user's sign-in
   * remotely, side by side and each bounded: CIS2's session at its end-session endpoint, and
   * the refresh token at the platform where it offers revocation. An unreachable CIS2 or
   * platform never holds sign-out up or undoes it; it only changes the sentence.
   */
  async signOut(): Promise<SessionView> {
    // Where there is no sign-in (the sandbox) there is nothing to sign out of.
    if (!this.signInRequired()) return this.view;
    const attempt = ++this.attempt;
    this.stopDeadline();
    this.pending?.cancel();
    this.pending = null;
    const userId = this.identity?.uid ?? null;
    const remote = this.takeRemote();
    this.clearUser();
    // True here and now; it becomes the warning below only if CIS2 or the platform cannot be reached.
    this.update({ phase: 'signed-out', notice: { kind: 'info', message: SIGNED_OUT } });
    const [ended] = await Promise.all([this.endRemote(remote), this.deps.onSignedOut?.(userId)]);
    // A new sign-in started while the remote services were asked: it owns the screen now.
    if (attempt !== this.attempt || this.view.phase !== 'signed-out') return this.view;
    const message = ended.cis2 ? (ended.platform ? SIGNED_OUT : SIGNED_OUT_PLATFORM_UNREACHED) : SIGNED_OUT_CIS2_UNREACHED;
    return this.update({ notice: { kind: ended.cis2 ? 'info' : 'error', message } });
  }

  /** The credentials that can end the user's sign-in remotely, taken out of the session. */
  private takeRemote(): { idToken: string | null; refreshToken: string | null } {
    const remote = { idToken: this.idToken, refreshToken: this.tokens?.refreshToken ?? null };
    this.idToken = null;
    return remote;
  }

  /**
   * Asks CIS2 to end the session and the platform to discard the refresh token, at most
   * `remoteSignOutMs` (each client also bounds its own request). Says, for each, whether it
   * is settled: done, or nothing to do there; false when it could not be reached or refused.
   */
  private async endRemote(remote: { idToken: string | null; refreshToken: string | null }): Promise<{ cis2: boolean; platform: boolean }> {
    const timeoutMs = this.deps.remoteSignOutMs ?? REMOTE_SIGN_OUT_TIMEOUT_MS;
    const cis2 = this.deps.cis2;
    const platform = this.deps.apim ?? this.deps.combined ?? null;
    const unasked = Promise.resolve<RemoteSignOutResult>('not-offered');
    const asked = Promise.all([
      remote.idToken && cis2 && typeof cis2.endSession === 'function' ? cis2.endSession(remote.idToken, timeoutMs) : unasked,
      remote.refreshToken && platform && typeof platform.revoke === 'function' ? platform.revoke(remote.refreshToken, timeoutMs) : unasked,
    ]);
    let timer: NodeJS.Timeout | undefined;
    // A hard stop over the clients' own time limits: sign-out never waits on the network for longer.
    const stop = new Promise<RemoteSignOutResult[]>((resolve) => {
      timer = setTimeout(() => resolve(['unreachable', 'unreachable']), timeoutMs + 1000);
      timer.unref();
    });
    const unreached: RemoteSignOutResult[] = ['unreachable', 'unreachable'];
    const [cis2Result = 'unreachable', platformResult = 'unreachable'] = await Promise.race([asked.catch(() => unreached), stop]);
    clearTimeout(timer);
    const settled = (result: RemoteSignOutResult): boolean => result === 'done' || result === 'not-offered';
    this.deps.log.info('session.remote_sign_out', { cis2: cis2Result, platform: platformResult });
    return { cis2: settled(cis2Result), platform: settled(platformResult) };
  }

  private clearUser(): void {
    this.identity = null;
    this.tokens = null;
    this.roles = [];
    this.activeRole = null;
    this.stopRefresh();
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    this.view = { ...this.view, user: null, roles: [], role: null, needsReauth: false, rememberedRoleId: null };
  }

  // ---------------------------------------------------------------------------------
  // Idle lock

  activity(): null {
    if (this.view.phase === 'signed-in') this.touchIdle();
    return null;
  }

  private touchIdle(): void {
    const ms = this.deps.idleLockMs;
    if (!ms || !this.signInRequired()) return;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => this.lock(), ms);
    this.idleTimer.unref();
  }

  /**
   * Hides patient data until the user signs in again; tokens are dropped at once, and the
   * refresh token discarded at the platform too, in the background (the CIS2 ID token is kept
   * only to end that sign-in at sign-out, or when someone else signs in at the lock).
   */
  lock(): void {
    if (this.view.phase !== 'signed-in') return;
    const refreshToken = this.tokens?.refreshToken ?? null;
    if (refreshToken) void this.endRemote({ idToken: null, refreshToken });
    this.tokens = null;
    this.stopRefresh();
    this.update({
      phase: 'locked',
      notice: { kind: 'info', message: 'The app locked itself after a period without use. Sign in again to carry on.' },
    });
  }

  // ---------------------------------------------------------------------------------
  // Tokens, for the e-RS client

  async accessToken(): Promise<string> {
    // Locking drops the tokens; a sign-in at the lock screen brings new ones (and, for
    // another user, must be able to ask e-RS for that user's roles before unlocking).
    if (this.view.phase === 'locked' && !this.tokens) throw new AppError('LOCKED', 'The app is locked. Sign in again to carry on.');
    if (!this.tokens) throw new AppError('SIGN_IN_AGAIN', SESSION_ENDED);
    if (this.tokens.expiresAt - this.now() < 5) {
      if (!(await this.refresh())) throw new AppError('SIGN_IN_AGAIN', SESSION_ENDED);
    }
    return this.tokens?.accessToken ?? '';
  }

  refreshAfterUnauthorised(): Promise<boolean> {
    return this.refresh();
  }

  roleHeaders(): RoleHeaders {
    if (!this.activeRole) throw new AppError('NO_ROLE', 'Choose your e-RS role before opening worklists.');
    return this.activeRole;
  }

  /** The CIS2 role profile id (URID) the chosen e-RS role is held under (PDS's NHSD-Session-URID); null where unknown. */
  roleProfileId(): string | null {
    if (!this.activeRole || !this.identity) return null;
    return roleProfileFor(this.activeRole, this.identity.roleProfiles ?? []);
  }

  /**
   * A person's name where this session knows it from CIS2 (the signed-in user) or e-RS (the
   * clinicians A040 listed); null otherwise. A stand-in such as "SDS user <id>" is no name.
   */
  knownName(userId: string): string | null {
    const isName = (name: string | undefined): name is string => typeof name === 'string' && name !== '' && !name.startsWith('SDS user ');
    if (this.identity?.uid === userId && isName(this.identity.name)) return this.identity.name;
    for (const role of this.roles) {
      const name = role.actsFor.find((c) => c.userId === userId)?.name;
      if (isName(name)) return name;
    }
    return null;
  }

  /** One refresh at a time; concurrent callers share it. */
  refresh(): Promise<boolean> {
    this.refreshing ??= this.doRefresh().finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }

  private async doRefresh(): Promise<boolean> {
    const tokens = this.tokens;
    const platform = this.deps.apim ?? this.deps.combined ?? null;
    if (!tokens?.refreshToken || !platform) {
      this.sessionEnded();
      return false;
    }
    // Waiting out a platform that said "not now": the token in hand still works until then
    // (a retry is only ever set to land before it expires), so do not ask again early.
    if (this.retryAt !== null && this.now() < this.retryAt) {
      if (tokens.expiresAt > this.now()) return true;
      this.sessionEnded(RENEWAL_FAILED);
      return false;
    }
    try {
      const fresh = await platform.refresh(tokens.refreshToken);
      // Locked or signed out while the refresh was in flight: the answer must not bring the
      // tokens back.
      if (this.tokens !== tokens) return false;
      this.tokens = fresh;
      this.scheduleRefresh();
      return true;
    } catch (error) {
      this.deps.log.warn('session.refresh_failed', { error, failures: this.refreshFailures + 1 });
      if (this.tokens !== tokens) return false;
      if (!isTransientApimError(error)) {
        this.sessionEnded();
        return false;
      }
      // One 429, 503 or reset connection must not end a session whose token still works.
      const backoffMs = Math.min(REFRESH_RETRY.maxMs, REFRESH_RETRY.baseMs * 2 ** this.refreshFailures);
      const delayMs = Math.max(error.retryAfterMs ?? 0, backoffMs);
      const usableMs = (tokens.expiresAt - this.now()) * 1000 - REFRESH_RETRY.beforeExpiryMs;
      if (delayMs > usableMs) {
        this.sessionEnded(RENEWAL_FAILED);
        return false;
      }
      this.refreshFailures += 1;
      this.retryAt = this.now() + delayMs / 1000;
      this.setRefreshTimer(delayMs);
      return true;
    }
  }

  private sessionEnded(message = SESSION_ENDED): void {
    this.tokens = null;
    this.stopRefresh();
    if (this.view.phase === 'signed-in') {
      this.update({ needsReauth: true, notice: { kind: 'error', message } });
    }
  }

  private setRefreshTimer(ms: number): void {
    if (this.refreshTimer !== null) this.timers.clear(this.refreshTimer);
    this.refreshTimer = this.timers.set(() => {
      // The timer is the retry that was due: no longer waiting for it.
      this.retryAt = null;
      void this.refresh();
    }, ms);
  }

  /** No refresh scheduled, and no retry pending. */
  private stopRefresh(): void {
    if (this.refreshTimer !== null) this.timers.clear(this.refreshTimer);
    this.refreshTimer = null;
    this.refreshFailures = 0;
    this.retryAt = null;
  }

  private scheduleRefresh(): void {
    this.stopRefresh();
    const tokens = this.tokens;
    if (!tokens) return;
    // A minute before expiry, or a quarter of the lifetime for short-lived tokens, so a
    // short lifetime never turns into a refresh every second.
    const remaining = tokens.expiresAt - this.now();
    const lead = Math.min(this.deps.refreshLeadSeconds ?? 60, remaining / 4);
    const inMs = Math.max((remaining - lead) * 1000, 1000);
    this.setRefreshTimer(inMs);
  }

  dispose(): void {
    this.attempt++;
    this.stopDeadline();
    this.pending?.cancel();
    this.stopRefresh();
    if (this.idleTimer) clearTimeout(this.idleTimer);
  }

  // ---------------------------------------------------------------------------------
  // The remembered role, per user, in an encrypted store (remembered-roles.ts).

  private async readRoles(uid: string): Promise<RememberedRoles | null> {
    try {
      return (await this.deps.rememberedRoles?.read(uid)) ?? null;
    } catch (error) {
      this.deps.log.warn('session.remembered_role_unreadable', { error });
      return null;
    }
  }

  private async updateRoles(uid: string, change: (entry: RememberedRoles) => RememberedRoles): Promise<void> {
    try {
      await this.deps.rememberedRoles?.update(uid, change);
    } catch (error) {
      // Remembering is a convenience; never fail a sign-in over it.
      this.deps.log.warn('session.remember_role_failed', { error });
    }
  }

  private async rememberedRole(uid: string): Promise<string | null> {
    const id = (await this.readRoles(uid))?.lastRoleId;
    return typeof id === 'string' && this.roles.some((r) => r.id === id) ? id : null;
  }

  private rememberRole(uid: string, roleId: string): Promise<void> {
    return this.updateRoles(uid, (entry) => ({ ...entry, lastRoleId: roleId }));
  }

  private rememberRoleOptions(uid: string, options: RoleOption[]): Promise<void> {
    return this.updateRoles(uid, (entry) => ({ ...entry, options }));
  }

  private async rememberedRoleOptions(uid: string): Promise<RoleOption[] | null> {
    const options = (await this.readRoles(uid))?.options;
    return Array.isArray(options) && options.length > 0 ? options : null;
  }
}

export function roleLabel(businessFunction: RoleOption['businessFunction']): string {
  switch (businessFunction) {
    case 'SERVICE_PROVIDER_CLINICIAN':
      return 'Service provider clinician';
    case 'SERVICE_PROVIDER_CLINICIAN_ADMIN':
      return 'Clinician admin (acting for a clinician)';
    case 'SERVICE_PROVIDER_ADMIN':
      return 'Service provider admin';
  }
}
