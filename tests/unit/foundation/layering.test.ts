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

/** Messages of the rules that keep outbound HTTP on Platform.fetch. */
async function networkErrors(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(repoRoot, file) });
  return (result?.messages ?? [])
    .filter((m) => ['no-restricted-imports', 'no-restricted-globals', 'no-restricted-properties'].includes(m.ruleId ?? ''))
    .map((m) => m.message);
}

describe('one fetch for everything: outbound HTTP only through Platform.fetch', () => {
  const product = 'electron/ers/probe.ts';

  it('refuses the global fetch and globalThis.fetch in product code', async () => {
    expect(await networkErrors(product, "export const r = fetch('https://example.org');\n")).toEqual([
      expect.stringMatching(/Platform\.fetch/),
    ]);
    expect(await networkErrors(product, "export const r = globalThis.fetch('https://example.org');\n")).toEqual([
      expect.stringMatching(/Platform\.fetch/),
    ]);
  });

  it('refuses undici and http(s).request/get, imported or called', async () => {
    expect(await networkErrors(product, "import { fetch as f } from 'undici';\nexport const r = f;\n")).toHaveLength(1);
    expect(await networkErrors(product, "import { request } from 'node:https';\nexport const r = request;\n")).toHaveLength(1);
    expect(await networkErrors(product, "import { get } from 'node:http';\nexport const r = get;\n")).toHaveLength(1);
    expect(
      await networkErrors(product, "import https from 'node:https';\nexport const r = () => https.request('https://example.org');\n"),
    ).toHaveLength(1);
    expect(
      await networkErrors(product, "import http from 'node:http';\nexport const r = () => http.get('http://example.org');\n"),
    ).toHaveLength(1);
    expect(
      await networkErrors(
        'electron/main.ts',
        "import https from 'node:https';\nexport const r = () => https.get('https://example.org');\n",
      ),
    ).toHaveLength(1);
    expect(await networkErrors('electron/host/cli.ts', "export const r = fetch('https://example.org');\n")).toHaveLength(1);
  });

  it("lets a local variable named fetch (the platform's) and the loopback listener through", async () => {
    expect(
      await networkErrors(
        product,
        "export function go(fetch: (u: string) => Promise<unknown>) {\n  return fetch('https://example.org');\n}\n",
      ),
    ).toEqual([]);
    expect(
      await networkErrors(
        'electron/auth/probe.ts',
        "import http from 'node:http';\nexport const s = http.createServer(() => undefined);\n",
      ),
    ).toEqual([]);
  });

  it('lets the two network adapters call the network', async () => {
    expect(
      await networkErrors(
        'electron/platform/node-fetch.ts',
        "import { fetch as f } from 'undici';\nexport const r = () => f('https://example.org');\n",
      ),
    ).toEqual([]);
    expect(await networkErrors('electron/platform/electron-platform.ts', "export const r = () => fetch('https://example.org');\n")).toEqual(
      [],
    );
    // node-fetch.ts is still plain Node: no electron.
    expect(await networkErrors('electron/platform/node-fetch.ts', "import { net } from 'electron';\nexport const n = net;\n")).toHaveLength(
      1,
    );
  });
});

