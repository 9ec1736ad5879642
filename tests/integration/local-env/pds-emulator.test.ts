/**
 * The local PDS: the same patients as the e-RS seed, the states a banner must show
 * (restricted, deceased, superseded, minimal, unknown), and the checks PDS makes (token,
 * X-Request-ID, NHSD-Session-URID, NHS number), answered as PDS answers them.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPdsEmulator, type PdsEmulator } from '../../../local-env/src/pds';
import { cis2ClaimsFor, type NrbacRole } from '../../../local-env/src/cis2/cis2-claims';
import { isValidNhsNumber } from '../../../local-env/src/seed/identifiers';
import { CONSULTANT_UID, findUser } from '../../../local-env/src/users';
import { startTestEmulator, type TestEmulator } from '../../helpers/ers-emulator';

let ers: TestEmulator;
let pds: PdsEmulator;
let token: string;

/** The role profile ids (URIDs) the mock CIS2 gives a synthetic user. */
function uridsOf(uid: string): string[] {
  const user = findUser(uid);
  if (!user) throw new Error(`no synthetic user ${uid}`);
  return (cis2ClaimsFor(user).nhsid_nrbac_roles as NrbacRole[]).map((role) => role.person_roleid);
}

beforeAll(async () => {
  ers = await startTestEmulator();
  pds = await startPdsEmulator({
    patients: () => ers.emulator.seedPatients(),
    referenceDate: () => ers.emulator.referenceDate(),
    tokens: ers.tokens,
  });
  token = await ers.token();
});

afterAll(async () => {
  await pds?.close();
  await ers?.close();
});

async function get(
  id: string,
  headers: Record<string, string | undefined> = {},
): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const sent: Record<string, string> = {};
  const all = {
    Authorization: `Bearer ${token}`,
    'X-Request-ID': randomUUID(),
    'NHSD-Session-URID': uridsOf(CONSULTANT_UID)[0],
    Accept: 'application/fhir+json',
    ...headers,
  };
  for (const [name, value] of Object.entries(all)) if (value !== undefined) sent[name] = value;
  const response = await fetch(`${pds.baseUrl}/Patient/${id}`, { headers: sent });
  return { status: response.status, body: (await response.json()) as Record<string, unknown>, headers: response.headers };
}

function spineCode(body: Record<string, unknown>): string | undefined {
  const issue = (body.issue as { details?: { coding?: { code?: string }[] } }[] | undefined)?.[0];
  return issue?.details?.coding?.[0]?.code;
}

