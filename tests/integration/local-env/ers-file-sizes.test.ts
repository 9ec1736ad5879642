/**
 * The emulator knows each attachment's size as e-RS does, without drawing the file again:
 * a seeded document is drawn at most once per data directory, whether A005 asks its size
 * (to list it) or A006/A042 its bytes, two at once or after a restart.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { EXAMPLE_REFERRAL_UBRNS } from '../../../local-env/src/seed/example-items';
import { startTestEmulator, testRenderDocument, type TestEmulator } from '../../helpers/ers-emulator';

let t: TestEmulator | null = null;
afterEach(async () => {
  await t?.close();
  t = null;
});

interface ListedAttachment {
  url: string;
  size: number;
}

async function listedAttachments(te: TestEmulator, ubrn: string): Promise<ListedAttachment[]> {
  const response = await te.fhir(`/STU3/ReferralRequest/${ubrn}`, { headers: await te.headers() });
  expect(response.status).toBe(200);
  const body = (await response.json()) as {
    contained?: { resourceType: string; content?: { attachment?: { url?: string; size?: number } }[] }[];
  };
  return (body.contained ?? [])
    .filter((r) => r.resourceType === 'DocumentReference')
    .flatMap((r) => r.content ?? [])
    .map((c) => ({ url: c.attachment?.url ?? '', size: c.attachment?.size ?? -1 }));
}

describe('local e-RS: attachment sizes and bytes, drawn once', () => {
  it('draws each file once for A005 and the downloads after it, and not at all after a restart', async () => {
    const te = (t = await startTestEmulator());
    const ubrn = EXAMPLE_REFERRAL_UBRNS.find((u) => (te.emulator.referral(u)?.attachments.length ?? 0) >= 2) ?? '';
    const referral = te.emulator.referral(ubrn);
    expect(referral).toBeDefined();
    const binaries = (referral?.attachments ?? []).map((a) => te.emulator.binary(a.binaryId));

    const listed = await listedAttachments(te, ubrn);
    expect(listed.length).toBe(binaries.length);
    const drawnToList = te.emulator.documentsDrawn();
    expect(drawnToList).toBe(binaries.filter((b) => b?.content.source === 'document').length);

    // Each size is the file's real length, and its bytes are what the renderer draws.
    for (const binary of binaries) {
      if (!binary || binary.content.source !== 'document' || binary.availability !== 'AVAILABLE') continue;
      const expected = await testRenderDocument(binary.content.spec);
      const entry = listed.find((l) => l.url.endsWith(binary.id));
      expect(entry?.size).toBe(expected.length);
      // Two downloads at once: one drawing between them (none here, it is kept).
      const [a, b] = await Promise.all(
        [0, 1].map(async () => {
          const response = await te.fhir(`/STU3/Binary/${binary.id}`, { headers: await te.headers() });
          expect(response.status).toBe(200);
          return Buffer.from(await response.arrayBuffer());
        }),
      );
      expect(a?.equals(Buffer.from(expected))).toBe(true);
      expect(b?.equals(Buffer.from(expected))).toBe(true);
    }
    expect(te.emulator.documentsDrawn()).toBe(drawnToList);

    // A restart on the same data directory reads sizes and bytes from what it kept.
    await te.restart();
    expect(await listedAttachments(te, ubrn)).toEqual(listed);
    const first = binaries.find((b) => b?.availability === 'AVAILABLE');
    if (first) expect((await te.fhir(`/STU3/Binary/${first.id}`, { headers: await te.headers() })).status).toBe(200);
    expect(te.emulator.documentsDrawn()).toBe(0);
  });

  it('draws a file once when it is asked for twice at once before it was ever drawn', async () => {
    const te = (t = await startTestEmulator());
    const ubrn = EXAMPLE_REFERRAL_UBRNS.find((u) =>
      te.emulator.referral(u)?.attachments.some((a) => te.emulator.binary(a.binaryId)?.availability === 'AVAILABLE'),
    );
    const id = te.emulator
      .referral(ubrn ?? '')
      ?.attachments.find((a) => te.emulator.binary(a.binaryId)?.availability === 'AVAILABLE')?.binaryId;
    expect(id).toBeDefined();
    const statuses = await Promise.all(
      [0, 1, 2].map(async () => (await te.fhir(`/STU3/Binary/${id}`, { headers: await te.headers() })).status),
    );
    expect(statuses).toEqual([200, 200, 200]);
    expect(te.emulator.documentsDrawn()).toBe(1);
  });
});
