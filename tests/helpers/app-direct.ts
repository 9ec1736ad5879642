/**
 * The whole app without a transport: the composition root with the real local environment
 * (e-RS emulator, mock CIS2, mock APIM on loopback), called through dispatch() exactly as
 * both transports call it. Sign-in is completed by a fetch-driven "system browser".
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Channel, ChannelInput, ChannelOutput, EventName, Events, SessionView } from '../../contract';
import { createApp, type AppDeps, type TriageApp } from '../../electron/app';
import { loadConfig } from '../../electron/config';
import { dispatch } from '../../electron/dispatch';
import { startLocalEnvironment, type LocalEnvironment } from '../../local-env/src/index';
import { silentLogger } from '../../electron/log/logger';
import { createNodePlatform } from '../../electron/platform/node-platform';
import type { FetchLike } from '../../electron/platform/platform';
import { TestKeyProvider } from '../../electron/offline/key-provider';
import { browse, CookieJar, loginFormAction } from './local-identity';
import { waitUntil } from './wait-until';

export interface DirectApp {
  app: TriageApp;
  /** The running local environment (e-RS emulator, mock CIS2 and APIM), when the environment is `local`. */
  local: LocalEnvironment | null;
  userDataDir: string;
  opened: string[];
  /** Files the app handed to "another application". */
  openedFiles: string[];
  events: { event: EventName; payload: unknown }[];
  call<C extends Channel>(channel: C, input: ChannelInput<C>): Promise<ChannelOutput<C>>;
  /** The raw result, for tests of failures. */
  raw(channel: string, input: unknown): ReturnType<typeof dispatch>;
  waitForPhase(phase: SessionView['phase'], timeoutMs?: number): Promise<SessionView>;
  close(): Promise<void>;
}

export async function startDirectApp(
  options: {
    userDataDir?: string;
    env?: NodeJS.ProcessEnv;
    appOptions?: AppDeps['options'];
    localEnvironment?: LocalEnvironment;
    /** The platform's fetch, for tests that watch or fault the app's own calls. */
    fetch?: FetchLike;
  } = {},
): Promise<DirectApp> {
  const userDataDir = options.userDataDir ?? mkdtempSync(path.join(os.tmpdir(), 'ers-app-'));
  const opened: string[] = [];
  const openedFiles: string[] = [];
  const config = loadConfig({ ERS_TRIAGE_CONFIG: path.join(userDataDir, 'no-machine-config.json'), ...options.env });
  // The local environment in use: the caller's, or the one the app starts (tests reach the emulator through it).
  let local: LocalEnvironment | null = options.localEnvironment ?? null;
  const app = await createApp({
    config,
    platform: createNodePlatform({
      userDataDir,
      appVersion: '0.0.0-test',
      keyProvider: new TestKeyProvider(),
      // HTTPS_PROXY, HTTP_PROXY and NO_PROXY from the test only (the machine's own would send loopback calls astray).
      env: options.env ?? {},
      ...(options.fetch ? { fetch: options.fetch } : {}),
      openExternal: async (url) => {
        opened.push(url);
      },
      openPath: async (filePath) => {
        openedFiles.push(filePath);
        return '';
      },
    }),
    log: silentLogger,
    // Files for "another application" in this app's own folder, never the shared temp folder
    // where another test's app would clear them.
    options: { externalFilesDir: path.join(userDataDir, 'external-files'), ...options.appOptions },
    local: options.localEnvironment
      ? { shared: options.localEnvironment }
      : { start: async (o) => (local = await startLocalEnvironment(o)) },
  });
  const events: { event: EventName; payload: unknown }[] = [];
  app.events.subscribe(<E extends EventName>(event: E, payload: Events[E]) => events.push({ event, payload }));

  async function call<C extends Channel>(channel: C, input: ChannelInput<C>): Promise<ChannelOutput<C>> {
    const result = await dispatch(app, channel, input, silentLogger);
    if (!result.ok) throw Object.assign(new Error(result.error.message), { code: result.error.code });
    return result.value as ChannelOutput<C>;
  }

  return {
    local,
    app,
    userDataDir,
    opened,
    openedFiles,
    events,
    call,
    raw: (channel, input) => dispatch(app, channel, input, silentLogger),
    async waitForPhase(phase, timeoutMs = 10_000) {
      return waitUntil(
        () => {
          const view = app.session.get();
          return view.phase === phase ? view : null;
        },
        () => {
          const view = app.session.get();
          return `session stayed in ${view.phase} (wanted ${phase}); notice: ${view.notice?.message ?? 'none'}`;
        },
        { timeoutMs },
      );
    },
    async close() {
      await app.dispose();
      if (!options.userDataDir) rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/** Plays the system browser: opens the authorize URL, and signs in (or cancels) on the mock CIS2. */
export async function completeBrowserSignIn(authorizeUrl: string, choice: { uid: string } | 'cancel'): Promise<string> {
  const jar = new CookieJar();
  const loginPage = await browse(jar, authorizeUrl);
  if (loginPage.final.status !== 200) throw new Error(`login page answered ${loginPage.final.status}`);
  const form =
    choice === 'cancel' ? new URLSearchParams({ action: 'cancel' }) : new URLSearchParams({ uid: choice.uid, action: 'sign-in' });
  const after = await browse(jar, loginFormAction(loginPage.body, loginPage.visited.at(-1) ?? authorizeUrl), { method: 'POST', form });
  return after.body;
}

/** Signs in as a synthetic user and chooses the role at the given organisation. */
export async function signInDirect(direct: DirectApp, uid: string, ods = 'R69', onBehalfOfUserId?: string): Promise<SessionView> {
  const before = direct.opened.length;
  await direct.call('session.signIn', {});
  const url = direct.opened[before];
  if (!url) throw new Error('the app did not open the sign-in page');
  await completeBrowserSignIn(url, { uid });
  const choosing = await direct.waitForPhase('choosing-role');
  const role = choosing.roles.find(
    (r) => r.organisationOds === ods && (onBehalfOfUserId ? r.businessFunction === 'SERVICE_PROVIDER_CLINICIAN_ADMIN' : true),
  );
  if (!role) throw new Error(`no role at ${ods}`);
  return direct.call('session.chooseRole', onBehalfOfUserId ? { roleId: role.id, onBehalfOfUserId } : { roleId: role.id });
}
