/**
 * Who can read the APIM signing key (issue 16, item 7): the parser of `icacls /save` (SDDL,
 * the same on every Windows language) on files in icacls' own format (UTF-16LE, CRLF, the
 * file's name then its DACL), the Windows check through an icacls that is played, not run
 * (unit tests start no process), and the mode check elsewhere on real files.
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  AclUnreadable,
  decodeSavedAcl,
  icaclsPath,
  ordinaryReaders,
  ordinaryReadersFromSavedAcl,
} from '../../../electron/platform/private-file';
import type { SystemToolRunner } from '../../../electron/platform/system-tool';

const fixtures = path.join(import.meta.dirname, 'fixtures');
const saved = (name: string): string => decodeSavedAcl(readFileSync(path.join(fixtures, name)));

const tmp = mkdtempSync(path.join(os.tmpdir(), 'ers-key-access-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('icacls /save: which ordinary users may read the file', () => {
  it("a key that inherited ProgramData's list: BUILTIN\\Users may read and execute it", () => {
    expect(saved('icacls-save-programdata-inherited.txt')).toMatch(/^apim-key\.pem\r\nD:AI\(/);
    expect(ordinaryReadersFromSavedAcl(saved('icacls-save-programdata-inherited.txt'))).toEqual(['BUILTIN\\Users']);
  });

  it("a key locked down to SYSTEM, Administrators and the app users' group: nobody ordinary", () => {
    expect(ordinaryReadersFromSavedAcl(saved('icacls-save-locked-down.txt'))).toEqual([]);
  });

  it('Everyone (read) and Authenticated Users (modify), named as IT knows them', () => {
    expect(ordinaryReadersFromSavedAcl(saved('icacls-save-everyone.txt'))).toEqual(['Everyone', 'Authenticated Users']);
  });

  it('Domain Users by its SID, and INTERACTIVE by its alias', () => {
    expect(ordinaryReadersFromSavedAcl(saved('icacls-save-domain-users.txt'))).toEqual(['Domain Users', 'INTERACTIVE']);
  });

  it('reads rights as masks: read data, generic read or all count; write-only and inherit-only entries do not', () => {
    const check = (dacl: string): string[] => ordinaryReadersFromSavedAcl(`k.pem\r\n${dacl}\r\n`);
    expect(check('D:P(A;;0x100116;;;BU)')).toEqual([]); // write data, append, attributes: no read
    expect(check('D:P(A;;CC;;;BU)')).toEqual(['BUILTIN\\Users']); // FILE_READ_DATA alone
    expect(check('D:P(A;;GR;;;S-1-5-32-545)')).toEqual(['BUILTIN\\Users']);
    expect(check('D:P(A;;0x80000000;;;AN)')).toEqual(['ANONYMOUS LOGON']);
    expect(check('D:P(A;OICIIO;GA;;;BU)')).toEqual([]);
    // A deny does not cure an allow: a user may still reach the file through another group.
    expect(check('D:P(D;;FR;;;BU)(A;;FR;;;BU)')).toEqual(['BUILTIN\\Users']);
    // No DACL at all lets everyone in.
    expect(check('D:NO_ACCESS_CONTROL')).toEqual(['Everyone']);
    // A SACL after the DACL is not read as part of it.
    expect(check('D:P(A;;FA;;;BA)S:(AU;FA;FR;;;WD)')).toEqual([]);
  });

  it('fails closed on what it cannot read, never answering "nobody"', () => {
    expect(() => ordinaryReadersFromSavedAcl('k.pem\r\n')).toThrow(AclUnreadable);
    expect(() => ordinaryReadersFromSavedAcl('k.pem\r\nD:P(A;;FA;;;BA\r\n')).toThrow(AclUnreadable);
    expect(() => ordinaryReadersFromSavedAcl('k.pem\r\nD:P(A;;lowercase;;;BU)\r\n')).toThrow(AclUnreadable);
  });
});

describe('the Windows check runs the system icacls and reads what it saved', () => {
  const key = 'C:\\ProgramData\\ers-triage\\keys\\int-2.pem';

  it('asks the system icacls (not one on the PATH) to save the list, and reads it as UTF-16', async () => {
    const calls: { file: string; args: readonly string[] }[] = [];
    const run: SystemToolRunner = async (file, args) => {
      calls.push({ file, args });
      await writeFile(String(args[2]), readFileSync(path.join(fixtures, 'icacls-save-programdata-inherited.txt')));
      return { exitCode: 0, stdout: 'Successfully processed 1 files; Failed processing 0 files' };
    };
    const readers = await ordinaryReaders(key, { platform: 'win32', run, env: { SystemRoot: 'C:\\Windows' }, tmpDir: tmp });
    expect(readers).toEqual(['BUILTIN\\Users']);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.file).toBe('C:\\Windows\\System32\\icacls.exe');
    expect(icaclsPath({ SystemRoot: 'D:\\WINNT' })).toBe('D:\\WINNT\\System32\\icacls.exe');
    expect(calls[0]?.args.slice(0, 2)).toEqual([key, '/save']);
  });

  it('an icacls that fails or cannot run is "cannot tell", never "nobody"', async () => {
    const failing: SystemToolRunner = async () => ({ exitCode: 5, stdout: '' });
    await expect(ordinaryReaders(key, { platform: 'win32', run: failing, tmpDir: tmp })).rejects.toBeInstanceOf(AclUnreadable);
    const missing: SystemToolRunner = async () => {
      throw Object.assign(new Error('spawn ENOENT'), { code: 'ENOENT' });
    };
    await expect(ordinaryReaders(key, { platform: 'win32', run: missing, tmpDir: tmp })).rejects.toBeInstanceOf(AclUnreadable);
  });
});

describe.skipIf(process.platform === 'win32')('Linux and macOS: the mode bits', () => {
  it('a key its group or every account can read is reported; one only its owner can read is not', async () => {
    const file = path.join(tmp, 'int-1.pem');
    writeFileSync(file, 'not a real key');
    chmodSync(file, 0o644);
    expect(await ordinaryReaders(file, { platform: 'linux' })).toEqual(['its group', 'every account on this computer']);
    chmodSync(file, 0o640);
    expect(await ordinaryReaders(file, { platform: 'linux' })).toEqual(['its group']);
    chmodSync(file, 0o600);
    expect(await ordinaryReaders(file, { platform: 'linux' })).toEqual([]);
  });
});
