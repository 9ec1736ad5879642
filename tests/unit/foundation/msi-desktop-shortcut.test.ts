/**
 * The desktop shortcut made optional through the MSI property DESKTOPSHORTCUT, by the
 * msiProjectCreated hook, on the project.wxs electron-builder itself generates: its own
 * MsiTarget renders its own template (node_modules/app-builder-lib/templates/msi/template.xml)
 * for this configuration and a packaged-app folder, and the hook rewrites that text.
 * The MSI itself is built on Windows only (candle and light); this checks what they get.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../../helpers/repo';

const require = createRequire(import.meta.url);
const config = require(path.join(repoRoot, 'build', 'electron-builder.config.cjs')) as Record<string, unknown> & {
  msi: Record<string, unknown>;
  win: Record<string, unknown>;
  productName: string;
  appId: string;
};
const hook = require(path.join(repoRoot, 'build', 'msi-desktop-shortcut.cjs')) as {
  makeDesktopShortcutOptional(wxs: string): string;
  msiProjectCreated(projectFile: string): Promise<void>;
  PROPERTY: string;
  COMPONENT_GUID: string;
};
// The package's entry first: its modules import each other in a cycle that starts there.
require('app-builder-lib');
type MsiTargetLike = { writeManifest(appOutDir: string, arch: number, options: unknown): Promise<string>; options: unknown };
const MsiTarget = require('app-builder-lib/out/targets/MsiTarget').default as new (packager: unknown, outDir: string) => MsiTargetLike;
const { getEffectiveOptions } = require('app-builder-lib/out/options/CommonWindowsInstallerConfiguration') as {
  getEffectiveOptions(options: unknown, packager: unknown): unknown;
};
const { Arch } = require('builder-util') as { Arch: { x64: number } };

let dir: string;
let generated: string;

/** What electron-builder's MsiTarget reads of its packager, for this product. */
function packagerFor(): unknown {
  return {
    config,
    platformSpecificBuildOptions: config.win,
    appInfo: {
      productFilename: config.productName,
      productName: config.productName,
      sanitizedProductName: config.productName,
      id: config.appId,
      companyName: 'e-RS Triage developers',
      description: 'test',
      getVersionInWeirdWindowsForm: () => '0.1.0.0',
    },
    compression: 'normal',
    fileAssociations: [],
    getIconPath: async () => path.join(repoRoot, 'build', 'icon.ico'),
    expandMacro: (pattern: string) => pattern,
  };
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'msi-wxs-'));
  const appOutDir = path.join(dir, 'win-unpacked');
  mkdirSync(path.join(appOutDir, 'resources'), { recursive: true });
  writeFileSync(path.join(appOutDir, `${config.productName}.exe`), 'MZ');
  writeFileSync(path.join(appOutDir, 'resources', 'app.asar'), 'asar');
  const packager = packagerFor();
  const target = new MsiTarget(packager, dir);
  generated = await target.writeManifest(appOutDir, Arch.x64, getEffectiveOptions(target.options, packager));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the MSI desktop shortcut, optional through DESKTOPSHORTCUT', () => {
  it("starts from electron-builder's own project: the desktop shortcut inside the program's own component", () => {
    expect(readFileSync(require.resolve('app-builder-lib/templates/msi/template.xml'), 'utf8')).toContain('isCreateDesktopShortcut');
    expect(generated).toMatch(/<File [^>]*Id="mainExecutable">\s*<Shortcut Id="desktopShortcut" Directory="DesktopFolder"/);
    expect(generated).toContain('<Directory Id="DesktopFolder" Name="Desktop"/>');
    expect(generated).not.toContain('DESKTOPSHORTCUT');
  });

  it('moves the desktop shortcut to a component of its own, installed only when DESKTOPSHORTCUT is 1 (the default)', () => {
    const wxs = hook.makeDesktopShortcutOptional(generated);
    expect(wxs).toContain('<Property Id="DESKTOPSHORTCUT" Value="1" Secure="yes"/>');
    const component = /<Component Id="desktopShortcutComponent"[\s\S]*?<\/Component>/.exec(wxs)?.[0] ?? '';
    expect(component).toContain(`Directory="DesktopFolder" Guid="${hook.COMPONENT_GUID}"`);
    expect(component).toContain('<Condition><![CDATA[DESKTOPSHORTCUT = "1"]]></Condition>');
    expect(component).toMatch(
      /<Shortcut Id="desktopShortcut" Name="e-RS Triage" Target="\[#mainExecutable\]" [^>]*Icon="eRSTriageIcon\.exe"\/>/,
    );
    // ICE38/ICE43: a shortcut in a profile folder is kept by an HKCU value as the key path.
    expect(component).toMatch(/<RegistryValue Root="HKCU" [^>]*KeyPath="yes"\/>/);
    // Inside the product's component group, so the product's one feature installs it.
    expect(wxs).toMatch(/<ComponentGroup Id="ProductComponents"[\s\S]*desktopShortcutComponent[\s\S]*<\/ComponentGroup>/);
    // The program's own component keeps the Start menu shortcut, and no longer the desktop one.
    const program = /<File [^>]*Id="mainExecutable">[\s\S]*?<\/File>/.exec(wxs)?.[0] ?? '';
    expect(program).toContain('startMenuShortcut');
    expect(program).not.toContain('desktopShortcut');
    expect(wxs.match(/Id="desktopShortcut"/g)).toHaveLength(1);
  });

  it('keeps the XML well formed: every element it adds is closed where it opens', () => {
    const wxs = hook.makeDesktopShortcutOptional(generated);
    const count = (text: string, pattern: RegExp) => text.match(pattern)?.length ?? 0;
    for (const [open, close] of [
      [/<Component[\s>]/g, /<\/Component>/g],
      [/<ComponentGroup[\s>]/g, /<\/ComponentGroup>/g],
      [/<Condition[\s>]/g, /<\/Condition>/g],
    ] as const) {
      expect(count(wxs, open) - count(generated, open)).toBe(count(wxs, close) - count(generated, close));
    }
  });

  it('fails the build, rather than ship an MSI without the property, when electron-builder changes shape', () => {
    expect(() => hook.makeDesktopShortcutOptional(generated.replace(/<Shortcut Id="desktopShortcut"[^>]*\/>/, ''))).toThrow(
      /expected one desktop shortcut/,
    );
    expect(() => hook.makeDesktopShortcutOptional(generated.replace('<Property Id="DISABLEADVTSHORTCUTS" Value="1"/>', ''))).toThrow(
      /DISABLEADVTSHORTCUTS/,
    );
  });

  it('is the hook electron-builder runs: it rewrites project.wxs in place', async () => {
    expect(config.msiProjectCreated).toBe('./build/msi-desktop-shortcut.cjs');
    const file = path.join(dir, 'project.wxs');
    writeFileSync(file, generated);
    await hook.msiProjectCreated(file);
    expect(readFileSync(file, 'utf8')).toBe(hook.makeDesktopShortcutOptional(generated));
  });
});
