import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { generatedUbrn } from '../../../local-env/src/seed/identifiers';
import { ADMIN_UID, CONSULTANT_UID, SECOND_CONSULTANT_UID } from '../../../local-env/src/users';
import { fhirJson, outcomeOf, startTestEmulator, type TestEmulator } from '../../helpers/ers-emulator';

const BOOKED = '000000070001';
const IBS = '000000070002';
const DEFERRED = '000000070003';
const SD = 'https://fhir.nhs.uk/STU3/StructureDefinition/';
const CS = 'https://fhir.nhs.uk/STU3/CodeSystem/';

interface ReferralJson {
  id: string;
  meta: { versionId: string };
  extension: { url: string; extension?: { url: string; valueCoding?: { code: string }; valueString?: string }[] }[];
  contained: { resourceType: string; status?: string; id: string; content?: { attachment: { url: string; title: string } }[] }[];
}

function stateOf(referral: ReferralJson): { state?: string; reason?: string; comments?: string } {
  const parts = referral.extension.find((e) => e.url === `${SD}Extension-eRS-ReferralState-1`)?.extension ?? [];
  return {
    state: parts.find((p) => p.url === 'state')?.valueCoding?.code,
    reason: parts.find((p) => p.url === 'reason')?.valueCoding?.code,
    comments: parts.find((p) => p.url === 'comments')?.valueString,
  };
}

describe('local e-RS: reading referrals and appointments (A005, A038)', () => {
  let t: TestEmulator;
  beforeAll(async () => {
    t = await startTestEmulator();
  });
  afterAll(async () => {
    await t.close();
  });

  it('serves the current version with its ETag, and refuses any other version', async () => {
    const headers = await t.headers();
    const current = await t.fhir(`/STU3/ReferralRequest/${BOOKED}`, { headers });
    expect(current.status).toBe(200);
    const body = (await current.json()) as ReferralJson;
    expect(current.headers.get('etag')).toBe(`W/"${body.meta.versionId}"`);
    expect((await t.fhir(`/STU3/ReferralRequest/${BOOKED}/_history/${body.meta.versionId}`, { headers })).status).toBe(200);
    const old = await t.fhir(`/STU3/ReferralRequest/${BOOKED}/_history/1`, { headers });
    expect(old.status).toBe(404);
    expect((await outcomeOf(old)).code).toBe('HISTORY_NOT_SUPPORTED');
  });

  it('answers 404 for an unknown UBRN, 400 for a malformed one, 422 for another trust’s referral', async () => {
    const headers = await t.headers();
    expect((await outcomeOf(await t.fhir('/STU3/ReferralRequest/000000099999', { headers }))).code).toBe('REFERENCE_NOT_FOUND');
    const malformed = await t.fhir('/STU3/ReferralRequest/12345', { headers });
    expect(malformed.status).toBe(400);
    const r68 = await t.fhir(`/STU3/ReferralRequest/${BOOKED}`, { headers: await t.headers({ ods: 'R68' }) });
    expect(r68.status).toBe(422);
    expect((await outcomeOf(r68)).code).toBe('NO_RELATIONSHIP');
  });

  it('serves a referral’s appointment by id (A038), current version only', async () => {
    const headers = await t.headers();
    const appointmentId = t.emulator.referral(BOOKED)?.appointment?.id;
    const response = await t.fhir(`/STU3/Appointment/${appointmentId}`, { headers });
    expect(response.status).toBe(200);
    const appointment = (await response.json()) as { resourceType: string; status: string; incomingReferral: { reference: string }[] };
    expect(appointment.resourceType).toBe('Appointment');
    expect(appointment.status).toBe('booked');
    expect(appointment.incomingReferral[0]?.reference).toMatch(new RegExp(`^ReferralRequest/${BOOKED}/_history/\\d+$`));
    expect((await t.fhir(`/STU3/Appointment/${appointmentId}/_history/99`, { headers })).status).toBe(404);
    expect((await t.fhir('/STU3/Appointment/99999999', { headers })).status).toBe(404);
  });
});

