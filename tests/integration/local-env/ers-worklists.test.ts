import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findService } from '../../../local-env/src/seed/catalogue';
import { CONSULTANT_UID, NO_PROVIDER_ROLE_UID, SECOND_CONSULTANT_UID } from '../../../local-env/src/users';
import { fhirJson, outcomeOf, startTestEmulator, type TestEmulator } from '../../helpers/ers-emulator';

const CS = 'https://fhir.nhs.uk/STU3/CodeSystem/';
const PROFILE = 'https://fhir.nhs.uk/STU3/StructureDefinition/eRS-FetchWorklist-Parameters-1';
const LISTS = [
  'REFERRALS_FOR_REVIEW',
  'APPOINTMENT_SLOT_ISSUES',
  'REJECTED_TRIAGE_RESPONSE',
  'ASSESSMENT_RETURNED_CANCELLED_DNA',
  'AWAITING_BOOKING',
  'LETTERS_OUTSTANDING',
];

interface WorklistJson {
  resourceType: string;
  entry: { item: { reference: string }; extension: { url: string; extension: { url: string }[] }[] }[];
}

const listType = (code: string, system = `${CS}eRS-ReferralListSelector-1`) => ({
  name: 'listType',
  valueCodeableConcept: { coding: [{ system, code }] },
});
const indicator = (name: string, code: string) => ({
  name,
  valueCodeableConcept: { coding: [{ system: `${CS}eRS-AssignedIndicator-1`, code }] },
});

