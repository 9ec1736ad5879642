import { describe, expect, it } from 'vitest';
import type { DecisionOutcome } from '../../../contract';
import { TriageError } from '../../../renderer/api/client';
import {
  adviceRequest,
  adviceScreen,
  allByTestId,
  byTestId,
  check,
  choose,
  click,
  confirmRows,
  fakeReviewClient,
  key,
  makeRow,
  mountReview,
  need,
  pickFile,
  until,
  text,
  type,
  withWorklist,
  cleanUpReviewScreens,
} from './fixtures';
import { withShownTime } from '../../helpers/shown-time';

const AG = '200000000001';
const SENT: DecisionOutcome = { status: 'sent', correlationId: 'c', message: 'Advice sent to the referrer.' };

cleanUpReviewScreens();

describe('the A&G screen', () => {
  it('shows the request, the conversation with its files, and the overview PDF first', async () => {
    const client = fakeReviewClient({ 'advice.open': adviceScreen(adviceRequest()) });
    await mountReview(client, `/advice/${AG}`);
    expect(client.inputs('advice.open')).toEqual([{ ubrn: AG }]);
    expect(text('item-heading')).toBe(`Advice request ${AG}`);
    expect(text('summary-nhs-number')).toBe('999 000 0002');
    expect(text('summary-referrer')).toBe('Dr Jo Generalist, organisation B23456');
    expect(text('summary-conversion')).toBe('Allowed by the referrer');

    const messages = allByTestId('advice-message');
    expect(messages).toHaveLength(1);
    expect(messages[0]?.textContent).toContain('Referrer');
    expect(need('advice-message-text').textContent).toBe('Synthetic question about a skin lesion.\nIs a referral needed?');

    expect(text('viewer-title')).toBe('Advice request overview');
    expect(client.inputs('advice.overview')).toEqual([{ ubrn: AG }]);
    await until(() => expect(text('text-content')).toBe('Synthetic advice overview.'));

    await click(need('thread-attachment'));
    expect(text('viewer-title')).toBe('Lesion description.txt');
    await until(() => expect(text('text-content')).toBe('Synthetic advice file att-8.'));
    expect(client.inputs('advice.attachment')).toEqual([{ ubrn: AG, attachmentId: 'att-8' }]);
    expect(allByTestId('attachment-item').map((i) => i.querySelector('.review-attachment__name')?.textContent)).toEqual([
      'Advice request overview',
      'Photo notes.txt',
      'Lesion description.txt',
    ]);
  });

  it('says e-RS did not return the conversation instead of calling it empty', async () => {
    const problem =
      'e-RS did not return the conversation for this request. Reload it later; if it stays missing, tell your IT service desk.';
    const screen = { ...adviceScreen(adviceRequest()), conversationProblem: problem };
    const client = fakeReviewClient({ 'advice.open': { ...screen, conversation: { ...screen.conversation, messages: [] } } });
    await mountReview(client, `/advice/${AG}`);
    expect(text('conversation-problem')).toBe(problem);
    expect(byTestId('advice-thread')?.textContent).not.toContain('There are no messages in this conversation yet.');
    expect(allByTestId('advice-message')).toHaveLength(0);
  });

  it('finds the UBRN of an item the worklist knows by its own id', async () => {
    const client = fakeReviewClient({ 'advice.open': adviceScreen(adviceRequest()) });
    withWorklist(client, 'advice', [makeRow(1, { id: 'ag-1', ubrn: AG })]);
    const mounted = await mountReview(client, '/worklists/advice');
    await mounted.router.push('/advice/ag-1');
    expect(client.inputs('advice.open')).toEqual([{ ubrn: AG }]);
    expect(text('item-heading')).toBe('Advice request ag-1');
  });

  it('says plainly when an item cannot be found', async () => {
    const client = fakeReviewClient({});
    await mountReview(client, '/advice/unknown-id');
    expect(text('review-error')).toContain('This advice request is not in your worklist any more.');
    expect(client.inputs('advice.open')).toEqual([]);
  });

  it('offers reply while the provider owes one, and conversion only when the referrer allowed it', async () => {
    const client = fakeReviewClient({ 'advice.open': adviceScreen(adviceRequest(AG, { conversionAuthorised: false })) });
    const mounted = await mountReview(client, `/advice/${AG}`);
    expect(byTestId('advice-reply')).not.toBeNull();
    expect(byTestId('advice-convert')).toBeNull();
    expect(text('shortcut-help')).toContain('G reply with guidance');
    mounted.wrapper.unmount();
    document.body.innerHTML = '';

    const answered = adviceRequest(AG, {
      status: { code: 'REFERRER_TO_REVIEW_RESPONSE', display: 'Referrer to review response' },
      conversionAuthorised: false,
    });
    await mountReview(fakeReviewClient({ 'advice.open': adviceScreen(answered) }), `/advice/${AG}`);
    expect(byTestId('advice-reply')).toBeNull();
    expect(text('decision-none')).toBe('This advice request is not waiting for your reply (its status is Referrer to review response).');
  });
});

