/**
 * Group Policy through the real reg.exe, on a Windows runner (`windows-msi.yml`, as an
 * administrator). The unit tests replay reg.exe's output from fixtures written in its format;
 * this writes the same values into HKLM with `reg.exe add`, lets the app's own reader ask
 * reg.exe for them, and checks that the real answer parses exactly as the fixture does. The
 * real answer is kept in test-results/ (uploaded by the workflow) as the recorded output.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseRegQuery, POLICY_KEY, readWindowsPolicy, regExePath } from '../../electron/policy/windows-policy';
import { runSystemTool, type SystemToolRunner } from '../../electron/platform/system-tool';
import { repoRoot } from '../helpers/repo';

if (process.platform !== 'win32') throw new Error('tests/windows runs only on Windows (windows-msi.yml); it is not part of npm test.');

const fixtureText = readFileSync(path.join(repoRoot, 'tests', 'unit', 'foundation', 'fixtures', 'reg-query', 'full-policy.txt'), 'utf8');
const fixture = parseRegQuery(fixtureText);
const reg = regExePath();

function regAdd(key: string, name: string, type: string, data: string | number): void {
  execFileSync(reg, ['add', key, '/v', name, '/t', type, '/d', String(data), '/f', '/reg:64'], { windowsHide: true });
}

beforeAll(() => {
  // The fixture's keys, long names (HKEY_LOCAL_MACHINE\...) made into reg.exe's short ones.
  for (const [longKey, values] of fixture) {
    const key = longKey.replace(/^HKEY_LOCAL_MACHINE\\/, 'HKLM\\');
    for (const [name, value] of values) regAdd(key, name, value.type, value.value);
  }
});
afterAll(() => {
  execFileSync(reg, ['delete', POLICY_KEY, '/f', '/reg:64'], { windowsHide: true });
});

describe('Group Policy read through the real reg.exe', () => {
  it('parses reg.exe’s own answer exactly as the fixture written in its format, and keeps the answer as the recording', async () => {
    let recorded = '';
    const recording: SystemToolRunner = async (file, args) => {
      const answer = await runSystemTool(file, args);
      recorded = answer.stdout;
      return answer;
    };
    const fromRegistry = await readWindowsPolicy({ platform: 'win32', run: recording });
    const dir = path.join(repoRoot, 'test-results', 'reg-query');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'full-policy.recorded.txt'), recorded);

    expect(parseRegQuery(recorded)).toEqual(fixture);
    const fromFixture = await readWindowsPolicy({ platform: 'win32', run: async () => ({ exitCode: 0, stdout: fixtureText }) });
    expect(fromRegistry).toEqual(fromFixture);
    expect(fromRegistry).toMatchObject({ environment: 'production', idleLockMinutes: 10 });
  });

  it('reads no policy once the key is gone (reg.exe exits 1)', async () => {
    execFileSync(reg, ['delete', POLICY_KEY, '/f', '/reg:64'], { windowsHide: true });
    expect(await readWindowsPolicy({ platform: 'win32' })).toBeNull();
    // Put it back for afterAll's delete.
    regAdd(POLICY_KEY, 'Environment', 'REG_SZ', 'production');
  });
});
