/**
 * The PDS client: GET /Patient/{nhsNumber} (FHIR R4) with the user's APIM access token,
 * through the same transport as e-RS (electron/ers/http.ts): its time limits, retries for
 * reads, 429 and Retry-After, one session refresh on 401, body ceilings and correlation
 * ids. PDS wants headers of its own besides: X-Request-ID (a UUID, kept the same when the
 * transport retries, as PDS asks), NHSD-End-User-Organisation-ODS and NHSD-Session-URID:
 * the CIS2 role profile id of the role the user chose (auth/role-profiles.ts). PDS's
 * specification calls the URID optional, and when sent it must be the signed-in user's: it
 * is sent whenever the session knows it (separate sign-in pattern) and left out when it
 * does not (the combined pattern, where identity comes from e-RS), as the specification allows.
 */
import { randomUUID } from 'node:crypto';
import { createErsTransport, type ErsTransport, type FetchLike, type SleepLike } from '../ers/http';
import type { RetryPolicy } from '../ers/retry-policy';
import type { Logger } from '../log/logger';
import { mapPdsPatient } from './map-patient';
import type { PatientDetails } from '../../contract';

export interface PdsUser {
  /** The ODS code of the organisation the user works for in this session. */
  organisationOds: string | null;
  /** The user's role profile id (URID) from CIS2, when the session has it. */
  roleProfileId: string | null;
}

export interface PdsClientOptions {
  /** e.g. https://int.api.service.nhs.uk/personal-demographics/FHIR/R4 */
  baseUrl: string;
  getAccessToken?: () => Promise<string | null>;
  refreshSession?: () => Promise<void>;
  getUser?: () => PdsUser | null;
  /** The platform's fetch (Platform.fetch): the trust's proxy and certificates apply. */
  fetch: FetchLike;
  sleep?: SleepLike;
  random?: () => number;
  now?: () => number;
  newRequestId?: () => string;
  /** One attempt's time limit. Shorter than e-RS's: the banner waits on it. */
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  log?: Logger;
}

export interface PdsRead {
  patient: PatientDetails;
  correlationId: string;
}

export interface PdsClient {
  readonly baseUrl: string;
  /** Throws ErsError (the transport's) for every failure; lookup-problems.ts says what it means. */
  readPatient(nhsDigits: string, signal?: AbortSignal): Promise<PdsRead>;
}

/** Long enough for a slow day on the platform, short enough that the banner says so in time. */
export const PDS_TIMEOUT_MS = 10_000;
/** Reads are retried, but a banner must not sit out a long Retry-After: past 5 s it says "busy". */
export const PDS_RETRY: Partial<RetryPolicy> = { maxAttempts: 3, maxRetryAfterMs: 5_000 };

export function createPdsClient(options: PdsClientOptions): PdsClient {
  const transport: ErsTransport = createErsTransport({
    baseUrl: options.baseUrl,
    ...(options.getAccessToken ? { getAccessToken: options.getAccessToken } : {}),
    ...(options.refreshSession ? { refreshSession: options.refreshSession } : {}),
    fetch: options.fetch,
    ...(options.sleep ? { sleep: options.sleep } : {}),
    ...(options.random ? { random: options.random } : {}),
    ...(options.now ? { now: options.now } : {}),
    ...(options.log ? { log: options.log } : {}),
    timeoutMs: options.timeoutMs ?? PDS_TIMEOUT_MS,
    retry: { ...PDS_RETRY, ...options.retry },
    // A Patient is a few kilobytes; a megabyte is already wrong.
    maxJsonBytes: 1024 * 1024,
  });
  const newRequestId = options.newRequestId ?? randomUUID;
  const now = options.now ?? Date.now;

  return {
    baseUrl: transport.baseUrl,
    async readPatient(nhsDigits, signal) {
      if (!/^\d{10}$/.test(nhsDigits)) throw new RangeError('An NHS number is ten digits.');
      const user = options.getUser?.() ?? null;
      const headers: Record<string, string> = { 'X-Request-ID': newRequestId() };
      if (user?.organisationOds) headers['NHSD-End-User-Organisation-ODS'] = user.organisationOds;
      if (user?.roleProfileId) headers['NHSD-Session-URID'] = user.roleProfileId;
      const result = await transport.json({
        operation: 'PDS-READ',
        method: 'GET',
        path: `/Patient/${nhsDigits}`,
        headers,
        ...(signal ? { signal } : {}),
      });
      const context = { operation: 'PDS-READ' as const, correlationId: result.correlationId };
      return { patient: mapPdsPatient(result.body, context, new Date(now())), correlationId: result.correlationId };
    },
  };
}
