/**
 * The local PDS: a stand-in for the Personal Demographics Service FHIR R4 API on loopback,
 * answering `GET <origin>/personal-demographics/FHIR/R4/Patient/{id}` for the patients of
 * the e-RS seed (records.ts), so the app's base URL is `<origin>/personal-demographics/FHIR/R4`
 * as NHS England's is. It checks what PDS checks: the APIM access token (the same one e-RS
 * takes, verified the same way), X-Request-ID (required, a UUID), NHSD-Session-URID
 * (required here, digits, and one of the signed-in user's CIS2 role profiles: PDS's
 * specification calls it optional but, when sent, it must be valid for the user, and the
 * app always sends it), and the NHS number (ten digits with a valid check digit, else 400
 * INVALID_RESOURCE_ID); it answers unknown patients 404 RESOURCE_NOT_FOUND and mirrors
 * X-Request-ID and X-Correlation-ID. It can be slowed, made to fail, rate limited, and
 * stopped and started again, like the e-RS emulator.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { type AddressInfo } from 'node:net';
import { silentLogger, type Logger } from '../../../electron/log/logger';
import { AccessTokenError } from '../access-tokens';
import { cis2ClaimsFor, type NrbacRole } from '../cis2/cis2-claims';
import { findUser } from '../users';
import { type TokenVerifier } from '../ers/access';
import { FaultInjector, type FaultConfig } from '../ers/faults';
import { header, jsonReply, writeReply, type Reply } from '../ers/http-io';
import { isValidNhsNumber } from '../seed/identifiers';
import { type Patient } from '../seed/model';
import { pdsPatient, pdsScenarios, type PdsScenario, type PdsScenarios } from './records';

export { pdsScenarios, type PdsScenario, type PdsScenarios } from './records';

export const PDS_PATH = '/personal-demographics/FHIR/R4';

export interface PdsEmulatorOptions {
  /** The seed's patients, as the e-RS emulator holds them (the same people, the same numbers). */
  patients: () => readonly Patient[];
  /** The seed's reference date (yyyy-mm-dd): deaths are dated from it. */
  referenceDate: () => string;
  tokens: TokenVerifier;
  log?: Logger;
  host?: string;
  port?: number;
  faults?: Partial<FaultConfig>;
}

export interface PdsRequestRecord {
  method: string;
  path: string;
  status: number;
  /** The headers PDS cares about, as sent. */
  requestId: string | null;
  correlationId: string | null;
  organisationOds: string | null;
  sessionUrid: string | null;
  authorised: boolean;
  time: string;
}

export interface PdsEmulator {
  origin: string;
  /** `<origin>/personal-demographics/FHIR/R4`. */
  baseUrl: string;
  /** Which NHS numbers are restricted, deceased, superseded, minimal, unknown. */
  scenarios(): PdsScenarios;
  requests(): PdsRequestRecord[];
  clearRequests(): void;
  faults(): FaultConfig;
  setFaults(faults: Partial<FaultConfig>): void;
  close(): Promise<void>;
}

const SPINE_CODES = 'https://fhir.nhs.uk/R4/CodeSystem/Spine-ErrorOrWarningCode';
const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

class PdsProblem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly display: string,
    readonly issueCode: string,
    readonly diagnostics?: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(display);
  }
}

function outcome(problem: PdsProblem): unknown {
  return {
    resourceType: 'OperationOutcome',
    issue: [
      {
        severity: problem.status === 404 ? 'information' : 'error',
        code: problem.issueCode,
        details: { coding: [{ system: SPINE_CODES, version: '1', code: problem.code, display: problem.display }] },
        ...(problem.diagnostics ? { diagnostics: problem.diagnostics } : {}),
      },
    ],
  };
}

