import { afterEach, describe, expect, it, vi } from 'vitest';
import { channelNames, type SessionView } from '../../../contract';
import { AppError } from '../../../electron/app-error';
import { ApimClient } from '../../../electron/auth/apim';
import { silentLogger } from '../../../electron/log/logger';
import { ADMIN_UID, CONSULTANT_UID, NO_PROVIDER_ROLE_UID, SECOND_CONSULTANT_UID } from '../../../local-env/src/users';
import { completeBrowserSignIn, signInDirect, startDirectApp, type DirectApp } from '../../helpers/app-direct';
import { testFetch } from '../../helpers/fetch';

let direct: DirectApp | null = null;
afterEach(async () => {
  await direct?.close();
  direct = null;
});

const JWT = /eyJ[\w-]{5,}\.[\w-]{5,}\.[\w-]*/;

async function signInAndWait(d: DirectApp, choice: { uid: string } | 'cancel'): Promise<SessionView> {
  const before = d.opened.length;
  await d.call('session.signIn', {});
  const url = d.opened[before];
  if (!url) throw new Error('no authorize URL');
  await completeBrowserSignIn(url, choice);
  return vi.waitFor(
    () => {
      const view = d.app.session.get();
      expect(view.phase, 'sign-in finishing').not.toBe('waiting-for-browser');
      return view;
    },
    { timeout: 10_000, interval: 10 },
  );
}

