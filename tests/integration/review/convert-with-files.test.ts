/**
 * Converting an A&G request to a referral with files, round trip against the local e-RS:
 * both files are uploaded (A020, for the request's UBRN) and attached by A027, the guidance
 * file to the referrer's answer and the other to the new referral, and both read back
 * byte for byte.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AdviceScreen } from '../../../contract';
import { CONSULTANT_UID } from '../../../local-env/src/users';
import { signInDirect, startDirectApp, type DirectApp } from '../../helpers/app-direct';

let direct: DirectApp;

beforeAll(async () => {
  direct = await startDirectApp();
  await signInDirect(direct, CONSULTANT_UID, 'R69');
}, 60_000);

afterAll(async () => {
  await direct.close();
});

const OPEN = ['PROVIDER_RESPONSE_REQUIRED', 'REFERRER_TO_SUBMIT_FURTHER_INFORMATION', 'REFERRER_TO_REVIEW_RESPONSE'];

describe('A&G to referral with files, against the local e-RS', () => {
  it('uploads and attaches a file for the referrer and one for the booking team', async () => {
    const rows = (await direct.call('worklist.fetch', { kind: 'advice' })).rows;
    let screen: AdviceScreen | null = null;
    for (const row of rows) {
      const candidate = await direct.call('advice.open', { ubrn: row.ubrn });
      if (candidate.request.conversionAuthorised && OPEN.includes(candidate.request.status?.code ?? '')) {
        screen = candidate;
        break;
      }
    }
    if (!screen) throw new Error('no convertible A&G request in the seed');
    const { ubrn, version } = screen.request;
    const leaflet = new TextEncoder().encode('%PDF-1.4 synthetic leaflet for the referrer');
    const notes = new TextEncoder().encode('Synthetic notes for the booking team.');

    const outcome = await direct.call('advice.convert', {
      ubrn,
      version,
      guidance: 'Synthetic guidance: a referral is needed.',
      priority: 'URGENT',
      reviewComments: 'Synthetic: book into the first-available clinic.',
      guidanceAttachment: { fileName: 'leaflet.pdf', contentType: 'application/pdf', bytes: leaflet },
      referralAttachment: { fileName: 'booking notes.txt', contentType: 'text/plain', bytes: notes },
    });
    expect(outcome).toMatchObject({ status: 'sent', message: 'Advice request converted to a referral.' });

    const operations = direct.local?.emulator.operations() ?? [];
    expect(operations.filter((o) => o.operation === 'A020').map((o) => o.status)).toEqual([201, 201]);
    expect(operations.filter((o) => o.operation === 'A027').map((o) => o.status)).toEqual([201]);

    const { referral } = await direct.call('referral.open', { ubrn });
    const forReferrer = referral.attachments.find((a) => a.title === 'leaflet.pdf');
    const forBooking = referral.attachments.find((a) => a.title === 'booking notes.txt');
    expect(forReferrer?.attachmentType).toBe('GUIDANCE_RESPONSE');
    expect(forBooking?.attachmentType).toBe('PROVIDER');

    const back = await direct.call('referral.attachment', { ubrn, attachmentId: forBooking?.id ?? '' });
    expect(back.kind === 'file' || back.kind === 'text').toBe(true);
    if (back.kind === 'text') expect(back.text).toBe('Synthetic notes for the booking team.');
    if (back.kind === 'file') expect(new TextDecoder().decode(back.bytes)).toBe('Synthetic notes for the booking team.');

    // The referrer sees the file with the guidance, in the conversation.
    const after = await direct.call('advice.open', { ubrn });
    const answer = after.conversation.messages.at(-1);
    expect(answer?.text).toBe('Synthetic guidance: a referral is needed.');
    expect(answer?.attachments.map((a) => a.title)).toEqual(['leaflet.pdf']);
  });
});
