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
    expect(await networkErrors(product, "export const r = fetch('https://example.org');\n")).toEqual([expect.stringMatching(/Platform\.fetch/)]);
    expect(await networkErrors(product, "export const r = globalThis.fetch('https://example.org');\n")).toEqual([expect.stringMatching(/Platform\.fetch/)]);
  });

  it('refuses undici and http(s).request/get, imported or called', async () => {
    expect(await networkErrors(product, "import { fetch as f } from 'undici';\nexport const r = f;\n")).toHaveLength(1);
    expect(await networkErrors(product, "import { request } from 'node:https';\nexport const r = request;\n")).toHaveLength(1);
    expect(await networkErrors(product, "import { get } from 'node:http';\nexport const r = get;\n")).toHaveLength(1);
    expect(await networkErrors(product, "import https from 'node:https';\nexport const r = () => https.request('https://example.org');\n")).toHaveLength(1);
    expect(await networkErrors(product, "import http from 'node:http';\nexport const r = () => http.get('http://example.org');\n")).toHaveLength(1);
    expect(await networkErrors('electron/main.ts', "import https from 'node:https';\nexport const r = () => https.get('https://example.org');\n")).toHaveLength(1);
    expect(await networkErrors('electron/host/cli.ts', "export const r = fetch('https://example.org');\n")).toHaveLength(1);
  });

  it('lets a local variable named fetch (the platform\'s) and the loopback listener through', async () => {
    expect(await networkErrors(product, "export function go(fetch: (u: string) => Promise<unknown>) {\n  return fetch('https://example.org');\n}\n")).toEqual([]);
    expect(await networkErrors('electron/auth/probe.ts', "import http from 'node:http';\nexport const s = http.createServer(() => undefined);\n")).toEqual([]);
  });

  it('lets the two network adapters call the network', async () => {
    expect(await networkErrors('electron/platform/node-fetch.ts', "import { fetch as f } from 'undici';\nexport const r = () => f('https://example.org');\n")).toEqual([]);
    expect(await networkErrors('electron/platform/electron-platform.ts', "export const r = () => fetch('https://example.org');\n")).toEqual([]);
    // node-fetch.ts is still plain Node: no electron.
    expect(await networkErrors('electron/platform/node-fetch.ts', "import { net } from 'electron';\nexport const n = net;\n")).toHaveLength(1);
  });
});

describe('process layering', () => {
  it('keeps the local environment out of the product, but for the browser host\'s development CLI', async () => {
    const code = "import { startLocalEnvironment } from '../../local-env/src/index';\nexport const s = startLocalEnvironment;\n";
    expect(await restrictedImportErrors('electron/offline/probe.ts', code)).toHaveLength(1);
    expect(await restrictedImportErrors('electron/main.ts', "import { startLocalEnvironment } from '../local-env/src/index';\nexport const s = startLocalEnvironment;\n")).toHaveLength(1);
    expect(await restrictedImportErrors('renderer/stores/probe.ts', code)).toHaveLength(1);
    expect(await restrictedImportErrors('electron/host/cli.ts', "import { startLocalEnvironment } from '../../local-env/src/index';\nexport const s = startLocalEnvironment;\n")).toEqual([]);
  });

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
    expect(await restrictedImportErrors(file, "import type { AppInfo } from '../../electron/api';\nexport type A = AppInfo;\n")).toEqual([]);
    expect(await restrictedImportErrors(file, "import { channels } from '../../electron/api';\nexport const c = channels;\n")).toHaveLength(1);
    expect(await restrictedImportErrors(file, "import { createApp } from '../../electron/app';\nexport const c = createApp;\n")).toHaveLength(1);
    expect(await restrictedImportErrors(file, "import { readFile } from 'node:fs';\nexport const r = readFile;\n")).toHaveLength(1);
    expect(await restrictedImportErrors(file, "import { ipcRenderer } from 'electron';\nexport const i = ipcRenderer;\n")).toHaveLength(1);
  });
});
