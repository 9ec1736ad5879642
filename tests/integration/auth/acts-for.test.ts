/**
 * The clinician admin's choice of clinician comes from e-RS (A040) in every environment,
 * not from the local environment's own list; people are shown by name where e-RS or the
 * sign-in gave one and as "SDS user <id>" otherwise, never as a bare number; a plain
 * service provider admin's worklists are not prefetched item by item (e-RS would refuse
 * every item).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { SessionView } from '../../../contract';
import { ADMIN_UID, CONSULTANT_UID, SECOND_CONSULTANT_UID } from '../../../local-env/src/users';
import { completeBrowserSignIn, startDirectApp, type DirectApp } from '../../helpers/app-direct';

let direct: DirectApp | null = null;
afterEach(async () => {
  await direct?.close();
  direct = null;
});

async function signInAs(d: DirectApp, uid: string): Promise<SessionView> {
  const before = d.opened.length;
  await d.call('session.signIn', {});
  await completeBrowserSignIn(d.opened[before] ?? '', { uid });
  return d.waitForPhase('choosing-role');
}

describe('acting for a clinician', () => {
  it('lists the clinicians e-RS gives in A040, by name, and sends decisions on behalf of the one chosen', async () => {
    direct = await startDirectApp();
    const view = await signInAs(direct, ADMIN_UID);
    const admin = view.roles.find((r) => r.businessFunction === 'SERVICE_PROVIDER_CLINICIAN_ADMIN');
    expect(admin?.actsFor).toEqual([
      { userId: CONSULTANT_UID, name: 'Dr Amara Okoye' },
      { userId: SECOND_CONSULTANT_UID, name: 'Dr Erik Lindqvist' },
    ]);
    const asked = direct.local?.emulator.operations().filter((o) => o.operation === 'A040') ?? [];
    expect(asked.map((o) => [o.path, o.status])).toEqual([['/referrals/FHIR/R4/Practitioner?_query=onBehalfOf', 200]]);

    const refused = await direct.raw('session.chooseRole', { roleId: admin?.id, onBehalfOfUserId: '555000000999' });
    expect(refused).toMatchObject({
      ok: false,
      error: {
        code: 'ON_BEHALF_OF_UNKNOWN',
        message: 'e-RS does not list that clinician as one you may act for: choose one of the clinicians listed.',
      },
    });

    const chosen = await direct.call('session.chooseRole', { roleId: admin?.id ?? '', onBehalfOfUserId: SECOND_CONSULTANT_UID });
    expect(chosen.role?.onBehalfOf).toEqual({ userId: SECOND_CONSULTANT_UID, name: 'Dr Erik Lindqvist' });
    expect(direct.app.session.roleHeaders()).toMatchObject({
      businessFunction: 'SERVICE_PROVIDER_CLINICIAN_ADMIN',
      onBehalfOfUserId: SECOND_CONSULTANT_UID,
    });

    // Nobody on the worklists appears as a bare SDS user id: a name, or "SDS user <id>".
    for (const kind of ['referrals', 'triage', 'advice'] as const) {
      const rows = (await direct.call('worklist.fetch', { kind })).rows;
      for (const row of rows) expect(row.assignedClinician ?? '').not.toMatch(/^\d{12}$/);
      if (kind === 'referrals') {
        const assigned = rows.map((r) => r.assignedClinician).filter((a): a is string => a !== null);
        expect(assigned.length).toBeGreaterThan(0);
        // The clinicians A040 named are shown by those names.
        expect(assigned.some((a) => a === 'Dr Erik Lindqvist' || a === 'Dr Amara Okoye')).toBe(true);
        expect(assigned.every((a) => /^(Dr |SDS user \d{12}$)/.test(a))).toBe(true);
      }
    }
  });
});

describe('a plain service provider admin', () => {
  it('sees the worklists, and no item is fetched in the background for a role e-RS refuses items to', async () => {
    direct = await startDirectApp();
    const view = await signInAs(direct, ADMIN_UID);
    const role = view.roles.find((r) => r.businessFunction === 'SERVICE_PROVIDER_ADMIN');
    await direct.call('session.chooseRole', { roleId: role?.id ?? '' });
    const rows = (await direct.call('worklist.fetch', { kind: 'referrals' })).rows;
    expect(rows.length).toBeGreaterThan(0);
    const status = await direct.call('offline.status', {});
    expect(status.prefetch).toBeNull();
    const emulator = direct.local?.emulator;
    expect(emulator?.operations().filter((o) => o.operation === 'A005')).toEqual([]);
    // e-RS itself refuses the role an item, which is why the app does not offer one.
    const refused = await direct.raw('referral.open', { ubrn: rows[0]?.ubrn ?? '' });
    expect(refused).toMatchObject({ ok: false, error: { code: expect.stringMatching(/403/) } });
  });
});
