/**
 * The CIS2 role profiles (`nhsid_nrbac_roles`, whose `person_roleid` PDS takes as
 * NHSD-Session-URID) reach the signed-in identity whether CIS2 puts them in the ID token
 * or only in userinfo, and sign-in still completes when userinfo cannot give them (PDS is
 * then not asked, and the banner says why: tests/integration/pds/pds-client.test.ts).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Cis2Client, type Cis2Identity } from '../../../electron/auth/cis2';
import { silentLogger } from '../../../electron/log/logger';
import { testFetch } from '../../helpers/fetch';
import { startForgedOp, type ForgedOp } from '../../helpers/forged-op';

const ROLES = [
  { person_roleid: '555100001001', person_orgid: '555200001001', org_code: 'R69', role_code: 'S8000:G8000:R8000', role_name: 'x' },
  { person_roleid: '555100001002', person_orgid: '555200001002', org_code: 'R68', role_code: 'S8000:G8000:R8000', role_name: 'x' },
];
const PROFILES = [
  { roleProfileId: '555100001001', organisationOds: 'R69', roleCode: 'S8000:G8000:R8000' },
  { roleProfileId: '555100001002', organisationOds: 'R68', roleCode: 'S8000:G8000:R8000' },
];

let op: ForgedOp | null = null;
afterEach(async () => {
  await op?.close();
  op = null;
});

async function signIn(forged: ForgedOp): Promise<Cis2Identity> {
  const cis2 = new Cis2Client(
    {
      issuer: forged.issuer,
      clientId: forged.clientId,
      acrValues: 'AAL3_ANY',
      allowInsecureLoopback: true,
      timeoutMs: 10_000,
      fetch: testFetch,
    },
    silentLogger,
  );
  const pending = await cis2.begin(async (url) => {
    void forged.browse(url);
  });
  return pending.completed;
}

describe('CIS2 role profiles at sign-in', () => {
  it('reads them from the ID token when CIS2 puts them there, without asking userinfo', async () => {
    op = await startForgedOp();
    op.rewriteClaims = (claims) => ({ ...claims, nhsid_nrbac_roles: ROLES });
    const identity = await signIn(op);
    expect(identity.roleProfiles).toEqual(PROFILES);
    expect(op.userinfoRequests).toBe(0);
  });

  it('asks userinfo when the ID token has none, as NHS CIS2 gives them there', async () => {
    op = await startForgedOp();
    op.userinfo = { nhsid_nrbac_roles: ROLES };
    const identity = await signIn(op);
    expect(op.userinfoRequests).toBe(1);
    expect(identity.roleProfiles).toEqual(PROFILES);
  });

  it('still signs in, with no role profiles, when userinfo cannot give them', async () => {
    op = await startForgedOp();
    const identity = await signIn(op);
    expect(op.userinfoRequests).toBe(1);
    expect(identity.roleProfiles).toEqual([]);
    expect(identity.uid).toBe('555000000001');
  });
});