describe('local e-RS: decisions change the referral (A013, A014, A028)', () => {
  let t: TestEmulator;
  beforeAll(async () => {
    t = await startTestEmulator();
  });
  beforeEach(async () => {
    await t.emulator.reset();
  });
  afterAll(async () => {
    await t.close();
  });

  const accept = async (ubrn: string, ifMatch: string | null, role = {}) => {
    const headers = await t.headers(role);
    if (ifMatch !== null) headers['If-Match'] = ifMatch;
    return t.fhir(`/STU3/ReferralRequest/${ubrn}/$ers.acceptReferral`, { method: 'POST', headers });
  };
  const reject = async (ubrn: string, version: number, parameters: unknown[]) =>
    t.fhir(
      `/STU3/ReferralRequest/${ubrn}/$ers.rejectReferral`,
      fhirJson(
        { resourceType: 'Parameters', meta: { profile: [`${SD}eRS-RejectReferral-Parameters-1`] }, parameter: parameters },
        await t.headers(),
        { 'If-Match': `W/"${version}"` },
      ),
    );
  const reason = (code: string) => ({
    name: 'rejectionReason',
    valueCoding: { system: `${t.emulator.fhirBaseUrl}/STU3/CodeSystem/APPOINTMENT-CANCELLATION-REASON`, code },
  });
  const triage = async (ubrn: string, version: number, parameters: unknown[]) =>
    t.fhir(
      `/STU3/ReferralRequest/${ubrn}/$ers.recordReviewOutcome`,
      fhirJson(
        { resourceType: 'Parameters', meta: { profile: [`${SD}eRS-RecordReviewOutcome-Parameters-1`] }, parameter: parameters },
        await t.headers(),
        { 'If-Match': `W/"${version}"` },
      ),
    );
  const outcome = (code: string) => ({ name: 'reviewOutcome', valueCoding: { system: `${CS}eRS-ReviewOutcome-1`, code } });
  const comments = { name: 'reviewComments', valueString: 'Reviewed in clinic.' };

  it('accepts a booked referral: new version and ETag, history recorded, once only', async () => {
    const before = t.emulator.referral(BOOKED);
    const version = before?.version ?? 0;
    const response = await accept(BOOKED, `W/"${version}"`);
    expect(response.status).toBe(200);
    expect(response.headers.get('etag')).toBe(`W/"${version + 1}"`);
    const body = (await response.json()) as ReferralJson;
    expect(body.meta.versionId).toBe(String(version + 1));
    const after = t.emulator.referral(BOOKED);
    expect(after?.review).toMatchObject({ outcome: 'ACCEPTED', by: CONSULTANT_UID });
    expect(after?.history.at(-1)).toMatchObject({ version: version + 1, action: 'ACCEPTED', by: CONSULTANT_UID, organisation: 'R69' });
    const again = await accept(BOOKED, `W/"${version + 1}"`);
    expect(again.status).toBe(422);
    expect((await outcomeOf(again)).code).toBe('INVALID_REQUEST_STATE');
  });

  it('needs If-Match: 400 when missing or malformed, 412 when another change got there first', async () => {
    const missing = await accept(BOOKED, null);
    expect(missing.status).toBe(400);
    expect((await outcomeOf(missing)).code).toBe('MISSING_HEADER');
    expect((await accept(BOOKED, '7')).status).toBe(400);
    const read = t.emulator.referral(BOOKED)?.version ?? 0;
    const moved = await t.emulator.touchReferral(BOOKED);
    expect(moved).toBe(read + 1);
    const stale = await accept(BOOKED, `W/"${read}"`);
    expect(stale.status).toBe(412);
    expect((await outcomeOf(stale)).diagnostics).toContain(`now version ${moved}`);
    expect(t.emulator.referral(BOOKED)?.review).toBeUndefined();
    expect((await accept(BOOKED, `W/"${moved}"`)).status).toBe(200);
  });

  it('records who acted for whom when a clinician admin accepts', async () => {
    const version = t.emulator.referral(BOOKED)?.version ?? 0;
    const response = await accept(BOOKED, `W/"${version}"`, {
      uid: ADMIN_UID,
      businessFunction: 'SERVICE_PROVIDER_CLINICIAN_ADMIN',
      onBehalfOf: SECOND_CONSULTANT_UID,
    });
    expect(response.status).toBe(200);
    expect(t.emulator.referral(BOOKED)?.history.at(-1)).toMatchObject({ by: ADMIN_UID, onBehalfOf: SECOND_CONSULTANT_UID });
    expect(t.emulator.referral(BOOKED)?.review?.by).toBe(SECOND_CONSULTANT_UID);
  });

  it('rejects a booked referral with a provider rejection reason: REJECTED, appointment cancelled', async () => {
    const version = t.emulator.referral(BOOKED)?.version ?? 0;
    const response = await reject(BOOKED, version, [
      reason('SERVICE_INAPPROPRIATE'),
      { name: 'rejectionComments', valueString: 'Please refer to dermatology.' },
    ]);
    expect(response.status).toBe(200);
    const body = (await response.json()) as ReferralJson;
    expect(stateOf(body)).toEqual({ state: 'REJECTED', reason: 'SERVICE_INAPPROPRIATE', comments: 'Please refer to dermatology.' });
    expect(body.contained.find((c) => c.resourceType === 'Appointment')?.status).toBe('cancelled');
  });

  it('refuses rejections e-RS would refuse', async () => {
    const version = t.emulator.referral(BOOKED)?.version ?? 0;
    const notARejection = await reject(BOOKED, version, [reason('PATIENT_HOLIDAY')]);
    expect((await outcomeOf(notARejection)).code).toBe('INVALID_CODE');
    const placeholder = await reject(BOOKED, version, [
      { name: 'rejectionReason', valueCoding: { system: '_baseurl_/STU3/CodeSystem/APPOINTMENT-CANCELLATION-REASON', code: 'OTHER' } },
    ]);
    expect((await outcomeOf(placeholder)).code).toBe('INVALID_CODE');
    expect((await outcomeOf(await reject(BOOKED, version, []))).code).toBe('MISSING_VALUE');
    expect((await outcomeOf(await reject(BOOKED, version, [reason('OTHER'), { name: 'why', valueString: 'x' }]))).code).toBe(
      'UNEXPECTED_FIELD',
    );
    expect(
      (await outcomeOf(await reject(BOOKED, version, [reason('OTHER'), { name: 'appointmentCancelledInPAS', valueBoolean: true }]))).code,
    ).toBe('FIELD_NOT_PERMITTED');
    const ibsVersion = t.emulator.referral(IBS)?.version ?? 0;
    expect((await outcomeOf(await reject(IBS, ibsVersion, [reason('OTHER')]))).code).toBe('VALUE_IS_REQUIRED');
    expect((await reject(IBS, ibsVersion, [reason('OTHER'), { name: 'appointmentCancelledInPAS', valueBoolean: true }])).status).toBe(200);
    expect(t.emulator.referral(BOOKED)?.version).toBe(version);
  });

  it('does not accept or reject a referral that is not booked for review', async () => {
    const deferred = t.emulator.referral(DEFERRED);
    const response = await accept(DEFERRED, `W/"${deferred?.version}"`);
    expect(response.status).toBe(422);
    expect((await outcomeOf(response)).code).toBe('INVALID_REQUEST_STATE');
  });

  it('records a triage outcome on a deferred referral: accept and book later keeps it with the provider', async () => {
    const version = t.emulator.referral(DEFERRED)?.version ?? 0;
    const response = await triage(DEFERRED, version, [
      { name: 'reviewPriority', valueCoding: { system: `${CS}eRS-Priority-1`, code: 'TWO_WEEK_WAIT' } },
      outcome('ACCEPT_REFER_BOOK_LATER'),
      comments,
    ]);
    expect(response.status).toBe(200);
    expect(stateOf((await response.json()) as ReferralJson)).toEqual({
      state: 'TRIAGED_PROVIDER_TO_ACTION',
      reason: 'ACCEPT_REFER_BOOK_LATER',
      comments: 'Reviewed in clinic.',
    });
    const after = t.emulator.referral(DEFERRED);
    expect(after?.priority).toBe('TWO_WEEK_WAIT');
    expect(after?.appointment).toMatchObject({
      status: 'proposed',
      reason: { code: 'ACCEPT_REFER_BOOK_LATER' },
      comment: 'Reviewed in clinic.',
    });
    const again = await triage(DEFERRED, version + 1, [outcome('RETURN_TO_REFERRER_WITH_ADVICE'), comments]);
    expect((await outcomeOf(again)).code).toBe('INVALID_REQUEST_STATE');
  });

  it('returns a triage referral to the referrer with advice and an uploaded file', async () => {
    const ubrn = [...Array(60).keys()].map(generatedUbrn).find((u) => {
      const r = t.emulator.referral(u);
      return r?.status.code === 'AWAITING_TRIAGE' && r.serviceId !== null && r.commissioningRuleOrg === 'R69';
    });
    expect(ubrn).toBeDefined();
    const headers = await t.headers();
    const upload = await fetch(`${t.emulator.fhirBaseUrl}/STU3/Binary`, {
      method: 'POST',
      headers: { ...headers, 'Content-Type': 'text/plain', 'NHSD-eRS-File-Name': 'advice.txt', 'NHSD-eRS-Referral-ID': ubrn ?? '' },
      body: 'Advice for the referrer.',
    });
    expect(upload.status).toBe(201);
    const binary = upload.headers.get('location') ?? '';
    const file = {
      name: 'reviewAttachmentFile',
      resource: {
        resourceType: 'DocumentReference',
        type: { coding: [{ system: `${CS}eRS-AttachmentType-1`, code: 'PROVIDER' }] },
        status: 'current',
        description: 'Advice',
        content: [{ attachment: { url: binary } }],
      },
    };
    const version = t.emulator.referral(ubrn ?? '')?.version ?? 0;
    const priorityChange = await triage(ubrn ?? '', version, [
      outcome('RETURN_TO_REFERRER_WITH_ADVICE'),
      comments,
      {
        name: 'reviewPriority',
        valueCoding: { system: `${CS}eRS-Priority-1`, code: t.emulator.referral(ubrn ?? '')?.priority === 'URGENT' ? 'ROUTINE' : 'URGENT' },
      },
    ]);
    expect((await outcomeOf(priorityChange)).code).toBe('PRIORITY_NOT_CURRENT');
    const response = await triage(ubrn ?? '', version, [outcome('RETURN_TO_REFERRER_WITH_ADVICE'), comments, file]);
    expect(response.status).toBe(200);
    const body = (await response.json()) as ReferralJson;
    expect(stateOf(body).state).toBe('TRIAGE_RESPONSE');
    const attached = body.contained.filter((c) => c.resourceType === 'DocumentReference').map((c) => c.content?.[0]?.attachment);
    expect(attached).toContainEqual(expect.objectContaining({ url: binary, title: 'advice.txt' }));
    // The same upload cannot be attached twice.
    await t.emulator.updateReferral(ubrn ?? '', (r) => {
      r.status = { code: 'AWAITING_TRIAGE' };
      delete r.review;
    });
    const twice = await triage(ubrn ?? '', version + 1, [outcome('RETURN_TO_REFERRER_WITH_ADVICE'), comments, file]);
    expect((await outcomeOf(twice)).code).toBe('DUPLICATE_FILENAME');
  });

  it('refuses a triage outcome e-RS does not support here, or a file uploaded for another referral', async () => {
    const version = t.emulator.referral(DEFERRED)?.version ?? 0;
    expect((await outcomeOf(await triage(DEFERRED, version, [outcome('CANCEL_APPOINTMENT_ACTION_LATER'), comments]))).code).toBe(
      'INVALID_CODE',
    );
    expect((await outcomeOf(await triage(DEFERRED, version, [outcome('ACCEPT_REFER_BOOK_LATER')]))).code).toBe('MISSING_VALUE');
    const foreign = {
      name: 'reviewAttachmentFile',
      resource: {
        resourceType: 'DocumentReference',
        type: { coding: [{ system: `${CS}eRS-AttachmentType-1`, code: 'PROVIDER' }] },
        content: [{ attachment: { url: 'Binary/a7c98bb4-c0d0-4094-b26d-8dbd1677edc8' } }],
      },
    };
    expect((await outcomeOf(await triage(DEFERRED, version, [outcome('ACCEPT_REFER_BOOK_LATER'), comments, foreign]))).code).toBe(
      'INAPPROPRIATE_VALUE',
    );
    const missing = {
      ...foreign,
      resource: { ...foreign.resource, content: [{ attachment: { url: 'Binary/00000000-0000-4000-8000-000000000000' } }] },
    };
    expect((await outcomeOf(await triage(DEFERRED, version, [outcome('ACCEPT_REFER_BOOK_LATER'), comments, missing]))).code).toBe(
      'REFERENCE_NOT_FOUND',
    );
    expect(t.emulator.referral(DEFERRED)?.version).toBe(version);
  });

  it('lists what the user may do now (A029), for the current version only', async () => {
    const headers = await t.headers();
    const version = t.emulator.referral(DEFERRED)?.version;
    const response = await t.fhir(`/STU3/Task?focus=ReferralRequest/${DEFERRED}/_history/${version}&intent=proposal&status=ready`, {
      headers,
    });
    expect(response.status).toBe(200);
    const bundle = (await response.json()) as { entry: { resource: { code: { coding: { code: string }[] } } }[] };
    expect(bundle.entry.map((e) => e.resource.code.coding[0]?.code)).toContain('RECORD_REVIEW_OUTCOME');
    const stale = await t.fhir(`/STU3/Task?focus=ReferralRequest/${DEFERRED}/_history/1&intent=proposal&status=ready`, { headers });
    expect(stale.status).toBe(400);
    expect((await outcomeOf(stale)).code).toBe('HISTORY_NOT_SUPPORTED');
    expect(
      (await t.fhir(`/STU3/Task?focus=ReferralRequest/${DEFERRED}/_history/${version}&intent=order&status=ready`, { headers })).status,
    ).toBe(400);
    expect((await t.fhir('/STU3/Task?intent=proposal&status=ready', { headers })).status).toBe(400);
  });
});
