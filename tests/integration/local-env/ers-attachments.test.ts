import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLE_BINARY_ID } from '../../../local-env/src/seed/example-items';
import { generatedUbrn } from '../../../local-env/src/seed/identifiers';
import { outcomeOf, startTestEmulator, testRenderDocument, type TestEmulator } from '../../helpers/ers-emulator';

const UNAVAILABLE_REFERRAL = '000000070012';

describe('local e-RS: attachments (A006, A042, A020) and the object store', () => {
  let t: TestEmulator;
  let clock = Date.now();
  beforeAll(async () => {
    t = await startTestEmulator({ now: () => new Date(clock), signedUrlTtlSeconds: 30 });
  });
  afterAll(async () => {
    await t.close();
  });

  const expected = async () => {
    const binary = t.emulator.binary(EXAMPLE_BINARY_ID);
    if (!binary || binary.content.source !== 'document') throw new Error('The example letter is missing from the seed.');
    return Buffer.from(await testRenderDocument(binary.content.spec));
  };

  it('serves a file through A006 with its type and file name', async () => {
    const response = await t.fhir(`/STU3/Binary/${EXAMPLE_BINARY_ID}`, { headers: await t.headers() });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/pdf');
    expect(response.headers.get('content-disposition')).toBe('attachment; filename="referral-letter.pdf"');
    expect(Buffer.from(await response.arrayBuffer()).equals(await expected())).toBe(true);
  });

  it('redirects A042 to a short-lived signed URL on another origin that refuses an Authorization header', async () => {
    const headers = await t.headers();
    const redirect = await t.fhir(`/R4/Binary/${EXAMPLE_BINARY_ID}`, { headers });
    expect(redirect.status).toBe(307);
    const location = new URL(redirect.headers.get('location') ?? '');
    expect(location.origin).toBe(t.emulator.objectStoreOrigin);
    expect(location.origin).not.toBe(t.emulator.origin);

    const download = await fetch(location);
    expect(download.status).toBe(200);
    expect(Buffer.from(await download.arrayBuffer()).equals(await expected())).toBe(true);

    // A client that forwards its e-RS token across the redirect is refused, as a real object store refuses it.
    const withToken = await fetch(location, { headers: { Authorization: headers.Authorization ?? '' } });
    expect(withToken.status).toBe(400);
    expect(await withToken.text()).toContain('Only one auth mechanism allowed');

    const tampered = new URL(location);
    tampered.searchParams.set('expires', String(Number(location.searchParams.get('expires')) + 3600));
    expect((await fetch(tampered)).status).toBe(403);

    clock += 31_000;
    const late = await fetch(location);
    expect(late.status).toBe(403);
    expect(await late.text()).toContain('expired');
    clock = Date.now();
  });

  it('works with a client that follows the redirect itself, as fetch does (it drops Authorization across origins)', async () => {
    const followed = await fetch(`${t.emulator.fhirBaseUrl}/R4/Binary/${EXAMPLE_BINARY_ID}`, { headers: await t.headers() });
    expect(followed.status).toBe(200);
    expect(followed.url.startsWith(t.emulator.objectStoreOrigin)).toBe(true);
    expect(Buffer.from(await followed.arrayBuffer()).equals(await expected())).toBe(true);
  });

  it('refuses files e-RS has not released, with the availability as the error code', async () => {
    const referral = t.emulator.referral(UNAVAILABLE_REFERRAL);
    const headers = await t.headers();
    const codes: string[] = [];
    for (const attachment of referral?.attachments ?? []) {
      const stu3 = await t.fhir(`/STU3/Binary/${attachment.binaryId}`, { headers });
      expect(stu3.status).toBe(422);
      const code = (await outcomeOf(stu3)).code ?? '';
      codes.push(code);
      const r4 = await t.fhir(`/R4/Binary/${attachment.binaryId}`, { headers });
      expect(r4.status).toBe(422);
      const body = (await r4.json()) as { issue: { details: { coding: { system: string; code: string }[] } }[] };
      expect(body.issue[0]?.details.coding[0]).toEqual({ system: 'https://fhir.nhs.uk/CodeSystem/ers-error-codes', code });
    }
    expect(codes).toEqual(['PENDING', 'THREATS_FOUND', 'VALIDATION_FAILED']);
  });

  it('answers 404 for an unknown file, 400 (R4) for a malformed id, 403 for another trust’s file', async () => {
    const headers = await t.headers();
    expect((await t.fhir('/STU3/Binary/00000000-0000-4000-8000-000000000000', { headers })).status).toBe(404);
    expect((await t.fhir('/R4/Binary/not-an-id', { headers })).status).toBe(400);
    const r68 = await t.fhir(`/STU3/Binary/${EXAMPLE_BINARY_ID}`, { headers: await t.headers({ ods: 'R68' }) });
    expect(r68.status).toBe(403);
    expect((await outcomeOf(r68)).code).toBe('NO_RELATIONSHIP');
  });

  const upload = async (body: BodyInit, contentType: string, fileName: string | null, referralId: string | null = '000000070001') => {
    const headers: Record<string, string> = { ...(await t.headers()), 'Content-Type': contentType };
    if (fileName !== null) headers['NHSD-eRS-File-Name'] = fileName;
    if (referralId !== null) headers['NHSD-eRS-Referral-ID'] = referralId;
    return fetch(`${t.emulator.fhirBaseUrl}/STU3/Binary`, { method: 'POST', headers, body });
  };

  it('stores an upload as a Binary (A020) that can then be downloaded, and keeps it across a restart', async () => {
    const pdf = Buffer.from(await testRenderDocument({ kind: 'pdf-letter', seed: 9, title: 'Clinic letter', pages: 1 }));
    const response = await upload(pdf, 'application/pdf', 'clinic-letter.pdf');
    expect(response.status).toBe(201);
    const location = response.headers.get('location') ?? '';
    expect(location).toMatch(/^Binary\/[0-9a-f-]{36}$/);
    const id = location.slice('Binary/'.length);
    expect(t.emulator.binary(id)).toMatchObject({ fileName: 'clinic-letter.pdf', referralId: '000000070001', availability: 'AVAILABLE' });
    await t.restart({ now: () => new Date(clock), signedUrlTtlSeconds: 30 });
    const back = await t.fhir(`/STU3/Binary/${id}`, { headers: await t.headers() });
    expect(back.status).toBe(200);
    expect(Buffer.from(await back.arrayBuffer()).equals(pdf)).toBe(true);
  });

  it('refuses uploads e-RS refuses: too large, empty, wrong type, name and type at odds, no name, another trust’s referral', async () => {
    const tooLarge = await upload(Buffer.alloc(5 * 1024 * 1024 + 1, 65), 'text/plain', 'big.txt');
    expect(tooLarge.status).toBe(422);
    expect((await outcomeOf(tooLarge)).code).toBe('FILE_SIZE_ERROR');
    expect((await upload(Buffer.alloc(5 * 1024 * 1024, 65), 'text/plain', 'limit.txt')).status).toBe(201);
    expect((await outcomeOf(await upload(Buffer.alloc(0), 'text/plain', 'empty.txt'))).code).toBe('FILE_SIZE_ERROR');
    const exe = await upload(Buffer.from('MZ'), 'application/x-msdownload', 'tool.exe');
    expect(exe.status).toBe(415);
    expect((await outcomeOf(exe)).resourceType).toBe('OperationOutcome');
    expect((await outcomeOf(await upload(Buffer.from('text'), 'text/plain', 'notes.pdf'))).code).toBe('CONFLICTING_VALUES');
    expect((await outcomeOf(await upload(Buffer.from('text'), 'text/plain', null))).code).toBe('MISSING_VALUE');
    const foreign = await upload(
      Buffer.from('text'),
      'text/plain',
      'notes.txt',
      [...Array(200).keys()].map(generatedUbrn).find((u) => t.emulator.referral(u)?.commissioningRuleOrg === 'R68') ?? null,
    );
    expect((await outcomeOf(foreign)).code).toBe('INAPPROPRIATE_VALUE');
  });

  it('refuses A006 for files over 5 MB, which A042 still serves', async () => {
    const large = await startTestEmulator({ seed: { large: true, count: 400, referenceDate: '2025-03-03' } });
    try {
      const referral = [...Array(400).keys()]
        .map((i) => large.emulator.referral(generatedUbrn(i)))
        .find(
          (r) =>
            r?.commissioningRuleOrg === 'R69' &&
            r.attachments.some((a) => {
              const b = large.emulator.binary(a.binaryId);
              return b?.content.source === 'document' && b.content.spec.large === true && b.availability === 'AVAILABLE';
            }),
        );
      expect(referral).toBeDefined();
      const attachment = referral?.attachments.find((a) => {
        const b = large.emulator.binary(a.binaryId);
        return b?.content.source === 'document' && b.content.spec.large === true;
      });
      const headers = await large.headers();
      const stu3 = await large.fhir(`/STU3/Binary/${attachment?.binaryId}`, { headers });
      expect(stu3.status).toBe(422);
      expect((await outcomeOf(stu3)).code).toBe('FILE_SIZE_ERROR');
      const r4 = await large.fhir(`/R4/Binary/${attachment?.binaryId}`, { headers });
      expect(r4.status).toBe(307);
      const bytes = await (await fetch(r4.headers.get('location') ?? '')).arrayBuffer();
      expect(bytes.byteLength).toBeGreaterThan(5 * 1024 * 1024);
    } finally {
      await large.close();
    }
  });
});
