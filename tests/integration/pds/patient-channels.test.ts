/**
 * The patient.* channels through the composition root, against the local environment's
 * e-RS and PDS emulators: the banner's lookup in each state the local PDS seeds, the
 * worklist's summaries, the kept copy when PDS goes away, and the rule that only patients
 * e-RS has shown the user can be looked up.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PatientLookup, WorklistRow } from '../../../contract';
import type { PdsScenarios } from '../../../local-env/src/pds';
import { CONSULTANT_UID } from '../../../local-env/src/users';
import { signInDirect, startDirectApp, type DirectApp } from '../../helpers/app-direct';

let direct: DirectApp;
let referrals: WorklistRow[];
let scenarios: PdsScenarios;

const digits = (formatted: string) => formatted.replace(/\s/g, '');
const local = () => {
  if (!direct.local) throw new Error('no local environment');
  return direct.local;
};

beforeAll(async () => {
  direct = await startDirectApp();
  await signInDirect(direct, CONSULTANT_UID, 'R69');
  referrals = (await direct.call('worklist.fetch', { kind: 'referrals' })).rows;
  await direct.call('worklist.fetch', { kind: 'advice' });
  scenarios = local().pds.scenarios();
}, 60_000);

afterAll(async () => {
  await direct?.close();
});

function details(lookup: PatientLookup) {
  if (lookup.status === 'unchecked') throw new Error(`not checked: ${lookup.message}`);
  return lookup;
}

describe('patient details through the contract', () => {
  it("gives the banner the seed patient PDS holds for a worklist row, sending the user's token and organisation", async () => {
    const special = new Set([scenarios.restricted, scenarios.deceased, scenarios.superseded.from, scenarios.minimal, scenarios.unknown]);
    const row = referrals.find((r) => !special.has(digits(r.nhsNumber)));
    if (!row) throw new Error('no ordinary referral');
    const seed = local()
      .emulator.seedPatients()
      .find((p) => p.nhsNumber === digits(row.nhsNumber));
    const lookup = details(await direct.call('patient.get', { nhsNumber: digits(row.nhsNumber) }));
    expect(lookup).toMatchObject({ status: 'found', stale: false, requestedNhsNumber: row.nhsNumber });
    expect(lookup.patient).toMatchObject({
      nhsNumber: row.nhsNumber,
      name: { given: [seed?.givenName], family: seed?.familyName },
      birthDate: seed?.birthDate,
      gender: seed?.gender,
      restricted: false,
    });
    const sent = local().pds.requests().at(-1);
    expect(sent).toMatchObject({ status: 200, authorised: true, organisationOds: 'R69' });
    expect(sent?.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('shows each state the local PDS seeds: restricted, deceased, superseded, minimal and unknown', async () => {
    const restricted = details(await direct.call('patient.get', { nhsNumber: scenarios.restricted }));
    expect(restricted.patient).toMatchObject({ restricted: true, address: null, telephone: null, gpPracticeOds: null });
    const deceased = details(await direct.call('patient.get', { nhsNumber: scenarios.deceased }));
    expect(deceased.patient.deceased?.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const superseded = details(await direct.call('patient.get', { nhsNumber: scenarios.superseded.from }));
    expect(superseded.status).toBe('superseded');
    expect(digits(superseded.patient.nhsNumber)).toBe(scenarios.superseded.to);
    const minimal = details(await direct.call('patient.get', { nhsNumber: scenarios.minimal }));
    expect(minimal.patient).toMatchObject({ name: null, birthDate: null, gender: null });
    expect(await direct.call('patient.get', { nhsNumber: scenarios.unknown })).toMatchObject({ status: 'unchecked', problem: 'not-found' });
  });

  it('gives worklist rows names and ages, and nothing of where the patient lives', async () => {
    const batch = referrals.slice(0, 8).map((r) => digits(r.nhsNumber));
    const summaries = await direct.call('patient.summaries', { nhsNumbers: batch });
    expect(summaries.map((s) => s.nhsNumber)).toEqual(batch);
    for (const summary of summaries) {
      expect(Object.keys(summary).sort()).toEqual([
        'birthDate',
        'deceased',
        'gender',
        'name',
        'nhsNumber',
        'problem',
        'restricted',
        'status',
      ]);
    }
    expect(summaries.some((s) => s.status === 'found' && s.name !== null)).toBe(true);
  });

  it('refuses to look up anyone e-RS has not shown the user', async () => {
    const result = await direct.raw('patient.get', { nhsNumber: '9434765919' });
    expect(result).toMatchObject({ ok: false, error: { code: 'PATIENT_NOT_LISTED' } });
    expect(await direct.raw('patient.get', { nhsNumber: '943 476 5919' })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
  });

  it('shows the kept copy, with when PDS gave it, while PDS cannot be reached; and says why when there is none', async () => {
    const kept = details(await direct.call('patient.get', { nhsNumber: scenarios.deceased }));
    const never = referrals
      .map((r) => digits(r.nhsNumber))
      .find(
        (n) =>
          !local()
            .pds.requests()
            .some((q) => q.path.endsWith(`/Patient/${n}`)) && n !== scenarios.unknown,
      );
    if (!never) throw new Error('every patient was asked for already');
    await local().stopPds();
    try {
      // What this session heard moments ago would still serve: forget it, as a restart would,
      // so the copy comes from the encrypted store.
      direct.app.patients.reset();
      await direct.call('worklist.fetch', { kind: 'referrals' });
      const stale = details(await direct.call('patient.get', { nhsNumber: scenarios.deceased }));
      expect(stale).toMatchObject({ stale: true, fetchedAt: kept.fetchedAt, patient: kept.patient });
      const none = await direct.call('patient.get', { nhsNumber: never });
      expect(none).toMatchObject({ status: 'unchecked', problem: 'unavailable' });
      // The referral itself still opens: e-RS is up, and the app is not offline for PDS's sake.
      const row = referrals.find((r) => digits(r.nhsNumber) === never);
      if (row) expect((await direct.call('referral.open', { ubrn: row.ubrn })).stale).toBe(false);
      expect((await direct.call('offline.status', {})).online).toBe(true);
    } finally {
      await local().startPds();
    }
  });

  it('forgets who may be looked up when the user signs out', async () => {
    const nhs = scenarios.restricted;
    await direct.call('session.signOut', {});
    await signInDirect(direct, CONSULTANT_UID, 'R69');
    expect(await direct.raw('patient.get', { nhsNumber: nhs })).toMatchObject({ ok: false, error: { code: 'PATIENT_NOT_LISTED' } });
    await direct.call('worklist.fetch', { kind: 'referrals' });
    expect(details(await direct.call('patient.get', { nhsNumber: nhs })).patient.restricted).toBe(true);
  });
});
