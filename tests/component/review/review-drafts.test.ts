import { afterEach, describe, expect, it, vi } from 'vitest';
import { nextTick } from 'vue';
import type { DraftView } from '../../../contract';
import { TriageError } from '../../../renderer/api/client';
import { DRAFT_DELAY_MS } from '../../../renderer/review/composables/use-draft';
import {
  bookedReferral,
  byTestId,
  choose,
  click,
  fakeReviewClient,
  mountReview,
  need,
  referralScreen,
  rowsFor,
  until,
  text,
  triageReferral,
  type,
  UBRN,
  withWorklist,
  cleanUpReviewScreens,
} from './fixtures';
import { withShownTime } from '../../helpers/shown-time';

const ITEM = `referral-${UBRN}`;

cleanUpReviewScreens();
afterEach(() => {
  vi.useRealTimers();
});

function draft(form: DraftView['form'], savedAt = '2025-03-05T10:31:00Z'): DraftView {
  return { itemId: ITEM, form, savedAt };
}

describe('drafts', () => {
  it('puts a saved draft back into the form when the referral opens', async () => {
    const drafts = new Map([
      [
        ITEM,
        draft({ decision: 'reject', version: '4', 'reject.reason': 'WRONG_SERVICE', 'reject.comments': 'Half-written synthetic comment' }),
      ],
    ]);
    await mountReview(fakeReviewClient({ 'referral.open': referralScreen(bookedReferral()) }, drafts), `/referral/${UBRN}`);
    expect(need('decision-reject').getAttribute('aria-pressed')).toBe('true');
    expect(need<HTMLSelectElement>('reject-reason').value).toBe('WRONG_SERVICE');
    expect(need<HTMLTextAreaElement>('reject-comments').value).toBe('Half-written synthetic comment');
    expect(text('draft-restored')).toMatch(withShownTime(String.raw`^Your draft from {time} is back\.$`));
  });

  it('says when the referral changed since the draft was written', async () => {
    const drafts = new Map([
      [
        ITEM,
        draft({
          decision: 'triage',
          version: '2',
          'triage.outcome': 'ACCEPT_REFER_BOOK_LATER',
          'triage.comments': 'Draft',
          'triage.file': 'plan.pdf',
        }),
      ],
    ]);
    await mountReview(fakeReviewClient({ 'referral.open': referralScreen(triageReferral()) }, drafts), `/referral/${UBRN}`);
    expect(text('draft-restored')).toContain('The referral has changed since you wrote it: check it before you send.');
    expect(text('draft-restored')).not.toMatch(/version/i);
    expect(need<HTMLInputElement>('triage-outcome-ACCEPT_REFER_BOOK_LATER').checked).toBe(true);
    expect(text('triage-file-restored')).toContain(
      'Your draft had plan.pdf attached. Files are not kept in drafts: choose it again to send it.',
    );
  });

  it('drops what a draft holds that e-RS would not accept now', async () => {
    const drafts = new Map([
      [ITEM, draft({ decision: 'triage', version: '4', 'reject.reason': 'RETIRED_CODE', 'reject.comments': 'Kept text' })],
    ]);
    await mountReview(fakeReviewClient({ 'referral.open': referralScreen(bookedReferral()) }, drafts), `/referral/${UBRN}`);
    // Triage is not offered on a booked referral: no form is opened for it.
    expect(byTestId('triage-form')).toBeNull();
    await click('decision-reject');
    expect(need<HTMLSelectElement>('reject-reason').value).toBe('');
    expect(text('draft-restored')).toContain('The reason in your draft is no longer one e-RS accepts: choose a reason again.');
    expect(byTestId('reject-reasons-error')).toBeNull();
    expect(need<HTMLTextAreaElement>('reject-comments').value).toBe('Kept text');
  });

  it('saves the form a moment after typing stops, once, and survives a restart', async () => {
    const drafts = new Map<string, DraftView>();
    const client = fakeReviewClient({ 'referral.open': referralScreen(bookedReferral()) }, drafts);
    const mounted = await mountReview(client, `/referral/${UBRN}`);
    // The draft's delay on a clock the test moves: nothing waits for real time.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    await click('decision-reject');
    await choose('reject-reason', 'CLINICALLY_INAPPROPRIATE');
    await type('reject-comments', 'Synthetic');
    // Still typing: the delay starts again from the last keystroke.
    vi.advanceTimersByTime(DRAFT_DELAY_MS / 2);
    await type('reject-comments', 'Synthetic comment, still typing');
    vi.advanceTimersByTime(DRAFT_DELAY_MS - 1);
    await nextTick();
    expect(client.inputs('draft.save')).toEqual([]);

    vi.advanceTimersByTime(1);
    await until(() => expect(text('draft-saved')).toMatch(/^Draft saved at \d\d:\d\d$/));
    // Once: no save left waiting for an earlier keystroke.
    vi.advanceTimersByTime(DRAFT_DELAY_MS * 2);
    expect(client.inputs('draft.save')).toEqual([
      {
        itemId: ITEM,
        form: {
          decision: 'reject',
          version: '4',
          'reject.reason': 'CLINICALLY_INAPPROPRIATE',
          'reject.comments': 'Synthetic comment, still typing',
          'reject.pas': '',
          'triage.outcome': '',
          'triage.comments': '',
          'triage.priority': '',
          'triage.file': '',
        },
      },
    ]);
    expect(text('draft-saved')).toMatch(/^Draft saved at \d\d:\d\d$/);
    vi.useRealTimers();

    // The app closes and opens again: the main process kept the draft.
    mounted.wrapper.unmount();
    document.body.innerHTML = '';
    await mountReview(fakeReviewClient({ 'referral.open': referralScreen(bookedReferral()) }, drafts), `/referral/${UBRN}`);
    await until(() => expect(need<HTMLTextAreaElement>('reject-comments').value).toBe('Synthetic comment, still typing'));
  });

  it('saves at once what is pending when the user leaves the referral', async () => {
    const drafts = new Map<string, DraftView>();
    const client = fakeReviewClient({ 'referral.open': referralScreen(bookedReferral()) }, drafts);
    const mounted = await mountReview(client, `/referral/${UBRN}`);
    await click('decision-reject');
    await type('reject-comments', 'Written just before leaving');
    await mounted.router.push('/worklists/referrals');
    await until(() => expect(drafts.get(ITEM)?.form['reject.comments']).toBe('Written just before leaving'));
  });

  it('says so when the draft cannot be saved, and the form carries on', async () => {
    const client = fakeReviewClient({
      'referral.open': referralScreen(bookedReferral()),
      'draft.save': new TriageError({ code: 'DRAFT_WRITE', message: 'The disk is full.' }),
    });
    await mountReview(client, `/referral/${UBRN}`);
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    await click('decision-reject');
    await type('reject-comments', 'Not saved');
    vi.advanceTimersByTime(DRAFT_DELAY_MS);
    await until(() => expect(client.inputs('draft.save')).toHaveLength(1));
    await until(() =>
      expect(text('draft-error')).toBe('Your draft could not be saved. Keep this screen open until you send your decision.'),
    );
    expect(need<HTMLTextAreaElement>('reject-comments').value).toBe('Not saved');
  });

  it('is discarded once the decision is sent', async () => {
    const drafts = new Map([
      [ITEM, draft({ decision: 'reject', version: '4', 'reject.reason': 'WRONG_SERVICE', 'reject.comments': 'Final synthetic comment' })],
    ]);
    const client = fakeReviewClient(
      {
        'referral.open': referralScreen(bookedReferral()),
        'referral.reject': { status: 'sent', correlationId: 'c', message: 'Referral rejected.' },
      },
      drafts,
    );
    withWorklist(client, 'referrals', rowsFor([UBRN]));
    await mountReview(client, `/referral/${UBRN}`);
    await click('reject-submit');
    await click('confirm-send');
    expect(client.inputs('referral.reject')).toEqual([
      { ubrn: UBRN, version: '4', reasonCode: 'WRONG_SERVICE', comments: 'Final synthetic comment' },
    ]);
    await until(() => expect(client.inputs('draft.discard')).toEqual([{ itemId: ITEM }]));
    expect(drafts.has(ITEM)).toBe(false);
  });

  it('is kept when the decision could not be sent', async () => {
    const drafts = new Map([
      [ITEM, draft({ decision: 'reject', version: '4', 'reject.reason': 'WRONG_SERVICE', 'reject.comments': 'Kept on failure' })],
    ]);
    const client = fakeReviewClient(
      {
        'referral.open': referralScreen(bookedReferral()),
        'referral.reject': new TriageError({ code: 'ERS_500', message: 'e-RS failed.' }),
      },
      drafts,
    );
    await mountReview(client, `/referral/${UBRN}`);
    await click('reject-submit');
    await click('confirm-send');
    // The send has failed (its error is on screen) before the draft is looked at.
    await until(() => expect(text('decision-error')).toBe('e-RS failed.'));
    expect(client.inputs('draft.discard')).toEqual([]);
    expect(drafts.get(ITEM)?.form['reject.comments']).toBe('Kept on failure');
  });
});
