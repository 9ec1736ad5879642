import { createRequire } from 'node:module';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../helpers/repo';

const require = createRequire(import.meta.url);
interface NoticesModule {
  collectNotices(root: string): { packages: { name: string; version: string; license: string }[]; missing: string[] };
  formatNotices(packages: unknown[], productName: string): string;
}
// electron-builder's own schema validation, as `electron-builder` runs it before a build.
const { validateConfiguration } = require('app-builder-lib/out/util/config/config') as {
  validateConfiguration: (config: unknown, logger: unknown) => Promise<void>;
};
const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled?: boolean) => unknown };
const config = require(path.join(repoRoot, 'build', 'electron-builder.config.cjs')) as Record<string, unknown> & {
  msi: Record<string, unknown>;
  files: string[];
  win: { target: { target: string }[] } & Record<string, unknown>;
  linux: { target: string[] };
  electronFuses: Record<string, boolean>;
};
const { windowsSigning } = require(path.join(repoRoot, 'build', 'windows-signing.cjs')) as {
  windowsSigning: (env: NodeJS.ProcessEnv) => { method: string; options: Record<string, unknown>; line: string };
};
const AZURE = {
  AZURE_TENANT_ID: 't',
  AZURE_CLIENT_ID: 'c',
  AZURE_CLIENT_SECRET: 's',
  ERS_SIGN_AZURE_ENDPOINT: 'https://weu.codesigning.azure.net/',
  ERS_SIGN_AZURE_ACCOUNT: 'nhs-trust-signing',
  ERS_SIGN_AZURE_PROFILE: 'ers-triage',
  ERS_SIGN_PUBLISHER: 'NHS Example Trust',
};
const withSigning = (env: NodeJS.ProcessEnv) => ({ ...config, win: { ...config.win, ...windowsSigning(env).options } });

describe('packaging configuration', () => {
  it('passes electron-builder schema validation', async () => {
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined();
  });

  it('is rejected by the same validation when wrong (the check can fail)', async () => {
    await expect(validateConfiguration({ ...config, msi: { ...config.msi, perMachine: 'yes' } }, new DebugLogger(false))).rejects.toThrow();
  });

  it('passes the same validation with the fuses and each way of signing configured', async () => {
    expect(config.electronFuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableCookieEncryption: true,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
    });
    const azure = withSigning(AZURE);
    expect(azure.win.azureSignOptions).toMatchObject({
      publisherName: 'NHS Example Trust',
      codeSigningAccountName: 'nhs-trust-signing',
      certificateProfileName: 'ers-triage',
    });
    await expect(validateConfiguration(azure, new DebugLogger(false))).resolves.toBeUndefined();
    const signtool = withSigning({ CSC_LINK: 'C:\\cert.pfx', CSC_KEY_PASSWORD: 'x' });
    expect(signtool.win.signtoolOptions).toMatchObject({ signingHashAlgorithms: ['sha256'] });
    await expect(validateConfiguration(signtool, new DebugLogger(false))).resolves.toBeUndefined();
    // A fuse electron-builder does not know is refused: the validation sees the fuses.
    await expect(
      validateConfiguration({ ...config, electronFuses: { ...config.electronFuses, runAsNodeTypo: false } }, new DebugLogger(false)),
    ).rejects.toThrow();
  });

  it('keeps asar integrity embedded in the Windows executable, where the fuse makes Electron check it', () => {
    // electron-builder 26 (app-builder-lib): platformPackager.js hashes the asar unless
    // `disableAsarIntegrity` is set; on Windows ElectronFramework.js hands the hashes to
    // electronWin.js's addWinAsarIntegrity, which writes them into the .exe as the
    // INTEGRITY/ELECTRONASAR resource that EnableEmbeddedAsarIntegrityValidation checks.
    expect(config.asar).toBe(true);
    expect(config.disableAsarIntegrity ?? false).toBe(false);
    expect(config.electronFuses.enableEmbeddedAsarIntegrityValidation).toBe(true);
    const source = (file: string) => readFileSync(require.resolve(`app-builder-lib/out/${file}`), 'utf8');
    expect(source('platformPackager.js')).toMatch(
      /this\.config\.disableAsarIntegrity\)\)\s*\{\s*asarIntegrity = await \(0, integrity_1\.computeData\)/,
    );
    expect(source('electron/ElectronFramework.js')).toMatch(
      /Platform\.WINDOWS\)[\s\S]*?if \(options\.asarIntegrity\)\s*\{\s*await \(0, electronWin_1\.addWinAsarIntegrity\)\(executable, options\.asarIntegrity\)/,
    );
    expect(source('electron/electronWin.js')).toMatch(/type: "INTEGRITY",\s*id: "ELECTRONASAR"/);
  });

  it('signs with Azure Trusted Signing, or signtool, or says in one line that it did not', () => {
    expect(windowsSigning(AZURE).method).toBe('azure');
    expect(windowsSigning({ CSC_LINK: 'cert.pfx' }).method).toBe('signtool');
    const none = windowsSigning({});
    expect(none).toMatchObject({ method: 'none', options: {} });
    expect(none.line).toMatch(/^Windows signing: SKIPPED, .*unsigned/);
    expect(none.line).not.toContain('\n');
    expect(windowsSigning({ AZURE_TENANT_ID: 't' }).line).toMatch(/incomplete \(missing AZURE_CLIENT_ID, /);
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

describe('third-party notices', () => {
  it("are written by `npm run build` from the shipped packages' licence files", async () => {
    const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts.build).toContain('npm run build:notices');
    expect(pkg.scripts['build:notices']).toBe('node build/third-party-notices.mjs');
    const { collectNotices, formatNotices } = (await import(
      pathToFileURL(path.join(repoRoot, 'build', 'third-party-notices.mjs')).href
    )) as NoticesModule;
    const { packages, missing } = collectNotices(repoRoot);
    expect(missing).toEqual([]);
    const names = packages.map((p) => p.name);
    // The main process's dependencies, what they depend on, and what the renderer bundles.
    expect(names).toEqual(
      expect.arrayContaining([
        'openid-client',
        'oauth4webapi',
        'jose',
        'mammoth',
        'jszip',
        'valibot',
        'vue',
        'pinia',
        'pdfjs-dist',
        'utif',
      ]),
    );
    // Development tooling is never shipped, so never listed.
    for (const dev of ['electron', 'vitest', 'oidc-provider', 'undici', 'pdf-lib']) expect(names).not.toContain(dev);
    const text = formatNotices(packages, 'e-RS Triage');
    expect(text).toContain('Permission is hereby granted');
    expect(text).toContain('Apache License');
  });
});
