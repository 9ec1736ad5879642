/**
 * Converting an A&G request to a referral with files (A027 takes a file for the referrer
 * with the guidance, and one for the team that books the referral): each is chosen and
 * checked like the other decisions' files, shown on the confirmation, and sent.
 */
import { describe, expect, it } from 'vitest';
import {
  adviceRequest,
  adviceScreen,
  byTestId,
  cleanUpReviewScreens,
  click,
  confirmRows,
  fakeReviewClient,
  makeRow,
  mountReview,
  pickFile,
  until,
  text,
  type,
  withWorklist,
} from './fixtures';

cleanUpReviewScreens();

const AG = '200000000001';
const SENT = { status: 'sent', correlationId: 'c', message: 'Advice request converted to a referral.' } as const;

async function fillConvert(): Promise<void> {
  await click('advice-convert');
  await type('convert-guidance', 'A referral is needed: converted.');
  await type('convert-comments', 'Book into the synthetic lesion clinic.');
}

describe('converting to a referral with files', () => {
  it('sends a file for the referrer and one for the booking team, as the confirmation shows', async () => {
    const client = fakeReviewClient({ 'advice.open': adviceScreen(adviceRequest()), 'advice.convert': SENT });
    withWorklist(client, 'advice', [makeRow(1, { id: AG, ubrn: AG })]);
    await mountReview(client, `/advice/${AG}`);
    await fillConvert();
    await pickFile('convert-guidance-file', new File(['%PDF-1.4 leaflet'], 'leaflet.pdf', { type: 'application/pdf' }));
    await pickFile('convert-referral-file', new File(['Synthetic booking notes'], 'booking notes.txt', { type: 'text/plain' }));
    await until(() => expect(text('convert-guidance-file-chosen')).toContain('leaflet.pdf'));
    await until(() => expect(text('convert-referral-file-chosen')).toContain('booking notes.txt'));
    await click('convert-submit');
    expect(confirmRows()).toMatchObject({
      'File for the referrer': 'leaflet.pdf (16 bytes)',
      'File for the booking team': 'booking notes.txt (23 bytes)',
    });
    await click('confirm-send');
    await until(() => expect(client.inputs('advice.convert')).toHaveLength(1));
    const [sent] = client.inputs('advice.convert');
    expect(sent).toMatchObject({
      ubrn: AG,
      guidance: 'A referral is needed: converted.',
      reviewComments: 'Book into the synthetic lesion clinic.',
    });
    expect(sent?.guidanceAttachment?.fileName).toBe('leaflet.pdf');
    expect(sent?.guidanceAttachment?.contentType).toBe('application/pdf');
    expect(new TextDecoder().decode(sent?.guidanceAttachment?.bytes)).toBe('%PDF-1.4 leaflet');
    expect(sent?.referralAttachment?.fileName).toBe('booking notes.txt');
    expect(new TextDecoder().decode(sent?.referralAttachment?.bytes)).toBe('Synthetic booking notes');
  });

  it('refuses a file e-RS would refuse before anything is sent', async () => {
    const client = fakeReviewClient({ 'advice.open': adviceScreen(adviceRequest()), 'advice.convert': SENT });
    await mountReview(client, `/advice/${AG}`);
    await fillConvert();
    await pickFile('convert-referral-file', new File(['MZ'], 'tool.exe', { type: 'application/x-msdownload' }));
    expect(text('convert-referral-file-error')).toContain('e-RS does not accept this type of file.');
    await click('convert-submit');
    expect(text('convert-errors')).toContain('e-RS does not accept this type of file.');
    expect(byTestId('confirm-dialog')).toBeNull();
    expect(client.inputs('advice.convert')).toEqual([]);
  });

  it('sends no file fields when none is chosen', async () => {
    const client = fakeReviewClient({ 'advice.open': adviceScreen(adviceRequest()), 'advice.convert': SENT });
    await mountReview(client, `/advice/${AG}`);
    await fillConvert();
    await click('convert-submit');
    await click('confirm-send');
    const [sent] = client.inputs('advice.convert');
    expect(sent).not.toHaveProperty('guidanceAttachment');
    expect(sent).not.toHaveProperty('referralAttachment');
  });

  it('names a file chosen in a draft after a restart, to choose again', async () => {
    const drafts = new Map();
    const mounted = await mountReview(fakeReviewClient({ 'advice.open': adviceScreen(adviceRequest()) }, drafts), `/advice/${AG}`);
    await fillConvert();
    await pickFile('convert-guidance-file', new File(['%PDF-1.4 leaflet'], 'leaflet.pdf', { type: 'application/pdf' }));
    mounted.wrapper.unmount();
    await expect.poll(() => drafts.get(`advice-${AG}`)?.form['convert.guidanceFile']).toBe('leaflet.pdf');
    document.body.innerHTML = '';
    await mountReview(fakeReviewClient({ 'advice.open': adviceScreen(adviceRequest()) }, drafts), `/advice/${AG}`);
    expect(text('convert-guidance-file-restored')).toContain('Your draft had leaflet.pdf attached.');
  });
});
