/**
 * A copy of the NHS e-RS public sandbox on loopback, built at run time from
 * ../shared/ers-reference/scenarios.json, behaving as the reference README describes the
 * real one: open access (no token is checked), a request is answered only when its method,
 * path and query are one of the scenarios', and a POST only when its JSON body equals that
 * scenario's example (key order and whitespace aside). Anything else gets 400 with the
 * sandbox's own error OperationOutcome, as the public sandbox does; a business function
 * other than the scenario's gets 403. It is stateless, like the real one.
 *
 * Served under `/referrals`, so the app's base URL is `<origin>/referrals` exactly as the
 * sandbox's is https://sandbox.api.service.nhs.uk/referrals, and the scenarios' paths
 * (`/FHIR/STU3/...`) follow it. Every request is recorded with what the copy made of it.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';

export interface SandboxScenario {
  operation: string;
  scenario: string;
  method: string;
  path: string;
  businessFunction: string | null;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  requestBody?: string;
  responseBody?: string;
  status: number;
  note?: string;
}

export interface SandboxRequest {
  method: string;
  /** The path below the `/referrals` prefix, e.g. /FHIR/STU3/ReferralRequest/000000070000. */
  path: string;
  query: [string, string][];
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  status: number;
  /** The scenario that answered (`A014 reject referral BasicExampleDbs`), or null. */
  answeredBy: string | null;
  /** Why the copy refused, when it did. */
  refusal: string | null;
}

export interface SandboxCopy {
  /** What ERS_BASE_URL should be: the origin plus /referrals. */
  baseUrl: string;
  scenarios: SandboxScenario[];
  requests: SandboxRequest[];
  close(): Promise<void>;
}

export const SANDBOX_PREFIX = '/referrals';

export const scenarioName = (s: SandboxScenario): string => `${s.operation} ${s.scenario}`;

export function loadSandboxScenarios(referenceDir: string): SandboxScenario[] {
  return (JSON.parse(readFileSync(path.join(referenceDir, 'scenarios.json'), 'utf8')) as { scenarios: SandboxScenario[] }).scenarios;
}

/** The example request body of a scenario, as JSON, placeholders and all (the sandbox matches them literally). */
export function exampleRequestBody(referenceDir: string, scenario: SandboxScenario): unknown {
  if (!scenario.requestBody) return undefined;
  return JSON.parse(readFileSync(path.join(referenceDir, scenario.requestBody), 'utf8')) as unknown;
}