describe('replying', () => {
  it('checks the reply: outcome, the recommendation advice needs, guidance and its length', async () => {
    const client = fakeReviewClient({ 'advice.open': adviceScreen(adviceRequest()) });
    await mountReview(client, `/advice/${AG}`);
    await click('advice-reply');
    expect(need<HTMLSelectElement>('reply-priority').value).toBe('ROUTINE');
    await click('reply-submit');
    expect(text('reply-errors')).toContain('Choose what your reply does.');
    expect(text('reply-errors')).toContain('Write the guidance for the referrer.');

    await check('reply-outcome-RETURN_TO_REFERRER_WITH_ADVICE');
    await type('reply-guidance', 'z'.repeat(8001));
    expect(text('reply-guidance-count')).toBe('You have 1 character too many');
    await click('reply-submit');
    expect(text('reply-errors')).toContain('Choose your intended recommendation.');
    expect(text('reply-errors')).toContain('Guidance must be 8,000 characters or fewer: remove 1.');

    // Asking for more information carries no recommendation, so none is asked for.
    await check('reply-outcome-REQUIRE_FURTHER_INFORMATION');
    expect(byTestId('reply-recommendation')).toBeNull();
    await type('reply-guidance', 'Please send a photograph.');
    await click('reply-submit');
    expect(confirmRows()).toEqual({
      Patient: 'Not checked with PDS NHS number 999 000 0002 (fails its check digit)',
      Reply: 'Ask the referrer for more information',
      'Advice request': '2000 0000 0001',
      Priority: 'Routine',
      Guidance: 'Please send a photograph.',
      Attachment: 'None',
    });
    expect(client.inputs('advice.reply')).toEqual([]);
  });

  it('sends the reply with its recommendation, priority and file, and moves on to the next request', async () => {
    const next = '200000000002';
    const client = fakeReviewClient({ 'advice.open': ({ ubrn }) => adviceScreen(adviceRequest(ubrn)), 'advice.reply': SENT });
    withWorklist(client, 'advice', [
      makeRow(1, { id: AG, ubrn: AG, priority: 'ROUTINE', referralDate: '2025-01-10' }),
      makeRow(2, { id: next, ubrn: next, priority: 'ROUTINE', referralDate: '2025-01-11' }),
    ]);
    const mounted = await mountReview(client, `/advice/${AG}`);
    await click('advice-reply');
    await check('reply-outcome-RETURN_TO_REFERRER_WITH_ADVICE');
    await choose('reply-recommendation', 'ADVICE_ONLY_NO_REFERRAL_RECOMMENDED');
    await type('reply-guidance', 'Synthetic advice: emollients, review in 6 weeks.');
    await choose('reply-priority', 'URGENT');
    await pickFile('reply-file', new File(['Synthetic leaflet text'], 'leaflet.txt', { type: 'text/plain' }));
    await until(() => expect(text('reply-file-chosen')).toContain('leaflet.txt'));
    await click('reply-submit');
    expect(confirmRows()).toEqual({
      Patient: 'Not checked with PDS NHS number 999 000 0002 (fails its check digit)',
      Reply: 'Return to referrer with advice',
      'Advice request': '2000 0000 0001',
      'Intended recommendation': 'Advice only, no referral recommended',
      Priority: 'Urgent',
      Guidance: 'Synthetic advice: emollients, review in 6 weeks.',
      Attachment: 'leaflet.txt (22 bytes)',
    });
    await click('confirm-send');
    const [sent] = client.inputs('advice.reply');
    expect(sent).toMatchObject({
      ubrn: AG,
      outcome: 'RETURN_TO_REFERRER_WITH_ADVICE',
      intendedRecommendation: 'ADVICE_ONLY_NO_REFERRAL_RECOMMENDED',
      guidance: 'Synthetic advice: emollients, review in 6 weeks.',
      priority: 'URGENT',
      attachment: { fileName: 'leaflet.txt', contentType: 'text/plain' },
    });
    expect(new TextDecoder().decode(sent?.attachment?.bytes)).toBe('Synthetic leaflet text');
    await until(() => expect(mounted.router.currentRoute.value.fullPath).toBe(`/advice/${next}?list=advice`));
    await until(() =>
      expect(text('decision-status')).toBe('2000 0000 0001: Advice sent to the referrer. This is the next advice request in your list.'),
    );
  });

  it('keeps the reply and offers a reload when the request changed meanwhile', async () => {
    const client = fakeReviewClient({
      'advice.open': adviceScreen(adviceRequest()),
      'advice.reply': new TriageError({
        code: 'ADVICE_CHANGED',
        message: 'This advice request changed while you were replying. Reload it; your reply is kept as a draft.',
      }),
    });
    await mountReview(client, `/advice/${AG}`);
    await click('advice-reply');
    await check('reply-outcome-REQUIRE_FURTHER_INFORMATION');
    await type('reply-guidance', 'Kept guidance.');
    await click('reply-submit');
    await click('confirm-send');
    await until(() => expect(text('decision-error')).toContain('This advice request changed while you were replying.'));
    await click('advice-reload');
    await until(() => expect(client.inputs('advice.open')).toHaveLength(2));
    expect(byTestId('decision-error')).toBeNull();
    expect(need<HTMLTextAreaElement>('reply-guidance').value).toBe('Kept guidance.');
  });
});

