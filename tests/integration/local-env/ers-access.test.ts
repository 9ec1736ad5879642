import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalTokenAuthority } from '../../../local-env/src/access-tokens';
import { generatedUbrn } from '../../../local-env/src/seed/identifiers';
import { ADMIN_UID, CONSULTANT_UID, NO_PROVIDER_ROLE_UID, SECOND_CONSULTANT_UID } from '../../../local-env/src/users';
import { outcomeOf, startTestEmulator, TEST_AUDIENCE, TEST_ISSUER, type TestEmulator } from '../../helpers/ers-emulator';

const REFERRAL = '/STU3/ReferralRequest/000000070001';

describe('local e-RS: tokens and roles, checked as e-RS checks them', () => {
  let t: TestEmulator;
  beforeAll(async () => {
    t = await startTestEmulator();
  });
  afterAll(async () => {
    await t.close();
  });

  async function expectOutcome(response: Response, status: number, code: string): Promise<string> {
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toContain('application/fhir+json');
    const outcome = await outcomeOf(response);
    expect(outcome.resourceType).toBe('OperationOutcome');
    expect(outcome.code).toBe(code);
    expect(outcome.diagnostics).toMatch(/\.$/);
    return outcome.diagnostics ?? '';
  }

  it('accepts a token from the local APIM and echoes the correlation id', async () => {
    const response = await t.fhir(REFERRAL, { headers: await t.headers({ correlationId: 'corr-1' }) });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-correlation-id')).toBe('corr-1');
    expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('refuses a request with no token, a malformed header, a forged token, an expired token and one for another audience', async () => {
    const role = await t.headers();
    const { Authorization: _omit, ...noToken } = role;
    expect(await expectOutcome(await t.fhir(REFERRAL, { headers: noToken }), 401, 'NO_ACCESS')).toContain('No access token');
    await expectOutcome(await t.fhir(REFERRAL, { headers: { ...noToken, Authorization: 'Basic dXNlcjpwYXNz' } }), 401, 'NO_ACCESS');

    // Signed by a different key with the same issuer and audience: a forgery.
    const forger = await LocalTokenAuthority.create({ issuer: TEST_ISSUER, audience: TEST_AUDIENCE });
    const forged = (await forger.issue({ sub: CONSULTANT_UID, sid: 's', scope: '' })).token;
    expect(
      await expectOutcome(await t.fhir(REFERRAL, { headers: { ...noToken, Authorization: `Bearer ${forged}` } }), 401, 'NO_ACCESS'),
    ).toContain('not valid');

    const expired = await t.token(CONSULTANT_UID, { now: Math.floor(Date.now() / 1000) - 3600, ttlSeconds: 60 });
    expect(
      await expectOutcome(await t.fhir(REFERRAL, { headers: { ...noToken, Authorization: `Bearer ${expired}` } }), 401, 'NO_ACCESS'),
    ).toContain('expired');

    const elsewhere = await LocalTokenAuthority.create({ issuer: TEST_ISSUER, audience: 'another-api' });
    const wrongAudience = (await elsewhere.issue({ sub: CONSULTANT_UID, sid: 's', scope: '' })).token;
    await expectOutcome(await t.fhir(REFERRAL, { headers: { ...noToken, Authorization: `Bearer ${wrongAudience}` } }), 401, 'NO_ACCESS');
    await expectOutcome(await t.fhir('/R4/PractitionerRole', { headers: { Authorization: `Bearer ${forged}` } }), 401, 'ACCESS_DENIED');
  });

  it('requires the role headers, an allowed business function, and that role at that organisation', async () => {
    const role = await t.headers();
    const { 'NHSD-eRS-Business-Function': _bf, ...noFunction } = role;
    await expectOutcome(await t.fhir(REFERRAL, { headers: noFunction }), 400, 'MISSING_HEADER');
    const { 'NHSD-End-User-Organisation-ODS': _ods, ...noOds } = role;
    await expectOutcome(await t.fhir(REFERRAL, { headers: noOds }), 400, 'MISSING_HEADER');
    // SERVICE_PROVIDER_ADMIN may read worklists but not referrals.
    await expectOutcome(
      await t.fhir(REFERRAL, { headers: await t.headers({ uid: ADMIN_UID, businessFunction: 'SERVICE_PROVIDER_ADMIN' }) }),
      403,
      'FORBIDDEN',
    );
    // The consultant holds no role at the GP practice, and the GP no provider role anywhere.
    await expectOutcome(await t.fhir(REFERRAL, { headers: await t.headers({ ods: 'A99001' }) }), 403, 'NO_ACCESS');
    await expectOutcome(await t.fhir(REFERRAL, { headers: await t.headers({ uid: NO_PROVIDER_ROLE_UID }) }), 403, 'NO_ACCESS');
    // The second consultant works only at R69.
    await expectOutcome(await t.fhir(REFERRAL, { headers: await t.headers({ uid: SECOND_CONSULTANT_UID, ods: 'R68' }) }), 403, 'NO_ACCESS');
    const unknownUser = await t.token('555000999999');
    await expectOutcome(await t.fhir(REFERRAL, { headers: await t.headers({ token: unknownUser }) }), 403, 'NO_ACCESS');
  });

  it('lets a referrer in, to what their own organisation referred only', async () => {
    const gp = await t.headers({ uid: NO_PROVIDER_ROLE_UID, businessFunction: 'REFERRING_CLINICIAN', ods: 'A99001' });
    // 000000070000 was referred from A99001, the GP's own practice.
    expect(t.emulator.referral('000000070000')?.referrer.ods).toBe('A99001');
    expect((await t.fhir('/STU3/ReferralRequest/000000070000', { headers: gp })).status).toBe(200);
    const elsewhere = [0, 1, 2, 3, 4, 5, 6, 7].map(generatedUbrn).find((u) => t.emulator.referral(u)?.referrer.ods !== 'A99001');
    expect(elsewhere).toBeDefined();
    await expectOutcome(await t.fhir(`/STU3/ReferralRequest/${elsewhere}`, { headers: gp }), 422, 'NO_RELATIONSHIP');
    await expectOutcome(
      await t.fhir('/STU3/ReferralRequest/000000070000/$ers.acceptReferral', { method: 'POST', headers: { ...gp, 'If-Match': 'W/"5"' } }),
      403,
      'FORBIDDEN',
    );
  });

  it('makes a clinician admin name a clinician it acts for, and no one else name one', async () => {
    const admin = { uid: ADMIN_UID, businessFunction: 'SERVICE_PROVIDER_CLINICIAN_ADMIN' };
    expect(await expectOutcome(await t.fhir(REFERRAL, { headers: await t.headers(admin) }), 403, 'FORBIDDEN')).toContain('On-Behalf-Of');
    await expectOutcome(
      await t.fhir(REFERRAL, { headers: await t.headers({ ...admin, onBehalfOf: NO_PROVIDER_ROLE_UID }) }),
      403,
      'FORBIDDEN',
    );
    const ok = await t.fhir(REFERRAL, { headers: await t.headers({ ...admin, onBehalfOf: SECOND_CONSULTANT_UID }) });
    expect(ok.status).toBe(200);
    await expectOutcome(await t.fhir(REFERRAL, { headers: await t.headers({ onBehalfOf: SECOND_CONSULTANT_UID }) }), 403, 'FORBIDDEN');
  });

  it('answers A030 with the roles of the signed-in user, without role headers', async () => {
    const response = await t.fhir('/R4/PractitionerRole', { headers: { Authorization: `Bearer ${await t.token()}` } });
    expect(response.status).toBe(200);
    const bundle = (await response.json()) as {
      resourceType: string;
      entry: { resource: { id: string; organization: { identifier: { value: string } }; code: { coding: { code: string }[] }[] } }[];
    };
    expect(bundle.resourceType).toBe('Bundle');
    expect(bundle.entry.map((e) => e.resource.id).sort()).toEqual([
      `PractitionerRole-R68-${CONSULTANT_UID}`,
      `PractitionerRole-R69-${CONSULTANT_UID}`,
    ]);
    expect(bundle.entry.map((e) => e.resource.code[0]?.coding[0]?.code)).toEqual([
      'SERVICE_PROVIDER_CLINICIAN',
      'SERVICE_PROVIDER_CLINICIAN',
    ]);
    const admin = await t.fhir('/R4/PractitionerRole', { headers: { Authorization: `Bearer ${await t.token(ADMIN_UID)}` } });
    const adminRoles = (await admin.json()) as { entry: { resource: { code: { coding: { code: string }[] }[] } }[] };
    expect(adminRoles.entry[0]?.resource.code.map((c) => c.coding[0]?.code)).toEqual([
      'SERVICE_PROVIDER_CLINICIAN_ADMIN',
      'SERVICE_PROVIDER_ADMIN',
    ]);
  });

  it('records each operation: id, method, path, status, correlation id and time', async () => {
    t.emulator.clearOperations();
    await t.fhir('/STU3/CodeSystem/PRIORITY', { headers: await t.headers({ correlationId: 'corr-ops' }) });
    await t.fhir('/STU3/Nowhere', { headers: await t.headers() });
    const [first, second] = t.emulator.operations();
    expect(first).toMatchObject({
      operation: 'A004',
      method: 'GET',
      path: '/referrals/FHIR/STU3/CodeSystem/PRIORITY',
      status: 200,
      correlationId: 'corr-ops',
    });
    expect(Date.parse(first?.time ?? '')).not.toBeNaN();
    expect(second).toMatchObject({ operation: 'UNKNOWN', status: 404 });
  });
});
