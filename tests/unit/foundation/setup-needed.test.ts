import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { channelNames } from '../../../contract';
import { createApp } from '../../../electron/app';
import { loadConfig } from '../../../electron/config';
import { dispatch } from '../../../electron/dispatch';
import { silentLogger } from '../../../electron/log/logger';
import { createNodePlatform } from '../../../electron/platform/node-platform';
import { createSetupNeededApp } from '../../../electron/setup-needed';

// A packaged install with no machine configuration: it says so, names the file, and starts nothing.
describe('a computer that is not set up', () => {
  const programData = path.join(os.tmpdir(), 'ers-setup-needed-test');
  const config = loadConfig({ ProgramData: programData }, 'win32', { packaged: true });

  it('answers app.info with what is missing and where IT puts it', async () => {
    if (!config.setupNeeded) throw new Error('expected a configuration that needs setting up');
    const app = createSetupNeededApp({ ...config, setupNeeded: config.setupNeeded }, { appVersion: '1.0.0', kind: 'electron' });
    const result = await dispatch(app, 'app.info', {}, silentLogger);
    expect(result).toMatchObject({
      ok: true,
      value: { setup: { expectedPath: path.join(programData, 'ers-triage', 'config.json') }, environmentLabel: 'Not set up' },
    });
  });

  it('refuses every other channel with one sentence for IT', async () => {
    if (!config.setupNeeded) throw new Error('expected a configuration that needs setting up');
    const app = createSetupNeededApp({ ...config, setupNeeded: config.setupNeeded }, { appVersion: '1.0.0', kind: 'electron' });
    for (const channel of channelNames.filter((c) => c !== 'app.info')) {
      // Only the handler matters here: call it directly, whatever its input schema.
      const handler = app.handlers[channel] as (input: unknown) => Promise<unknown>;
      await expect(handler({})).rejects.toMatchObject({
        code: 'NOT_CONFIGURED',
        message: expect.stringMatching(/not set up .* IT service desk/),
      });
    }
  });

  it('never starts a local environment when none is supplied, as in a packaged build', async () => {
    const unpackaged = loadConfig({ ERS_TRIAGE_CONFIG: path.join(programData, 'none.json') }, 'linux');
    expect(unpackaged.environment).toBe('local');
    await expect(
      createApp({ config: unpackaged, platform: createNodePlatform({ userDataDir: path.join(programData, 'user') }), log: silentLogger }),
    ).rejects.toMatchObject({
      code: 'NOT_CONFIGURED',
    });
  });
});
