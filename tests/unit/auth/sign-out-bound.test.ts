/**
 * Sign-out's hard stop (issue 16, item 6): even a client that ignores its own time limit
 * cannot hold sign-out up past the session's, and the session is signed out before either
 * remote service is asked. No network: the clients are stand-ins.
 */
import { describe, expect, it } from 'vitest';
import type { SessionView } from '../../../contract';
import type { ApimClient } from '../../../electron/auth/apim';
import type { Cis2Client } from '../../../electron/auth/cis2';
import { SessionManager, SIGNED_OUT, SIGNED_OUT_CIS2_UNREACHED, SIGNED_OUT_PLATFORM_UNREACHED } from '../../../electron/auth/session';
import { silentLogger } from '../../../electron/log/logger';
import { expectOneSentence } from '../../helpers/one-sentence';

const ROLE = {
  id: 'r|SERVICE_PROVIDER_CLINICIAN',
  businessFunction: 'SERVICE_PROVIDER_CLINICIAN' as const,
  label: 'Service provider clinician',
  organisationOds: 'R69',
  organisationName: 'R69',
  actsFor: [],
};

async function signedIn(endSession: () => Promise<string>, revoke: () => Promise<string>) {
  const views: SessionView[] = [];
  const cis2 = {
    begin: async () => ({
      authorizationUrl: 'https://cis2.example/authorize',
      completed: Promise.resolve({
        uid: 'u1',
        name: 'User One',
        acr: 'AAL3_ANY',
        sid: 's1',
        idToken: 'id-token',
        idTokenExpiresAt: 0,
        refreshToken: null,
        accessToken: 'cis2-access',
      }),
      cancel() {},
    }),
    endSession,
  } as unknown as Cis2Client;
  const apim = {
    exchangeIdToken: async () => ({
      accessToken: 'apim-access',
      expiresAt: Math.floor(Date.now() / 1000) + 600,
      refreshToken: 'apim-refresh',
      refreshExpiresAt: null,
    }),
    revoke,
  } as unknown as ApimClient;
  const session = new SessionManager({
    environment: 'local',
    cis2,
    apim,
    fetchRoles: async () => [ROLE],
    openExternal: async () => undefined,
    emit: (view) => views.push(view),
    log: silentLogger,
    remoteSignOutMs: 50,
  });
  await session.signIn();
  await expect.poll(() => session.get().phase).toBe('choosing-role');
  await session.chooseRole(ROLE.id);
  return { session, views };
}

describe('sign-out never waits on the network for longer than its limit', () => {
  it('stops waiting for a CIS2 that ignores its own time limit, and has signed out before asking', async () => {
    let asked: SessionView | undefined;
    const { session, views } = await signedIn(
      () => {
        asked = views.at(-1);
        return new Promise<string>(() => undefined);
      },
      async () => 'done',
    );
    const started = performance.now();
    const view = await session.signOut();
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(asked).toMatchObject({ phase: 'signed-out', user: null });
    expect(view.notice).toEqual({ kind: 'error', message: SIGNED_OUT_CIS2_UNREACHED });
    await expect(session.accessToken()).rejects.toMatchObject({ code: 'SIGN_IN_AGAIN' });
    session.dispose();
  });

  it('a platform that refuses revocation only changes the sentence', async () => {
    const { session } = await signedIn(
      async () => 'done',
      async () => 'refused',
    );
    const view = await session.signOut();
    expect(view).toMatchObject({ phase: 'signed-out', notice: { kind: 'info', message: SIGNED_OUT_PLATFORM_UNREACHED } });
    for (const message of [SIGNED_OUT, SIGNED_OUT_CIS2_UNREACHED, SIGNED_OUT_PLATFORM_UNREACHED]) expectOneSentence(message);
    session.dispose();
  });
});
