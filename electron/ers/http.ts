/**
 * The e-RS transport: one place that turns a described request into an HTTP exchange with
 * e-RS, with its headers (correlation id, bearer token, role), time limits, bounded
 * retries for safe operations only, one session refresh on 401, and every failure turned
 * into an ErsError. Everything with a clock or a dice (fetch, sleep, random, now, ids) is
 * injected so tests decide time.
 */
import { randomUUID } from 'node:crypto';
import { AppError } from '../app-error';
import type { Logger } from '../log/logger';
import {
  actingForMissingError,
  busyError,
  ErsError,
  httpError,
  malformedError,
  networkError,
  noRoleError,
  sessionEndedError,
  timeoutError,
  tooLargeError,
  isTooBigBodyFault,
  platformTooLargeError,
  type ErsErrorContext,
} from './ers-error';
import { readOperationOutcome } from './operation-outcome';
import { isStateChanging, needsRole, sendsOnBehalfOf, type OperationId } from './operations';
import { BodyTooLarge, BodyTruncated, fileNameFromDisposition, readBodyLimited } from './read-body';
import { backoffDelayMs, DEFAULT_RETRY_POLICY, isRetryableStatus, parseRetryAfterMs, type RetryPolicy } from './retry-policy';
import type { FetchLike } from '../platform/platform';

/** The e-RS role the user acts in, sent as the NHSD-eRS-* headers. */
export interface ErsRole {
  businessFunction: string;
  organisationOds: string;
  /** Only sent for SERVICE_PROVIDER_CLINICIAN_ADMIN, where e-RS requires it. */
  onBehalfOfUserId?: string | null;
}

export type { FetchLike } from '../platform/platform';
export type SleepLike = (ms: number, signal?: AbortSignal) => Promise<void>;

export interface ErsTransportOptions {
  /** The e-RS base without /FHIR, e.g. https://sandbox.api.service.nhs.uk/referrals. */
  baseUrl: string;
  /** The APIM access token; null where none is needed (the open-access sandbox). */
  getAccessToken?: () => Promise<string | null>;
  /** Asked once when e-RS answers 401; should obtain a fresh token or throw. */
  refreshSession?: () => Promise<void>;
  /** The role chosen for this session; null before one is chosen. */
  getRole?: () => ErsRole | null;
  /** The platform's fetch (Platform.fetch): the trust's proxy and certificates apply. */
  fetch: FetchLike;
  sleep?: SleepLike;
  random?: () => number;
  now?: () => number;
  newCorrelationId?: () => string;
  /** Time limit for one attempt, response body included. */
  timeoutMs?: number;
  /** The same for files (attachments, PDFs), which can take longer to arrive. */
  fileTimeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  /** Ceiling for a FHIR JSON answer. APIM refuses worklists over 10 MB, so more is wrong. */
  maxJsonBytes?: number;
  /** Ceiling for a file (attachment, PDF). */
  maxFileBytes?: number;
  log?: Logger;
}

export interface ErsRequest {
  operation: OperationId;
  method: 'GET' | 'POST';
  /** Under the e-RS base, e.g. /FHIR/STU3/ReferralRequest/000000070000. */
  path: string;
  query?: ReadonlyArray<readonly [string, string]>;
  headers?: Readonly<Record<string, string>>;
  json?: unknown;
  file?: { bytes: Uint8Array; contentType: string };
  /** A042 answers 307 to an object store: follow it, with no credentials. */
  followRedirect?: boolean;
  /** The role to send instead of the session's: A040 asks as a role that is not chosen yet. */
  role?: ErsRole;
  signal?: AbortSignal;
}

export interface ErsExchange {
  status: number;
  headers: Headers;
  correlationId: string;
}

export interface ErsJsonResult extends ErsExchange {
  body: unknown;
}

/**
 * A decision's answer. e-RS answered 2xx, so the decision is recorded: that is the result,
 * and the body is only a bonus. When it could not be read, `body` is null and `unreadable`
 * says why (for the log; never for the user as a failure).
 */
export interface ErsDecisionResult extends ErsExchange {
  body: unknown;
  unreadable: string | null;
}

export interface ErsFileResult extends ErsExchange {
  bytes: Uint8Array;
  contentType: string;
  fileName: string | null;
}