describe('the local PDS', () => {
  it("knows every seed patient by the NHS number e-RS gives, with the seed's name, birth date and gender", async () => {
    const scenarios = pds.scenarios();
    const special = new Set([scenarios.restricted, scenarios.deceased, scenarios.superseded.from, scenarios.minimal, scenarios.unknown]);
    const patient = ers.emulator.seedPatients().find((p) => !special.has(p.nhsNumber));
    if (!patient) throw new Error('no ordinary patient in the seed');
    const { status, body, headers } = await get(patient.nhsNumber, { 'X-Correlation-ID': 'corr-1' });
    expect(status).toBe(200);
    expect(body).toMatchObject({ resourceType: 'Patient', id: patient.nhsNumber, gender: patient.gender, birthDate: patient.birthDate });
    expect(body.name).toEqual([expect.objectContaining({ use: 'usual', given: [patient.givenName], family: patient.familyName })]);
    expect(body.meta).toMatchObject({ security: [{ code: 'U' }] });
    expect(JSON.stringify(body.address)).toContain(patient.postcode);
    expect(headers.get('x-correlation-id')).toBe('corr-1');
    expect(headers.get('etag')).toMatch(/^W\/"\d+"$/);
  });

  it('has one patient in each state a banner must show, each on an example item the consultant can open', async () => {
    const s = pds.scenarios();
    const restricted = await get(s.restricted);
    expect(restricted.body.meta).toMatchObject({ security: [{ code: 'R' }] });
    expect([restricted.body.address, restricted.body.telecom, restricted.body.generalPractitioner]).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
    expect(restricted.body.name).toBeDefined();

    const deceased = await get(s.deceased);
    expect(deceased.body.deceasedDateTime).toMatch(/^\d{4}-\d{2}-\d{2}T00:00:00\+00:00$/);

    expect(isValidNhsNumber(s.superseded.to)).toBe(true);
    expect(s.superseded.to).not.toBe(s.superseded.from);
    const superseded = await get(s.superseded.from);
    expect(superseded.status).toBe(200);
    expect(superseded.body.id).toBe(s.superseded.to);
    expect((await get(s.superseded.to)).body.id).toBe(s.superseded.to);

    const minimal = await get(s.minimal);
    expect(Object.keys(minimal.body).sort()).toEqual(['id', 'identifier', 'meta', 'resourceType']);

    const unknown = await get(s.unknown);
    expect(unknown.status).toBe(404);
    expect(spineCode(unknown.body)).toBe('RESOURCE_NOT_FOUND');

    // The example items these patients are on: referrals 000000070001, 000000070002 and
    // 000000070005 on the consultant's review list, A&G 000000070000 and 000000070001.
    expect(ers.emulator.referral('000000070001')?.patientNhsNumber).toBe(s.restricted);
    expect(ers.emulator.referral('000000070002')?.patientNhsNumber).toBe(s.deceased);
    expect(ers.emulator.referral('000000070005')?.patientNhsNumber).toBe(s.superseded.from);
    expect(ers.emulator.advice('000000070000')?.patientNhsNumber).toBe(s.minimal);
    expect(ers.emulator.advice('000000070001')?.patientNhsNumber).toBe(s.unknown);
  });

  it('checks the token as the e-RS emulator does', async () => {
    expect((await get(pds.scenarios().restricted, { Authorization: undefined })).status).toBe(401);
    const refused = await get(pds.scenarios().restricted, { Authorization: 'Bearer not-a-token' });
    expect(refused.status).toBe(401);
    expect(spineCode(refused.body)).toBe('ACCESS_DENIED');
  });

  it('wants an X-Request-ID that is a UUID, mirrors it, and refuses an invalid NHS number', async () => {
    const id = pds.scenarios().restricted;
    const missing = await get(id, { 'X-Request-ID': undefined });
    expect([missing.status, spineCode(missing.body)]).toEqual([400, 'MISSING_VALUE']);
    const bad = await get(id, { 'X-Request-ID': 'not-a-uuid' });
    expect([bad.status, spineCode(bad.body)]).toEqual([400, 'INVALID_VALUE']);
    const requestId = randomUUID();
    expect((await get(id, { 'X-Request-ID': requestId })).headers.get('x-request-id')).toBe(requestId);
    const invalid = await get('9000000000');
    expect([invalid.status, spineCode(invalid.body)]).toEqual([400, 'INVALID_RESOURCE_ID']);
    expect(pds.requests().at(-1)).toMatchObject({ status: 400, authorised: true });
  });

  it("takes NHSD-Session-URID as optional, as PDS's specification does, but only one of the signed-in user's CIS2 role profiles", async () => {
    const id = pds.scenarios().restricted;
    const missing = await get(id, { 'NHSD-Session-URID': undefined });
    expect(missing.status).toBe(200);
    expect(pds.requests().at(-1)?.sessionUrid).toBeNull();
    const notDigits = await get(id, { 'NHSD-Session-URID': 'role-1' });
    expect([notDigits.status, spineCode(notDigits.body)]).toEqual([400, 'INVALID_VALUE']);
    // Another user's role profile is refused; each of the consultant's own is accepted.
    const someoneElses = uridsOf(CONSULTANT_UID).map((urid) => `${urid.slice(0, -1)}${(Number(urid.at(-1)) + 5) % 10}`);
    const foreign = someoneElses.find((urid) => !uridsOf(CONSULTANT_UID).includes(urid)) ?? '555100000000';
    const refused = await get(id, { 'NHSD-Session-URID': foreign });
    expect([refused.status, spineCode(refused.body)]).toEqual([400, 'INVALID_VALUE']);
    for (const urid of uridsOf(CONSULTANT_UID)) expect((await get(id, { 'NHSD-Session-URID': urid })).status).toBe(200);
    expect(pds.requests().at(-1)?.sessionUrid).toBe(uridsOf(CONSULTANT_UID).at(-1));
  });

  it('can be slowed and rate limited like the e-RS emulator', async () => {
    pds.setFaults({ rateLimitPerSecond: 1 });
    try {
      const id = pds.scenarios().deceased;
      await get(id);
      const limited = await get(id);
      expect(limited.status).toBe(429);
      expect(limited.headers.get('retry-after')).toMatch(/^\d+$/);
    } finally {
      pds.setFaults({ rateLimitPerSecond: null });
    }
  });
});
