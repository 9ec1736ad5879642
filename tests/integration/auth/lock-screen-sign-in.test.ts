/**
 * The combined pattern at the lock screen (issue 16, item 6): every sign-in asks for the
 * user's card or authenticator (`prompt=login`), so a CIS2 session still live in the browser
 * cannot open the idle lock; and the token of a user being identified there is used for that
 * one question only, never for the previous user's queued sends.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { RoleOption } from '../../../contract';
import type { ApimTokens } from '../../../electron/auth/apim';
import type { ApimCombinedClient } from '../../../electron/auth/apim-combined';
import { SessionManager, type SignedInUser } from '../../../electron/auth/session';
import { silentLogger } from '../../../electron/log/logger';
import { CONSULTANT_UID } from '../../../local-env/src/users';
import { startDirectApp, type DirectApp } from '../../helpers/app-direct';
import { browse, CookieJar, loginFormAction } from '../../helpers/local-identity';

let direct: DirectApp | null = null;
let manager: SessionManager | null = null;
afterEach(async () => {
  manager?.dispose();
  manager = null;
  await direct?.close();
  direct = null;
});

describe('the combined pattern at the lock screen', () => {
  it('asks CIS2 for a fresh sign-in even with a session live in the browser', async () => {
    direct = await startDirectApp({ env: { ERS_AUTH_PATTERN: 'combined' } });
    const jar = new CookieJar();
    // First sign-in, in this browser: CIS2 now has a live session for it.
    await direct.call('session.signIn', {});
    const first = direct.opened.at(-1) ?? '';
    const page = await browse(jar, first);
    await browse(jar, loginFormAction(page.body, page.visited.at(-1) ?? first), {
      method: 'POST',
      form: new URLSearchParams({ uid: CONSULTANT_UID, action: 'sign-in' }),
    });
    const choosing = await direct.waitForPhase('choosing-role');
    await direct.call('session.chooseRole', { roleId: choosing.roles[0]?.id ?? '' });
    direct.app.session.lock();

    await direct.call('session.signIn', {});
    const again = direct.opened.at(-1) ?? '';
    expect(new URL(again).searchParams.get('prompt')).toBe('login');
    const visit = await browse(jar, again);
    // The login page again, not a redirect straight back to the app with a code.
    expect(visit.final.status).toBe(200);
    expect(visit.visited.some((url) => new URL(url).pathname.startsWith('/interaction/'))).toBe(true);
    expect(visit.visited.some((url) => new URL(url).pathname === '/callback' && new URL(url).hostname === '127.0.0.1')).toBe(false);
    expect(direct.app.session.get().phase).toBe('locked');
  });

  it("while someone else is identified at the lock screen, the previous user's role gets no token", async () => {
    const role: RoleOption = {
      id: 'r1|SERVICE_PROVIDER_CLINICIAN',
      businessFunction: 'SERVICE_PROVIDER_CLINICIAN',
      label: 'Service provider clinician',
      organisationOds: 'R69',
      organisationName: 'R69',
      actsFor: [],
    };
    const tokens = (name: string): ApimTokens => ({
      accessToken: `access-${name}`,
      expiresAt: Math.floor(Date.now() / 1000) + 600,
      refreshToken: null,
      refreshExpiresAt: null,
    });
    const signIns = [tokens('first-user'), tokens('second-user')];
    const combined = {
      begin: async () => ({ authorizationUrl: 'https://apim.example/authorize', completed: Promise.resolve(signIns.shift()), cancel() {} }),
      refresh: async () => {
        throw new Error('not in this test');
      },
    } as unknown as ApimCombinedClient;
    const seenWhileIdentifying: unknown[] = [];
    const users: SignedInUser[] = [
      { uid: 'first', name: 'First' },
      { uid: 'second', name: 'Second' },
    ];
    const session = new SessionManager({
      environment: 'local',
      cis2: null,
      apim: null,
      combined,
      identifyUser: async (accessToken) => {
        // What a queued send of the previous user's would get, asking the session now.
        if (accessToken === 'access-second-user') {
          seenWhileIdentifying.push(await session.accessToken().catch((error: unknown) => error));
          seenWhileIdentifying.push(session.roleHeaders().organisationOds);
        }
        return users.shift() ?? { uid: 'nobody', name: 'Nobody' };
      },
      fetchRoles: async () => [role],
      openExternal: async () => undefined,
      emit: () => undefined,
      log: silentLogger,
    });
    manager = session;
    await session.signIn();
    await expect.poll(() => session.get().phase).toBe('choosing-role');
    await session.chooseRole(role.id);
    session.lock();

    await session.signIn();
    await expect.poll(() => seenWhileIdentifying.length).toBe(2);
    // The previous user's role is still set while the new token is identified, and yet the
    // session hands out no token: the new one is for A030 alone.
    expect(seenWhileIdentifying[1]).toBe('R69');
    expect(seenWhileIdentifying[0]).toMatchObject({ code: 'LOCKED' });
    await expect.poll(() => session.get().user?.id).toBe('second');
  });
});
