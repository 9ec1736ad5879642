/**
 * The crash handler in a real child process (the fixture, run with `node --import tsx`):
 * the process logs, installs the handler, then fails without anyone catching it. The log
 * file must hold the line logged before and the redacted error, the user's message must
 * have been produced, and the process must end with the crash code. In-process tests
 * cover the handler's own edges with an event emitter standing in for `process`.
 */
import { spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CRASH_EXIT_CODE, fatalMessage, installCrashHandler, type CrashSource } from '../../../electron/crash-handler';
import { createLogger } from '../../../electron/log/logger';
import { repoRoot } from '../../helpers/repo';

const fixture = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'crash-after-logging.ts');
const EXPECTED_MESSAGE =
  'e-RS Triage hit a problem and needs to restart. Your decisions and drafts are saved. If this keeps happening, tell your IT service desk and mention the time: 10:42.';

let dir = '';
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'ers-crash-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function runFixture(mode: 'throw' | 'reject'): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', fixture, dir, mode], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the fixture did not end by itself; stderr: ${stderr}`));
    }, 15_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

function logEntries(): Record<string, unknown>[] {
  const text = readdirSync(dir)
    .map((name) => readFileSync(path.join(dir, name), 'utf8'))
    .join('');
  return text
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('crash handler in a real process', () => {
  for (const [mode, origin, errorName] of [
    ['throw', 'uncaughtException', 'TypeError'],
    ['reject', 'unhandledRejection', 'RangeError'],
  ] as const) {
    it(`on an ${origin}: keeps the log, writes the redacted error, shows the message and exits`, async () => {
      const { code, stdout, stderr } = await runFixture(mode);
      expect(stdout.trim()).toBe(`FATAL ${EXPECTED_MESSAGE}`);
      expect(code).toBe(CRASH_EXIT_CODE);
      // Node's own "uncaught exception" print would mean the handler did not take over.
      expect(stderr).not.toMatch(/TypeError|RangeError/);

      const entries = logEntries();
      expect(entries.map((entry) => entry.event)).toEqual(['fixture.started', 'app.crashed']);
      expect(entries[0]).toMatchObject({ ubrn: '000000070000' });
      const crash = entries[1] as { level: string; origin: string; error: { name: string; message: string; stack: string[] } };
      expect(crash.level).toBe('error');
      expect(crash.origin).toBe(origin);
      expect(crash.error.name).toBe(errorName);
      expect(crash.error.message).toContain('[redacted]');
      expect(crash.error.stack.some((frame) => frame.includes('crash-after-logging.ts'))).toBe(true);

      const raw = readdirSync(dir)
        .map((name) => readFileSync(path.join(dir, name), 'utf8'))
        .join('');
      expect(raw).not.toMatch(/999 000 0018|9990000018/);
      expect(raw).not.toContain('eyJhbGciOiJSUzUxMiJ9');
      expect(raw).not.toContain('Alice Synthetic');
      expect(raw).not.toContain('chest pain');
    });
  }
});

describe('crash handler edges', () => {
  function harness(options: { showFatalThrows?: boolean } = {}) {
    const source = new EventEmitter();
    const lines: string[] = [];
    const shown: string[] = [];
    const exits: number[] = [];
    let flushes = 0;
    const uninstall = installCrashHandler({
      log: createLogger((line) => lines.push(line)),
      flush: () => {
        flushes += 1;
      },
      showFatal: (message) => {
        shown.push(message);
        if (options.showFatalThrows) throw new Error('no display');
      },
      exit: (code) => exits.push(code),
      now: () => new Date(2025, 5, 1, 9, 5),
      source: source as unknown as CrashSource,
    });
    return { source, lines, shown, exits, uninstall, flushes: () => flushes };
  }

  it('formats the time as the user sees it on the clock', () => {
    expect(fatalMessage(new Date(2025, 0, 1, 7, 3))).toContain('mention the time: 07:03.');
    expect(fatalMessage(new Date(2025, 0, 1, 23, 59))).toContain('mention the time: 23:59.');
  });

  it('logs and flushes before showing the message, then exits once', () => {
    const h = harness();
    h.source.emit('uncaughtException', new Error('boom'));
    expect(h.lines).toHaveLength(1);
    expect(h.flushes()).toBeGreaterThanOrEqual(1);
    expect(h.shown).toEqual([fatalMessage(new Date(2025, 5, 1, 9, 5))]);
    expect(h.exits).toEqual([CRASH_EXIT_CODE]);
  });

  it('still exits when the message cannot be shown, and records why', () => {
    const h = harness({ showFatalThrows: true });
    h.source.emit('unhandledRejection', 'a rejection that is not an Error');
    expect(h.exits).toEqual([CRASH_EXIT_CODE]);
    expect(h.lines.map((line) => (JSON.parse(line) as { event: string }).event)).toEqual(['app.crashed', 'app.crash_message_failed']);
  });

  it('does not show a second dialog for a failure during the first', () => {
    const h = harness();
    h.source.emit('uncaughtException', new Error('first'));
    h.source.emit('uncaughtException', new Error('second'));
    expect(h.shown).toHaveLength(1);
    expect(h.lines.map((line) => (JSON.parse(line) as { event: string }).event)).toEqual(['app.crashed', 'app.crashed_again']);
  });

  it('removes its listeners when uninstalled', () => {
    const h = harness();
    expect(h.source.listenerCount('uncaughtException')).toBe(1);
    expect(h.source.listenerCount('unhandledRejection')).toBe(1);
    h.uninstall();
    expect(h.source.listenerCount('uncaughtException')).toBe(0);
    expect(h.source.listenerCount('unhandledRejection')).toBe(0);
  });
});
