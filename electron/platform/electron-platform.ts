/**
 * The one small adapter that gives the rest of electron/ what it needs from Electron.
 * Only this file, main.ts and preload.ts import 'electron' (a lint rule enforces it).
 */
import { app, shell } from 'electron';
import type { Platform } from './platform';

export function isSafeExternalUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    if (parsed.protocol === 'https:') return true;
    return parsed.protocol === 'http:' && (parsed.hostname === '127.0.0.1' || parsed.hostname === 'localhost' || parsed.hostname === '[::1]');
  } catch {
    return false;
  }
}

export function createElectronPlatform(): Platform {
  return {
    kind: 'electron',
    appVersion: app.getVersion(),
    userDataDir: app.getPath('userData'),
    async openExternal(url: string) {
      if (!isSafeExternalUrl(url)) throw new Error('Refused to open a non-https address in the system browser.');
      await shell.openExternal(url);
    },
  };
}
