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
import { isDeepStrictEqual } from 'node:util';
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
  /**
   * Requests logged from this mark on (take a mark with `requests().length`), once every
   * request answered before the call has been logged: the sandbox writes its log after each
   * response goes out, so a barrier request is sent and waited for first.
   */
  since(mark: number): Promise<SandboxLogEntry[]>;
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

  let barriers = 0;
  const requests = (): SandboxLogEntry[] => {
    if (!existsSync(logFile)) return [];
    return (
      readFileSync(logFile, 'utf8')
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => JSON.parse(line) as SandboxLogEntry)
        // The log barriers since() sends are the tests' own, not the app's.
        .filter((entry) => !entry.path.startsWith('/__log-barrier/'))
    );
  };

  return {
    url,
    requests,
    async since(mark) {
      barriers += 1;
      const barrierPath = `/__log-barrier/${barriers}`;
      await fetch(`${url}${barrierPath}`)
        .then((response) => response.arrayBuffer())
        .catch(() => undefined);
      for (const deadline = Date.now() + 10_000; ;) {
        if (existsSync(logFile) && readFileSync(logFile, 'utf8').includes(`"path":"${barrierPath}"`)) return requests().slice(mark);
        if (Date.now() > deadline) throw new Error("NHS's sandbox did not log a barrier request within 10 s");
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    },
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

/**
 * NHS's example items as its sandbox serves them (src/routes/stu3/services/
 * mockResponseProvider.js): the UBRN or query each answers for, and the example's name.
 * `exampleFile` is under src/mocks/, so a test can check the sandbox still has it.
 */
export interface SandboxExampleItem {
  ubrn: string;
  name: string;
  exampleFile: string;
}

export const SANDBOX_REFERRALS: readonly SandboxExampleItem[] = [
  { ubrn: '000000070000', name: 'Unbooked', exampleFile: 'stu3/retrieveReferralRequest/responses/Unbooked.json' },
  { ubrn: '000000070001', name: 'BookedDBS', exampleFile: 'stu3/retrieveReferralRequest/responses/BookedDBS.json' },
  { ubrn: '000000070002', name: 'BookedIBS', exampleFile: 'stu3/retrieveReferralRequest/responses/BookedIBS.json' },
  { ubrn: '000000070003', name: 'DeferredToProvider', exampleFile: 'stu3/retrieveReferralRequest/responses/DeferredToProvider.json' },
  {
    ubrn: '000000070004',
    name: 'ConvertedFromAdviceAndGuidance',
    exampleFile: 'stu3/retrieveReferralRequest/responses/ConvertedFromAdviceAndGuidance.json',
  },
  { ubrn: '000000070005', name: 'WithRelatedReferral', exampleFile: 'stu3/retrieveReferralRequest/responses/WithRelatedReferral.json' },
  {
    ubrn: '000000070011',
    name: 'WithAdditionalRequirements',
    exampleFile: 'stu3/retrieveReferralRequest/responses/WithAdditionalRequirements.json',
  },
  {
    ubrn: '000000070012',
    name: 'WithUnavailableAttachments',
    exampleFile: 'stu3/retrieveReferralRequest/responses/WithUnavailableAttachments.json',
  },
];

export const SANDBOX_ADVICE_REQUESTS: readonly SandboxExampleItem[] = [
  { ubrn: '000000070000', name: 'MinimalExample', exampleFile: 'stu3/retrieveAdviceAndGuidanceRequest/responses/MinimalExample.json' },
  {
    ubrn: '000000070001',
    name: 'WithAttachmentFileReference',
    exampleFile: 'stu3/retrieveAdviceAndGuidanceRequest/responses/WithAttachmentFileReference.json',
  },
  {
    ubrn: '000000070002',
    name: 'WithUnavailableAttachments',
    exampleFile: 'stu3/retrieveAdviceAndGuidanceRequest/responses/WithUnavailableAttachments.json',
  },
];

/** A025's examples, by the based-on they answer: CommunicationRequest/<ubrn>/_history/<version>. */
export const SANDBOX_CONVERSATIONS: readonly (SandboxExampleItem & { version: string })[] = [
  {
    ubrn: '000000070000',
    version: '1',
    name: 'SingleMessageFromReferrer',
    exampleFile: 'stu3/retrieveAdviceAndGuidanceConversation/SingleMessageFromReferrer.json',
  },
  {
    ubrn: '000000070000',
    version: '2',
    name: 'OneMessageEachWay',
    exampleFile: 'stu3/retrieveAdviceAndGuidanceConversation/OneMessageEachWay.json',
  },
  {
    ubrn: '000000070001',
    version: '6',
    name: 'AttachmentPresentInEachDirection',
    exampleFile: 'stu3/retrieveAdviceAndGuidanceConversation/AttachmentPresentInEachDirection.json',
  },
  {
    ubrn: '000000070002',
    version: '1',
    name: 'MultiWayConversation',
    exampleFile: 'stu3/retrieveAdviceAndGuidanceConversation/MultiWayConversation.json',
  },
  {
    ubrn: '000000070003',
    version: '7',
    name: 'AttachmentUploadedFromRCS',
    exampleFile: 'stu3/retrieveAdviceAndGuidanceConversation/AttachmentUploadedFromRCS.json',
  },
  {
    ubrn: '000000070004',
    version: '3',
    name: 'UnavailableAttachments',
    exampleFile: 'stu3/retrieveAdviceAndGuidanceConversation/UnavailableAttachments.json',
  },
];

/** The decision examples a provider sends, each answered only for a body equal to the example. */
export interface SandboxDecision {
  /** e.g. 'A014 reject BasicExampleDbs'. */
  name: string;
  operation: 'A013' | 'A014' | 'A026' | 'A027' | 'A028';
  method: 'POST';
  /** The path the sandbox answers; {ubrn} where it takes any UBRN. */
  path: string;
  /** The example request body under src/mocks/, or null (A013 takes none). */
  exampleFile: string | null;
  status: 200 | 201;
}

export const SANDBOX_DECISIONS: readonly SandboxDecision[] = [
  {
    name: 'A013 accept',
    operation: 'A013',
    method: 'POST',
    path: '/FHIR/STU3/ReferralRequest/000000070000/$ers.acceptReferral',
    exampleFile: null,
    status: 200,
  },
  {
    name: 'A014 reject BasicExampleDbs',
    operation: 'A014',
    method: 'POST',
    path: '/FHIR/STU3/ReferralRequest/{ubrn}/$ers.rejectReferral',
    exampleFile: 'stu3/rejectReferral/requests/BasicExampleDbs.json',
    status: 200,
  },
  {
    name: 'A014 reject BasicExampleIbs',
    operation: 'A014',
    method: 'POST',
    path: '/FHIR/STU3/ReferralRequest/{ubrn}/$ers.rejectReferral',
    exampleFile: 'stu3/rejectReferral/requests/BasicExampleIbs.json',
    status: 200,
  },
  {
    name: 'A028 triage AcceptReferBookLater',
    operation: 'A028',
    method: 'POST',
    path: '/FHIR/STU3/ReferralRequest/{ubrn}/$ers.recordReviewOutcome',
    exampleFile: 'stu3/recordTriageOutcome/requests/AcceptReferBookLater.json',
    status: 200,
  },
  {
    name: 'A028 triage ReturnToReferrerWithAdvice',
    operation: 'A028',
    method: 'POST',
    path: '/FHIR/STU3/ReferralRequest/{ubrn}/$ers.recordReviewOutcome',
    exampleFile: 'stu3/recordTriageOutcome/requests/ReturnToReferrerWithAdvice.json',
    status: 200,
  },
  {
    name: 'A028 triage AttachmentIncluded',
    operation: 'A028',
    method: 'POST',
    path: '/FHIR/STU3/ReferralRequest/{ubrn}/$ers.recordReviewOutcome',
    exampleFile: 'stu3/recordTriageOutcome/requests/AttachmentIncluded.json',
    status: 200,
  },
  {
    name: 'A026 reply RequireFurtherInformation',
    operation: 'A026',
    method: 'POST',
    path: '/FHIR/STU3/CommunicationRequest/{ubrn}/$ers.sendCommunicationToRequester',
    exampleFile: 'stu3/sendAdviceAndGuidanceResponse/requests/RequireFurtherInformation.json',
    status: 200,
  },
  {
    name: 'A026 reply ReturnToReferrerWithAdvice',
    operation: 'A026',
    method: 'POST',
    path: '/FHIR/STU3/CommunicationRequest/{ubrn}/$ers.sendCommunicationToRequester',
    exampleFile: 'stu3/sendAdviceAndGuidanceResponse/requests/ReturnToReferrerWithAdvice.json',
    status: 200,
  },
  {
    name: 'A026 reply AttachmentIncluded',
    operation: 'A026',
    method: 'POST',
    path: '/FHIR/STU3/CommunicationRequest/{ubrn}/$ers.sendCommunicationToRequester',
    exampleFile: 'stu3/sendAdviceAndGuidanceResponse/requests/AttachmentIncluded.json',
    status: 200,
  },
  {
    name: 'A027 convert NoAttachments',
    operation: 'A027',
    method: 'POST',
    path: '/FHIR/STU3/ReferralRequest/$ers.createFromCommunicationRequestActionLater',
    exampleFile: 'stu3/convertAdviceAndGuidanceToReferral/requests/NoAttachments.json',
    status: 201,
  },
  {
    name: 'A027 convert WithAttachments',
    operation: 'A027',
    method: 'POST',
    path: '/FHIR/STU3/ReferralRequest/$ers.createFromCommunicationRequestActionLater',
    exampleFile: 'stu3/convertAdviceAndGuidanceToReferral/requests/WithAttachments.json',
    status: 201,
  },
];

/** True when a logged request is this decision's (its path, with any UBRN where the sandbox takes any). */
export function isDecisionRequest(entry: SandboxLogEntry, decision: SandboxDecision): boolean {
  const pattern = new RegExp(`^${decision.path.replace(/[$.]/g, (c) => `\\${c}`).replace('{ubrn}', '\\d{12}')}$`);
  return entry.method === decision.method && pattern.test(entry.path);
}

/**
 * Where two JSON values differ, one line per difference, for saying exactly why a body was
 * not the example. Arrays of named items (FHIR Parameters) are compared by name, so one
 * missing parameter reads as one line rather than shifting every later one.
 */
export function jsonDifferences(sent: unknown, expected: unknown, at = '$'): string[] {
  if (isDeepStrictEqual(sent, expected)) return [];
  const brief = (value: unknown) => {
    const text = JSON.stringify(value) ?? 'undefined';
    return text.length > 160 ? `${text.slice(0, 157)}...` : text;
  };
  const named = (value: unknown): Map<string, unknown> | null => {
    if (
      !Array.isArray(value) ||
      !value.every((item) => typeof item === 'object' && item !== null && typeof (item as { name?: unknown }).name === 'string')
    )
      return null;
    const byName = new Map<string, unknown>();
    for (const item of value as { name: string }[]) {
      let key = item.name;
      for (let n = 2; byName.has(key); n += 1) key = `${item.name}#${n}`;
      byName.set(key, item);
    }
    return byName;
  };
  const sentNames = named(sent);
  const expectedNames = named(expected);
  if (sentNames && expectedNames) {
    const keys = [...new Set([...expectedNames.keys(), ...sentNames.keys()])];
    return keys.flatMap((key) => {
      if (!sentNames.has(key)) return [`${at}[${key}] missing: the example has ${brief(expectedNames.get(key))}`];
      if (!expectedNames.has(key)) return [`${at}[${key}] sent, the example has none: ${brief(sentNames.get(key))}`];
      return jsonDifferences(sentNames.get(key), expectedNames.get(key), `${at}[${key}]`);
    });
  }
  if (Array.isArray(sent) && Array.isArray(expected)) {
    const length = Math.max(sent.length, expected.length);
    return Array.from({ length }, (_, i) => jsonDifferences(sent[i], expected[i], `${at}[${i}]`)).flat();
  }
  const isObject = (value: unknown): value is Record<string, unknown> =>
    typeof value === 'object' && value !== null && !Array.isArray(value);
  if (isObject(sent) && isObject(expected)) {
    const keys = [...new Set([...Object.keys(expected), ...Object.keys(sent)])];
    return keys.flatMap((key) => {
      if (!(key in sent)) return [`${at}.${key} missing: the example has ${brief(expected[key])}`];
      if (!(key in expected)) return [`${at}.${key} sent, the example has none: ${brief(sent[key])}`];
      return jsonDifferences(sent[key], expected[key], `${at}.${key}`);
    });
  }
  return [`${at} is ${brief(sent)}, the example has ${brief(expected)}`];
}