export interface ErsTransport {
  readonly baseUrl: string;
  json(request: ErsRequest): Promise<ErsJsonResult>;
  file(request: ErsRequest): Promise<ErsFileResult>;
  /** For answers whose body does not matter (A020's 201 with a Location). */
  empty(request: ErsRequest): Promise<ErsExchange>;
  /**
   * For decisions (A013, A014, A026, A027, A028): fails only when e-RS did not answer 2xx.
   * A 2xx answer means e-RS recorded the decision, ALWAYS, whatever its body turns out to be.
   */
  decision(request: ErsRequest): Promise<ErsDecisionResult>;
}

export const DEFAULT_TIMEOUT_MS = 30_000;
export const DEFAULT_FILE_TIMEOUT_MS = 120_000;
export const DEFAULT_MAX_JSON_BYTES = 12 * 1024 * 1024;
export const DEFAULT_MAX_FILE_BYTES = 50 * 1024 * 1024;
/** Error bodies are OperationOutcomes of a few hundred bytes; anything bigger is not worth reading. */
const MAX_ERROR_BYTES = 256 * 1024;
const MAX_REDIRECTS = 3;
const REDIRECTS: ReadonlySet<number> = new Set([301, 302, 303, 307, 308]);

const defaultSleep: SleepLike = (ms, signal) =>
  new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });

/** Query values keep '/' and ':' readable, as e-RS's own links write them. */
export function encodeQuery(query: ReadonlyArray<readonly [string, string]>): string {
  const enc = (s: string) => encodeURIComponent(s).replace(/%2F/gi, '/').replace(/%3A/gi, ':');
  return query.map(([key, value]) => `${enc(key)}=${enc(value)}`).join('&');
}

export function normaliseBaseUrl(baseUrl: string): string {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new AppError(
      'CONFIG',
      'The e-RS address in the app settings is not a valid web address. Ask your IT service desk to correct it.',
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new AppError('CONFIG', 'The e-RS address in the app settings must start with https://. Ask your IT service desk to correct it.');
  }
  return url.toString().replace(/\/+$/, '');
}

interface Attempt {
  response: Response;
  bytes: Uint8Array;
  /** Why the body of a 2xx answer to a state-changing call could not be read, if it could not. */
  bodyProblem?: string;
}

type Expect = 'json' | 'file' | 'empty';

