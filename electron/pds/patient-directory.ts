/**
 * Patient details for the screens: the banner's lookup (PDS first, the kept copy when PDS
 * cannot be reached) and the worklist's names and ages (kept copies first, then PDS in the
 * background at a pace it allows).
 *
 * - Only patients the user has been shown by e-RS (worklist rows, opened items) are looked
 *   up: the renderer cannot use the app to search PDS for anyone else.
 * - Every answer PDS gives is kept in the user's encrypted offline store, so the banner of a
 *   referral opens offline too, saying when PDS gave it. "Not found" and "invalid" remove
 *   the kept copy: an invalidated record must not live on in the cache.
 * - PDS's rate limit is per application (5 a second by default), shared by every desktop of
 *   the trust, so each desktop keeps its background reads within its share: two at a time,
 *   at most IT's `pds.requestsPerMinute` (PDS_REQUESTS_PER_MINUTE, one a second, when not
 *   set). The banner's read does not wait behind them. A 429 pauses both (the caller's
 *   RateControl).
 * - Nothing stays in memory across a sign-out, a lock or a change of role: see reset().
 */
import { AppError } from '../app-error';
import type { Logger } from '../log/logger';
import { abortableSleep, type Sleep } from '../offline/prefetch/abortable-sleep';
import { cacheKeys } from '../offline/prefetch/cache-keys';
import type { EncryptedStore, JsonObject } from '../offline/encrypted-store';
import {
  cancelledProblem,
  CHECK_DIGIT_PROBLEM,
  lookupProblem,
  NOT_CONFIGURED_PROBLEM,
  offlineProblem,
  type LookupProblem,
} from './lookup-problems';
import { formatNhsNumber, passesCheckDigit } from '../../contract';
import type { PdsClient, PdsRead } from './pds-client';
import type { PatientDetails, PatientLookup, PatientSummary } from '../../contract';

export type KeptStore = Pick<EncryptedStore, 'get' | 'put' | 'delete'>;

export interface PatientDirectoryOptions {
  /** Null where the environment has no PDS. */
  client: PdsClient | null;
  /** The signed-in user's encrypted store, once open. */
  store: () => Promise<KeptStore | null>;
  /** True while e-RS, and with it the NHS API platform, is known to be unreachable. */
  offline: () => boolean;
  log: Logger;
  now?: () => number;
  sleep?: Sleep;
  /** Background reads at once. */
  concurrency?: number;
  /** Least time between two background reads. */
  minIntervalMs?: number;
  /** How long a kept answer serves a worklist row without asking PDS again. */
  summaryFreshMs?: number;
}

export interface PatientDirectory {
  /** NHS numbers (ten digits) the user has been shown by e-RS, and so may be looked up. */
  allow(nhsNumbers: Iterable<string>): void;
  /** For the banner: PDS now (or within the last few seconds), the kept copy if PDS cannot be reached. */
  lookup(nhsNumber: string): Promise<PatientLookup>;
  /** For worklist rows: kept copies while fresh, else PDS in the background. */
  summaries(nhsNumbers: readonly string[]): Promise<PatientSummary[]>;
  /** Forgets everything held in memory and drops queued reads (sign-out, lock, new role). */
  reset(): void;
}

export const DEFAULT_CONCURRENCY = 2;
/**
 * One desktop's share of PDS's per-application rate limit when IT has not set one: a read a
 * second, so five desktops filling worklists at once stay within PDS's default of five a
 * second. IT sets it (policy PdsRequestsPerMinute) from the app's actual limit and the
 * number of desktops.
 */
export const PDS_REQUESTS_PER_MINUTE = 60;
/** The least time between two background reads for a share of `requestsPerMinute`. */
export function minIntervalForRate(requestsPerMinute: number): number {
  if (!(requestsPerMinute > 0)) throw new RangeError('A rate is a number of requests above zero.');
  return Math.ceil(60_000 / requestsPerMinute);
}
export const DEFAULT_MIN_INTERVAL_MS = 250;
export const DEFAULT_SUMMARY_FRESH_MS = 12 * 3600_000;
/**
 * An answer this recent serves the banner as it is: opening an item starts the read (so
 * PDS's time overlaps the screen being drawn), and the banner asking a moment later must
 * not ask PDS again.
 */
export const RECENT_MS = 10_000;
/** Enough for the largest worklists of a role; past it the oldest are forgotten. */
const MAX_ALLOWED = 50_000;

interface Kept {
  /** The ten digits e-RS gave. */
  requested: string;
  patient: PatientDetails;
  /** Epoch ms PDS gave it. */
  fetchedAt: number;
}

type Answer = { kind: 'read'; kept: Kept } | { kind: 'problem'; problem: LookupProblem; kept: Kept | null };

function isPatientDetails(value: unknown): value is PatientDetails {
  if (typeof value !== 'object' || value === null) return false;
  const p = value as Record<string, unknown>;
  return (
    typeof p.nhsNumber === 'string' &&
    typeof p.restricted === 'boolean' &&
    (p.name === null || typeof p.name === 'object') &&
    (p.birthDate === null || typeof p.birthDate === 'string') &&
    (p.deceased === null || typeof p.deceased === 'object')
  );
}

