/**
 * The window guards main.ts wires to Electron: navigation only to the app's own pages, no
 * new windows, no permissions. Tested here without Electron, with hand-picked hostile URLs
 * and generated ones, and the wiring itself read from main.ts so a guard cannot be
 * dropped there without this failing.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { permissionDecision, shouldBlockNavigation, windowOpenDecision } from '../../../electron/navigation-guard';
import { APP_ORIGIN } from '../../../electron/window-options';
import { repoRoot } from '../../helpers/repo';

const APP_PAGES = [
  `${APP_ORIGIN}/`,
  `${APP_ORIGIN}/index.html`,
  `${APP_ORIGIN}/#/worklists/referrals`,
  `${APP_ORIGIN}/#/referral/000000070000?list=triage`,
  `${APP_ORIGIN}/assets/index-abc123.js`,
];

const REFUSED = [
  'https://example.com/',
  'https://triage/',
  'http://127.0.0.1:8080/',
  'http://localhost/#/worklists/referrals',
  'file:///etc/passwd',
  'file:///C:/Windows/System32/cmd.exe',
  'javascript:alert(1)',
  'JAVASCRIPT:alert(1)',
  'data:text/html,<script>alert(1)</script>',
  'blob:app://triage/0d2b7c2e-0000-4000-8000-000000000000',
  'about:blank',
  'chrome://settings',
  'devtools://devtools/bundled/inspector.html',
  'ftp://example.com/file',
  'mailto:someone@example.com',
  'ms-msdt:/id PCWDiagnostic',
  'app://evil/',
  'app://triage.evil.example/',
  'app://evil.example/triage/',
  'app://triage:8443/',
  'app:/triage/',
  'app:triage',
  '//triage/',
  '/#/worklists',
  'triage',
  '',
  'not a url',
  'http://[::1',
  'app://tri age/',
];

const PERMISSIONS = [
  'geolocation',
  'media',
  'notifications',
  'clipboard-read',
  'clipboard-sanitized-write',
  'display-capture',
  'fullscreen',
  'idle-detection',
  'keyboardLock',
  'mediaKeySystem',
  'midi',
  'midiSysex',
  'openExternal',
  'pointerLock',
  'speaker-selection',
  'storage-access',
  'top-level-storage-access',
  'window-management',
  'fileSystem',
  'hid',
  'serial',
  'usb',
  'unknown',
  '',
];

describe('navigation guard', () => {
  it("lets navigation and redirects reach the app's own pages", () => {
    for (const url of APP_PAGES) expect(shouldBlockNavigation(url), url).toBe(false);
  });

  it('refuses every other scheme, another app:// host, and malformed URLs', () => {
    const allowed = REFUSED.filter((url) => !shouldBlockNavigation(url));
    expect(allowed).toEqual([]);
  });

  it('refuses any generated web URL, and allows any path, query and fragment under the app origin', () => {
    fc.assert(
      fc.property(
        fc.webUrl({ validSchemes: ['http', 'https', 'ftp', 'file', 'ws', 'wss'], withQueryParameters: true, withFragments: true }),
        (url) => {
          expect(shouldBlockNavigation(url)).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(fc.webPath(), fc.webQueryParameters(), fc.webFragments(), (webPath, query, fragment) => {
        const url = `${APP_ORIGIN}/${webPath.replace(/^\/+/, '')}?${query}#${fragment}`;
        expect(shouldBlockNavigation(url)).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it('refuses any string that is not an app URL, whatever it contains', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => {
        fc.pre(!text.trim().toLowerCase().startsWith('app:'));
        expect(shouldBlockNavigation(text)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});

describe('window.open guard', () => {
  it('denies every new window, the app origin included', () => {
    for (const url of [...APP_PAGES, ...REFUSED]) expect(windowOpenDecision({ url })).toEqual({ action: 'deny' });
  });
});

describe('permission guard', () => {
  it('denies every permission Electron names, and any it may add', () => {
    for (const permission of PERMISSIONS) expect(permissionDecision(permission), permission).toBe(false);
    fc.assert(
      fc.property(fc.string(), (permission) => {
        expect(permissionDecision(permission)).toBe(false);
      }),
      { numRuns: 200 },
    );
  });
});

describe('main.ts wiring', () => {
  const main = readFileSync(path.join(repoRoot, 'electron', 'main.ts'), 'utf8');

  it('stops navigation and redirects the guard refuses', () => {
    for (const event of ['will-navigate', 'will-redirect']) {
      const wiring = new RegExp(
        `contents\\.on\\('${event}', \\(event, url\\) => \\{\\s*if \\(shouldBlockNavigation\\(url\\)\\) event\\.preventDefault\\(\\);`,
      );
      expect(main, event).toMatch(wiring);
    }
  });

  it('answers window.open, permission requests and permission checks with the guard', () => {
    expect(main).toMatch(/contents\.setWindowOpenHandler\(\(details\) => windowOpenDecision\(details\)\)/);
    expect(main).toMatch(
      /setPermissionRequestHandler\(\(_contents, permission, callback\) => callback\(permissionDecision\(permission\)\)\)/,
    );
    expect(main).toMatch(/setPermissionCheckHandler\(\(_contents, permission\) => permissionDecision\(permission\)\)/);
    expect(main).toMatch(/contents\.on\('will-attach-webview', \(event\) => event\.preventDefault\(\)\)/);
  });
});
