import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fhirJson, startTestEmulator, type TestEmulator } from '../../helpers/ers-emulator';

const SD = 'https://fhir.nhs.uk/STU3/StructureDefinition/';
const CS = 'https://fhir.nhs.uk/STU3/CodeSystem/';

describe('local e-RS: state in the data directory', () => {
  let t: TestEmulator | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  async function acceptBooked(e: TestEmulator): Promise<number> {
    const version = e.emulator.referral('000000070001')?.version ?? 0;
    const response = await e.fhir('/STU3/ReferralRequest/000000070001/$ers.acceptReferral', {
      method: 'POST',
      headers: { ...(await e.headers()), 'If-Match': `W/"${version}"` },
    });
    expect(response.status).toBe(200);
    return version + 1;
  }

  it('keeps decisions, replies and uploads across a restart', async () => {
    t = await startTestEmulator();
    const accepted = await acceptBooked(t);
    const reply = {
      resourceType: 'Parameters',
      meta: { profile: [`${SD}eRS-SendCommunicationToRequester-Request-Parameters-1`] },
      parameter: [
        { name: 'guidanceOutcome', valueCoding: { system: `${CS}eRS-GuidanceResponseOutcome-1`, code: 'REQUIRE_FURTHER_INFORMATION' } },
        { name: 'guidance', valueString: 'Please send the ECG.' },
        { name: 'updatedPriority', valueCoding: { system: `${CS}eRS-Priority-1`, code: 'ROUTINE' } },
      ],
    };
    expect(
      (await t.fhir('/STU3/CommunicationRequest/000000070000/$ers.sendCommunicationToRequester', fhirJson(reply, await t.headers())))
        .status,
    ).toBe(200);
    const messages = t.emulator.advice('000000070000')?.messages.length;

    await t.restart();
    const referral = await t.fhir('/STU3/ReferralRequest/000000070001', { headers: await t.headers() });
    expect(referral.headers.get('etag')).toBe(`W/"${accepted}"`);
    expect(t.emulator.referral('000000070001')?.review?.outcome).toBe('ACCEPTED');
    expect(t.emulator.advice('000000070000')?.messages.length).toBe(messages);
    expect(t.emulator.advice('000000070000')?.status).toBe('REFERRER_TO_SUBMIT_FURTHER_INFORMATION');

    const files = await readdir(t.dataDir);
    expect(files).toContain('ers-state.json');
    expect(files.filter((f) => f.endsWith('.tmp'))).toEqual([]);
    JSON.parse(await readFile(path.join(t.dataDir, 'ers-state.json'), 'utf8'));
  });

  it('returns to the seed on reset, uploads included', async () => {
    t = await startTestEmulator();
    const seeded = t.emulator.referral('000000070001')?.version;
    await acceptBooked(t);
    const upload = await fetch(`${t.emulator.fhirBaseUrl}/STU3/Binary`, {
      method: 'POST',
      headers: { ...(await t.headers()), 'Content-Type': 'text/plain', 'NHSD-eRS-File-Name': 'note.txt' },
      body: 'note',
    });
    const id = (upload.headers.get('location') ?? '').slice('Binary/'.length);
    expect(t.emulator.binary(id)).toBeDefined();
    await t.emulator.reset();
    expect(t.emulator.referral('000000070001')?.version).toBe(seeded);
    expect(t.emulator.referral('000000070001')?.review).toBeUndefined();
    expect(t.emulator.binary(id)).toBeUndefined();
    expect((await t.fhir(`/STU3/Binary/${id}`, { headers: await t.headers() })).status).toBe(404);
    await t.restart();
    expect(t.emulator.referral('000000070001')?.version).toBe(seeded);
  });

  it('sets aside an unreadable state file and starts from the seed', async () => {
    t = await startTestEmulator();
    await acceptBooked(t);
    await t.emulator.close();
    await writeFile(path.join(t.dataDir, 'ers-state.json'), '{"format": 1, "seed": {');
    await t.restart();
    expect(t.emulator.referral('000000070001')?.review).toBeUndefined();
    expect((await readdir(t.dataDir)).some((f) => f.startsWith('ers-state.unreadable-'))).toBe(true);
  });

  it('starts afresh when asked explicitly for a different seed, and keeps the stored one otherwise', async () => {
    t = await startTestEmulator({ seed: { referenceDate: '2025-03-03', count: 50 } });
    await acceptBooked(t);
    await t.restart({ seed: { referenceDate: '2025-03-03', count: 50 } });
    expect(t.emulator.referral('000000070001')?.review?.outcome).toBe('ACCEPTED');
    await t.restart({ seed: { referenceDate: '2025-03-03', count: 60 } });
    expect(t.emulator.referral('000000070001')?.review).toBeUndefined();
  });
});
