// The `electron` module for the start-up bench (tests/bench/startup-main.ts): just enough of
// it for the bundled main process (dist/main/main.mjs) to run from its first line to
// `new BrowserWindow`, in plain Node, where there is no Electron binary. Constructing the
// window reports how long the process had been running, and ends it.
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

const paths = new Map();
const base = process.env.BENCH_STARTUP_DIR ?? os.tmpdir();
const noop = () => undefined;

export const app = {
  isPackaged: false,
  getPath: (name) => paths.get(name) ?? path.join(base, name),
  setPath: (name, value) => paths.set(name, value),
  getName: () => 'e-RS Triage',
  getVersion: () => '0.0.0-bench',
  requestSingleInstanceLock: () => true,
  on: noop,
  once: noop,
  whenReady: () => {
    report({ ready: performance.now() });
    return Promise.resolve();
  },
  quit: () => process.exit(0),
  exit: (code) => process.exit(code ?? 0),
};

const fakeSession = {
  setPermissionRequestHandler: noop,
  setPermissionCheckHandler: noop,
  setSpellCheckerLanguages: noop,
  fetch: () => Promise.reject(new Error('No network in the start-up bench.')),
};

export const session = { defaultSession: fakeSession, fromPartition: () => fakeSession };
export const protocol = { registerSchemesAsPrivileged: noop, handle: noop };
export const ipcMain = { handle: noop };
export const Menu = { buildFromTemplate: () => ({ popup: noop }) };
export const dialog = {
  showErrorBox: (title, message) => {
    report({ error: `${title}: ${message}` });
    process.exit(1);
  },
};
export const shell = { openPath: async () => '', openExternal: async () => undefined };
export const safeStorage = {
  isEncryptionAvailable: () => true,
  getSelectedStorageBackend: () => 'gnome_libsecret',
  encryptString: (text) => Buffer.from(text),
  decryptString: (bytes) => Buffer.from(bytes).toString(),
};

// The installed app's fetch is built on net.request; nothing is fetched before the window.
export const net = {
  request: () => {
    throw new Error('no network before the window');
  },
};
const display = { id: 1, workArea: { x: 0, y: 0, width: 1920, height: 1040 }, bounds: { x: 0, y: 0, width: 1920, height: 1080 } };
export const screen = { getPrimaryDisplay: () => display, getAllDisplays: () => [display] };

export class BrowserWindow {
  constructor() {
    report({ window: performance.now() });
    process.exit(0);
  }

  // What main.ts calls next, never reached: the constructor ends the process.
  once() {
    return this;
  }
}

function report(message) {
  process.stdout.write(`BENCH-STARTUP ${JSON.stringify(message)}\n`);
}

export default { app, session, protocol, ipcMain, Menu, dialog, shell, safeStorage, net, screen, BrowserWindow };
