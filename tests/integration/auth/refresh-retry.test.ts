/**
 * A refresh the NHS API platform cannot answer just now (429, 503, a reset connection)
 * must not end a session whose access token still works for minutes: the session tries
 * again with backoff, honouring Retry-After, until the token would run out, and only then
 * asks the user to sign in again. The platform is a real loopback HTTP server
 * (tests/helpers/apim-stub.ts); the clock and the session's refresh timers are the test's,
 * so no test sleeps: it runs each due timer itself and waits on conditions.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { testFetch } from '../../helpers/fetch';
import type { RoleOption } from '../../../contract';
import { AppError } from '../../../electron/app-error';
import { ApimClient } from '../../../electron/auth/apim';
import type { Cis2Client, Cis2Identity } from '../../../electron/auth/cis2';
import { SessionManager, type SessionTimers } from '../../../electron/auth/session';
import { silentLogger } from '../../../electron/log/logger';
import { startApimStub, type ApimStub } from '../../helpers/apim-stub';
import { expectOneSentence } from '../../helpers/one-sentence';

/** The test's clock (milliseconds) and the session's timers on it: nothing runs until `fire`. */
class ManualTime implements SessionTimers {
  ms = 1_800_000_000_000;
  private pending = new Map<number, { callback: () => void; at: number; ms: number }>();
  private nextId = 1;
  readonly now = (): number => Math.floor(this.ms / 1000);

  set(callback: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.pending.set(id, { callback, at: this.ms + ms, ms });
    return id;
  }
  clear(handle: unknown): void {
    this.pending.delete(handle as number);
  }
  /** The delays of the timers now set. */
  delays(): number[] {
    return [...this.pending.values()].map((t) => t.ms);
  }
  /** Moves the clock to the one pending timer and runs it. */
  fire(): void {
    const [entry] = [...this.pending.entries()];
    if (!entry || this.pending.size !== 1) throw new Error(`expected one timer, found ${this.pending.size}`);
    const [id, timer] = entry;
    this.pending.delete(id);
    this.ms = timer.at;
    timer.callback();
  }
}

const ROLE: RoleOption = {
  id: 'role-1',
  businessFunction: 'SERVICE_PROVIDER_CLINICIAN',
  label: 'Service provider clinician',
  organisationOds: 'R69',
  organisationName: 'R69',
  actsFor: [],
};

let stub: ApimStub | null = null;
let session: SessionManager | null = null;
let stateDir: string | null = null;
afterEach(async () => {
  session?.dispose();
  session = null;
  await stub?.close();
  stub = null;
  if (stateDir) await rm(stateDir, { recursive: true, force: true });
  stateDir = null;
});

/** A signed-in session (fake CIS2 identity, real APIM exchange over HTTP) on the test's time. */
async function signedIn(time: ManualTime): Promise<{ session: SessionManager; apim: ApimStub }> {
  const apim = await startApimStub({ now: time.now });
  stub = apim;
  stateDir = await mkdtemp(path.join(os.tmpdir(), 'ers-refresh-retry-'));
  const identity: Cis2Identity = {
    uid: 'uid-1',
    name: 'Dr Retry',
    acr: 'AAL3_ANY',
    sid: null,
    idToken: 'a.b.c',
    idTokenExpiresAt: time.now() + 600,
    refreshToken: null,
    accessToken: 'cis2',
    roleProfiles: [],
  };
  const cis2 = {
    begin: async () => ({
      authorizationUrl: 'https://cis2.example/authorize',
      completed: Promise.resolve(identity),
      cancel: () => undefined,
    }),
  } as unknown as Cis2Client;
  const client = new ApimClient(
    { tokenEndpoint: apim.tokenEndpoint, clientId: apim.clientId, signingKey: apim.signingKey, timeoutMs: 5000, fetch: testFetch },
    silentLogger,
    time.now,
  );
  const manager = new SessionManager({
    environment: 'local',
    cis2,
    apim: client,
    fetchRoles: async () => [ROLE],
    openExternal: async () => undefined,
    emit: () => undefined,
    log: silentLogger,
    now: time.now,
    timers: time,
  });
  session = manager;
  await manager.signIn();
  await vi.waitFor(() => expect(manager.get().phase).toBe('choosing-role'));
  await manager.chooseRole(ROLE.id);
  expect(apim.requests.map((r) => r.grantType)).toEqual(['urn:ietf:params:oauth:grant-type:token-exchange']);
  return { session: manager, apim };
}

/** Runs the due refresh and waits until the platform has been asked and the session has decided. */
async function fireRefresh(time: ManualTime, apim: ApimStub, manager: SessionManager): Promise<void> {
  const asked = apim.requests.length;
  time.fire();
  await vi.waitFor(() => {
    expect(apim.requests.length).toBe(asked + 1);
    expect(time.delays().length === 1 || manager.get().needsReauth).toBe(true);
  });
}

