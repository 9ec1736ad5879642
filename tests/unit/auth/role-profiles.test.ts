/**
 * Which CIS2 role profile (URID, sent to PDS as NHSD-Session-URID) an e-RS role is held
 * under: read from `nhsid_nrbac_roles` as CIS2 writes it, matched by organisation, and by
 * clinical or admin job role where the user holds several profiles at one organisation.
 */
import { describe, expect, it } from 'vitest';
import { cis2RoleProfiles, roleProfileFor } from '../../../electron/auth/role-profiles';
import { cis2ClaimsFor } from '../../../local-env/src/cis2/cis2-claims';
import { ADMIN_UID, CONSULTANT_UID, findUser } from '../../../local-env/src/users';

const CLINICAL = 'S8000:G8000:R8000';
const ADMIN = 'S8001:G8005:R8008';

function claimsOf(uid: string) {
  const user = findUser(uid);
  if (!user) throw new Error(uid);
  return cis2ClaimsFor(user);
}

describe('CIS2 role profiles', () => {
  it("reads each profile's id, organisation and job role from nhsid_nrbac_roles, as the mock CIS2 gives them", () => {
    const profiles = cis2RoleProfiles(claimsOf(CONSULTANT_UID));
    expect(profiles.map((p) => p.organisationOds)).toEqual(['R69', 'R68']);
    for (const profile of profiles) expect(profile).toMatchObject({ roleProfileId: expect.stringMatching(/^\d+$/), roleCode: CLINICAL });
  });

  it('leaves out entries PDS could not take: no id, an id that is not digits, no organisation', () => {
    expect(
      cis2RoleProfiles({
        nhsid_nrbac_roles: [
          { person_roleid: '555100001001', org_code: 'R69', role_code: CLINICAL },
          { person_roleid: 'abc', org_code: 'R69' },
          { org_code: 'R69' },
          { person_roleid: '555100001002' },
          'not a role',
        ],
      }),
    ).toEqual([{ roleProfileId: '555100001001', organisationOds: 'R69', roleCode: CLINICAL }]);
    expect(cis2RoleProfiles({})).toEqual([]);
    expect(cis2RoleProfiles({ nhsid_nrbac_roles: 'R69' })).toEqual([]);
  });

  it('matches an e-RS role to the profile at its organisation, and gives none where CIS2 has none there', () => {
    const profiles = cis2RoleProfiles(claimsOf(CONSULTANT_UID));
    const [r69, r68] = profiles;
    expect(roleProfileFor({ organisationOds: 'R69', businessFunction: 'SERVICE_PROVIDER_CLINICIAN' }, profiles)).toBe(r69?.roleProfileId);
    expect(roleProfileFor({ organisationOds: 'r68', businessFunction: 'SERVICE_PROVIDER_CLINICIAN' }, profiles)).toBe(r68?.roleProfileId);
    expect(roleProfileFor({ organisationOds: 'A99001', businessFunction: 'SERVICE_PROVIDER_CLINICIAN' }, profiles)).toBeNull();
    const admin = cis2RoleProfiles(claimsOf(ADMIN_UID));
    expect(roleProfileFor({ organisationOds: 'R69', businessFunction: 'SERVICE_PROVIDER_CLINICIAN_ADMIN' }, admin)).toBe(
      admin[0]?.roleProfileId,
    );
  });

  it('with two profiles at one organisation, takes the clinical one for a clinician and the admin one for admin staff', () => {
    const profiles = [
      { roleProfileId: '111', organisationOds: 'R69', roleCode: ADMIN },
      { roleProfileId: '222', organisationOds: 'R69', roleCode: CLINICAL },
    ];
    expect(roleProfileFor({ organisationOds: 'R69', businessFunction: 'SERVICE_PROVIDER_CLINICIAN' }, profiles)).toBe('222');
    expect(roleProfileFor({ organisationOds: 'R69', businessFunction: 'SERVICE_PROVIDER_ADMIN' }, profiles)).toBe('111');
    expect(roleProfileFor({ organisationOds: 'R69', businessFunction: 'SERVICE_PROVIDER_CLINICIAN_ADMIN' }, profiles)).toBe('111');
  });
});
