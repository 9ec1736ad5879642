/**
 * The Electron main process: window, protocol, IPC transport. It composes the app through
 * app.ts and holds no handler logic of its own.
 */
import { readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  app,
  BrowserWindow,
  dialog,
  ipcMain,
  Menu,
  protocol,
  screen,
  session,
  type BrowserWindowConstructorOptions,
  type MenuItemConstructorOptions,
  type WebContents,
} from 'electron';
import { contextMenuItems, SPELLCHECK_LANGUAGES, spellcheckAvailable, type MenuItemSpec } from './context-menu';
import { eventNames, type EventName, type Events } from '../contract';
import type { AppShell } from './app';
import { AppError } from './app-error';
import { loadConfig } from './config';
import type { LocalEnvironmentSource } from './environment';
import { SECURITY_HEADERS } from './csp';
import { dispatch } from './dispatch';
import { installCrashHandler } from './crash-handler';
import { permissionDecision, shouldBlockNavigation, windowOpenDecision } from './navigation-guard';
import { createFileLogger } from './log/file-logger';
import { createElectronPlatform, placeUserDataLocally } from './platform/electron-platform';
import { readWindowsPolicy } from './policy/windows-policy';
import { startApp } from './start-app';
import { readStaticFile } from './static-files';
import { moveUserData, type MoveResult } from './user-data-location';
import { APP_ORIGIN, APP_SCHEME, isAppUrl, windowOptions } from './window-options';
import { machineWindowFile, placeWindow, readWindowState, WindowStateKeeper, zoomKey, type Rect, type WindowState } from './window-state';

const here = path.dirname(fileURLToPath(import.meta.url));
const rendererDir = path.join(here, '..', 'renderer');

// Before anything opens a file there: per-user data in the non-roaming profile (Windows).
const placed = placeUserDataLocally();
protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
// One instance per user; the lock lives in the (new) user data folder.
const firstInstance = app.requestSingleInstanceLock();
// What an earlier version left in the roaming profile moves here once; `ready` waits for it
// (Electron emits it after the entry module's top-level awaits).
let moved: MoveResult | null = null;
let moveFailure: unknown = null;
if (firstInstance && placed) {
  try {
    moved = await moveUserData(placed.roaming, placed.local);
  } catch (error) {
    moveFailure = error;
  }
}

// Structured, redacted, rotating logs in the user's profile; echoed to stderr in development.
const log = createFileLogger({
  dir: path.join(app.getPath('userData'), 'logs'),
  ...(app.isPackaged ? {} : { echo: (line: string) => process.stderr.write(`${line}\n`) }),
});
installCrashHandler({
  log,
  flush: () => log.flush(),
  showFatal: (message) => dialog.showErrorBox('e-RS Triage', message),
  exit: (code) => app.exit(code),
});

/**
 * Unpackaged development only: the local environment (emulator and mocks), which
 * build/bundle-main.mjs bundles apart from main into dist/dev. electron-builder never packs
 * dist/dev, and a packaged build never asks for it.
 */
async function developmentLocalEnvironment(): Promise<LocalEnvironmentSource> {
  const entry = pathToFileURL(path.join(here, '..', 'dev', 'local-env.mjs')).href;
  const loaded = (await import(entry)) as { startLocalEnvironment: NonNullable<LocalEnvironmentSource['start']> };
  return { start: loaded.startLocalEnvironment };
}

if (moveFailure !== null) {
  // Part may be in each place: start again (the move resumes) rather than show half the data.
  log.error('user_data.move_failed', { error: moveFailure });
  dialog.showErrorBox(
    'e-RS Triage',
    "e-RS Triage could not move your saved work to this computer's local profile. Start it again; if this keeps happening, contact your IT service desk.",
  );
  app.exit(1);
} else if (moved && moved.status !== 'nothing-to-move') {
  log.info('user_data.moved', { ...moved });
}

