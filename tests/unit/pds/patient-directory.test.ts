/**
 * The patient directory: who may be looked up, what is kept (and for how long), what the
 * banner shows when PDS cannot be asked, how the worklist's background reads are paced,
 * and that nothing outlives the session.
 */
import { describe, expect, it } from 'vitest';
import type { PatientDetails } from '../../../contract';
import { ErsError } from '../../../electron/ers/ers-error';
import { silentLogger } from '../../../electron/log/logger';
import type { StoredObject } from '../../../electron/offline/encrypted-store';
import { pdsRequestsPerMinute } from '../../../electron/config';
import {
  createPatientDirectory,
  minIntervalForRate,
  PDS_REQUESTS_PER_MINUTE,
  RECENT_MS,
  type KeptStore,
  type PatientDirectoryOptions,
} from '../../../electron/pds/patient-directory';
import type { PdsClient } from '../../../electron/pds/pds-client';

const A = '9990000018';
const B = '9990000026';
const C = '9990000034';
const D = '9990000042';
const BAD_CHECK = '9990000019';

function details(nhs: string, family = 'Okafor'): PatientDetails {
  return {
    nhsNumber: `${nhs.slice(0, 3)} ${nhs.slice(3, 6)} ${nhs.slice(6)}`,
    name: { titles: ['Mrs'], given: ['Wren'], family },
    birthDate: '1961-04-09',
    gender: 'female',
    deceased: null,
    restricted: false,
    address: '3 Quarry Lane, Riverside, ZX4 7QP',
    telephone: '01632 960001',
    gpPracticeOds: 'A99002',
  };
}

function memoryStore(): KeptStore & { objects: Map<string, StoredObject> } {
  const objects = new Map<string, StoredObject>();
  return {
    objects,
    async get(key) {
      return objects.get(key) ?? null;
    },
    async put(key, bytes, meta) {
      objects.set(key, { key, bytes, meta: meta ?? null, storedAt: Date.now() });
    },
    async delete(key) {
      return objects.delete(key);
    },
  };
}

const network = (): ErsError =>
  new ErsError('ERS_NETWORK', 'unreachable', { operation: 'PDS-READ', cause: Object.assign(new Error('x'), { code: 'ECONNREFUSED' }) });
const notFound = (): ErsError =>
  new ErsError('ERS_404', 'gone', {
    operation: 'PDS-READ',
    status: 404,
    outcome: { ersCode: 'RESOURCE_NOT_FOUND', issueCode: 'not-found', diagnostics: null },
  });

/** A PDS client that answers from `answer`, counting reads and how many run at once. */
function fakeClient(answer: (nhs: string) => Promise<PatientDetails>) {
  const stats = { reads: [] as string[], running: 0, most: 0 };
  const client: PdsClient = {
    baseUrl: 'https://pds.invalid',
    async readPatient(nhs) {
      stats.reads.push(nhs);
      stats.running += 1;
      stats.most = Math.max(stats.most, stats.running);
      try {
        return { patient: await answer(nhs), correlationId: 'corr' };
      } finally {
        stats.running -= 1;
      }
    },
  };
  return { client, stats };
}

function directoryWith(overrides: Partial<PatientDirectoryOptions> & Pick<PatientDirectoryOptions, 'client'>) {
  let clock = Date.parse('2026-12-01T09:00:00Z');
  const store = memoryStore();
  let offline = false;
  const waits: number[] = [];
  const directory = createPatientDirectory({
    store: async () => store,
    offline: () => offline,
    log: silentLogger,
    now: () => clock,
    sleep: async (ms) => {
      waits.push(ms);
      clock += ms;
    },
    ...overrides,
  });
  directory.allow([A, B, C, D, BAD_CHECK]);
  return {
    directory,
    store,
    waits,
    advance: (ms: number) => (clock += ms),
    goOffline: (value = true) => (offline = value),
  };
}

