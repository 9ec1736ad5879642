/**
 * The Electron app itself, where the Electron runtime is (CI's ubuntu runner under xvfb and
 * its windows runner; `npm run test:electron`). Not part of `npm test`: the development
 * machines cannot download Electron. One app, one user, in order: secure window, only
 * window.triage, sign-in through the loopback redirect, a worklist, a PDF drawn, a decision
 * sent, a second instance focusing the first, and quit flushing the outbox.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSULTANT_UID } from '../../local-env/src/users';
import { repoRoot } from '../helpers/repo';
import { canvasHasInk, launchApp, newProfile, signIn, type LaunchedApp } from './electron-app';

const require = createRequire(import.meta.url);
const profile = newProfile();
let app: LaunchedApp;

beforeAll(async () => {
  app = await launchApp({ profile });
}, 120_000);

afterAll(async () => {
  await app?.electron.close().catch(() => undefined);
  rmSync(profile, { recursive: true, force: true });
});

/** Every file under `dir` whose path has a folder named `name`. */
function filesUnder(dir: string, name: string, inside = false): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) return filesUnder(p, name, inside || entry.name === name);
    return inside ? [p] : [];
  });
}

async function confirmDecision(launched: LaunchedApp): Promise<string> {
  const { page } = launched;
  await page.getByTestId('confirm-dialog').waitFor();
  await page.getByTestId('confirm-send').click();
  await page.getByTestId('confirm-dialog').waitFor({ state: 'detached' });
  await expect.poll(async () => (await page.getByTestId('decision-status').textContent()) ?? '', { timeout: 30_000 }).not.toBe('');
  return (await page.getByTestId('decision-status').textContent()) ?? '';
}

async function openNextReferral(launched: LaunchedApp, skip: number): Promise<void> {
  const { page } = launched;
  await page.evaluate(() => {
    window.location.hash = '#/';
  });
  await page.getByTestId('worklist-row').nth(skip).waitFor({ timeout: 30_000 });
  await page.getByTestId('worklist-row').nth(skip).click();
  await page.getByTestId('item-heading').waitFor({ timeout: 30_000 });
}

