import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CONSULTANT_UID } from '../../../local-env/src/users';
import { fhirJson, outcomeOf, startTestEmulator, type TestEmulator } from '../../helpers/ers-emulator';

const SD = 'https://fhir.nhs.uk/STU3/StructureDefinition/';
const CS = 'https://fhir.nhs.uk/STU3/CodeSystem/';
const ADVICE = '000000070000';

interface BundleJson {
  total: number;
  entry: {
    resource: {
      resourceType: string;
      category?: { coding: { code: string }[] }[];
      note?: { text: string }[];
      basedOn?: { reference: string }[];
    };
  }[];
}

describe('local e-RS: advice and guidance (A024, A025, A026, A027, A043)', () => {
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

  const conversation = async (ubrn: string, version: number | undefined) =>
    t.fhir(`/STU3/Communication?based-on=CommunicationRequest/${ubrn}/_history/${version}`, { headers: await t.headers() });
  const reply = async (parameters: unknown[], extra: Record<string, string> = {}, ubrn = ADVICE) =>
    t.fhir(
      `/STU3/CommunicationRequest/${ubrn}/$ers.sendCommunicationToRequester`,
      fhirJson(
        {
          resourceType: 'Parameters',
          meta: { profile: [`${SD}eRS-SendCommunicationToRequester-Request-Parameters-1`] },
          parameter: parameters,
        },
        await t.headers(),
        extra,
      ),
    );
  const outcome = (code: string) => ({ name: 'guidanceOutcome', valueCoding: { system: `${CS}eRS-GuidanceResponseOutcome-1`, code } });
  const priority = { name: 'updatedPriority', valueCoding: { system: `${CS}eRS-Priority-1`, code: 'URGENT' } };
  const guidance = { name: 'guidance', valueString: 'Please send the latest echocardiogram report.' };

  it('serves the request with its ETag, current version only (A024)', async () => {
    const headers = await t.headers();
    const response = await t.fhir(`/STU3/CommunicationRequest/${ADVICE}`, { headers });
    expect(response.status).toBe(200);
    const version = t.emulator.advice(ADVICE)?.version;
    expect(response.headers.get('etag')).toBe(`W/"${version}"`);
    expect(((await response.json()) as { resourceType: string }).resourceType).toBe('CommunicationRequest');
    expect((await t.fhir(`/STU3/CommunicationRequest/${ADVICE}/_history/${version}`, { headers })).status).toBe(200);
    expect((await t.fhir(`/STU3/CommunicationRequest/${ADVICE}/_history/1`, { headers })).status).toBe(404);
    expect(
      (await outcomeOf(await t.fhir('/STU3/CommunicationRequest/000000070001', { headers: await t.headers({ ods: 'R68' }) }))).code,
    ).toBe('NO_RELATIONSHIP');
    expect((await outcomeOf(await t.fhir('/STU3/CommunicationRequest/000000070005', { headers }))).code).toBe('INVALID_REQUEST_TYPE');
  });

  it('serves the conversation for the current version, with the roles and files it mentions (A025)', async () => {
    const item = t.emulator.advice('000000070001');
    const response = await conversation('000000070001', item?.version);
    expect(response.status).toBe(200);
    const bundle = (await response.json()) as BundleJson;
    const types = bundle.entry.map((e) => e.resource.resourceType);
    expect(types.filter((x) => x === 'Communication')).toHaveLength(2);
    expect(types).toContain('PractitionerRole');
    expect(types).toContain('DocumentReference');
    expect(bundle.total).toBe(2);
    expect((await conversation('000000070001', 1)).status).toBe(404);
    const missing = await t.fhir('/STU3/Communication', { headers: await t.headers() });
    expect(missing.status).toBe(400);
    expect((await outcomeOf(missing)).code).toBe('MISSING_PARAMETER');
    const onlyMessages = await t.fhir(
      `/STU3/Communication?based-on=CommunicationRequest/000000070001/_history/${item?.version}&_include=Communication:requester-practitionerrole:PractitionerRole`,
      { headers: await t.headers() },
    );
    expect(((await onlyMessages.json()) as BundleJson).entry.map((e) => e.resource.resourceType)).not.toContain('DocumentReference');
  });

  it('adds the provider’s reply to the conversation and hands the request back to the referrer (A026)', async () => {
    const before = t.emulator.advice(ADVICE);
    const response = await reply([outcome('REQUIRE_FURTHER_INFORMATION'), guidance, priority]);
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      parameter: { name: string; resource: { resourceType: string; meta: { versionId: string } } }[];
    };
    expect(body.parameter.map((p) => [p.name, p.resource.resourceType])).toEqual([
      ['updatedCommunicationRequest', 'CommunicationRequest'],
      ['createdCommunication', 'Communication'],
    ]);
    const after = t.emulator.advice(ADVICE);
    expect(after?.version).toBe((before?.version ?? 0) + 1);
    expect(after?.status).toBe('REFERRER_TO_SUBMIT_FURTHER_INFORMATION');
    expect(after?.priority).toBe('URGENT');
    expect(after?.messages.at(-1)).toMatchObject({
      category: 'RESPONDER',
      text: guidance.valueString,
      sender: { uid: CONSULTANT_UID, ods: 'R69' },
    });

    const thread = (await (await conversation(ADVICE, after?.version)).json()) as BundleJson;
    const messages = thread.entry.filter((e) => e.resource.resourceType === 'Communication');
    expect(messages).toHaveLength((before?.messages.length ?? 0) + 1);
    expect(messages.at(-1)?.resource.note?.[0]?.text).toBe(guidance.valueString);
    expect(messages.at(-1)?.resource.basedOn?.[0]?.reference).toBe(`CommunicationRequest/${ADVICE}/_history/${after?.version}`);

    // It is the referrer's turn now: a second reply is refused.
    expect((await outcomeOf(await reply([outcome('REQUIRE_FURTHER_INFORMATION'), guidance, priority]))).code).toBe('INVALID_REQUEST_STATE');
  });

  it('checks replies as e-RS does', async () => {
    const version = t.emulator.advice(ADVICE)?.version ?? 0;
    expect((await outcomeOf(await reply([outcome('RETURN_TO_REFERRER_WITH_ADVICE'), guidance, priority]))).code).toBe('VALUE_IS_REQUIRED');
    expect((await outcomeOf(await reply([outcome('REQUIRE_FURTHER_INFORMATION'), priority]))).code).toBe('MISSING_VALUE');
    expect((await outcomeOf(await reply([outcome('PROVIDER_CONVERTED'), guidance, priority]))).code).toBe('INAPPROPRIATE_VALUE');
    expect(
      (
        await outcomeOf(
          await reply([outcome('REQUIRE_FURTHER_INFORMATION'), { name: 'guidance', valueString: 'x'.repeat(8001) }, priority]),
        )
      ).code,
    ).toBe('INVALID_VALUE');
    const stale = await reply([outcome('REQUIRE_FURTHER_INFORMATION'), guidance, priority], { 'If-Match': `W/"${version - 1}"` });
    expect(stale.status).toBe(412);
    expect(t.emulator.advice(ADVICE)?.version).toBe(version);
    const recommendation = {
      name: 'guidanceIntendedRecommendation',
      valueCoding: { system: `${CS}eRS-GuidanceIntendedRecommendation-1`, code: 'ADVICE_ONLY_NO_REFERRAL_RECOMMENDED' },
    };
    expect(
      (await reply([outcome('RETURN_TO_REFERRER_WITH_ADVICE'), recommendation, guidance, priority], { 'If-Match': `W/"${version}"` }))
        .status,
    ).toBe(200);
    expect(t.emulator.advice(ADVICE)?.status).toBe('REFERRER_TO_REVIEW_RESPONSE');
  });

  it('converts an authorised request into a referral with the same UBRN, once (A027)', async () => {
    const ubrn = '000049146177';
    await t.emulator.updateAdvice(ubrn, (a) => void (a.conversionAuthorised = true));
    const version = t.emulator.advice(ubrn)?.version;
    const parameters = (v: number | undefined) => ({
      resourceType: 'Parameters',
      meta: { profile: [`${SD}eRS-CreateFromCommunicationRequestActionLater-Request-Parameters-1`] },
      parameter: [
        { name: 'createFrom', valueReference: { reference: `CommunicationRequest/${ubrn}/_history/${v}` } },
        { name: 'guidance', valueString: 'Converted: the cardiology team will book an echocardiogram clinic.' },
        { name: 'newReferralPriority', valueCoding: { system: `${CS}eRS-Priority-1`, code: 'URGENT' } },
        { name: 'reviewComments', valueString: 'Book into the next echo clinic.' },
      ],
    });
    const convert = async (v: number | undefined) =>
      t.fhir('/STU3/ReferralRequest/$ers.createFromCommunicationRequestActionLater', fhirJson(parameters(v), await t.headers()));
    expect((await convert((version ?? 0) - 1)).status).toBe(412);
    const response = await convert(version);
    expect(response.status).toBe(201);
    const referral = t.emulator.referral(ubrn);
    expect(referral).toMatchObject({ ubrn, priority: 'URGENT', convertedFromAdvice: ubrn, status: { code: 'TRIAGED_PROVIDER_TO_ACTION' } });
    expect(referral?.attachments.map((a) => a.title)).toContain(`Advice and guidance conversation - ${ubrn}.pdf`);
    expect(t.emulator.advice(ubrn)?.status).toBe('ADVICE_CONVERTED');
    expect((await t.fhir(`/STU3/ReferralRequest/${ubrn}`, { headers: await t.headers() })).status).toBe(200);
    const again = await convert(t.emulator.advice(ubrn)?.version);
    expect((await outcomeOf(again)).code).toBe('INVALID_REQUEST_STATE');

    await t.emulator.updateAdvice('000000070002', (a) => void (a.conversionAuthorised = false));
    const refused = await t.fhir(
      '/STU3/ReferralRequest/$ers.createFromCommunicationRequestActionLater',
      fhirJson(
        {
          ...parameters(t.emulator.advice('000000070002')?.version),
          parameter: parameters(0).parameter.map((p) =>
            p.name === 'createFrom'
              ? {
                  name: 'createFrom',
                  valueReference: { reference: `CommunicationRequest/000000070002/_history/${t.emulator.advice('000000070002')?.version}` },
                }
              : p,
          ),
        },
        await t.headers(),
      ),
    );
    expect((await outcomeOf(refused)).code).toBe('INVALID_REQUEST_STATE');
  });

  it('generates PDFs: the A&G overview (A043) and a referral’s clinical information (A007)', async () => {
    const overview = await t.fhir(`/STU3/CommunicationRequest/000049146177/$ers.generateCRI`, {
      method: 'POST',
      headers: await t.headers(),
    });
    expect(overview.status).toBe(200);
    expect(overview.headers.get('content-type')).toBe('application/pdf');
    expect(overview.headers.get('content-disposition')).toMatch(/^attachment; filename="000049146177_Advice_And_Guidance_\d{14}\.pdf"$/);
    expect(
      Buffer.from(await overview.arrayBuffer())
        .subarray(0, 5)
        .toString(),
    ).toBe('%PDF-');
    const summary = await t.fhir('/STU3/ReferralRequest/000000070001/$ers.generateCRI', { method: 'POST', headers: await t.headers() });
    expect(summary.status).toBe(200);
    expect(summary.headers.get('content-disposition')).toMatch(/000000070001_Clinical_Information_Summary_\d{14}\.pdf/);
    expect(Number(summary.headers.get('content-length'))).toBe((await summary.arrayBuffer()).byteLength);
    const wrongKind = await t.fhir('/STU3/ReferralRequest/000049146177/$ers.generateCRI', { method: 'POST', headers: await t.headers() });
    expect((await outcomeOf(wrongKind)).code).toBe('INVALID_REQUEST_TYPE');
    const notPdf = await t.fhir('/STU3/ReferralRequest/000000070001/$ers.generateCRI', {
      method: 'POST',
      headers: { ...(await t.headers()), Accept: 'application/fhir+json' },
    });
    expect(notPdf.status).toBe(406);
  });
});
