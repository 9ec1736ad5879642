/**
 * NHS Digital's own e-RS sandbox server (../shared/nhs-ers-sandbox, as NHS publishes it),
 * started on loopback as a child process for a test and stopped after it. Nothing of the
 * sandbox is copied or changed here: its `launch-loopback.cjs` runs its unmodified
 * `src/app.js`, prints `LISTENING http://127.0.0.1:PORT` when it listens, and with
 * ERS_SANDBOX_LOG writes one JSON line per request it answered, which is how a test sees
 * what reached e-RS.
 *
 * The sandbox serves `/FHIR/STU3/...` and `/FHIR/R4/...` from its root, so its URL is the
 * app's ERS_BASE_URL as it stands.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from './repo';

export const nhsSandboxDir = path.resolve(repoRoot, '..', 'shared', 'nhs-ers-sandbox');
const launcher = path.join(nhsSandboxDir, 'launch-loopback.cjs');
export const hasNhsSandbox = existsSync(launcher);

/** Say plainly, once per file, that tests needing NHS's sandbox were skipped. */
export function warnIfNoNhsSandbox(what: string): void {
  if (!hasNhsSandbox) console.warn(`SKIPPED: ${what} — ${nhsSandboxDir} is absent (CI has it beside the checkout).`);
}

/** One request as the sandbox's launcher logged it (see launch-loopback.cjs). */
export interface SandboxLogEntry {
  t: string;
  method: string;
  path: string;
  /** The query string with its '?', or ''. */
  query: string;
  status: number;
  businessFunction: string | null;
  ods: string | null;
  onBehalfOf: string | null;
  ifMatch: string | null;
  correlationId: string | null;
  location: string | null;
  /** The parsed JSON body of a POST, a string for other text, `<N bytes>` for binary uploads. */
  body?: unknown;
}

export interface NhsSandbox {
  /** What ERS_BASE_URL should be, e.g. http://127.0.0.1:40123. */
  url: string;
  /** Every request the sandbox answered so far, oldest first, read fresh from its log. */
  requests(): SandboxLogEntry[];
  /** Requests logged from this mark on (take a mark with `requests().length`). */
  since(mark: number): SandboxLogEntry[];
  /** Waits until a logged request satisfies `match` (the log is written as each response goes out). */
  waitForRequest(match: (entry: SandboxLogEntry) => boolean, timeoutMs?: number, from?: number): Promise<SandboxLogEntry>;
  /** What the sandbox printed, for a failure message. */
  output(): string;
  close(): Promise<void>;
}

/** The query of a logged request as pairs, decoded. */
export function queryOf(entry: SandboxLogEntry): [string, string][] {
  return [...new URLSearchParams(entry.query.replace(/^\?/, '')).entries()];
}

/** A FHIR Parameters body's parameters by name, for asserting what a decision carried. */
export function parametersOf(entry: SandboxLogEntry): Map<string, Record<string, unknown>> {
  const body = typeof entry.body === 'string' ? (JSON.parse(entry.body) as unknown) : entry.body;
  const out = new Map<string, Record<string, unknown>>();
  const list = (body as { parameter?: unknown } | undefined)?.parameter;
  if (Array.isArray(list)) for (const p of list as Record<string, unknown>[]) if (typeof p.name === 'string') out.set(p.name, p);
  return out;
}

/** The example request bodies the sandbox matches a POST against, read from its own folder. */
export function sandboxExample(relative: string): unknown {
  return JSON.parse(readFileSync(path.join(nhsSandboxDir, 'src', 'mocks', relative), 'utf8')) as unknown;
}

export function sandboxFile(relative: string): Buffer {
  return readFileSync(path.join(nhsSandboxDir, 'src', 'mocks', relative));
}

export async function startNhsSandbox(options: { startTimeoutMs?: number } = {}): Promise<NhsSandbox> {
  if (!hasNhsSandbox) throw new Error(`NHS's e-RS sandbox is not at ${nhsSandboxDir}`);
  const logDir = mkdtempSync(path.join(os.tmpdir(), 'nhs-sandbox-'));
  const logFile = path.join(logDir, 'requests.jsonl');
  const child: ChildProcess = spawn(process.execPath, [launcher], {
    // From the project's root, so the sandbox finds @hapi/hapi, @hapi/inert and lodash.
    cwd: repoRoot,
    env: { ...process.env, ERS_SANDBOX_LOG: logFile, ERS_SANDBOX_PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // A test run that dies without close() must not leave the sandbox listening.
  const killOnExit = () => child.kill('SIGTERM');
  process.once('exit', killOnExit);
  let printed = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`NHS's sandbox did not print LISTENING within ${options.startTimeoutMs ?? 20_000} ms:\n${printed}`));
    }, options.startTimeoutMs ?? 20_000);
    const onData = (chunk: Buffer) => {
      printed += chunk.toString('utf8');
      const match = /LISTENING (http:\/\/127\.0\.0\.1:\d+)/.exec(printed);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => (printed += chunk.toString('utf8')));
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`NHS's sandbox exited before listening (${code ?? signal}):\n${printed}`));
    });
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
  // Keep draining its output so a chatty sandbox never blocks on a full pipe.
  child.stdout?.on('data', (chunk: Buffer) => (printed = (printed + chunk.toString('utf8')).slice(-20_000)));

  const requests = (): SandboxLogEntry[] => {
    if (!existsSync(logFile)) return [];
    return readFileSync(logFile, 'utf8')
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as SandboxLogEntry);
  };

  return {
    url,
    requests,
    since: (mark) => requests().slice(mark),
    async waitForRequest(match, timeoutMs = 10_000, from = 0) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = requests().slice(from).find(match);
        if (found) return found;
        if (Date.now() > deadline) throw new Error(`no matching request reached NHS's sandbox within ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    },
    output: () => printed,
    async close() {
      process.removeListener('exit', killOnExit);
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(logDir, { recursive: true, force: true });
    },
  };
}