describe('local e-RS: worklists (A008, A023)', () => {
  let t: TestEmulator;
  beforeAll(async () => {
    t = await startTestEmulator();
  });
  afterAll(async () => {
    await t.close();
  });

  async function worklist(parameters: unknown[], role = {}, path = '/STU3/ReferralRequest/$ers.fetchworklist'): Promise<Response> {
    return t.fhir(
      path,
      fhirJson({ resourceType: 'Parameters', meta: { profile: [PROFILE] }, parameter: parameters }, await t.headers(role)),
    );
  }
  async function ubrns(parameters: unknown[], role = {}): Promise<string[]> {
    const response = await worklist(parameters, role);
    expect(response.status).toBe(200);
    const list = (await response.json()) as WorklistJson;
    expect(list.resourceType).toBe('List');
    return list.entry.map((e) => e.item.reference.replace('ReferralRequest/', ''));
  }

  it('serves every list type in the specification', async () => {
    for (const type of LISTS) {
      const found = await ubrns([listType(type)]);
      expect(found.length, type).toBeGreaterThan(0);
    }
  });

  it('holds in Referrals for Review exactly the R69 referrals booked or sent for triage and not yet reviewed', async () => {
    const found = await ubrns([listType('REFERRALS_FOR_REVIEW')]);
    for (const ubrn of found) {
      const r = t.emulator.referral(ubrn);
      expect(findService(r?.serviceId ?? '')?.ods, ubrn).toBe('R69');
      expect(r?.review, ubrn).toBeUndefined();
      expect(['BOOKED', 'AWAITING_TRIAGE'], ubrn).toContain(r?.status.code);
    }
    const atR68 = await ubrns([listType('REFERRALS_FOR_REVIEW')], { ods: 'R68' });
    expect(atR68.filter((u) => found.includes(u))).toEqual([]);
    expect(atR68.length).toBeGreaterThan(0);
  });

  it('moves a referral between lists as decisions are made', async () => {
    const version = t.emulator.referral('000000070001')?.version ?? 0;
    expect(await ubrns([listType('REFERRALS_FOR_REVIEW')])).toContain('000000070001');
    const rejection = {
      resourceType: 'Parameters',
      meta: { profile: ['https://fhir.nhs.uk/STU3/StructureDefinition/eRS-RejectReferral-Parameters-1'] },
      parameter: [
        {
          name: 'rejectionReason',
          valueCoding: {
            system: `${t.emulator.fhirBaseUrl}/STU3/CodeSystem/APPOINTMENT-CANCELLATION-REASON`,
            code: 'FURTHER_INFORMATION_REQUIRED',
          },
        },
      ],
    };
    const rejected = await t.fhir(
      '/STU3/ReferralRequest/000000070001/$ers.rejectReferral',
      fhirJson(rejection, await t.headers(), { 'If-Match': `W/"${version}"` }),
    );
    expect(rejected.status).toBe(200);
    expect(await ubrns([listType('REFERRALS_FOR_REVIEW')])).not.toContain('000000070001');
    expect(await ubrns([listType('REJECTED_TRIAGE_RESPONSE')])).toContain('000000070001');
    // The referring practice sees it too, on its own Rejected / Triage Response list.
    expect(
      await ubrns([listType('REJECTED_TRIAGE_RESPONSE')], {
        uid: NO_PROVIDER_ROLE_UID,
        businessFunction: 'REFERRING_CLINICIAN',
        ods: 'A99001',
      }),
    ).toContain('000000070001');
    await t.emulator.reset();
  });

  it('filters provider lists by specialty, service, location, clinician and assignment', async () => {
    const all = await ubrns([listType('REFERRALS_FOR_REVIEW')]);
    const cardiology = await ubrns([
      listType('REFERRALS_FOR_REVIEW'),
      indicator('specialtyAssignedIndicator', 'ASSIGNED'),
      {
        name: 'specialty',
        valueCodeableConcept: { coding: [{ system: `${t.emulator.fhirBaseUrl}/STU3/CodeSystem/SPECIALTY`, code: 'CARDIOLOGY' }] },
      },
    ]);
    expect(cardiology.length).toBeGreaterThan(0);
    expect(cardiology.length).toBeLessThan(all.length);
    for (const u of cardiology) expect(t.emulator.referral(u)?.specialty).toBe('CARDIOLOGY');

    const service = t.emulator.referral(cardiology[0] ?? '')?.serviceId ?? '';
    const atService = await ubrns([
      listType('REFERRALS_FOR_REVIEW'),
      { name: 'service', valueIdentifier: { system: 'http://fhir.nhs.net/Id/ers-service', value: service } },
    ]);
    expect(atService.length).toBeGreaterThan(0);
    for (const u of atService) expect(t.emulator.referral(u)?.serviceId).toBe(service);
    expect(
      await ubrns([
        listType('REFERRALS_FOR_REVIEW'),
        { name: 'location', valueIdentifier: { system: 'https://fhir.nhs.uk/Id/ods-organization-code', value: 'R69' } },
      ]),
    ).toEqual(all);

    const mine = await ubrns([
      listType('REFERRALS_FOR_REVIEW'),
      indicator('clinicianAssignedIndicator', 'ASSIGNED'),
      { name: 'clinician', valueIdentifier: { system: 'http://fhir.nhs.net/Id/sds-user-id', value: CONSULTANT_UID } },
    ]);
    expect(mine.length).toBeGreaterThan(0);
    for (const u of mine) expect(t.emulator.referral(u)?.allocatedClinician).toBe(CONSULTANT_UID);
    const theirs = await ubrns([
      listType('REFERRALS_FOR_REVIEW'),
      indicator('clinicianAssignedIndicator', 'ASSIGNED'),
      { name: 'clinician', valueIdentifier: { system: 'http://fhir.nhs.net/Id/sds-user-id', value: SECOND_CONSULTANT_UID } },
    ]);
    expect(theirs.filter((u) => mine.includes(u))).toEqual([]);
    const unassigned = await ubrns([listType('REFERRALS_FOR_REVIEW'), indicator('clinicianAssignedIndicator', 'NOT_ASSIGNED')]);
    expect(unassigned.length).toBeGreaterThan(0);
    for (const u of unassigned) expect(t.emulator.referral(u)?.allocatedClinician).toBeUndefined();
    const assigned = await ubrns([listType('REFERRALS_FOR_REVIEW'), indicator('clinicianAssignedIndicator', 'ASSIGNED')]);
    expect(assigned.length + unassigned.length).toBe(all.length);
  });

  it('refuses bad worklist requests with e-RS error codes', async () => {
    const cases: [unknown[], string][] = [
      [[], 'MISSING_VALUE'],
      [[listType('EVERYTHING')], 'INVALID_CODE'],
      [[listType('REFERRALS_FOR_REVIEW', 'https://example.org/other')], 'INVALID_CODE'],
      [[listType('REFERRALS_FOR_REVIEW'), { name: 'sortBy', valueString: 'age' }], 'UNEXPECTED_FIELD'],
      [[listType('AWAITING_BOOKING'), indicator('clinicianAssignedIndicator', 'ASSIGNED')], 'INAPPROPRIATE_VALUE'],
      [
        [
          listType('REFERRALS_FOR_REVIEW'),
          { name: 'clinician', valueIdentifier: { system: 'http://fhir.nhs.net/Id/sds-user-id', value: CONSULTANT_UID } },
        ],
        'INAPPROPRIATE_VALUE',
      ],
      [
        [
          listType('REFERRALS_FOR_REVIEW'),
          { name: 'service', valueIdentifier: { system: 'http://fhir.nhs.net/Id/ers-service', value: '99999' } },
        ],
        'REFERENCE_NOT_FOUND',
      ],
    ];
    for (const [parameters, code] of cases) {
      const response = await worklist(parameters);
      expect(response.status, code).toBe(422);
      expect((await outcomeOf(response)).code).toBe(code);
    }
    const r68Service = findService('40000');
    expect(r68Service?.ods).toBe('R68');
    expect(
      (
        await outcomeOf(
          await worklist([
            listType('REFERRALS_FOR_REVIEW'),
            { name: 'service', valueIdentifier: { system: 'http://fhir.nhs.net/Id/ers-service', value: '40000' } },
          ]),
        )
      ).code,
    ).toBe('NO_RELATIONSHIP');
    const referrer = await worklist([listType('REFERRALS_FOR_REVIEW')], {
      uid: NO_PROVIDER_ROLE_UID,
      businessFunction: 'REFERRING_CLINICIAN',
      ods: 'A99001',
    });
    expect(referrer.status).toBe(403);
  });

  it('serves the A&G worklist of open requests at the organisation’s services', async () => {
    const response = await worklist(
      [listType('ADVICE_AND_GUIDANCE_REQUESTS', `${CS}eRS-CommunicationListSelector-1`)],
      {},
      '/STU3/CommunicationRequest/$ers.fetchworklist',
    );
    expect(response.status).toBe(200);
    const list = (await response.json()) as WorklistJson;
    const items = list.entry.map((e) => e.item.reference.replace('CommunicationRequest/', ''));
    expect(items).toContain('000000070000');
    expect(items).not.toContain('000000070004');
    for (const ubrn of items) {
      const a = t.emulator.advice(ubrn);
      expect(findService(a?.serviceId ?? '')?.ods).toBe('R69');
      expect(['PROVIDER_RESPONSE_REQUIRED', 'REFERRER_TO_SUBMIT_FURTHER_INFORMATION', 'REFERRER_TO_REVIEW_RESPONSE']).toContain(a?.status);
    }
    const wrongList = await worklist([listType('REFERRALS_FOR_REVIEW')], {}, '/STU3/CommunicationRequest/$ers.fetchworklist');
    expect((await outcomeOf(wrongList)).code).toBe('INVALID_CODE');
  });
});