export async function startPdsEmulator(options: PdsEmulatorOptions): Promise<PdsEmulator> {
  const logger = options.log ?? silentLogger;
  const host = options.host ?? '127.0.0.1';
  const faults = new FaultInjector(options.faults ?? {});
  let records: PdsRequestRecord[] = [];

  // The records follow the seed: worked out again only when the seed's patients change.
  let built: {
    from: readonly Patient[];
    byNumber: Map<string, { patient: Patient; state: PdsScenario | null; id: string }>;
    scenarios: PdsScenarios;
  } | null = null;
  function index() {
    const patients = options.patients();
    if (built?.from === patients) return built;
    const scenarios = pdsScenarios(patients);
    const stateOf = new Map<string, PdsScenario>([
      [scenarios.restricted, 'restricted'],
      [scenarios.deceased, 'deceased'],
      [scenarios.superseded.from, 'superseded'],
      [scenarios.minimal, 'minimal'],
      [scenarios.unknown, 'unknown'],
    ]);
    const byNumber = new Map<string, { patient: Patient; state: PdsScenario | null; id: string }>();
    for (const patient of patients) {
      const state = stateOf.get(patient.nhsNumber) ?? null;
      if (state === 'unknown') continue;
      if (state === 'superseded') {
        // Both numbers answer with the one record now held under the new number.
        const entry = { patient, state, id: scenarios.superseded.to };
        byNumber.set(patient.nhsNumber, entry);
        byNumber.set(scenarios.superseded.to, entry);
        continue;
      }
      byNumber.set(patient.nhsNumber, { patient, state, id: patient.nhsNumber });
    }
    built = { from: patients, byNumber, scenarios };
    return built;
  }

  async function answer(request: IncomingMessage, pathname: string): Promise<Reply> {
    const match = new RegExp(`^${PDS_PATH}/Patient/([^/]*)$`).exec(pathname);
    if (!match)
      throw new PdsProblem(
        404,
        'UNSUPPORTED_SERVICE',
        'Unsupported Service',
        'not-supported',
        'The local PDS answers GET /Patient/{id} only.',
      );
    if (request.method !== 'GET')
      throw new PdsProblem(405, 'METHOD_NOT_ALLOWED', 'Method not allowed', 'not-supported', undefined, { Allow: 'GET' });

    const authorization = header(request, 'authorization');
    const token = authorization === undefined ? undefined : /^Bearer\s+(\S+)\s*$/i.exec(authorization)?.[1];
    if (authorization !== undefined && token === undefined)
      throw new PdsProblem(
        401,
        'ACCESS_DENIED',
        'Access Denied - Unauthorised',
        'forbidden',
        'The Authorization header is not a bearer token.',
      );
    let subject: string;
    try {
      subject = (await options.tokens.verify(token)).sub;
    } catch (error) {
      if (error instanceof AccessTokenError)
        throw new PdsProblem(401, 'ACCESS_DENIED', 'Access Denied - Unauthorised', 'forbidden', `Invalid access token: ${error.problem}.`);
      throw error;
    }

    const requestId = header(request, 'x-request-id');
    if (requestId === undefined)
      throw new PdsProblem(
        400,
        'MISSING_VALUE',
        'Required value is missing',
        'required',
        'Invalid request with error - X-Request-ID header must be supplied to access this resource',
      );
    if (!UUID.test(requestId))
      throw new PdsProblem(
        400,
        'INVALID_VALUE',
        'Provided value is invalid',
        'value',
        "Invalid value - 'X-Request-ID' header must be a UUID",
      );
    // PDS's specification: the header is optional; when it is sent it must be valid for the
    // signed-in user (healthcare worker access mode).
    const urid = header(request, 'nhsd-session-urid');
    if (urid !== undefined && !/^\d+$/.test(urid))
      throw new PdsProblem(400, 'INVALID_VALUE', 'Provided value is invalid', 'value', "Invalid value - 'NHSD-Session-URID' header");
    // The role profile must be the signed-in user's (the mock CIS2 gave them; synthetic users only).
    const user = findUser(subject);
    if (urid !== undefined && user && !(cis2ClaimsFor(user).nhsid_nrbac_roles as NrbacRole[]).some((role) => role.person_roleid === urid))
      throw new PdsProblem(
        400,
        'INVALID_VALUE',
        'Provided value is invalid',
        'value',
        "Invalid value - 'NHSD-Session-URID' is not a role profile of the signed-in user",
      );

    let id = match[1] ?? '';
    try {
      id = decodeURIComponent(id);
    } catch {
      // leave it: it will not be a valid NHS number
    }
    if (!isValidNhsNumber(id)) throw new PdsProblem(400, 'INVALID_RESOURCE_ID', 'Resource Id is invalid', 'value');
    const entry = index().byNumber.get(id);
    if (!entry) throw new PdsProblem(404, 'RESOURCE_NOT_FOUND', 'Resource not found', 'not-found');
    const resource = pdsPatient(entry.patient, entry.state, { referenceDate: options.referenceDate(), id: entry.id });
    const versionId = (resource.meta as { versionId: string }).versionId;
    return jsonReply(200, resource, { ETag: `W/"${versionId}"` });
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const time = new Date().toISOString();
    const requestId = header(request, 'x-request-id') ?? null;
    const correlationId = header(request, 'x-correlation-id') ?? null;
    const rawUrl = request.url ?? '/';
    const pathname = new URL(rawUrl.startsWith('/') ? rawUrl : `/${rawUrl}`, 'http://pds.local').pathname;
    let reply: Reply;
    let authorised = false;
    try {
      const retryAfter = faults.rateLimited(Date.now());
      if (retryAfter !== null)
        throw new PdsProblem(
          429,
          'TOO_MANY_REQUESTS',
          'Too Many Requests',
          'throttled',
          "You have exceeded your application's rate limit.",
          { 'Retry-After': String(retryAfter) },
        );
      const latency = faults.latencyMs();
      if (latency > 0) await new Promise((resolve) => setTimeout(resolve, latency));
      const failure = faults.serverError();
      if (failure !== null)
        throw new PdsProblem(
          failure,
          'SERVICE_UNAVAILABLE',
          'Service unavailable',
          'transient',
          undefined,
          failure === 503 ? { 'Retry-After': '1' } : {},
        );
      reply = await answer(request, pathname);
      authorised = true;
    } catch (thrown) {
      if (thrown instanceof PdsProblem) {
        authorised = thrown.status !== 401;
        reply = jsonReply(thrown.status, outcome(thrown), thrown.headers);
      } else {
        logger.error('pds.request.failed', { message: thrown instanceof Error ? thrown.message : String(thrown) });
        reply = jsonReply(500, outcome(new PdsProblem(500, 'INTERNAL_SERVER_ERROR', 'Unexpected internal server error', 'exception')));
      }
    }
    reply.headers['X-Request-ID'] = requestId ?? randomUUID();
    if (correlationId !== null) reply.headers['X-Correlation-ID'] = correlationId;
    const drop = faults.shouldDrop();
    if (!response.destroyed) writeReply(response, reply, drop);
    records.push({
      method: request.method ?? 'GET',
      path: rawUrl,
      status: reply.status,
      requestId,
      correlationId,
      organisationOds: header(request, 'nhsd-end-user-organisation-ods') ?? null,
      sessionUrid: header(request, 'nhsd-session-urid') ?? null,
      authorised,
      time,
    });
    if (records.length > 10_000) records = records.slice(-10_000);
  }

  const server = createServer((request, response) => {
    void handle(request, response).catch((error: unknown) => {
      logger.error('pds.request.unhandled', { message: error instanceof Error ? error.message : String(error) });
      if (!response.headersSent) {
        response.statusCode = 500;
        response.end();
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const origin = `http://${host}:${(server.address() as AddressInfo).port}`;
  logger.info('pds.started', { origin });

  return {
    origin,
    baseUrl: `${origin}${PDS_PATH}`,
    scenarios: () => structuredClone(index().scenarios),
    requests: () => records.map((r) => ({ ...r })),
    clearRequests: () => {
      records = [];
    },
    faults: () => faults.current(),
    setFaults: (partial) => faults.set(partial),
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
