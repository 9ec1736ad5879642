/**
 * NHSD-Session-URID through the whole app: CIS2 gives the user's role profiles
 * (`nhsid_nrbac_roles`), the session keeps them with the sign-in, and every PDS read carries
 * the id of the profile the chosen e-RS role is held under, matched by organisation: a
 * consultant with roles at two trusts sends R69's profile while working at R69 and R68's
 * after switching to R68. The local PDS refuses a read without it or with someone else's.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cis2ClaimsFor, type NrbacRole } from '../../../local-env/src/cis2/cis2-claims';
import { CONSULTANT_UID, findUser } from '../../../local-env/src/users';
import { signInDirect, startDirectApp, type DirectApp } from '../../helpers/app-direct';

let direct: DirectApp;

function uridAt(uid: string, ods: string): string {
  const user = findUser(uid);
  const role = user && (cis2ClaimsFor(user).nhsid_nrbac_roles as NrbacRole[]).find((r) => r.org_code === ods);
  if (!role) throw new Error(`no CIS2 role profile for ${uid} at ${ods}`);
  return role.person_roleid;
}

const digits = (formatted: string) => formatted.replace(/\s/g, '');

beforeAll(async () => {
  direct = await startDirectApp();
}, 60_000);

afterAll(async () => {
  await direct?.close();
});

async function lookUpFirstPatient(kind: 'referrals' | 'advice'): Promise<void> {
  const { rows } = await direct.call('worklist.fetch', { kind });
  const row = rows[0];
  if (!row) throw new Error(`no ${kind} on this role's worklist`);
  await direct.call('patient.get', { nhsNumber: digits(row.nhsNumber) });
}

describe('the CIS2 role profile on PDS reads', () => {
  it("sends the role profile id of the chosen role's organisation, and switches with the role", async () => {
    const local = direct.local;
    if (!local) throw new Error('no local environment');
    expect(uridAt(CONSULTANT_UID, 'R69')).not.toBe(uridAt(CONSULTANT_UID, 'R68'));

    const view = await signInDirect(direct, CONSULTANT_UID, 'R69');
    local.pds.clearRequests();
    await lookUpFirstPatient('referrals');
    const atR69 = local.pds.requests();
    expect(atR69.length).toBeGreaterThan(0);
    for (const request of atR69) expect(request).toMatchObject({ sessionUrid: uridAt(CONSULTANT_UID, 'R69'), organisationOds: 'R69' });
    expect(atR69.at(-1)?.status).toBe(200);

    const r68 = view.roles.find((role) => role.organisationOds === 'R68');
    if (!r68) throw new Error('the consultant has no role at R68');
    await direct.call('session.chooseRole', { roleId: r68.id });
    local.pds.clearRequests();
    const { rows } = await direct.call('worklist.fetch', { kind: 'referrals', refresh: true });
    const { rows: advice } = await direct.call('worklist.fetch', { kind: 'advice', refresh: true });
    const row = rows[0] ?? advice[0];
    if (!row) throw new Error('nothing on the R68 worklists to look up');
    await direct.call('patient.get', { nhsNumber: digits(row.nhsNumber) });
    const atR68 = local.pds.requests();
    expect(atR68.length).toBeGreaterThan(0);
    for (const request of atR68) expect(request).toMatchObject({ sessionUrid: uridAt(CONSULTANT_UID, 'R68'), organisationOds: 'R68' });
  });
});