describe('local e-RS: reference data (A004)', () => {
  let t: TestEmulator;
  beforeAll(async () => {
    t = await startTestEmulator();
  });
  afterAll(async () => {
    await t.close();
  });

  it('serves each e-RS code system with its URL under the server’s base', async () => {
    for (const name of [
      'SPECIALTY',
      'CLINIC-TYPE',
      'PRIORITY',
      'APPOINTMENT-CANCELLATION-REASON',
      'REFERRAL-CANCELLATION-REASON',
      'APPOINTMENT-NON-ATTENDANCE-REASON',
    ]) {
      const response = await t.fhir(`/STU3/CodeSystem/${name}`, { headers: await t.headers() });
      expect(response.status, name).toBe(200);
      const system = (await response.json()) as { resourceType: string; url: string; concept: { code: string }[] };
      expect(system.resourceType).toBe('CodeSystem');
      expect(system.url).toBe(`${t.emulator.fhirBaseUrl}/STU3/CodeSystem/${name}`);
      expect(system.concept.length).toBeGreaterThan(2);
    }
    const priority = (await (await t.fhir('/STU3/CodeSystem/PRIORITY', { headers: await t.headers() })).json()) as {
      concept: { code: string }[];
    };
    expect(priority.concept.map((c) => c.code)).toEqual(['ROUTINE', 'URGENT', 'TWO_WEEK_WAIT']);
    const unknown = await t.fhir('/STU3/CodeSystem/COLOURS', { headers: await t.headers() });
    expect(unknown.status).toBe(404);
  });

  it('lists the provider rejection reasons A014 accepts', async () => {
    const response = await t.fhir('/STU3/CodeSystem/APPOINTMENT-CANCELLATION-REASON', { headers: await t.headers() });
    const system = (await response.json()) as { concept: { code: string; property: { code: string; valueCoding?: { code: string } }[] }[] };
    const rejections = system.concept
      .filter((c) =>
        c.property.some((p) => p.code === 'appointmentBookingCancellationReasonType' && p.valueCoding?.code === 'PROVIDER_REJECT'),
      )
      .map((c) => c.code);
    expect(rejections).toEqual(expect.arrayContaining(['SERVICE_INAPPROPRIATE', 'OTHER', 'FURTHER_INFORMATION_REQUIRED']));
  });
});