function listen(server: http.Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

function sameQuery(sent: [string, string][], wanted: Record<string, string> | undefined): boolean {
  return isDeepStrictEqual([...sent].sort(), Object.entries(wanted ?? {}).sort());
}

/** The resource version a FHIR body carries, for the ETag e-RS sends beside it. */
function versionOf(body: Buffer): string | null {
  try {
    const parsed = JSON.parse(body.toString('utf8')) as { meta?: { versionId?: unknown } };
    return typeof parsed.meta?.versionId === 'string' ? parsed.meta.versionId : null;
  } catch {
    return null;
  }
}

export async function startSandboxCopy(referenceDir: string): Promise<SandboxCopy> {
  const scenarios = loadSandboxScenarios(referenceDir);
  const ref = (file: string) => readFileSync(path.join(referenceDir, file));
  const sandboxError = ref('examples/stu3/STU3-SandboxErrorOutcome.json');
  const forbidden = ref('examples/stu3/STU3-Forbidden.json');
  const examples = new Map<SandboxScenario, unknown>(scenarios.filter((s) => s.requestBody).map((s) => [s, exampleRequestBody(referenceDir, s)]));
  const requests: SandboxRequest[] = [];

  // A042 redirects to an object store on another origin, as the live service does.
  const a006 = scenarios.find((s) => s.operation === 'A006');
  const objectStore = http.createServer((req, res) => {
    req.resume();
    if (req.headers.authorization !== undefined || !a006?.responseBody) {
      res.writeHead(403).end();
      return;
    }
    res.writeHead(200, { 'Content-Type': 'application/pdf' }).end(ref(a006.responseBody));
  });
  const objectStoreUrl = `http://127.0.0.1:${await listen(objectStore)}`;

  function answer(req: http.IncomingMessage, body: Buffer): { status: number; headers: Record<string, string>; body?: Buffer; scenario: SandboxScenario | null; refusal: string | null } {
    const url = new URL(req.url ?? '/', 'http://sandbox-copy');
    const refused = (status: number, refusal: string, outcome: Buffer) => ({
      status,
      headers: { 'Content-Type': 'application/fhir+json' },
      body: outcome,
      scenario: null,
      refusal,
    });
    if (!url.pathname.startsWith(`${SANDBOX_PREFIX}/`)) return refused(404, `not under ${SANDBOX_PREFIX}`, sandboxError);
    const method = req.method ?? '';
    const pathname = url.pathname.slice(SANDBOX_PREFIX.length);
    const query = [...url.searchParams.entries()];
    const candidates = scenarios.filter((s) => s.method === method && s.path === pathname && sameQuery(query, s.query));
    if (candidates.length === 0) return refused(400, `no scenario for ${method} ${pathname}${url.search}`, sandboxError);

    let scenario: SandboxScenario | undefined = candidates[0];
    const withBodies = candidates.filter((s) => s.requestBody);
    if (method === 'POST' && withBodies.length > 0) {
      let sent: unknown;
      try {
        sent = JSON.parse(body.toString('utf8'));
      } catch {
        return refused(400, 'the body is not JSON', sandboxError);
      }
      scenario = withBodies.find((s) => isDeepStrictEqual(sent, examples.get(s)));
      if (!scenario) return refused(400, `the body equals none of the ${withBodies.length} example(s) for ${pathname}`, sandboxError);
    }
    if (!scenario) return refused(400, 'no scenario', sandboxError);

    const wantedFunction = scenario.businessFunction;
    if (wantedFunction !== null && req.headers['nhsd-ers-business-function'] !== wantedFunction) {
      return refused(403, `business function ${String(req.headers['nhsd-ers-business-function'])}, the example is for ${wantedFunction}`, forbidden);
    }

    const headers: Record<string, string> = {};
    if (scenario.operation === 'A020') {
      // A raw file: the sandbox wants bytes, a file name and the referral it is for.
      if (body.length === 0 || !req.headers['nhsd-ers-file-name'] || !req.headers['nhsd-ers-referral-id']) {
        return refused(422, 'an upload needs bytes, NHSD-eRS-File-Name and NHSD-eRS-Referral-Id', sandboxError);
      }
      return { status: scenario.status, headers: { Location: `Binary/${randomUUID()}` }, scenario, refusal: null };
    }
    if (scenario.operation === 'A042') {
      return { status: scenario.status, headers: { Location: `${objectStoreUrl}/attachments/${randomUUID()}` }, scenario, refusal: null };
    }
    if (!scenario.responseBody) return { status: scenario.status, headers, scenario, refusal: null };
    const responseBody = ref(scenario.responseBody);
    if (scenario.responseBody.endsWith('.pdf')) {
      headers['Content-Type'] = 'application/pdf';
      headers['Content-Disposition'] = `attachment; filename="${path.basename(scenario.responseBody)}"`;
    } else {
      headers['Content-Type'] = 'application/fhir+json';
      const version = versionOf(responseBody);
      if (version) headers.ETag = `W/"${version}"`;
    }
    return { status: scenario.status, headers, body: responseBody, scenario, refusal: null };
  }

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const url = new URL(req.url ?? '/', 'http://sandbox-copy');
      const result = answer(req, body);
      requests.push({
        method: req.method ?? '',
        path: url.pathname.startsWith(SANDBOX_PREFIX) ? url.pathname.slice(SANDBOX_PREFIX.length) : url.pathname,
        query: [...url.searchParams.entries()],
        headers: req.headers,
        body,
        status: result.status,
        answeredBy: result.scenario ? scenarioName(result.scenario) : null,
        refusal: result.refusal,
      });
      const correlation = req.headers['x-correlation-id'];
      if (typeof correlation === 'string') result.headers['X-Correlation-ID'] = correlation;
      res.writeHead(result.status, result.headers).end(result.body);
    });
  });
  const port = await listen(server);

  return {
    baseUrl: `http://127.0.0.1:${port}${SANDBOX_PREFIX}`,
    scenarios,
    requests,
    async close() {
      server.closeAllConnections();
      objectStore.closeAllConnections();
      await Promise.all([new Promise((resolve) => server.close(resolve)), new Promise((resolve) => objectStore.close(resolve))]);
    },
  };
}

/**
 * Where two JSON values differ, one line per difference, for saying exactly why a body was
 * refused. Arrays of named items (FHIR Parameters) are compared by name, so one missing
 * parameter reads as one line rather than shifting every later one.
 */
export function jsonDifferences(sent: unknown, expected: unknown, at = '$'): string[] {
  if (isDeepStrictEqual(sent, expected)) return [];
  const brief = (value: unknown) => {
    const text = JSON.stringify(value) ?? 'undefined';
    return text.length > 160 ? `${text.slice(0, 157)}...` : text;
  };
  const named = (value: unknown): Map<string, unknown> | null => {
    if (!Array.isArray(value) || !value.every((item) => typeof item === 'object' && item !== null && typeof (item as { name?: unknown }).name === 'string')) return null;
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
  const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
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
