import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../electron/config';
import { startHost, type HostServer } from '../../electron/host/server';
import { silentLogger } from '../../electron/log/logger';
import { createSetupNeededApp } from '../../electron/setup-needed';
import { seriousViolations } from '../helpers/axe';
import { launchChromium, type BrowserSession } from '../helpers/chromium';
import { rendererDist } from '../helpers/repo';

// A packaged install on a computer IT has not set up: the real renderer over the browser
// host, served the handlers main.ts uses in that case.
let host: HostServer;
let chrome: BrowserSession;
const programData = path.join(os.tmpdir(), 'ers-not-configured-e2e');

beforeAll(async () => {
  const config = loadConfig({ ProgramData: programData }, 'win32', { packaged: true });
  if (!config.setupNeeded) throw new Error('expected a packaged configuration that needs setting up');
  const app = createSetupNeededApp({ ...config, setupNeeded: config.setupNeeded }, { appVersion: '9.9.9-e2e', kind: 'browser-host' });
  host = await startHost({ app, events: app.events, staticDir: rendererDist, log: silentLogger });
  chrome = await launchChromium();
});

afterAll(async () => {
  await chrome?.close();
  await host?.close();
});

describe('a packaged app on a computer with no trust configuration', () => {
  it('says the computer is not set up, and names the file IT must provide and where', async () => {
    const { page } = chrome;
    await page.goto(host.url);
    await page.getByRole('heading', { level: 1, name: 'This computer is not set up for e-RS Triage yet' }).waitFor();
    expect(await page.getByTestId('expected-path').textContent()).toBe(path.join(programData, 'ers-triage', 'config.json'));
    expect(await page.getByText('Ask your IT service desk to set it up.').count()).toBe(1);
    // Nothing offers to sign in: there is nowhere to sign in to.
    expect(await page.getByRole('button', { name: 'Sign in' }).count()).toBe(0);
    await page.screenshot({ path: path.join('test-results', 'screenshots', 'not-configured.png'), fullPage: true });
  });

  it('has no serious or critical accessibility violations', async () => {
    expect(await seriousViolations(chrome.page)).toEqual([]);
  });
});