describe('sign-in against the real mock CIS2 and APIM', () => {
  it('signs in the consultant, offers both trusts and sends the role headers on every e-RS call', async () => {
    direct = await startDirectApp();
    const view = await signInAndWait(direct, { uid: CONSULTANT_UID });
    expect(view.phase).toBe('choosing-role');
    expect(view.user).toEqual({ id: CONSULTANT_UID, name: 'Dr Amara Okoye' });
    expect(view.roles.map((r) => [r.businessFunction, r.organisationOds])).toEqual([
      ['SERVICE_PROVIDER_CLINICIAN', 'R69'],
      ['SERVICE_PROVIDER_CLINICIAN', 'R68'],
    ]);
    const chosen = await direct.call('session.chooseRole', { roleId: view.roles[1]?.id ?? '' });
    expect(chosen.phase).toBe('signed-in');
    expect(chosen.role).toMatchObject({ businessFunction: 'SERVICE_PROVIDER_CLINICIAN', organisationOds: 'R68' });
    expect(direct.app.session.roleHeaders()).toEqual({
      businessFunction: 'SERVICE_PROVIDER_CLINICIAN',
      organisationOds: 'R68',
      onBehalfOfUserId: null,
    });
  });

  it('lets the clinician admin act for a clinician, and sends the on-behalf-of header', async () => {
    direct = await startDirectApp();
    const view = await signInAndWait(direct, { uid: ADMIN_UID });
    const admin = view.roles.find((r) => r.businessFunction === 'SERVICE_PROVIDER_CLINICIAN_ADMIN');
    expect(admin?.actsFor.map((c) => c.userId)).toEqual([CONSULTANT_UID, SECOND_CONSULTANT_UID]);
    const refused = await direct.raw('session.chooseRole', { roleId: admin?.id });
    expect(refused).toMatchObject({ ok: false, error: { code: 'ON_BEHALF_OF_REQUIRED' } });
    const chosen = await direct.call('session.chooseRole', { roleId: admin?.id ?? '', onBehalfOfUserId: CONSULTANT_UID });
    expect(chosen.role?.onBehalfOf).toEqual({ userId: CONSULTANT_UID, name: 'Dr Amara Okoye' });
    expect(direct.app.session.roleHeaders().onBehalfOfUserId).toBe(CONSULTANT_UID);
  });

  it('tells a user with no provider role, in a sentence, and stays signed out', async () => {
    direct = await startDirectApp();
    const view = await signInAndWait(direct, { uid: NO_PROVIDER_ROLE_UID });
    expect(view.phase).toBe('signed-out');
    expect(view.notice?.message).toMatch(/no service provider role/);
  });

  it('explains a sign-in the user cancelled in the browser', async () => {
    direct = await startDirectApp();
    const view = await signInAndWait(direct, 'cancel');
    expect(view.phase).toBe('signed-out');
    expect(view.notice?.message).toMatch(/cancelled/);
  });

  it('cancels a sign-in when the user presses cancel in the app, and a second attempt cancels the first', async () => {
    direct = await startDirectApp();
    await direct.call('session.signIn', {});
    const first = direct.opened[0] ?? '';
    await direct.call('session.signIn', {});
    const second = direct.opened[1] ?? '';
    // The first attempt's loopback listener is gone: its callback cannot land.
    const firstRedirect = new URL(first).searchParams.get('redirect_uri') ?? '';
    await expect(fetch(`${firstRedirect}?code=x&state=${new URL(first).searchParams.get('state')}`)).rejects.toThrow();
    const cancelled = await direct.call('session.cancelSignIn', {});
    expect(cancelled.phase).toBe('signed-out');
    const secondRedirect = new URL(second).searchParams.get('redirect_uri') ?? '';
    await expect(fetch(`${secondRedirect}?code=x&state=${new URL(second).searchParams.get('state')}`)).rejects.toThrow();
  });

  it('refuses an ID token for another audience', async () => {
    direct = await startDirectApp();
    const cis2 = direct.local?.cis2;
    if (!cis2) throw new Error('no local CIS2');
    cis2.testHooks.rewriteIdTokenClaims = (claims) => ({ ...claims, aud: 'some-other-client' });
    const view = await signInAndWait(direct, { uid: CONSULTANT_UID });
    expect(view.phase).toBe('signed-out');
    expect(view.notice?.message).toMatch(/could not be verified/);
  });

  it('explains a clock far off', async () => {
    direct = await startDirectApp();
    const cis2 = direct.local?.cis2;
    if (!cis2) throw new Error('no local CIS2');
    // A computer clock three hours fast sees a fresh ID token as long expired.
    const past = Math.floor(Date.now() / 1000) - 3 * 3600;
    cis2.testHooks.rewriteIdTokenClaims = (claims) => ({ ...claims, iat: past, auth_time: past, exp: past + 3600 });
    const view = await signInAndWait(direct, { uid: CONSULTANT_UID });
    expect(view.phase).toBe('signed-out');
    expect(view.notice?.message).toMatch(/clock/);
  });

  it('refuses an assurance level below the one configured', async () => {
    direct = await startDirectApp();
    const cis2 = direct.local?.cis2;
    if (!cis2) throw new Error('no local CIS2');
    cis2.testHooks.rewriteIdTokenClaims = (claims) => ({ ...claims, acr: 'AAL1_USERPASS' });
    const view = await signInAndWait(direct, { uid: CONSULTANT_UID });
    expect(view.phase).toBe('signed-out');
    expect(view.notice?.message).toMatch(/not strong enough/);
  });

  it('says so when the identity provider cannot be reached', async () => {
    direct = await startDirectApp();
    await direct.local?.cis2.close();
    const result = await direct.call('session.signIn', {});
    expect(result.phase).toBe('signed-out');
    expect(result.notice?.message).toMatch(/could not be reached/);
    expect(direct.opened).toEqual([]);
  });

  it('says so when the token endpoint cannot be reached', async () => {
    direct = await startDirectApp();
    await direct.local?.apim.close();
    const view = await signInAndWait(direct, { uid: CONSULTANT_UID });
    expect(view.phase).toBe('signed-out');
    expect(view.notice?.message).toMatch(/NHS API platform could not be reached/);
  });

  it('explains invalid_grant from the platform as a sign-in that has ended', async () => {
    direct = await startDirectApp();
    const services = direct.app.services;
    if (!services.apim) throw new Error('no APIM settings');
    const apim = new ApimClient({ ...services.apim, fetch: testFetch }, silentLogger);
    const error = await apim.refresh('not-a-refresh-token-the-platform-issued').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('SIGN_IN_AGAIN');
    expect((error as AppError).message).toBe('Your sign-in has ended. Sign in again to carry on; your screen and drafts are kept.');
    const exchange = await apim.exchangeIdToken('eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln').catch((e: unknown) => e);
    expect((exchange as AppError).code).toMatch(/^APIM_/);
    expect((exchange as AppError).message).toMatch(/NHS API platform/);
  });

  it('refreshes before expiry, and keeps a session whose token still works when the platform cannot be reached', async () => {
    direct = await startDirectApp();
    await signInDirect(direct, CONSULTANT_UID);
    const first = await direct.app.session.accessToken();
    expect(await direct.app.session.refresh()).toBe(true);
    const second = await direct.app.session.accessToken();
    expect(second).not.toBe(first);
    // A refresh after a 401 works while the platform answers; with it gone, refresh fails.
    const local = direct.local;
    if (!local) throw new Error('no local environment');
    expect(await direct.app.session.refreshAfterUnauthorised()).toBe(true);
    await local.apim.close();
    // Unreachable is "not now", not "no": the refresh is tried again while the token works
    // (tests/unit/auth/refresh-retry.test.ts follows the retries to the end of the token).
    const kept = await direct.app.session.accessToken();
    expect(await direct.app.session.refresh()).toBe(true);
    const view = direct.app.session.get();
    expect(view.phase).toBe('signed-in');
    expect(view.needsReauth).toBe(false);
    expect(view.role).not.toBeNull();
    expect(await direct.app.session.accessToken()).toBe(kept);
  });

  it('locks after the idle time and hides data until the user signs in again', async () => {
    direct = await startDirectApp({ appOptions: { idleLockMs: 150 } });
    await signInDirect(direct, CONSULTANT_UID);
    await direct.waitForPhase('locked', 3000);
    const refused = await direct.raw('worklist.fetch', { kind: 'referrals' });
    expect(refused).toMatchObject({ ok: false, error: { code: 'LOCKED' } });
    await expect(direct.app.session.accessToken()).rejects.toThrow(/locked/);
    // The same user signs in again and carries on in the same role.
    const before = direct.opened.length;
    await direct.call('session.signIn', {});
    await completeBrowserSignIn(direct.opened[before] ?? '', { uid: CONSULTANT_UID });
    const view = await direct.waitForPhase('signed-in');
    expect(view.role?.organisationOds).toBe('R69');
  });

  it('lets another user sign in at the lock screen, showing nothing of the previous user', async () => {
    direct = await startDirectApp({ appOptions: { idleLockMs: 150 } });
    await signInDirect(direct, CONSULTANT_UID, 'R68');
    await direct.waitForPhase('locked', 3000);
    const before = direct.opened.length;
    await direct.call('session.signIn', {});
    await completeBrowserSignIn(direct.opened[before] ?? '', { uid: SECOND_CONSULTANT_UID });
    const view = await direct.waitForPhase('choosing-role');
    expect(view.user?.id).toBe(SECOND_CONSULTANT_UID);
    expect(view.role).toBeNull();
    expect(view.roles.map((r) => r.organisationOds)).toEqual(['R69']);
  });

  it('never lets a token cross the contract, on any channel or event', async () => {
    direct = await startDirectApp();
    await signInDirect(direct, CONSULTANT_UID);
    const token = await direct.app.session.accessToken();
    const outputs: unknown[] = [];
    for (const channel of channelNames) {
      if (channel === 'session.signIn' || channel === 'session.signOut') continue;
      const input =
        channel === 'worklist.fetch'
          ? { kind: 'referrals' }
          : channel === 'session.chooseRole'
            ? { roleId: direct.app.session.get().roles[0]?.id }
            : {};
      outputs.push(await direct.raw(channel, input));
    }
    outputs.push(direct.events);
    const text = JSON.stringify(outputs);
    expect(text.length).toBeGreaterThan(100);
    expect(text).not.toContain(token);
    expect(text).not.toMatch(JWT);
    expect(text).not.toMatch(/access_?token|refresh_?token|id_?token/i);
  });
});