describe('converting to a referral', () => {
  it('checks the fields, shows what will be sent, and sends it against the version shown', async () => {
    const client = fakeReviewClient({
      'advice.open': adviceScreen(adviceRequest()),
      'advice.convert': { status: 'sent', correlationId: 'c', message: 'Advice request converted to a referral.' },
    });
    withWorklist(client, 'advice', [makeRow(1, { id: AG, ubrn: AG })]);
    const mounted = await mountReview(client, `/advice/${AG}`);
    await click('advice-convert');
    await click('convert-submit');
    expect(text('convert-errors')).toContain('Write the guidance for the referrer.');
    expect(text('convert-errors')).toContain('Write comments for the team that books the referral.');

    await type('convert-guidance', 'A referral is needed: converted.');
    await choose('convert-priority', 'URGENT');
    await type('convert-comments', 'Book into the synthetic lesion clinic.');
    await click('convert-submit');
    expect(confirmRows()).toEqual({
      Patient: 'Not checked with PDS NHS number 999 000 0002 (fails its check digit)',
      Decision: 'Convert the advice request to a referral',
      'Advice request': '2000 0000 0001',
      'Priority of the referral': 'Urgent',
      'Guidance for the referrer': 'A referral is needed: converted.',
      'File for the referrer': 'None',
      'Comments for the booking team': 'Book into the synthetic lesion clinic.',
      'File for the booking team': 'None',
    });
    await click('confirm-send');
    expect(client.inputs('advice.convert')).toEqual([
      {
        ubrn: AG,
        version: '3',
        guidance: 'A referral is needed: converted.',
        priority: 'URGENT',
        reviewComments: 'Book into the synthetic lesion clinic.',
      },
    ]);
    await until(() => expect(mounted.router.currentRoute.value.path).toBe('/worklists/advice'));
  });

  it('c opens the conversion form and g the reply form', async () => {
    await mountReview(fakeReviewClient({ 'advice.open': adviceScreen(adviceRequest()) }), `/advice/${AG}`);
    key('c', document.body);
    await until(() => expect(document.activeElement).toBe(need('convert-guidance')));
    key('Escape', document.body);
    (document.activeElement as HTMLElement | null)?.blur();
    key('g', document.body);
    await until(() => expect(byTestId('reply-form')).not.toBeNull());
    expect(byTestId('convert-form')).toBeNull();
  });

  it('keeps an A&G draft through a restart', async () => {
    const drafts = new Map();
    const client = fakeReviewClient({ 'advice.open': adviceScreen(adviceRequest()) }, drafts);
    const mounted = await mountReview(client, `/advice/${AG}`);
    await click('advice-convert');
    await type('convert-guidance', 'Draft guidance');
    await mounted.router.push('/worklists/advice');
    await until(() => expect(drafts.get(`advice-${AG}`)?.form['convert.guidance']).toBe('Draft guidance'));
    mounted.wrapper.unmount();
    document.body.innerHTML = '';
    await mountReview(fakeReviewClient({ 'advice.open': adviceScreen(adviceRequest()) }, drafts), `/advice/${AG}`);
    await until(() => expect(need<HTMLTextAreaElement>('convert-guidance').value).toBe('Draft guidance'));
    expect(text('draft-restored')).toMatch(withShownTime(String.raw`^Your draft from {time} is back\.$`));
  });
});