describe('refresh when the platform cannot answer for a moment', () => {
  it('retries through a 503 (honouring Retry-After), a 429 and a reset connection, and the session carries on', async () => {
    const time = new ManualTime();
    const { session: manager, apim } = await signedIn(time);
    const first = await manager.accessToken();
    // Tokens live 300 s: the refresh is due a minute before expiry.
    expect(time.delays()).toEqual([240_000]);
    apim.script.push({ status: 503, body: 'Service Unavailable', headers: { 'Retry-After': '20' } }, { status: 429, body: '' }, 'reset');

    await fireRefresh(time, apim, manager);
    expect(time.delays()).toEqual([20_000]);
    expect(manager.get()).toMatchObject({ phase: 'signed-in', needsReauth: false, notice: null });
    // Meanwhile the e-RS client carries on with the token in hand, and a 401's refresh
    // waits for the retry rather than asking the platform early.
    expect(await manager.accessToken()).toBe(first);
    expect(await manager.refreshAfterUnauthorised()).toBe(true);
    expect(apim.requests).toHaveLength(2);

    await fireRefresh(time, apim, manager);
    expect(time.delays()).toEqual([2_000]);
    await fireRefresh(time, apim, manager);
    expect(time.delays()).toEqual([4_000]);
    expect(manager.get().needsReauth).toBe(false);

    await fireRefresh(time, apim, manager);
    const renewed = await manager.accessToken();
    expect(renewed).toBe(apim.issued.at(-1));
    expect(renewed).not.toBe(first);
    // Back on the normal schedule for the new token, the backoff forgotten.
    expect(time.delays()).toEqual([240_000]);
    expect(manager.get()).toMatchObject({ phase: 'signed-in', needsReauth: false });
    expect(apim.requests.map((r) => r.grantType).slice(1)).toEqual(['refresh_token', 'refresh_token', 'refresh_token', 'refresh_token']);
  });

  it('backs off 1, 2, 4, 8, 16 s and asks to sign in again when the next try would come after the token expires', async () => {
    const time = new ManualTime();
    const { session: manager, apim } = await signedIn(time);
    apim.script.push(...Array.from({ length: 10 }, () => 'reset' as const));
    const delays: number[] = [];
    await fireRefresh(time, apim, manager);
    while (!manager.get().needsReauth) {
      delays.push(...time.delays());
      await fireRefresh(time, apim, manager);
    }
    // At 240 + 31 s, 29 s are left: a 30 s wait would pass expiry (with 5 s to spare).
    expect(delays).toEqual([1_000, 2_000, 4_000, 8_000, 16_000]);
    expect(time.delays()).toEqual([]);
    const view = manager.get();
    expect(view.phase).toBe('signed-in');
    expect(view.role).not.toBeNull();
    expectOneSentence(view.notice?.message ?? '');
    expect(view.notice?.message).toMatch(/could not renew your sign-in before it ran out/);
    expect(view.notice?.message).toMatch(/drafts are kept/);
    await expect(manager.accessToken()).rejects.toMatchObject({ code: 'SIGN_IN_AGAIN' });
  });

  it('does not wait past expiry for a long Retry-After: it asks to sign in again', async () => {
    const time = new ManualTime();
    const { session: manager, apim } = await signedIn(time);
    apim.script.push(
      { status: 503, body: '', headers: { 'Retry-After': '30' } },
      { status: 503, body: '', headers: { 'Retry-After': '30' } },
    );
    await fireRefresh(time, apim, manager);
    expect(time.delays()).toEqual([30_000]);
    await fireRefresh(time, apim, manager);
    expect(manager.get().needsReauth).toBe(true);
    expect(apim.requests).toHaveLength(3);
  });

  it('ends the session at once, without retrying, when the platform says the refresh token is no good', async () => {
    const time = new ManualTime();
    const { session: manager, apim } = await signedIn(time);
    apim.script.push({ status: 400, json: { error: 'invalid_grant' } });
    await fireRefresh(time, apim, manager);
    expect(time.delays()).toEqual([]);
    expect(manager.get().notice?.message).toBe('Your sign-in has ended. Sign in again to carry on; your screen and drafts are kept.');
    const error = await manager.accessToken().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
  });

  it('drops a pending retry when the app locks', async () => {
    const time = new ManualTime();
    const { session: manager, apim } = await signedIn(time);
    apim.script.push({ status: 503, body: '' });
    await fireRefresh(time, apim, manager);
    expect(time.delays()).toEqual([1_000]);
    manager.lock();
    expect(time.delays()).toEqual([]);
    await expect(manager.accessToken()).rejects.toMatchObject({ code: 'LOCKED' });
  });
});
