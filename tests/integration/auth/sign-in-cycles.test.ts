/**
 * Sign-in, sign-out and sign-in again, many times over, against the local mock CIS2 and
 * APIM: every sign-in completes. Each step of an attempt checks it is still the current one,
 * so a second press of Sign in while the browser is opening joins the first (one tab, one
 * listener), and an attempt stopped while its browser was opening can never finish later
 * and leave the app at "Finish signing in". A sign-in that never finishes is stopped with a
 * sentence, whether the browser never comes back or the exchange after it never answers.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { RoleOption, SessionView } from '../../../contract';
import type { ApimClient, ApimTokens } from '../../../electron/auth/apim';
import type { Cis2Client, Cis2Identity, PendingSignIn } from '../../../electron/auth/cis2';
import { SessionManager, SIGN_IN_TIMED_OUT } from '../../../electron/auth/session';
import { silentLogger } from '../../../electron/log/logger';
import { CONSULTANT_UID, SECOND_CONSULTANT_UID } from '../../../local-env/src/users';
import { completeBrowserSignIn, startDirectApp, type DirectApp } from '../../helpers/app-direct';
import { browse, CookieJar, loginFormAction } from '../../helpers/local-identity';

/**
 * One system browser for the whole test: its CIS2 cookies outlive the app's sign-out, as a
 * real browser's do, so the next person to sign in meets the last one's CIS2 session.
 */
function systemBrowser(): (authorizeUrl: string, uid: string) => Promise<string> {
  const jar = new CookieJar();
  return async (authorizeUrl, uid) => {
    const login = await browse(jar, authorizeUrl);
    if (login.final.status !== 200) throw new Error(`the login page answered ${login.final.status}`);
    const after = await browse(jar, loginFormAction(login.body, login.visited.at(-1) ?? authorizeUrl), {
      method: 'POST',
      form: new URLSearchParams({ uid, action: 'sign-in' }),
    });
    return after.body;
  };
}

let direct: DirectApp | null = null;
afterEach(async () => {
  await direct?.close();
  direct = null;
});

async function chooseFirstRole(d: DirectApp): Promise<void> {
  const view = await d.waitForPhase('choosing-role', 10_000);
  await d.call('session.chooseRole', { roleId: view.roles[0]?.id ?? '' });
}

describe('signing in and out repeatedly against the mock CIS2', () => {
  it('completes every one of 10 sign-ins after sign-outs, two people taking turns at one browser, with a double press of Sign in and a sign-out while the browser opens', async () => {
    direct = await startDirectApp();
    const d = direct;
    const browser = systemBrowser();
    for (let cycle = 0; cycle < 10; cycle++) {
      // Two clinicians share the workstation: the CIS2 session in the browser is the other's.
      const uid = cycle % 4 < 2 ? CONSULTANT_UID : SECOND_CONSULTANT_UID;
      const before = d.opened.length;
      if (cycle % 2 === 0) {
        // Sign in pressed twice before the browser opened: one sign-in, one browser tab.
        const [first, second] = await Promise.all([d.call('session.signIn', {}), d.call('session.signIn', {})]);
        expect(first.phase).toBe('waiting-for-browser');
        expect(second.phase).toBe('waiting-for-browser');
        expect(d.opened.length).toBe(before + 1);
      } else {
        // Signed out while the browser was still opening, then signed in again: the first
        // tab's sign-in is over and its listener gone; the second completes.
        const abandoned = d.call('session.signIn', {});
        await d.call('session.signOut', {});
        await abandoned;
        expect(d.app.session.get().phase).toBe('signed-out');
        await d.call('session.signIn', {});
        expect(d.opened.length).toBe(before + 2);
        await expect(completeBrowserSignIn(d.opened[before] ?? '', { uid: CONSULTANT_UID })).rejects.toThrow();
      }
      expect(d.app.session.get().notice?.message).toBe('Finish signing in in your web browser, then come back here.');
      expect(await browser(d.opened.at(-1) ?? '', uid)).toContain('Return to e-RS Triage');
      await chooseFirstRole(d);
      expect(d.app.session.get().phase).toBe('signed-in');
      expect(d.app.session.get().user?.id).toBe(uid);
      await d.call('worklist.fetch', { kind: 'referrals' });
      const out = await d.call('session.signOut', {});
      expect(out.phase).toBe('signed-out');
    }
  }, 120_000);
});

describe('a sign-in that never finishes', () => {
  it('is stopped with a sentence when the browser never comes back', async () => {
    direct = await startDirectApp({ appOptions: { signInTimeoutMs: 300 } });
    const waiting = await direct.call('session.signIn', {});
    expect(waiting.phase).toBe('waiting-for-browser');
    const view = await direct.waitForPhase('signed-out', 5_000);
    expect(view.notice).toEqual({ kind: 'error', message: 'Sign-in took too long and was stopped. Press Sign in to try again.' });
  });

  it('is stopped with a sentence when the browser came back but the exchange never answers, and a late answer changes nothing', async () => {
    let resolveExchange: (tokens: ApimTokens) => void = () => undefined;
    const identity: Cis2Identity = {
      uid: CONSULTANT_UID,
      name: 'Dr Amara Okoye',
      acr: 'AAL3_ANY',
      sid: null,
      idToken: 'id',
      idTokenExpiresAt: 0,
      refreshToken: null,
      accessToken: 'a',
      roleProfiles: [],
    };
    const pending: PendingSignIn = {
      authorizationUrl: 'https://cis2.example/authorize',
      completed: Promise.resolve(identity),
      cancel: vi.fn(),
    };
    const cis2 = { begin: async () => pending } as unknown as Cis2Client;
    const apim = { exchangeIdToken: () => new Promise<ApimTokens>((resolve) => (resolveExchange = resolve)) } as unknown as ApimClient;
    const fetchRoles = vi.fn(async (): Promise<RoleOption[]> => []);
    const views: SessionView[] = [];
    const session = new SessionManager({
      environment: 'int',
      cis2,
      apim,
      fetchRoles,
      openExternal: async () => undefined,
      emit: (view) => views.push(view),
      log: silentLogger,
      signInDeadlineMs: 200,
    });
    try {
      expect((await session.signIn()).phase).toBe('waiting-for-browser');
      await vi.waitFor(() => expect(session.get().phase).toBe('signed-out'), { timeout: 5_000 });
      expect(session.get().notice).toEqual({ kind: 'error', message: SIGN_IN_TIMED_OUT });
      expect(SIGN_IN_TIMED_OUT).not.toMatch(/\. /);
      resolveExchange({ accessToken: 'late', expiresAt: Math.floor(Date.now() / 1000) + 600, refreshToken: null, refreshExpiresAt: null });
      await vi.waitFor(() => expect(views.at(-1)?.phase).toBe('signed-out'));
      expect(fetchRoles).not.toHaveBeenCalled();
      await expect(session.accessToken()).rejects.toThrow(/Sign in again/);
    } finally {
      session.dispose();
    }
  });
});
