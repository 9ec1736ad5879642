/**
 * Referrals and Triage are both e-RS's "Referrals for review" (A008): asked for at once, as
 * the worklist screen does on opening, by the same user in the same role, they share one set
 * of A008 calls. Another user or role never joins a list on its way for someone else.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createErsClient, type ErsClient } from '../../../electron/ers/client';
import type { ErsRole } from '../../../electron/ers/http';
import { CONSULTANT_UID } from '../../../local-env/src/users';
import { startTestEmulator, type TestEmulator } from '../../helpers/ers-emulator';
import { testFetch } from '../../helpers/fetch';

let te: TestEmulator;
const CLINICIAN: ErsRole = { businessFunction: 'SERVICE_PROVIDER_CLINICIAN', organisationOds: 'R69', onBehalfOfUserId: null };

function client(who: { userId: string | null; role: ErsRole }): ErsClient {
  return createErsClient({
    baseUrl: te.emulator.baseUrl,
    environment: 'local',
    getAccessToken: () => te.token(CONSULTANT_UID),
    getRole: () => who.role,
    getUserId: () => who.userId,
    fetch: testFetch,
  });
}

const a008Calls = (): number => te.emulator.operations().filter((r) => r.operation === 'A008').length;

async function callsFor(run: () => Promise<unknown>): Promise<number> {
  const before = a008Calls();
  await run();
  return a008Calls() - before;
}

beforeAll(async () => {
  te = await startTestEmulator();
});

afterAll(async () => {
  await te.close();
});

describe('worklists in flight', () => {
  it('Referrals and Triage asked at once by the same user and role make one A008 call, and each gets its own rows', async () => {
    const c = client({ userId: CONSULTANT_UID, role: CLINICIAN });
    const alone = {
      referrals: (await c.fetchWorklist('referrals')).map((r) => r.id),
      triage: (await c.fetchWorklist('triage')).map((r) => r.id),
    };
    expect(alone.referrals.length).toBeGreaterThan(0);
    expect(alone.triage.length).toBeGreaterThan(0);
    let together: [string[], string[]] = [[], []];
    const calls = await callsFor(async () => {
      const [referrals, triage] = await Promise.all([c.fetchWorklist('referrals'), c.fetchWorklist('triage')]);
      together = [referrals.map((r) => r.id), triage.map((r) => r.id)];
    });
    expect(calls).toBe(1);
    expect(together[0]).toEqual(alone.referrals);
    expect(together[1]).toEqual(alone.triage);
  });

  it('only while in flight: the next ask after an answer asks e-RS again', async () => {
    const c = client({ userId: CONSULTANT_UID, role: CLINICIAN });
    expect(await callsFor(() => c.fetchWorklist('referrals'))).toBe(1);
    expect(await callsFor(() => c.fetchWorklist('referrals'))).toBe(1);
  });

  it('an ask for another user, role or list does not join the one on its way', async () => {
    const who = { userId: CONSULTANT_UID as string | null, role: CLINICIAN };
    const c = client(who);
    const variants: (() => void)[] = [
      () => (who.userId = '555000000099'),
      () => (who.role = { ...CLINICIAN, organisationOds: 'RX1' }),
      () => (who.role = { ...CLINICIAN, businessFunction: 'SERVICE_PROVIDER_ADMIN' }),
    ];
    for (const change of variants) {
      who.userId = CONSULTANT_UID;
      who.role = CLINICIAN;
      const calls = await callsFor(async () => {
        const first = c.fetchWorklist('referrals');
        change();
        // e-RS may refuse the other role; what matters is that it was asked, not joined.
        await Promise.allSettled([first, c.fetchWorklist('triage')]);
      });
      expect(calls).toBe(2);
    }
    // A list with a filter is another list.
    who.userId = CONSULTANT_UID;
    who.role = CLINICIAN;
    const filtered = await callsFor(() =>
      Promise.allSettled([c.fetchWorklist('referrals'), c.fetchWorklist('referrals', { specialty: { assigned: false } })]),
    );
    expect(filtered).toBe(2);
  });

  it('without a known user nothing is shared', async () => {
    const c = client({ userId: null, role: CLINICIAN });
    expect(await callsFor(() => Promise.all([c.fetchWorklist('referrals'), c.fetchWorklist('triage')]))).toBe(2);
  });
});
