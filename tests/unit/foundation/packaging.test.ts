import { createRequire } from 'node:module';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../helpers/repo';

const require = createRequire(import.meta.url);
// electron-builder's own schema validation, as `electron-builder` runs it before a build.
const { validateConfiguration } = require('app-builder-lib/out/util/config/config') as {
  validateConfiguration: (config: unknown, logger: unknown) => Promise<void>;
};
const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled?: boolean) => unknown };
const config = require(path.join(repoRoot, 'build', 'electron-builder.config.cjs')) as Record<string, unknown> & {
  msi: Record<string, unknown>;
  files: string[];
  win: { target: { target: string }[] };
  linux: { target: string[] };
};

describe('packaging configuration', () => {
  it('passes electron-builder schema validation', async () => {
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined();
  });

  it('is rejected by the same validation when wrong (the check can fail)', async () => {
    await expect(validateConfiguration({ ...config, msi: { ...config.msi, perMachine: 'yes' } }, new DebugLogger(false))).rejects.toThrow();
  });

  it('builds a per-machine MSI with a fixed upgrade code and no auto-update', () => {
    expect(config.win.target.map((t) => t.target)).toEqual(['msi']);
    expect(config.msi.perMachine).toBe(true);
    expect(config.msi.upgradeCode).toBe('3986392d-882c-4cdd-8d98-b130d367d413');
    expect(config.publish).toBeNull();
    expect(config.appId).toBe('uk.nhs.ers-triage');
    expect(config.linux.target).toEqual(expect.arrayContaining(['AppImage', 'deb']));
  });

  it('packs the product only: never dist/dev, the local environment for unpackaged development', () => {
    expect(config.files).toEqual(expect.arrayContaining(['dist/main/**', 'dist/renderer/**', '!dist/dev/**']));
    expect((config.files as string[]).some((f) => f.includes('local-env'))).toBe(false);
  });

  it('has its icons in build/', () => {
    for (const icon of ['build/icon.png', 'build/icon.ico']) {
      const file = path.join(repoRoot, icon);
      expect(existsSync(file)).toBe(true);
    }
    expect(readFileSync(path.join(repoRoot, 'build/icon.png')).subarray(1, 4).toString()).toBe('PNG');
  });
});