describe('the patient directory', () => {
  it('looks up only patients e-RS has shown the user', async () => {
    const { client, stats } = fakeClient(async (nhs) => details(nhs));
    const { directory } = directoryWith({ client });
    await expect(directory.lookup('9990000050')).rejects.toMatchObject({ code: 'PATIENT_NOT_LISTED' });
    await expect(directory.summaries([A, '9990000050'])).rejects.toMatchObject({ code: 'PATIENT_NOT_LISTED' });
    expect(stats.reads).toEqual([]);
  });

  it('never sends a number that fails its check digit, and says why', async () => {
    const { client, stats } = fakeClient(async (nhs) => details(nhs));
    const { directory } = directoryWith({ client });
    expect(await directory.lookup(BAD_CHECK)).toMatchObject({
      status: 'unchecked',
      problem: 'check-digit',
      requestedNhsNumber: '999 000 0019',
    });
    expect(await directory.summaries([BAD_CHECK])).toEqual([expect.objectContaining({ status: 'unchecked', problem: 'check-digit' })]);
    expect(stats.reads).toEqual([]);
  });

  it('says plainly when the environment has no PDS', async () => {
    const { directory } = directoryWith({ client: null });
    expect(await directory.lookup(A)).toMatchObject({ status: 'unchecked', problem: 'not-configured' });
  });

  it('keeps what PDS said in the encrypted store, and shows it, marked with its time, when PDS cannot be reached', async () => {
    let up = true;
    const { client } = fakeClient(async (nhs) => {
      if (!up) throw network();
      return details(nhs);
    });
    const { directory, store, advance } = directoryWith({ client });
    const first = await directory.lookup(A);
    expect(first).toMatchObject({ status: 'found', stale: false, fetchedAt: '2026-12-01T09:00:00.000Z' });
    expect([...store.objects.keys()]).toEqual([`patient/${A}`]);
    // The address is kept for the banner; the store is per user and encrypted.
    expect(new TextDecoder().decode(store.objects.get(`patient/${A}`)?.bytes)).toContain('Quarry Lane');

    up = false;
    advance(3600_000);
    expect(await directory.lookup(A)).toMatchObject({ status: 'found', stale: true, fetchedAt: '2026-12-01T09:00:00.000Z' });
    const never = await directory.lookup(B);
    expect(never).toMatchObject({ status: 'unchecked', problem: 'unavailable' });
    if (never.status === 'unchecked')
      expect(never.message).toBe(
        "The patient's details could not be checked because PDS could not be reached, so check the patient's name and date of birth against the referral letter before acting.",
      );
  });

  it('goes straight to the kept copy while the app is known to be offline', async () => {
    const { client, stats } = fakeClient(async (nhs) => details(nhs));
    const { directory, goOffline } = directoryWith({ client });
    await directory.lookup(A);
    goOffline();
    expect(await directory.lookup(A)).toMatchObject({ status: 'found', stale: true });
    expect(await directory.lookup(B)).toMatchObject({
      status: 'unchecked',
      problem: 'unavailable',
      message: expect.stringMatching(/^The app is offline/),
    });
    expect(stats.reads).toEqual([A]);
  });

  it('forgets the kept copy of a record PDS no longer has', async () => {
    let gone = false;
    const { client } = fakeClient(async (nhs) => {
      if (gone) throw notFound();
      return details(nhs);
    });
    const { directory, store, advance } = directoryWith({ client });
    await directory.lookup(A);
    gone = true;
    advance(RECENT_MS);
    expect(await directory.lookup(A)).toMatchObject({ status: 'unchecked', problem: 'not-found' });
    expect(store.objects.size).toBe(0);
  });

  it('serves the banner from a read made moments ago (the one opening the item started), without asking PDS again', async () => {
    const { client, stats } = fakeClient(async (nhs) => details(nhs));
    const { directory, advance } = directoryWith({ client });
    const started = directory.lookup(A);
    const banner = directory.lookup(A);
    expect(await banner).toEqual(await started);
    advance(RECENT_MS - 1);
    expect(await directory.lookup(A)).toMatchObject({ status: 'found', stale: false });
    expect(stats.reads).toEqual([A]);
    advance(1);
    await directory.lookup(A);
    expect(stats.reads).toEqual([A, A]);
  });

  it('tells a superseded record by the number it comes back under', async () => {
    const { client } = fakeClient(async () => details(D, 'Okafor'));
    const { directory } = directoryWith({ client });
    expect(await directory.lookup(A)).toMatchObject({
      status: 'superseded',
      requestedNhsNumber: '999 000 0018',
      patient: { nhsNumber: '999 000 0042' },
    });
  });

  it('serves worklist rows from fresh kept copies, and asks PDS again once they are old', async () => {
    const { client, stats } = fakeClient(async (nhs) => details(nhs));
    const { directory, advance } = directoryWith({ client, summaryFreshMs: 3600_000 });
    await directory.lookup(A);
    const [summary] = await directory.summaries([A]);
    expect(summary).toEqual({
      nhsNumber: A,
      status: 'found',
      name: { titles: ['Mrs'], given: ['Wren'], family: 'Okafor' },
      birthDate: '1961-04-09',
      gender: 'female',
      deceased: false,
      restricted: false,
      problem: null,
    });
    expect(stats.reads).toEqual([A]);
    advance(2 * 3600_000);
    await directory.summaries([A]);
    expect(stats.reads).toEqual([A, A]);
  });

  it('reads worklist rows two at a time at most, spaced out, and the banner does not wait behind them', async () => {
    const gates = new Map<string, () => void>();
    const { client, stats } = fakeClient(
      (nhs) =>
        new Promise<PatientDetails>((resolve) => {
          gates.set(nhs, () => resolve(details(nhs)));
        }),
    );
    const { directory, waits } = directoryWith({ client, concurrency: 2, minIntervalMs: 250 });
    const background = directory.summaries([A, B, C]);
    await expect.poll(() => stats.reads.length).toBe(2);
    expect(stats.running).toBe(2);
    // The banner's own read goes at once.
    const banner = directory.lookup(D);
    await expect.poll(() => stats.reads.includes(D)).toBe(true);
    gates.get(D)?.();
    expect(await banner).toMatchObject({ status: 'found' });
    gates.get(A)?.();
    await expect.poll(() => stats.reads.length).toBe(4);
    gates.get(B)?.();
    gates.get(C)?.();
    expect((await background).map((s) => s.status)).toEqual(['found', 'found', 'found']);
    expect(stats.most).toBeLessThanOrEqual(3);
    expect(waits.length).toBeGreaterThan(0);
    expect(waits.every((ms) => ms > 0 && ms <= 250)).toBe(true);
  });

  it("keeps background reads within this desktop's configured share of PDS's rate limit, one a second when IT set none", async () => {
    const machine = (requestsPerMinute?: number) => ({
      environment: 'production' as const,
      machine: requestsPerMinute === undefined ? {} : { pds: { requestsPerMinute } },
    });
    expect(pdsRequestsPerMinute(machine(), PDS_REQUESTS_PER_MINUTE)).toBe(60);
    expect(pdsRequestsPerMinute(machine(12), PDS_REQUESTS_PER_MINUTE)).toBe(12);
    // The local environment's PDS is this computer's emulator, not NHS England's shared limit.
    expect(pdsRequestsPerMinute({ environment: 'local', machine: {} }, PDS_REQUESTS_PER_MINUTE)).toBe(240);
    for (const perMinute of [12, 60]) {
      let clock = 0;
      const started: number[] = [];
      const { client } = fakeClient(async (nhs) => {
        started.push(clock);
        return details(nhs);
      });
      const directory = createPatientDirectory({
        client,
        store: async () => memoryStore(),
        offline: () => false,
        log: silentLogger,
        now: () => clock,
        sleep: async (ms) => {
          clock += ms;
        },
        concurrency: 2,
        minIntervalMs: minIntervalForRate(pdsRequestsPerMinute(machine(perMinute), PDS_REQUESTS_PER_MINUTE)),
      });
      directory.allow([A, B, C, D]);
      expect((await directory.summaries([A, B, C, D])).map((r) => r.status)).toEqual(['found', 'found', 'found', 'found']);
      expect(started).toHaveLength(4);
      const gaps = started.slice(1).map((at, i) => at - (started[i] ?? 0));
      // Never faster than the share: 12 a minute is one read every 5 s, 60 a minute one a second.
      for (const gap of gaps) expect(gap, `${perMinute}/min`).toBeGreaterThanOrEqual(60_000 / perMinute);
      const elapsed = (started.at(-1) ?? 0) - (started[0] ?? 0);
      expect(elapsed).toBe(3 * (60_000 / perMinute));
    }
  });

  it('forgets everything at a reset: who may be looked up, what PDS said, and reads still queued', async () => {
    const gates: (() => void)[] = [];
    const { client, stats } = fakeClient(
      (nhs) =>
        new Promise<PatientDetails>((resolve) => {
          gates.push(() => resolve(details(nhs)));
        }),
    );
    const { directory } = directoryWith({ client, concurrency: 1, minIntervalMs: 0 });
    const queued = directory.summaries([A, B]);
    await expect.poll(() => stats.reads.length).toBe(1);
    directory.reset();
    // The next session's reads go ahead once the old one's read has ended.
    directory.allow([C]);
    const next = directory.summaries([C]);
    for (const open of gates) open();
    const answers = await queued;
    expect(answers[1]).toMatchObject({ status: 'unchecked', problem: 'unavailable' });
    await expect.poll(() => stats.reads).toEqual([A, C]);
    gates.at(-1)?.();
    expect(await next).toEqual([expect.objectContaining({ nhsNumber: C, status: 'found' })]);
    await expect(directory.lookup(A)).rejects.toMatchObject({ code: 'PATIENT_NOT_LISTED' });
  });
});
