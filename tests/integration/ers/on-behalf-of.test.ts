/**
 * A040, the clinicians a clinician admin may act for: what the client sends (the clinician
 * admin role at that organisation, with no on-behalf-of user: that is what it is asking
 * for), how it reads e-RS's answer (the NHS example, which carries no names), how the role
 * picker's options are built from it in every environment, and the local e-RS's answer
 * checked against the NHS example's shape.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { testFetch } from '../../helpers/fetch';
import { roleOptionsFrom } from '../../../electron/app';
import { createErsClient } from '../../../electron/ers/client';
import { ErsError } from '../../../electron/ers/ers-error';
import { mapOnBehalfOfPractitioners } from '../../../electron/ers/practitioners';
import { ADMIN_UID, CONSULTANT_UID, SECOND_CONSULTANT_UID } from '../../../local-env/src/users';
import { startTestEmulator, type TestEmulator } from '../../helpers/ers-emulator';
import { hasReference, referenceDir, warnIfNoReference } from '../../helpers/repo';
import { json, noSleep, startLoopback, type Loopback } from './loopback';

warnIfNoReference('A040 against the NHS example');
const example = (): unknown =>
  JSON.parse(readFileSync(path.join(referenceDir, 'examples/r4/retrieveOboUsers/responses/PractitionerBundle.json'), 'utf8'));
const ctx = { operation: 'A040' as const, correlationId: 'c' };

let server: Loopback | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

describe.skipIf(!hasReference)('the client', () => {
  it('asks GET /R4/Practitioner?_query=onBehalfOf as the clinician admin at that organisation, naming no one', async () => {
    server = await startLoopback((_request, res) => json(res, 200, example()));
    // The session's role is irrelevant here: A040 is asked while the role is being chosen.
    const client = createErsClient({
      baseUrl: server.url,
      getAccessToken: async () => 'token',
      getRole: () => null,
      sleep: noSleep,
      fetch: testFetch,
    });
    const found = await client.getOnBehalfOfPractitioners('R69');
    expect(found).toEqual([{ userId: '111111111111', name: null }]);
    const sent = server.requests[0];
    expect(sent?.method).toBe('GET');
    expect(sent?.url).toBe('/FHIR/R4/Practitioner?_query=onBehalfOf');
    expect(sent?.headers['nhsd-ers-business-function']).toBe('SERVICE_PROVIDER_CLINICIAN_ADMIN');
    expect(sent?.headers['nhsd-end-user-organisation-ods']).toBe('R69');
    expect(sent?.headers['nhsd-ers-on-behalf-of-user-id']).toBeUndefined();
    expect(sent?.headers.authorization).toBe('Bearer token');
  });

  it('reads a name where e-RS gives one, and refuses an answer that is not a Bundle', () => {
    const named = {
      resourceType: 'Bundle',
      entry: [
        {
          resource: {
            resourceType: 'Practitioner',
            id: '555000000104',
            identifier: [{ system: 'https://fhir.nhs.uk/Id/sds-user-id', value: '555000000104' }],
            name: [{ family: 'Lindqvist', given: ['Erik'], prefix: ['Dr'] }],
          },
        },
        { resource: { resourceType: 'Practitioner', id: 'not-an-sds-id' } },
      ],
    };
    expect(mapOnBehalfOfPractitioners(named, ctx)).toEqual([{ userId: '555000000104', name: 'Dr Erik Lindqvist' }]);
    expect(() => mapOnBehalfOfPractitioners({ resourceType: 'OperationOutcome' }, ctx)).toThrow(ErsError);
  });
});

describe('the role picker options', () => {
  const choices = [
    {
      id: 'PractitionerRole-R69-1',
      userId: ADMIN_UID,
      organisationOds: 'R69',
      businessFunctions: ['SERVICE_PROVIDER_CLINICIAN_ADMIN', 'SERVICE_PROVIDER_ADMIN', 'REFERRING_ADMIN'],
    },
  ];
  const names = { organisationName: (ods: string) => `Trust ${ods}` };

  it('give a clinician admin role the clinicians A040 lists, and no one to the other roles', async () => {
    const asked: string[] = [];
    const options = await roleOptionsFrom(choices, names, async (ods) => {
      asked.push(ods);
      return [{ userId: CONSULTANT_UID, name: 'Dr Amara Okoye' }];
    });
    expect(asked).toEqual(['R69']);
    expect(options.map((o) => [o.businessFunction, o.actsFor.map((c) => c.name)])).toEqual([
      ['SERVICE_PROVIDER_CLINICIAN_ADMIN', ['Dr Amara Okoye']],
      ['SERVICE_PROVIDER_ADMIN', []],
    ]);
  });

  it('offer the clinician admin role with nobody to act for when e-RS refuses A040, and fail when e-RS cannot be reached', async () => {
    const refused = new ErsError('ERS_403', 'refused', { operation: 'A040', status: 403 });
    const options = await roleOptionsFrom(choices, names, async () => {
      throw refused;
    });
    expect(options[0]?.actsFor).toEqual([]);
    const down = new ErsError('ERS_NETWORK', 'e-RS cannot be reached.', { operation: 'A040' });
    await expect(roleOptionsFrom(choices, names, async () => Promise.reject(down))).rejects.toBe(down);
  });
});

describe('the local e-RS', () => {
  let t: TestEmulator;
  beforeAll(async () => {
    t = await startTestEmulator();
  });
  afterAll(async () => {
    await t.close();
  });

  it('answers the clinician admin with the clinicians it acts for, shaped like the NHS example, with their names', async () => {
    const response = await t.fhir('/R4/Practitioner?_query=onBehalfOf', {
      headers: await t.headers({ uid: ADMIN_UID, businessFunction: 'SERVICE_PROVIDER_CLINICIAN_ADMIN' }),
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as Record<string, unknown> & {
      entry: { fullUrl: string; resource: Record<string, unknown>; search: unknown }[];
      link: { url: string }[];
    };
    expect(mapOnBehalfOfPractitioners(body, ctx)).toEqual([
      { userId: CONSULTANT_UID, name: 'Dr Amara Okoye' },
      { userId: SECOND_CONSULTANT_UID, name: 'Dr Erik Lindqvist' },
    ]);
    expect(body.link[0]?.url).toBe(`${t.emulator.fhirBaseUrl}/R4/Practitioner?_query=onBehalfOf`);
    if (hasReference) {
      const nhs = example() as Record<string, unknown> & { entry: { resource: Record<string, unknown> }[] };
      // Everything the example has, the local answer has, at the top and in each entry.
      expect(Object.keys(body)).toEqual(expect.arrayContaining(Object.keys(nhs)));
      for (const entry of body.entry) {
        expect(Object.keys(entry)).toEqual(expect.arrayContaining(Object.keys(nhs.entry[0] ?? {})));
        expect(Object.keys(entry.resource)).toEqual(expect.arrayContaining(Object.keys(nhs.entry[0]?.resource ?? {})));
        expect(entry.search).toEqual({ mode: 'match' });
      }
    }
  });

  it('answers 400 without the onBehalfOf query, and 403 to a role other than clinician admin', async () => {
    const admin = await t.headers({ uid: ADMIN_UID, businessFunction: 'SERVICE_PROVIDER_CLINICIAN_ADMIN' });
    expect((await t.fhir('/R4/Practitioner', { headers: admin })).status).toBe(400);
    expect((await t.fhir('/R4/Practitioner?_query=everyone', { headers: admin })).status).toBe(400);
    const consultant = await t.headers({ uid: CONSULTANT_UID, businessFunction: 'SERVICE_PROVIDER_CLINICIAN' });
    expect((await t.fhir('/R4/Practitioner?_query=onBehalfOf', { headers: consultant })).status).toBe(403);
  });
});
