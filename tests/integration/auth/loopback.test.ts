import { describe, expect, it } from 'vitest';
import { AppError } from '../../../electron/app-error';
import { listenForCallback } from '../../../electron/auth/loopback';

describe('loopback redirect listener', () => {
  it('listens on 127.0.0.1 on an OS-assigned port and accepts exactly one callback for the state', async () => {
    const wait = await listenForCallback({ expectedState: 'state-1' });
    expect(wait.redirectUri).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback$/);
    const response = await fetch(`${wait.redirectUri}?code=abc&state=state-1`);
    expect(response.status).toBe(200);
    const page = await response.text();
    // Nothing has been checked yet: the page sends the user back, the app decides.
    expect(page).toContain('Return to e-RS Triage to finish signing in');
    expect(page).not.toMatch(/signed in</i);
    expect(page).not.toContain('You are signed in');
    expect(page).not.toContain('<script');
    expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
    const url = await wait.result;
    expect(url.searchParams.get('code')).toBe('abc');
    // Closed after the one callback: a replay finds nobody listening.
    await expect(fetch(`${wait.redirectUri}?code=abc&state=state-1`)).rejects.toThrow();
  });

  it('refuses a callback with the wrong state and keeps waiting for the right one', async () => {
    let strays = 0;
    const wait = await listenForCallback({ expectedState: 'right', onStrayCallback: () => strays++ });
    const wrong = await fetch(`${wait.redirectUri}?code=evil&state=wrong`);
    expect(wrong.status).toBe(400);
    expect(await wrong.text()).toContain('out of date');
    expect(strays).toBe(1);
    const none = await fetch(`${wait.redirectUri}?code=evil`);
    expect(none.status).toBe(400);
    const good = await fetch(`${wait.redirectUri}?code=good&state=right`);
    expect(good.status).toBe(200);
    expect((await wait.result).searchParams.get('code')).toBe('good');
  });

  it('answers other paths with 404', async () => {
    const wait = await listenForCallback({ expectedState: 's' });
    const base = new URL(wait.redirectUri).origin;
    expect((await fetch(`${base}/favicon.ico`)).status).toBe(404);
    wait.cancel();
  });

  it('times out with a clear error and stops listening', async () => {
    const wait = await listenForCallback({ expectedState: 's', timeoutMs: 50 });
    const error = await wait.result.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('SIGN_IN_TIMEOUT');
    await expect(fetch(`${wait.redirectUri}?state=s&code=x`)).rejects.toThrow();
  });

  it('can be cancelled by the user', async () => {
    const wait = await listenForCallback({ expectedState: 's' });
    wait.cancel();
    const error = await wait.result.catch((e: unknown) => e);
    expect((error as AppError).code).toBe('SIGN_IN_CANCELLED');
    expect((error as AppError).message).toMatch(/Press Sign in/);
  });
});