describe('the Electron app', () => {
  it('opens its window with the secure options', async () => {
    // Electron gives no public read of a window's webPreferences: check what they do.
    const metrics = await app.electron.evaluate(({ app: electronApp, BrowserWindow }) => ({
      windows: BrowserWindow.getAllWindows().map((w) => ({ url: w.webContents.getURL(), devTools: w.webContents.isDevToolsOpened() })),
      renderers: electronApp
        .getAppMetrics()
        .filter((m) => m.type === 'Tab')
        .map((m) => m.sandboxed),
    }));
    expect(metrics.windows).toEqual([{ url: expect.stringMatching(/^app:\/\//), devTools: false }]);
    // `sandboxed` is reported on Windows and macOS; where it is, every renderer is sandboxed.
    expect(metrics.renderers.filter((sandboxed) => sandboxed === false)).toEqual([]);
    // No Node in the page (nodeIntegration off), and the preload's world is not the page's (contextIsolation).
    expect(
      await app.page.evaluate(() => [
        typeof (globalThis as Record<string, unknown>).require,
        typeof (globalThis as Record<string, unknown>).process,
      ]),
    ).toEqual(['undefined', 'undefined']);
    // Navigation away is refused.
    await app.page.evaluate(() => {
      window.location.href = 'https://example.org/';
    });
    // will-navigate is decided in the main process before the page could leave: one round trip
    // through main, then the page still answers from app://.
    await app.electron.evaluate(() => true);
    expect(await app.page.evaluate(() => window.location.protocol)).toBe('app:');
    expect(app.page.url()).toMatch(/^app:\/\//);
  });

  it('gives the page window.triage and nothing else of Electron or Node', async () => {
    const seen = await app.page.evaluate(() => {
      const w = window as unknown as Record<string, unknown> & { triage?: Record<string, unknown> };
      return {
        triage: Object.keys(w.triage ?? {}).sort(),
        leaks: ['require', 'process', 'module', 'Buffer', 'global', 'electron', 'ipcRenderer', '__dirname'].filter((name) => name in w),
      };
    });
    expect(seen.triage).toEqual(['invoke', 'on']);
    expect(seen.leaks).toEqual([]);
  });

  it('signs in against the local environment through the loopback redirect, and shows a worklist', async () => {
    await signIn(app, CONSULTANT_UID, /\(R69\)/);
    await app.page.getByTestId('worklist-row').first().waitFor({ timeout: 30_000 });
    expect(await app.page.getByTestId('worklist-row').count()).toBeGreaterThan(0);
  });

  it("draws a referral's PDF", async () => {
    const { page } = app;
    for (let row = 0; row < 10; row += 1) {
      await openNextReferral(app, row);
      const items = page.getByTestId('attachment-item');
      for (let i = 0; i < (await items.count()); i += 1) {
        await items.nth(i).click();
        if (
          await page
            .getByTestId('pdf-viewer')
            .isVisible()
            .catch(() => false)
        ) {
          await expect.poll(() => canvasHasInk(page), { timeout: 30_000 }).toBe(true);
          return;
        }
      }
    }
    throw new Error('no referral among the first ten had a PDF that drew');
  });

  it('sends a decision', async () => {
    await openNextReferral(app, 0);
    await app.page.getByTestId('decision-accept').click();
    expect(await confirmDecision(app)).toMatch(/accepted/i);
  });

  it('focuses the first instance when a second is started', async () => {
    await app.electron.evaluate(({ app: electronApp, BrowserWindow }) => {
      (globalThis as { __secondInstance?: number }).__secondInstance = 0;
      electronApp.on('second-instance', () => {
        (globalThis as { __secondInstance?: number }).__secondInstance =
          ((globalThis as { __secondInstance?: number }).__secondInstance ?? 0) + 1;
      });
      BrowserWindow.getAllWindows()[0]?.minimize();
    });
    const executable = process.env.ERS_TRIAGE_EXECUTABLE ?? (require('electron') as string);
    const env = {
      ...process.env,
      APPDATA: path.join(profile, 'Roaming'),
      LOCALAPPDATA: path.join(profile, 'Local'),
      XDG_CONFIG_HOME: path.join(profile, 'config'),
    };
    const second = spawn(executable, process.env.ERS_TRIAGE_EXECUTABLE ? [] : [repoRoot], { env, stdio: 'ignore' });
    const code = await new Promise<number | null>((resolve) => second.on('exit', resolve));
    expect(code).toBe(0);
    await expect
      .poll(() => app.electron.evaluate(() => (globalThis as { __secondInstance?: number }).__secondInstance ?? 0), { timeout: 15_000 })
      .toBe(1);
    const state = await app.electron.evaluate(({ BrowserWindow }) => {
      const window = BrowserWindow.getAllWindows()[0];
      return { windows: BrowserWindow.getAllWindows().length, minimized: window?.isMinimized(), visible: window?.isVisible() };
    });
    expect(state).toEqual({ windows: 1, minimized: false, visible: true });
  });

  it('keeps the window’s size and zoom as the signed-in user changes them (Ctrl+=)', async () => {
    await app.electron.evaluate(({ BrowserWindow }) =>
      BrowserWindow.getAllWindows()[0]?.setBounds({ x: 40, y: 40, width: 1200, height: 760 }),
    );
    await app.page.keyboard.press('Control+Equal');
    const zoom = () => app.electron.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0]?.webContents.getZoomFactor() ?? 0);
    await expect.poll(zoom).toBeCloseTo(1.1, 5);
    // The machine's last window (no user in it), written a moment after the last change.
    const file = path.join(await app.userDataDir(), 'window-state.json');
    await expect
      .poll(() => (existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { bounds: { width: number } }).bounds.width : 0), {
        timeout: 10_000,
      })
      .toBe(1200);
    expect(readFileSync(file, 'utf8')).not.toContain(CONSULTANT_UID);
    await app.page.keyboard.press('Control+0');
    await expect.poll(zoom).toBeCloseTo(1, 5);
    await app.page.keyboard.press('Control+Equal');
    await expect.poll(zoom).toBeCloseTo(1.1, 5);
  });

  it('keeps a decision made offline through quit, and sends it at the next sign-in', async () => {
    // Offline: the app's own network session (net.fetch) reaches nothing, as on a lost network.
    await app.electron.evaluate(({ session }) => session.fromPartition('ers-triage-network').enableNetworkEmulation({ offline: true }));
    await openNextReferral(app, 0);
    const heading = (await app.page.getByTestId('item-heading').textContent()) ?? '';
    await app.page.getByTestId('decision-accept').click();
    expect(await confirmDecision(app)).toMatch(/queued|will be sent/i);
    const userData = await app.userDataDir();
    await app.electron.close();
    // Quit waited for the outbox: it is on disk (encrypted) once the process has gone.
    expect(filesUnder(path.join(userData, 'offline'), 'outbox').length).toBeGreaterThan(0);

    app = await launchApp({ profile });
    await signIn(app, CONSULTANT_UID, /\(R69\)/);
    await expect.poll(() => app.page.getByTestId('outbox-item').count(), { timeout: 60_000 }).toBe(0);
    await app.page.getByTestId('worklist-row').first().waitFor({ timeout: 30_000 });
    const rows = await app.page.getByTestId('worklist-row').allTextContents();
    const ubrn = /\d{12}/.exec(heading)?.[0];
    if (ubrn) expect(rows.some((text) => text.includes(ubrn))).toBe(false);
  });

  it('comes back at the user’s window size and zoom after the restart', async () => {
    const seen = await app.electron.evaluate(({ BrowserWindow }) => {
      const win = BrowserWindow.getAllWindows()[0];
      return win ? { width: win.getNormalBounds().width, zoom: win.webContents.getZoomFactor() } : null;
    });
    expect(seen?.width).toBe(1200);
    expect(seen?.zoom).toBeCloseTo(1.1, 5);
  });
});