describe('process layering', () => {
  it("keeps the local environment out of the product, but for the browser host's development CLI", async () => {
    const code = "import { startLocalEnvironment } from '../../local-env/src/index';\nexport const s = startLocalEnvironment;\n";
    expect(await restrictedImportErrors('electron/offline/probe.ts', code)).toHaveLength(1);
    expect(
      await restrictedImportErrors(
        'electron/main.ts',
        "import { startLocalEnvironment } from '../local-env/src/index';\nexport const s = startLocalEnvironment;\n",
      ),
    ).toHaveLength(1);
    expect(await restrictedImportErrors('renderer/session/probe.ts', code)).toHaveLength(1);
    expect(
      await restrictedImportErrors(
        'electron/host/cli.ts',
        "import { startLocalEnvironment } from '../../local-env/src/index';\nexport const s = startLocalEnvironment;\n",
      ),
    ).toEqual([]);
  });

  it('keeps electron out of plain main-process modules', async () => {
    expect(await restrictedImportErrors('electron/ers/probe.ts', "import { app } from 'electron';\nexport const a = app;\n")).toHaveLength(
      1,
    );
  });

  it('lets main.ts, preload.ts and the platform adapter import electron', async () => {
    for (const file of ['electron/main.ts', 'electron/preload.ts', 'electron/platform/electron-platform.ts']) {
      expect(await restrictedImportErrors(file, "import { app } from 'electron';\nexport const a = app;\n")).toEqual([]);
    }
  });

  it('lets the renderer import the contract, at run time too, and nothing else from outside renderer/', async () => {
    const file = 'renderer/session/probe.ts';
    expect(await restrictedImportErrors(file, "import type { AppInfo } from '../../contract';\nexport type A = AppInfo;\n")).toEqual([]);
    expect(await restrictedImportErrors(file, "import { channels } from '../../contract';\nexport const c = channels;\n")).toEqual([]);
    expect(
      await restrictedImportErrors(
        'renderer/review/components/probe.ts',
        "import { RejectComments } from '../../../contract';\nexport const r = RejectComments;\n",
      ),
    ).toEqual([]);
    expect(
      await restrictedImportErrors(file, "import { createApp } from '../../electron/app';\nexport const c = createApp;\n"),
    ).toHaveLength(1);
    expect(
      await restrictedImportErrors(file, "import type { Handlers } from '../../electron/handlers';\nexport type H = Handlers;\n"),
    ).toHaveLength(1);
    expect(
      await restrictedImportErrors(file, "import { repoRoot } from '../../tests/helpers/repo';\nexport const r = repoRoot;\n"),
    ).toHaveLength(1);
    expect(await restrictedImportErrors(file, "import { readFile } from 'node:fs';\nexport const r = readFile;\n")).toHaveLength(1);
    expect(await restrictedImportErrors(file, "import { ipcRenderer } from 'electron';\nexport const i = ipcRenderer;\n")).toHaveLength(1);
  });

  it('keeps renderer/ui/ free of the features, the app and the contract', async () => {
    const feature = "import { LIMITS } from '../../review/decision-rules';\nexport const l = LIMITS;\n";
    expect(await restrictedImportErrors('renderer/ui/components/probe.ts', feature)).toHaveLength(1);
    for (const folder of ['worklist', 'review', 'viewer', 'session', 'shell']) {
      expect(
        await restrictedImportErrors('renderer/ui/probe.ts', `import { x } from '../${folder}/probe';\nexport const y = x;\n`),
      ).toHaveLength(1);
    }
    expect(
      await restrictedImportErrors('renderer/ui/probe.ts', "import { useClient } from '../api/client';\nexport const c = useClient;\n"),
    ).toHaveLength(1);
    expect(
      await restrictedImportErrors('renderer/ui/probe.ts', "import type { AppInfo } from '../../contract';\nexport type A = AppInfo;\n"),
    ).toHaveLength(1);
    expect(
      await restrictedImportErrors('renderer/ui/probe.ts', "import { readFile } from 'node:fs';\nexport const r = readFile;\n"),
    ).toHaveLength(1);
    // Within ui/, and from a feature into ui/, is what ui/ is for.
    expect(
      await restrictedImportErrors(
        'renderer/ui/components/probe.ts',
        "import { describedBy } from '../form-field';\nexport const d = describedBy;\n",
      ),
    ).toEqual([]);
    expect(
      await restrictedImportErrors(
        'renderer/review/probe.ts',
        "import { describedBy } from '../ui/form-field';\nexport const d = describedBy;\n",
      ),
    ).toEqual([]);
  });

  it('keeps the contract free of Node, Electron, the DOM side and both processes', async () => {
    const file = 'contract/probe.ts';
    expect(
      await restrictedImportErrors(
        file,
        "import * as v from 'valibot';\nimport { Ubrn } from './channels';\nexport const u = [v, Ubrn];\n",
      ),
    ).toEqual([]);
    expect(await restrictedImportErrors(file, "import { readFile } from 'node:fs';\nexport const r = readFile;\n")).toHaveLength(1);
    expect(await restrictedImportErrors(file, "import { ipcMain } from 'electron';\nexport const i = ipcMain;\n")).toHaveLength(1);
    expect(
      await restrictedImportErrors(file, "import { AppError } from '../electron/app-error';\nexport const e = AppError;\n"),
    ).toHaveLength(1);
    expect(
      await restrictedImportErrors(file, "import type { Handlers } from '../electron/handlers';\nexport type H = Handlers;\n"),
    ).toHaveLength(1);
    expect(
      await restrictedImportErrors(file, "import { useClient } from '../renderer/api/client';\nexport const c = useClient;\n"),
    ).toHaveLength(1);
    expect(await restrictedImportErrors(file, "import { ref } from 'vue';\nexport const r = ref;\n")).toHaveLength(1);
    expect(await restrictedImportErrors(file, "import { readFile } from 'fs';\nexport const r = readFile;\n")).toHaveLength(1);
  });

  it('type-checks the contract alone without DOM or Node types, in typecheck and in npm test', () => {
    const { config } = ts.readConfigFile(path.join(repoRoot, 'tsconfig.contract.json'), ts.sys.readFile) as {
      config: { compilerOptions: { lib: string[]; types: string[] }; include: string[] };
    };
    expect(config.compilerOptions.lib).toEqual(['ES2023']);
    expect(config.compilerOptions.types).toEqual([]);
    expect(config.include).toEqual(['contract/**/*.ts']);
    const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts.typecheck).toContain('tsc -p tsconfig.contract.json --noEmit');
    expect(readFileSync(path.join(repoRoot, 'tests/run-all.mjs'), 'utf8')).toContain("'tsconfig.contract.json'");
  });
});
