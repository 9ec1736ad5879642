/**
 * Launches the real Electron app (the unpackaged build in dist/, or an installed executable
 * named by ERS_TRIAGE_EXECUTABLE) through Playwright's `_electron`, on a machine with the
 * Electron runtime. Each launch gets its own profile folders, so runs never share data.
 * Sign-in's "system browser" is the test: the main process's shell.openExternal is replaced
 * so the authorize URL comes back here, and the mock CIS2 is signed into over HTTP.
 */
import { mkdtempSync } from 'node:fs';
import { vi } from 'vitest';
import os from 'node:os';
import path from 'node:path';
import { _electron, type ElectronApplication, type Page } from 'playwright-core';
import { completeBrowserSignIn } from '../helpers/app-direct';
import { repoRoot } from '../helpers/repo';

export interface LaunchedApp {
  electron: ElectronApplication;
  page: Page;
  /** The profile root: APPDATA/LOCALAPPDATA on Windows, XDG_CONFIG_HOME elsewhere. */
  profile: string;
  /** Where the app keeps this user's data. */
  userDataDir(): Promise<string>;
  /** Waits for the app to ask the system browser to open a URL, and returns it. */
  nextOpenedUrl(timeoutMs?: number): Promise<string>;
}

export function newProfile(): string {
  return mkdtempSync(path.join(os.tmpdir(), 'ers-electron-profile-'));
}

export async function launchApp(
  options: { profile?: string; env?: Record<string, string>; /** Chromium switches, e.g. --proxy-server. */ args?: string[] } = {},
): Promise<LaunchedApp> {
  const profile = options.profile ?? newProfile();
  const executablePath = process.env.ERS_TRIAGE_EXECUTABLE;
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    // The per-user folders Electron and the app derive every path from.
    APPDATA: path.join(profile, 'Roaming'),
    LOCALAPPDATA: path.join(profile, 'Local'),
    XDG_CONFIG_HOME: path.join(profile, 'config'),
    ...options.env,
  };
  const electron = await _electron.launch({
    ...(executablePath ? { executablePath, args: [...(options.args ?? [])] } : { args: [...(options.args ?? []), repoRoot] }),
    cwd: repoRoot,
    env,
    timeout: 60_000,
  });
  const page = await electron.firstWindow();
  // The system browser is this test: keep what the app asks it to open.
  await electron.evaluate(({ shell }) => {
    const opened: string[] = [];
    (globalThis as { __ersOpened?: string[] }).__ersOpened = opened;
    shell.openExternal = async (url: string) => {
      opened.push(url);
    };
  });
  let seen = 0;
  return {
    electron,
    page,
    profile,
    userDataDir: () => electron.evaluate(({ app }) => app.getPath('userData')),
    async nextOpenedUrl(timeoutMs = 15_000) {
      const opened = await vi.waitFor(
        async () => {
          const urls = await electron.evaluate(() => (globalThis as { __ersOpened?: string[] }).__ersOpened ?? []);
          if (urls.length <= seen) throw new Error('The app never asked the system browser to open the sign-in page.');
          return urls;
        },
        { timeout: timeoutMs, interval: 50 },
      );
      seen = opened.length;
      return opened[opened.length - 1] ?? '';
    },
  };
}

/** Sign in as a synthetic user through the loopback redirect, and choose a role. */
export async function signIn(app: LaunchedApp, uid: string, roleLabel?: RegExp): Promise<void> {
  const { page } = app;
  await page.getByTestId('sign-in').click();
  const url = await app.nextOpenedUrl();
  // The mock CIS2 redirects to the app's loopback listener, as a browser would.
  await completeBrowserSignIn(url, { uid });
  await page.getByTestId('role-picker').waitFor({ timeout: 30_000 });
  if (roleLabel) await page.getByLabel(roleLabel).check();
  await page.getByTestId('choose-role').click();
  await page.getByTestId('header-user').waitFor({ timeout: 30_000 });
}

/** True when the viewer's canvas has drawn something other than white. */
export async function canvasHasInk(page: Page): Promise<boolean> {
  return page.evaluate(() => {
    const canvas = document.querySelector<HTMLCanvasElement>('[data-testid="viewer-pane"] canvas');
    if (!canvas || canvas.width === 0) return false;
    const context = canvas.getContext('2d');
    if (!context) return false;
    const { data } = context.getImageData(0, 0, canvas.width, canvas.height);
    for (let i = 0; i < data.length; i += 4 * 97)
      if ((data[i] ?? 255) < 200 || (data[i + 1] ?? 255) < 200 || (data[i + 2] ?? 255) < 200) return true;
    return false;
  });
}
