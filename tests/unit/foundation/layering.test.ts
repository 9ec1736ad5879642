import { ESLint } from 'eslint';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../helpers/repo';

// The process layering is a lint rule; prove the rule bites where it must and not elsewhere.
const eslint = new ESLint({ cwd: repoRoot });

async function restrictedImportErrors(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(repoRoot, file) });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('process layering', () => {
  it('keeps electron out of plain main-process modules', async () => {
    expect(await restrictedImportErrors('electron/ers/probe.ts', "import { app } from 'electron';\nexport const a = app;\n")).toHaveLength(1);
  });

  it('lets main.ts, preload.ts and the platform adapter import electron', async () => {
    for (const file of ['electron/main.ts', 'electron/preload.ts', 'electron/platform/electron-platform.ts']) {
      expect(await restrictedImportErrors(file, "import { app } from 'electron';\nexport const a = app;\n")).toEqual([]);
    }
  });

  it('lets the renderer import the contract type-only and nothing else from electron/', async () => {
    const file = 'renderer/stores/probe.ts';
    expect(await restrictedImportErrors(file, "import type { AppInfo } from '../../contract';\nexport type A = AppInfo;\n")).toEqual([]);
    expect(await restrictedImportErrors(file, "import { channels } from '../../contract';\nexport const c = channels;\n")).toHaveLength(1);
    expect(await restrictedImportErrors(file, "import { createApp } from '../../electron/app';\nexport const c = createApp;\n")).toHaveLength(1);
    expect(await restrictedImportErrors(file, "import { readFile } from 'node:fs';\nexport const r = readFile;\n")).toHaveLength(1);
    expect(await restrictedImportErrors(file, "import { ipcRenderer } from 'electron';\nexport const i = ipcRenderer;\n")).toHaveLength(1);
  });
});
