import { ESLint } from 'eslint';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
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

  it('lets the renderer import the contract, at run time too, and nothing else from outside renderer/', async () => {
    const file = 'renderer/stores/probe.ts';
    expect(await restrictedImportErrors(file, "import type { AppInfo } from '../../contract';\nexport type A = AppInfo;\n")).toEqual([]);
    expect(await restrictedImportErrors(file, "import { channels } from '../../contract';\nexport const c = channels;\n")).toEqual([]);
    expect(await restrictedImportErrors('renderer/components/review/probe.ts', "import { RejectComments } from '../../../contract';\nexport const r = RejectComments;\n")).toEqual([]);
    expect(await restrictedImportErrors(file, "import { createApp } from '../../electron/app';\nexport const c = createApp;\n")).toHaveLength(1);
    expect(await restrictedImportErrors(file, "import type { Handlers } from '../../electron/handlers';\nexport type H = Handlers;\n")).toHaveLength(1);
    expect(await restrictedImportErrors(file, "import { repoRoot } from '../../tests/helpers/repo';\nexport const r = repoRoot;\n")).toHaveLength(1);
    expect(await restrictedImportErrors(file, "import { readFile } from 'node:fs';\nexport const r = readFile;\n")).toHaveLength(1);
    expect(await restrictedImportErrors(file, "import { ipcRenderer } from 'electron';\nexport const i = ipcRenderer;\n")).toHaveLength(1);
  });

  it('keeps the contract free of Node, Electron, the DOM side and both processes', async () => {
    const file = 'contract/probe.ts';
    expect(await restrictedImportErrors(file, "import * as v from 'valibot';\nimport { Ubrn } from './channels';\nexport const u = [v, Ubrn];\n")).toEqual([]);
    expect(await restrictedImportErrors(file, "import { readFile } from 'node:fs';\nexport const r = readFile;\n")).toHaveLength(1);
    expect(await restrictedImportErrors(file, "import { ipcMain } from 'electron';\nexport const i = ipcMain;\n")).toHaveLength(1);
    expect(await restrictedImportErrors(file, "import { AppError } from '../electron/app-error';\nexport const e = AppError;\n")).toHaveLength(1);
    expect(await restrictedImportErrors(file, "import type { Handlers } from '../electron/handlers';\nexport type H = Handlers;\n")).toHaveLength(1);
    expect(await restrictedImportErrors(file, "import { useClient } from '../renderer/api/client';\nexport const c = useClient;\n")).toHaveLength(1);
    expect(await restrictedImportErrors(file, "import { ref } from 'vue';\nexport const r = ref;\n")).toHaveLength(1);
    expect(await restrictedImportErrors(file, "import { readFile } from 'fs';\nexport const r = readFile;\n")).toHaveLength(1);
  });

  it('type-checks the contract alone without DOM or Node types, in typecheck and in npm test', () => {
    const { config } = ts.readConfigFile(path.join(repoRoot, 'tsconfig.contract.json'), ts.sys.readFile) as { config: { compilerOptions: { lib: string[]; types: string[] }; include: string[] } };
    expect(config.compilerOptions.lib).toEqual(['ES2023']);
    expect(config.compilerOptions.types).toEqual([]);
    expect(config.include).toEqual(['contract/**/*.ts']);
    const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts.typecheck).toContain('tsc -p tsconfig.contract.json --noEmit');
    expect(readFileSync(path.join(repoRoot, 'tests/run-all.mjs'), 'utf8')).toContain("'tsconfig.contract.json'");
  });
});