export function createErsTransport(options: ErsTransportOptions): ErsTransport {
  const baseUrl = normaliseBaseUrl(options.baseUrl);
  const doFetch: FetchLike = options.fetch;
  const sleep = options.sleep ?? defaultSleep;
  const random = options.random ?? Math.random;
  const now = options.now ?? Date.now;
  const newCorrelationId = options.newCorrelationId ?? randomUUID;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const fileTimeoutMs = options.fileTimeoutMs ?? Math.max(timeoutMs, DEFAULT_FILE_TIMEOUT_MS);
  const policy: RetryPolicy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
  const maxJsonBytes = options.maxJsonBytes ?? DEFAULT_MAX_JSON_BYTES;
  const maxFileBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const log = options.log;

  function roleHeaders(operation: OperationId, context: ErsErrorContext, given?: ErsRole): Record<string, string> {
    if (!needsRole(operation)) return {};
    const role = given ?? options.getRole?.() ?? null;
    if (!role) throw noRoleError(context);
    const headers: Record<string, string> = {
      'NHSD-eRS-Business-Function': role.businessFunction,
      'NHSD-End-User-Organisation-ODS': role.organisationOds,
    };
    if (role.businessFunction === 'SERVICE_PROVIDER_CLINICIAN_ADMIN' && sendsOnBehalfOf(operation)) {
      if (!role.onBehalfOfUserId) throw actingForMissingError(context);
      headers['NHSD-eRS-On-Behalf-Of-User-ID'] = role.onBehalfOfUserId;
    }
    return headers;
  }

  async function bearer(context: ErsErrorContext): Promise<Record<string, string>> {
    if (!options.getAccessToken) return {};
    let token: string | null;
    try {
      token = await options.getAccessToken();
    } catch (error) {
      if (error instanceof AppError) throw error;
      throw sessionEndedError(context, error);
    }
    return token ? { Authorization: `Bearer ${token}` } : {};
  }

  async function pause(ms: number, signal: AbortSignal | undefined, context: ErsErrorContext): Promise<void> {
    try {
      await sleep(ms, signal);
    } catch (error) {
      throw cancelledError(context, error);
    }
  }

  function requestUrl(request: ErsRequest): string {
    const query = request.query && request.query.length > 0 ? `?${encodeQuery(request.query)}` : '';
    return `${baseUrl}${request.path}${query}`;
  }

  /** Follows a redirect to the object store holding a file, carrying no credentials at all. */
  async function followRedirects(
    first: Response,
    fromUrl: string,
    signal: AbortSignal,
    limit: number,
    context: ErsErrorContext,
  ): Promise<Attempt> {
    let response = first;
    let url = fromUrl;
    for (let hop = 0; REDIRECTS.has(response.status); hop += 1) {
      await response.body?.cancel().catch(() => undefined);
      if (hop >= MAX_REDIRECTS) throw malformedError(context, 'too many redirects');
      const location = response.headers.get('location');
      if (!location) throw malformedError(context, 'a redirect without a usable location');
      const next = new URL(location, url);
      // Never step down from https: the file would travel in the clear.
      if (new URL(url).protocol === 'https:' && next.protocol !== 'https:') {
        throw malformedError(context, 'a redirect to an insecure address');
      }
      if (next.protocol !== 'https:' && next.protocol !== 'http:') throw malformedError(context, 'a redirect to an unsupported address');
      url = next.toString();
      response = await doFetch(url, { method: 'GET', redirect: 'manual', signal });
    }
    if (!response.ok) {
      await response.body?.cancel().catch(() => undefined);
      throw new ErsError(
        'ERS_DOWNLOAD_FAILED',
        'The file store e-RS pointed to did not hand over the file. Try opening it again; if it keeps happening, tell your IT service desk and quote the reference shown with this message.',
        { ...context, status: response.status },
      );
    }
    return { response, bytes: await readBodyLimited(response, limit) };
  }

  async function attemptOnce(
    request: ErsRequest,
    headers: Record<string, string>,
    limit: number,
    signal: AbortSignal,
    context: ErsErrorContext,
  ): Promise<Attempt> {
    const url = requestUrl(request);
    let body: RequestInit['body'];
    if (request.json !== undefined) body = JSON.stringify(request.json);
    // A copy typed as ArrayBuffer-backed, which is what fetch's body type asks for.
    else if (request.file) body = new Uint8Array(request.file.bytes);
    const response = await doFetch(url, { method: request.method, headers, body, redirect: 'manual', signal });
    if (request.followRedirect && REDIRECTS.has(response.status)) {
      return followRedirects(response, url, signal, limit, context);
    }
    const bodyLimit = response.ok ? limit : MAX_ERROR_BYTES;
    try {
      return { response, bytes: await readBodyLimited(response, bodyLimit) };
    } catch (error) {
      // An oversized or cut-off error body is not worth failing over; the status still speaks.
      if ((error instanceof BodyTooLarge || error instanceof BodyTruncated) && !response.ok) return { response, bytes: new Uint8Array(0) };
      // e-RS said 2xx to something that records a decision: it is recorded, whatever
      // happens to the body after the status line. Saying otherwise invites a second send.
      if (response.ok && isStateChanging(request.operation)) {
        return {
          response,
          bytes: new Uint8Array(0),
          bodyProblem: error instanceof BodyTooLarge ? 'a body over the size limit' : 'a body cut off or timed out',
        };
      }
      throw error;
    }
  }

  function parseJsonBytes(bytes: Uint8Array): unknown {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  }

  function faultIsTooBigBody(bytes: Uint8Array): boolean {
    try {
      return isTooBigBodyFault(parseJsonBytes(bytes));
    } catch {
      return false;
    }
  }

  function outcomeOf(bytes: Uint8Array) {
    if (bytes.byteLength === 0) return null;
    try {
      return readOperationOutcome(parseJsonBytes(bytes));
    } catch {
      return null;
    }
  }

  async function execute(request: ErsRequest, expect: Expect): Promise<Attempt & { correlationId: string }> {
    const correlationId = newCorrelationId();
    const stateChanging = isStateChanging(request.operation);
    const context: ErsErrorContext = { operation: request.operation, correlationId, stateChanging };
    const limit = expect === 'file' ? maxFileBytes : maxJsonBytes;
    const fixedHeaders: Record<string, string> = {
      Accept: expect === 'json' ? 'application/fhir+json' : '*/*',
      'X-Correlation-ID': correlationId,
      ...roleHeaders(request.operation, context, request.role),
      ...request.headers,
    };
    if (request.json !== undefined) fixedHeaders['Content-Type'] = 'application/fhir+json';
    if (request.file) fixedHeaders['Content-Type'] = request.file.contentType;

    let refreshed = false;
    let retries = 0;
    for (;;) {
      if (request.signal?.aborted) throw cancelledError(context, request.signal.reason);
      const headers = { ...fixedHeaders, ...(await bearer(context)) };
      const timeout = AbortSignal.timeout(expect === 'file' ? fileTimeoutMs : timeoutMs);
      const signal = request.signal ? AbortSignal.any([request.signal, timeout]) : timeout;
      const started = now();
      let attempt: Attempt;
      try {
        attempt = await attemptOnce(request, headers, limit, signal, context);
      } catch (error) {
        if (error instanceof AppError) throw error;
        if (error instanceof BodyTooLarge) throw tooLargeError(context, error.limitBytes);
        if (request.signal?.aborted) throw cancelledError(context, error);
        const failure = timeout.aborted ? timeoutError(context, error) : networkError(context, error);
        log?.warn('ers.call.failed', { operation: request.operation, correlationId, code: failure.code, retries });
        if (!stateChanging && retries + 1 < policy.maxAttempts) {
          await pause(backoffDelayMs(retries, policy, random), request.signal, context);
          retries += 1;
          continue;
        }
        throw failure;
      }

      const { response } = attempt;
      log?.info('ers.call', { operation: request.operation, correlationId, status: response.status, retries, durationMs: now() - started });

      if (response.status === 401) {
        if (!refreshed && options.refreshSession) {
          refreshed = true;
          try {
            await options.refreshSession();
          } catch (error) {
            if (error instanceof AppError) throw error;
            throw sessionEndedError(context, error);
          }
          continue;
        }
        throw sessionEndedError(context);
      }

      // The platform refusing an answer over its size limit: the same request gets the same refusal.
      if (response.status === 502 && faultIsTooBigBody(attempt.bytes)) throw platformTooLargeError(context);

      if (isRetryableStatus(response.status) && !stateChanging) {
        const outcome = outcomeOf(attempt.bytes);
        const retryAfter = parseRetryAfterMs(response.headers.get('retry-after'), now());
        if (retryAfter !== null && retryAfter > policy.maxRetryAfterMs) {
          throw busyError(response.status, retryAfter, outcome, context);
        }
        if (retries + 1 < policy.maxAttempts) {
          await pause(retryAfter ?? backoffDelayMs(retries, policy, random), request.signal, context);
          retries += 1;
          continue;
        }
        throw httpError(response.status, outcome, context);
      }

      if (!response.ok) throw httpError(response.status, outcomeOf(attempt.bytes), context);
      return { ...attempt, correlationId };
    }
  }

  return {
    baseUrl,
    async json(request) {
      const result = await execute(request, 'json');
      const context: ErsErrorContext = { operation: request.operation, correlationId: result.correlationId };
      if (result.bytes.byteLength === 0) throw malformedError(context, 'an empty answer');
      let body: unknown;
      try {
        body = parseJsonBytes(result.bytes);
      } catch (error) {
        throw malformedError(context, 'not JSON', error);
      }
      return { status: result.response.status, headers: result.response.headers, correlationId: result.correlationId, body };
    },
    async file(request) {
      const result = await execute(request, 'file');
      const contentType =
        (result.response.headers.get('content-type') ?? 'application/octet-stream').split(';')[0]?.trim().toLowerCase() ?? '';
      return {
        status: result.response.status,
        headers: result.response.headers,
        correlationId: result.correlationId,
        bytes: result.bytes,
        contentType: contentType || 'application/octet-stream',
        fileName: fileNameFromDisposition(result.response.headers.get('content-disposition')),
      };
    },
    async empty(request) {
      const result = await execute(request, 'empty');
      return { status: result.response.status, headers: result.response.headers, correlationId: result.correlationId };
    },
    async decision(request) {
      const result = await execute(request, 'json');
      const exchange = { status: result.response.status, headers: result.response.headers, correlationId: result.correlationId };
      let unreadable: string | null = result.bodyProblem ?? null;
      let body: unknown = null;
      if (unreadable === null && result.bytes.byteLength === 0) unreadable = 'an empty answer';
      if (unreadable === null) {
        try {
          body = parseJsonBytes(result.bytes);
        } catch {
          unreadable = 'not JSON';
        }
      }
      if (unreadable !== null) {
        log?.warn('ers.decision.answer_unreadable', {
          operation: request.operation,
          correlationId: result.correlationId,
          status: exchange.status,
          reason: unreadable,
        });
      }
      return { ...exchange, body, unreadable };
    },
  };
}

function cancelledError(context: ErsErrorContext, cause: unknown): ErsError {
  return new ErsError('ERS_CANCELLED', 'The request to e-RS was cancelled.', { ...context, cause });
}
