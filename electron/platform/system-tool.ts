/**
 * Windows' own command-line tools (reg.exe for Group Policy, icacls for a key file's ACL),
 * run from System32 by full path, never whatever an earlier entry on the PATH would be. No
 * native module: the operating system's tools answer instead.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';

/** A tool's answer: its exit code and what it printed. Injected in tests with recorded output. */
export type SystemToolRunner = (file: string, args: readonly string[]) => Promise<{ exitCode: number; stdout: string }>;

/** Runs the tool hidden, for at most 10 s; a non-zero exit is an answer, a failure to start is thrown. */
export const runSystemTool: SystemToolRunner = (file, args) =>
  new Promise((resolve, reject) => {
    execFile(file, [...args], { windowsHide: true, timeout: 10_000, maxBuffer: 1024 * 1024 }, (error, stdout) => {
      if (error && typeof error.code !== 'number') {
        reject(error);
        return;
      }
      resolve({ exitCode: error ? Number(error.code) : 0, stdout: String(stdout) });
    });
  });

/** The system's own copy of `exe` (e.g. reg.exe) in System32. */
export function systemToolPath(exe: string, env: NodeJS.ProcessEnv = process.env): string {
  return path.win32.join(env.SystemRoot ?? env.windir ?? 'C:\\Windows', 'System32', exe);
}