if (!firstInstance || moveFailure !== null) {
  app.quit();
} else {
  let mainWindow: BrowserWindow | null = null;
  let triage: AppShell | null = null;
  let windowKeeper: WindowStateKeeper | null = null;
  // The last window on this computer, for the window before sign-in: no user's identity in it.
  const machineWindowPath = path.join(app.getPath('userData'), 'window-state.json');
  const workAreas = (): Rect[] => {
    const primary = screen.getPrimaryDisplay();
    return [primary, ...screen.getAllDisplays().filter((d) => d.id !== primary.id)].map((d) => d.workArea);
  };

  app.on('second-instance', () => {
    if (mainWindow) {
      if (mainWindow.isMinimized()) mainWindow.restore();
      mainWindow.focus();
    }
  });

  // Every web contents: no navigation away, no new windows, no webviews (navigation-guard.ts decides).
  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-navigate', (event, url) => {
      if (shouldBlockNavigation(url)) event.preventDefault();
    });
    contents.on('will-redirect', (event, url) => {
      if (shouldBlockNavigation(url)) event.preventDefault();
    });
    contents.setWindowOpenHandler((details) => windowOpenDecision(details));
    contents.on('will-attach-webview', (event) => event.preventDefault());
    // Suggestions, cut, copy and paste: decided in context-menu.ts, built here.
    contents.on('context-menu', (_event, params) => {
      const items = contextMenuItems(params);
      if (items.length > 0) Menu.buildFromTemplate(items.map((item) => menuItem(item, contents))).popup();
    });
  });

  app
    .whenReady()
    .then(async () => {
      // electronegativity-ok: PERMISSION_REQUEST_HANDLER_JS_CHECK — the handler denies every permission request, and the check handler below answers false to every check (permissionDecision in navigation-guard.ts, pinned by its unit test)
      session.defaultSession.setPermissionRequestHandler((_contents, permission, callback) => callback(permissionDecision(permission)));
      session.defaultSession.setPermissionCheckHandler((_contents, permission) => permissionDecision(permission));

      protocol.handle(APP_SCHEME, async (request) => {
        if (!isAppUrl(request.url)) return new Response('Not found', { status: 404 });
        const file = await readStaticFile(rendererDir, new URL(request.url).pathname);
        if (!file) return new Response('Not found', { status: 404, headers: SECURITY_HEADERS });
        return new Response(new Uint8Array(file.body), { headers: { ...SECURITY_HEADERS, 'Content-Type': file.contentType } });
      });

      // Group Policy (HKLM, Windows only) wins over the ProgramData file, value by value.
      const policy = await readWindowsPolicy();
      const config = loadConfig(process.env, process.platform, { packaged: app.isPackaged, policy });
      const platform = createElectronPlatform();
      // Not set up, or set up in a way the app must not run with: the "not set up" screen says what, for IT.
      triage = await startApp(
        { config, platform, log, ...(config.setupNeeded || app.isPackaged ? {} : { local: await developmentLocalEnvironment() }) },
        app.isPackaged,
      );
      const started = triage;

      ipcMain.handle('triage:invoke', (event, channel: unknown, input: unknown) => {
        // Only our own page may call; a frame from anywhere else gets nothing.
        if (!event.senderFrame || !isAppUrl(event.senderFrame.url)) {
          return { ok: false, error: { code: 'FORBIDDEN', message: 'Only the app itself may call the app.' } };
        }
        return dispatch(started, channel, input, log);
      });

      triage.events.subscribe(<E extends EventName>(event: E, payload: Events[E]) => {
        if (eventNames.includes(event))
          if (mainWindow && !mainWindow.isDestroyed()) mainWindow.webContents.send('triage:event', event, payload);
        // A user signed in with a role: their own window comes back (window-state.ts).
        if (event === 'session.changed') {
          const view = payload as Events['session.changed'];
          const userId = view.phase === 'signed-in' && view.role ? (view.user?.id ?? null) : view.phase === 'signed-out' ? null : undefined;
          if (userId !== undefined) void windowKeeper?.userChanged(userId);
        }
      });

      const spellcheck = spellcheckAvailable(process.platform);
      // en-GB, with the operating system's checker; on macOS the system chooses the language.
      if (spellcheck && process.platform !== 'darwin') session.defaultSession.setSpellCheckerLanguages([...SPELLCHECK_LANGUAGES]);
      const secure = windowOptions({
        preloadPath: path.join(here, 'preload.cjs'),
        packaged: app.isPackaged,
        spellcheck,
      });
      const options: BrowserWindowConstructorOptions = secure;
      const limits = { width: secure.width, height: secure.height, minWidth: secure.minWidth, minHeight: secure.minHeight };
      const machineState = readWindowState(
        await readFile(machineWindowPath, 'utf8').then(
          (text) => JSON.parse(text) as unknown,
          () => null,
        ),
      );
      const placed = placeWindow(machineState, workAreas(), limits);
      // electronegativity-ok: CONTEXT_ISOLATION_JS_CHECK, SANDBOX_JS_CHECK, AUXCLICK_JS_CHECK — options come from windowOptions(), which the scanner cannot follow: contextIsolation and sandbox on, no Node, disableBlinkFeatures Auxclick (window-options.test.ts pins them)
      mainWindow = new BrowserWindow({ ...options, ...placed.bounds });
      const win = mainWindow;
      windowKeeper = keepWindowState(win, placed, limits, started);
      mainWindow.once('ready-to-show', () => {
        if (placed.maximised) win.maximize();
        win.show();
      });
      mainWindow.on('closed', () => {
        mainWindow = null;
      });
      await mainWindow.loadURL(`${APP_ORIGIN}/`);
    })
    .catch((error: unknown) => {
      const message =
        error instanceof AppError
          ? error.message
          : 'e-RS Triage could not start. Restart it; if it keeps failing, contact your IT service desk.';
      log.error('app.start_failed', { error });
      dialog.showErrorBox('e-RS Triage', message);
      app.exit(1);
    });

  /** Size, position, maximised and zoom: kept per user and for the machine (window-state.ts decides). */
  function keepWindowState(
    win: BrowserWindow,
    placed: WindowState,
    limits: { width: number; height: number; minWidth: number; minHeight: number },
    shell: AppShell,
  ): WindowStateKeeper {
    const keeper = new WindowStateKeeper(
      placed,
      {
        normalBounds: () => win.getNormalBounds(),
        isMaximised: () => win.isMaximized(),
        isTransient: () => win.isMinimized() || win.isFullScreen(),
        apply: (state) => {
          if (win.isMaximized() && !state.maximised) win.unmaximize();
          win.setBounds(state.bounds);
          if (state.maximised) win.maximize();
          win.webContents.setZoomFactor(state.zoomFactor);
        },
        setZoom: (factor) => win.webContents.setZoomFactor(factor),
        workAreas,
      },
      {
        writeMachine: async (state) => {
          await writeFile(`${machineWindowPath}.tmp`, machineWindowFile(state), 'utf8');
          await rename(`${machineWindowPath}.tmp`, machineWindowPath);
        },
        userId: async () => (await shell.userWindowState?.userId()) ?? null,
        readUser: async () => (await shell.userWindowState?.read()) ?? null,
        writeUser: async (state) => {
          await shell.userWindowState?.write({ bounds: { ...state.bounds }, maximised: state.maximised, zoomFactor: state.zoomFactor });
        },
      },
      limits,
      (error) => log.warn('window_state.save_failed', { error }),
    );
    win.on('resize', () => keeper.changed());
    win.on('move', () => keeper.changed());
    win.on('maximize', () => keeper.changed());
    win.on('unmaximize', () => keeper.changed());
    // Zoom is the page's, per origin: set after each load, and by the keys only through the keeper.
    win.webContents.on('did-finish-load', () => win.webContents.setZoomFactor(keeper.state.zoomFactor));
    win.webContents.on('before-input-event', (event, input) => {
      const direction = zoomKey(input);
      if (!direction) return;
      event.preventDefault();
      keeper.zoom(direction);
    });
    win.webContents.on('zoom-changed', (_event, direction) => keeper.zoom(direction));
    return keeper;
  }

  function menuItem(item: MenuItemSpec, contents: WebContents): MenuItemConstructorOptions {
    switch (item.kind) {
      case 'separator':
        return { type: 'separator' };
      case 'note':
        return { label: item.label, enabled: false };
      case 'replace':
        return { label: item.label, click: () => contents.replaceMisspelling(item.replacement) };
      case 'role':
        return { label: item.label, role: item.role, enabled: item.enabled };
    }
  }

  app.on('window-all-closed', () => {
    app.quit();
  });

  // Quit waits once for the app to flush its stores and stop the local environment.
  let disposed = false;
  app.on('will-quit', (event) => {
    if (disposed) return;
    event.preventDefault();
    disposed = true;
    void (windowKeeper?.flush() ?? Promise.resolve())
      .then(() => triage?.dispose())
      .catch((error: unknown) => log.error('app.dispose_failed', { error }))
      .finally(() => {
        log.close();
        app.exit(0);
      });
  });
}
