import { describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '../../../electron/csp';
import { isAppUrl, windowOptions } from '../../../electron/window-options';

describe('window options', () => {
  it('are exactly the secure set', () => {
    const options = windowOptions({ preloadPath: '/app/preload.cjs', packaged: true });
    expect(options.webPreferences).toEqual({
      preload: '/app/preload.cjs',
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
      spellcheck: false,
      disableBlinkFeatures: 'Auxclick',
      devTools: false,
    });
  });

  it('spell check only when asked (main.ts asks where the operating system checks spelling)', () => {
    expect(windowOptions({ preloadPath: 'p', packaged: true, spellcheck: true }).webPreferences.spellcheck).toBe(true);
    expect(windowOptions({ preloadPath: 'p', packaged: true }).webPreferences.spellcheck).toBe(false);
  });

  it('allow devtools only in development builds', () => {
    expect(windowOptions({ preloadPath: 'p', packaged: false }).webPreferences.devTools).toBe(true);
    expect(windowOptions({ preloadPath: 'p', packaged: true }).webPreferences.devTools).toBe(false);
  });

  it('treat only the app origin as the app', () => {
    expect(isAppUrl('app://triage/index.html')).toBe(true);
    expect(isAppUrl('app://evil/index.html')).toBe(false);
    expect(isAppUrl('https://triage/')).toBe(false);
    expect(isAppUrl('file:///etc/passwd')).toBe(false);
    expect(isAppUrl('not a url')).toBe(false);
  });
});

describe('content security policy', () => {
  const directives = new Map(
    CONTENT_SECURITY_POLICY.split(';').map((d) => {
      const [name, ...values] = d.trim().split(/\s+/);
      return [name ?? '', values];
    }),
  );

  it('allows nothing remote, no eval and no inline script', () => {
    expect(directives.get('default-src')).toEqual(["'none'"]);
    const scripts = directives.get('script-src') ?? [];
    expect(scripts).toContain("'self'");
    expect(scripts).not.toContain("'unsafe-eval'");
    expect(scripts).not.toContain("'unsafe-inline'");
    for (const values of directives.values()) {
      for (const value of values) expect(value).not.toMatch(/^(https?:|\*|wss?:)/);
    }
    expect(directives.get('connect-src')).toEqual(["'self'"]);
    expect(directives.get('object-src')).toEqual(["'none'"]);
    expect(directives.get('frame-ancestors')).toEqual(["'none'"]);
  });
});
