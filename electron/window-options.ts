/**
 * The options of the app's one window, as a plain function so a unit test can check them
 * without Electron. main.ts passes the result to `new BrowserWindow()`; the type is
 * checked there against Electron's own BrowserWindowConstructorOptions.
 */
export interface SecureWebPreferences {
  preload: string;
  contextIsolation: true;
  sandbox: true;
  nodeIntegration: false;
  nodeIntegrationInWorker: false;
  nodeIntegrationInSubFrames: false;
  webSecurity: true;
  allowRunningInsecureContent: false;
  experimentalFeatures: false;
  webviewTag: false;
  navigateOnDragDrop: false;
  safeDialogs: true;
  /** Only where the operating system checks spelling (spellcheckAvailable in context-menu.ts). */
  spellcheck: boolean;
  disableBlinkFeatures: 'Auxclick';
  devTools: boolean;
}

export interface WindowOptions {
  width: number;
  height: number;
  minWidth: number;
  minHeight: number;
  title: string;
  show: false;
  backgroundColor: string;
  autoHideMenuBar: true;
  webPreferences: SecureWebPreferences;
}

export function windowOptions(input: { preloadPath: string; packaged: boolean; spellcheck?: boolean }): WindowOptions {
  return {
    width: 1440,
    height: 900,
    minWidth: 1024,
    minHeight: 640,
    title: 'e-RS Triage',
    // Shown on 'ready-to-show' so the user never sees a blank frame.
    show: false,
    backgroundColor: '#f0f4f5',
    autoHideMenuBar: true,
    webPreferences: {
      preload: input.preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      spellcheck: input.spellcheck ?? false,
      // A middle click must not open anything, even where navigation is refused anyway.
      disableBlinkFeatures: 'Auxclick',
      // Developer tools only in development builds, never in what trusts install.
      devTools: !input.packaged,
    },
  };
}

/** The origin the renderer is served from inside Electron (a privileged custom scheme). */
export const APP_SCHEME = 'app';
export const APP_HOST = 'triage';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;

/** True only for URLs of the app's own pages: everything else is refused navigation. */
export function isAppUrl(url: string): boolean {
  try {
    // Compared by parts: Node gives custom schemes an opaque origin, Electron does not.
    const parsed = new URL(url);
    return parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST;
  } catch {
    return false;
  }
}