function notListed(): AppError {
  return new AppError(
    'PATIENT_NOT_LISTED',
    'Patient details are looked up only for patients in your worklists and the items you open. Open the item from a worklist and try again.',
  );
}

export function createPatientDirectory(options: PatientDirectoryOptions): PatientDirectory {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? abortableSleep;
  const concurrency = Math.max(1, options.concurrency ?? DEFAULT_CONCURRENCY);
  const minIntervalMs = Math.max(0, options.minIntervalMs ?? DEFAULT_MIN_INTERVAL_MS);
  const freshMs = options.summaryFreshMs ?? DEFAULT_SUMMARY_FRESH_MS;
  const client = options.client;

  const allowed = new Set<string>();
  /** What PDS said this session: a read, or "not found"/"invalid" (never "unavailable"). */
  const answered = new Map<string, { kept: Kept | null; problem: LookupProblem | null; at: number }>();
  const inFlight = new Map<string, Promise<Answer>>();
  let generation = 0;
  let stop = new AbortController();
  const queue: { nhs: string; resolve: (answer: Answer) => void }[] = [];
  let workers = 0;
  let nextSlot = 0;

  const foundLookup = (kept: Kept, stale: boolean): PatientLookup => ({
    status: kept.patient.nhsNumber.replace(/\s/g, '') === kept.requested ? 'found' : 'superseded',
    requestedNhsNumber: formatNhsNumber(kept.requested),
    patient: kept.patient,
    fetchedAt: new Date(kept.fetchedAt).toISOString(),
    stale,
  });
  const uncheckedLookup = (nhs: string, problem: LookupProblem): PatientLookup => ({
    status: 'unchecked',
    requestedNhsNumber: formatNhsNumber(nhs),
    problem: problem.problem,
    message: problem.message,
    correlationId: problem.correlationId,
  });

  async function readKept(nhs: string): Promise<Kept | null> {
    const store = await options.store();
    if (!store) return null;
    const stored = await store.get(cacheKeys.patient(nhs)).catch(() => null);
    if (!stored) return null;
    try {
      const value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(stored.bytes)) as {
        requested?: unknown;
        patient?: unknown;
      };
      const at = stored.meta?.fetchedAt;
      // A copy in a shape this version of the app does not know is as good as none.
      if (value.requested !== nhs || !isPatientDetails(value.patient)) return null;
      return { requested: nhs, patient: value.patient, fetchedAt: typeof at === 'number' ? at : stored.storedAt };
    } catch {
      return null;
    }
  }

  async function keep(kept: Kept): Promise<void> {
    const store = await options.store();
    if (!store) return;
    const meta: JsonObject = { type: 'patient', fetchedAt: kept.fetchedAt, contentType: 'application/json' };
    const bytes = new TextEncoder().encode(JSON.stringify({ requested: kept.requested, patient: kept.patient }));
    // A copy that cannot be kept (disk full, over the cache limit) does not fail the lookup.
    await store
      .put(cacheKeys.patient(kept.requested), bytes, meta)
      .catch((error: unknown) => options.log.warn('pds.not_kept', { code: error instanceof AppError ? error.code : 'UNKNOWN' }));
  }

  async function forget(nhs: string): Promise<void> {
    const store = await options.store();
    await store?.delete(cacheKeys.patient(nhs)).catch(() => false);
  }

  /** One read of PDS, shared by everyone asking for the same number at the same time. */
  function read(nhs: string, pdsClient: PdsClient): Promise<Answer> {
    const running = inFlight.get(nhs);
    if (running) return running;
    const started = generation;
    const signal = stop.signal;
    const answer = (async (): Promise<Answer> => {
      let result: PdsRead;
      try {
        result = await pdsClient.readPatient(nhs, signal);
      } catch (error) {
        const problem = lookupProblem(error);
        if (problem.problem === 'unavailable') return { kind: 'problem', problem, kept: await readKept(nhs) };
        if (started === generation) answered.set(nhs, { kept: null, problem, at: now() });
        await forget(nhs);
        return { kind: 'problem', problem, kept: null };
      }
      const kept: Kept = { requested: nhs, patient: result.patient, fetchedAt: now() };
      // Answers for a session that has since ended are neither kept nor remembered.
      if (started === generation) {
        answered.set(nhs, { kept, problem: null, at: kept.fetchedAt });
        await keep(kept);
      }
      return { kind: 'read', kept };
    })().finally(() => inFlight.delete(nhs));
    inFlight.set(nhs, answer);
    return answer;
  }

  /** Background reads: a few at a time, spaced out, in the order asked. */
  function enqueue(nhs: string, pdsClient: PdsClient): Promise<Answer> {
    const running = inFlight.get(nhs);
    if (running) return running;
    return new Promise<Answer>((resolve) => {
      queue.push({ nhs, resolve });
      pump(pdsClient);
    });
  }

  function pump(pdsClient: PdsClient): void {
    while (workers < concurrency && queue.length > 0) {
      workers += 1;
      void work(pdsClient, generation);
    }
  }

  async function work(pdsClient: PdsClient, started: number): Promise<void> {
    for (;;) {
      const task = started === generation ? queue.shift() : undefined;
      // Counted down in the same tick the worker stops, so a read queued right after starts one;
      // a worker of an ended session hands what the new one queued to a worker of its own.
      if (!task) {
        workers -= 1;
        if (started !== generation) pump(pdsClient);
        return;
      }
      // The banner may have read it meanwhile: no need to ask PDS twice.
      const known = answered.get(task.nhs);
      if (known && now() - known.at < freshMs) {
        task.resolve(
          known.kept ? { kind: 'read', kept: known.kept } : { kind: 'problem', problem: known.problem ?? cancelledProblem(), kept: null },
        );
        continue;
      }
      const wait = nextSlot - now();
      nextSlot = Math.max(nextSlot, now()) + minIntervalMs;
      if (wait > 0) {
        try {
          await sleep(wait, stop.signal);
        } catch {
          task.resolve({ kind: 'problem', problem: cancelledProblem(), kept: null });
          continue;
        }
      }
      task.resolve(await read(task.nhs, pdsClient));
    }
  }

  function check(nhsNumbers: readonly string[]): void {
    for (const nhs of nhsNumbers) if (!allowed.has(nhs)) throw notListed();
  }

  function summaryOf(nhs: string, lookup: PatientLookup): PatientSummary {
    if (lookup.status === 'unchecked') {
      return {
        nhsNumber: nhs,
        status: 'unchecked',
        name: null,
        birthDate: null,
        gender: null,
        deceased: false,
        restricted: false,
        problem: lookup.problem,
      };
    }
    const p = lookup.patient;
    return {
      nhsNumber: nhs,
      status: lookup.status,
      name: p.name,
      birthDate: p.birthDate,
      gender: p.gender,
      deceased: p.deceased !== null,
      restricted: p.restricted,
      problem: null,
    };
  }

  function fromAnswer(nhs: string, answer: Answer): PatientLookup {
    if (answer.kind === 'read') return foundLookup(answer.kept, false);
    return answer.kept ? foundLookup(answer.kept, true) : uncheckedLookup(nhs, answer.problem);
  }

  async function summary(nhs: string): Promise<PatientSummary> {
    if (!passesCheckDigit(nhs)) return summaryOf(nhs, uncheckedLookup(nhs, CHECK_DIGIT_PROBLEM));
    if (!client) return summaryOf(nhs, uncheckedLookup(nhs, NOT_CONFIGURED_PROBLEM));
    const known = answered.get(nhs);
    if (known && now() - known.at < freshMs) {
      return summaryOf(nhs, known.kept ? foundLookup(known.kept, false) : uncheckedLookup(nhs, known.problem ?? offlineProblem()));
    }
    const kept = await readKept(nhs);
    if (kept && now() - kept.fetchedAt < freshMs) return summaryOf(nhs, foundLookup(kept, false));
    if (options.offline()) return summaryOf(nhs, kept ? foundLookup(kept, true) : uncheckedLookup(nhs, offlineProblem()));
    return summaryOf(nhs, fromAnswer(nhs, await enqueue(nhs, client)));
  }

  return {
    allow(nhsNumbers) {
      for (const nhs of nhsNumbers) {
        allowed.delete(nhs);
        allowed.add(nhs);
      }
      for (const oldest of allowed) {
        if (allowed.size <= MAX_ALLOWED) break;
        allowed.delete(oldest);
      }
    },

    async lookup(nhs) {
      check([nhs]);
      if (!passesCheckDigit(nhs)) return uncheckedLookup(nhs, CHECK_DIGIT_PROBLEM);
      if (!client) return uncheckedLookup(nhs, NOT_CONFIGURED_PROBLEM);
      // Known to be offline: the kept copy now, rather than a doomed wait for PDS.
      if (options.offline()) {
        const kept = await readKept(nhs);
        return kept ? foundLookup(kept, true) : uncheckedLookup(nhs, offlineProblem());
      }
      const recent = answered.get(nhs);
      if (recent && now() - recent.at < RECENT_MS) {
        if (recent.kept) return foundLookup(recent.kept, false);
        if (recent.problem) return uncheckedLookup(nhs, recent.problem);
      }
      return fromAnswer(nhs, await read(nhs, client));
    },

    async summaries(nhsNumbers) {
      check(nhsNumbers);
      return Promise.all(nhsNumbers.map((nhs) => summary(nhs)));
    },

    reset() {
      generation += 1;
      stop.abort(new AppError('PDS_RESET', 'The session ended before the patient details arrived.'));
      stop = new AbortController();
      allowed.clear();
      answered.clear();
      inFlight.clear();
      for (const task of queue.splice(0)) task.resolve({ kind: 'problem', problem: cancelledProblem(), kept: null });
    },
  };
}
