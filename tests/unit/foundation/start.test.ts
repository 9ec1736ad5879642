/** `npm start`'s decision: Electron where it can run, else the browser host, said in one line. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { repoRoot } from '../../helpers/repo';

interface Decision {
  mode: 'electron' | 'browser';
  electron?: string;
  line?: string;
  opener?: { command: string; args: string[] } | null;
}
const { decideStart, electronBinary } = (await import(pathToFileURL(path.join(repoRoot, 'build', 'start.mjs')).href)) as {
  decideStart(facts: {
    electron: string | null;
    platform: NodeJS.Platform;
    env: NodeJS.ProcessEnv;
    hasCommand: (name: string) => boolean;
  }): Decision;
  electronBinary(root: string, env?: NodeJS.ProcessEnv): string | null;
};

const always = () => true;
const never = () => false;

let root: string;
beforeEach(() => {
  root = mkdtempSync(path.join(os.tmpdir(), 'start-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('npm start', () => {
  it('finds the Electron runtime only when it was downloaded, without requiring the package', () => {
    mkdirSync(path.join(root, 'node_modules', 'electron'), { recursive: true });
    expect(electronBinary(root, {})).toBeNull();
    writeFileSync(path.join(root, 'node_modules', 'electron', 'path.txt'), 'electron');
    expect(electronBinary(root, {})).toBeNull();
    mkdirSync(path.join(root, 'node_modules', 'electron', 'dist'));
    writeFileSync(path.join(root, 'node_modules', 'electron', 'dist', 'electron'), '');
    expect(electronBinary(root, {})).toBe(path.join(root, 'node_modules', 'electron', 'dist', 'electron'));
  });

  it('runs Electron where it is installed and there is a display', () => {
    expect(decideStart({ electron: '/e', platform: 'linux', env: { DISPLAY: ':0' }, hasCommand: always })).toEqual({
      mode: 'electron',
      electron: '/e',
    });
    expect(decideStart({ electron: 'C:\\e.exe', platform: 'win32', env: {}, hasCommand: never }).mode).toBe('electron');
    expect(decideStart({ electron: '/e', platform: 'darwin', env: {}, hasCommand: never }).mode).toBe('electron');
  });

  it('without the runtime, says so in one line and opens the browser host in the system browser', () => {
    const linux = decideStart({ electron: null, platform: 'linux', env: { DISPLAY: ':0' }, hasCommand: (name) => name === 'xdg-open' });
    expect(linux).toMatchObject({ mode: 'browser', opener: { command: 'xdg-open', args: [] } });
    expect(linux.line).toMatch(/^The Electron runtime is not installed here .*opens in your browser instead/);
    expect(linux.line).not.toContain('\n');
    expect(decideStart({ electron: null, platform: 'win32', env: {}, hasCommand: never }).opener).toEqual({
      command: 'cmd',
      args: ['/c', 'start', '""'],
    });
    expect(decideStart({ electron: null, platform: 'darwin', env: {}, hasCommand: never }).opener).toEqual({ command: 'open', args: [] });
  });

  it('with no display and no browser to open, prints the address instead', () => {
    const headless = decideStart({ electron: '/e', platform: 'linux', env: {}, hasCommand: always });
    expect(headless).toMatchObject({ mode: 'browser', opener: null });
    expect(headless.line).toMatch(/^There is no display for Electron here, .*open the address below in a browser\.$/);
    expect(decideStart({ electron: null, platform: 'linux', env: { DISPLAY: ':0' }, hasCommand: never }).opener).toBeNull();
  });
});
