/**
 * Downgrading a two-week wait takes the patient off the suspected-cancer pathway: the
 * confirmation asks a second time, in words that say so, and only an explicit press of
 * that second button sends it. The confirmation names the patient (a place for the name,
 * and the NHS number formatted 3 3 4) and shows no internal version numbers.
 */
import { describe, expect, it } from 'vitest';
import { nextTick } from 'vue';
import type { DecisionOutcome } from '../../../contract';
import {
  adviceRequest,
  adviceScreen,
  byTestId,
  check,
  choose,
  cleanUpReviewScreens,
  click,
  fakeReviewClient,
  key,
  mountReview,
  need,
  referralScreen,
  until,
  text,
  triageReferral,
  type,
  UBRN,
} from './fixtures';

cleanUpReviewScreens();

const SENT: DecisionOutcome = { status: 'sent', correlationId: 'corr-1', message: 'Triage outcome recorded.' };
const AG = '200000000001';

async function triageWithPriority(priority: string): Promise<void> {
  await click('decision-triage');
  await check('triage-outcome-ACCEPT_REFER_BOOK_LATER');
  if (priority !== '') await choose('triage-priority', priority);
  await type('triage-comments', 'Synthetic: book into the general clinic.');
  await click('triage-submit');
}

describe('downgrading a two-week wait in a triage outcome', () => {
  it('asks a second time, saying the patient leaves the 2WW pathway, and sends only on that explicit press', async () => {
    const client = fakeReviewClient({
      'referral.open': referralScreen(triageReferral(UBRN, { priority: 'TWO_WEEK_WAIT' })),
      'referral.recordTriageOutcome': SENT,
    });
    await mountReview(client, `/referral/${UBRN}`);
    await triageWithPriority('URGENT');
    expect(text('confirm-row-priority')).toContain('Change from Two week wait to Urgent');
    expect(text('confirm-send')).toBe('Continue');

    // Ctrl+Enter on the first look goes on to the question, never straight to e-RS.
    key('Enter', need('confirm-dialog'), { ctrlKey: true });
    await until(() => expect(byTestId('confirm-downgrade')).not.toBeNull());
    expect(client.inputs('referral.recordTriageOutcome')).toEqual([]);
    expect(text('confirm-downgrade-text')).toContain('from Two week wait to Urgent');
    expect(text('confirm-downgrade-text')).toContain('takes the patient off the two-week-wait (suspected cancer) pathway');
    expect(need('confirm-dialog').querySelector('h2')?.textContent).toBe('Take this patient off the two-week-wait pathway?');
    // Ctrl+Enter does not answer this question for the user.
    key('Enter', need('confirm-dialog'), { ctrlKey: true });
    await nextTick();
    // Still asking: the question is answered only by a press of its own buttons.
    expect(byTestId('confirm-downgrade')).not.toBeNull();
    expect(client.inputs('referral.recordTriageOutcome')).toEqual([]);

    await click('confirm-downgrade-back');
    expect(byTestId('confirm-downgrade')).toBeNull();
    expect(byTestId('confirm-row-priority')).not.toBeNull();
    expect(client.inputs('referral.recordTriageOutcome')).toEqual([]);

    await click('confirm-send');
    expect(text('confirm-downgrade-send')).toBe('Yes, downgrade to Urgent and record outcome');
    await click('confirm-downgrade-send');
    expect(client.inputs('referral.recordTriageOutcome')).toMatchObject([{ priority: 'URGENT', outcome: 'ACCEPT_REFER_BOOK_LATER' }]);
  });

  it('asks nothing more when the two-week wait stays, or when a priority goes up to it', async () => {
    const kept = fakeReviewClient({
      'referral.open': referralScreen(triageReferral(UBRN, { priority: 'TWO_WEEK_WAIT' })),
      'referral.recordTriageOutcome': SENT,
    });
    await mountReview(kept, `/referral/${UBRN}`);
    await triageWithPriority('');
    expect(text('confirm-send')).toBe('Record outcome');
    await click('confirm-send');
    expect(byTestId('confirm-downgrade')).toBeNull();
    expect(kept.inputs('referral.recordTriageOutcome')).toHaveLength(1);
  });

  it('asks nothing more for an upgrade to a two-week wait', async () => {
    const raised = fakeReviewClient({
      'referral.open': referralScreen(triageReferral(UBRN, { priority: 'ROUTINE' })),
      'referral.recordTriageOutcome': SENT,
    });
    await mountReview(raised, `/referral/${UBRN}`);
    await triageWithPriority('TWO_WEEK_WAIT');
    await click('confirm-send');
    expect(byTestId('confirm-downgrade')).toBeNull();
    expect(raised.inputs('referral.recordTriageOutcome')).toMatchObject([{ priority: 'TWO_WEEK_WAIT' }]);
  });
});

describe('downgrading a two-week wait in an A&G reply', () => {
  it('asks a second time before the reply goes with a lower priority', async () => {
    const client = fakeReviewClient({
      'advice.open': adviceScreen(adviceRequest(AG, { priority: 'TWO_WEEK_WAIT' })),
      'advice.reply': { status: 'sent', correlationId: 'c', message: 'Advice sent to the referrer.' },
    });
    await mountReview(client, `/advice/${AG}`);
    await click('advice-reply');
    await check('reply-outcome-REQUIRE_FURTHER_INFORMATION');
    await type('reply-guidance', 'Synthetic: please send the photographs.');
    await choose('reply-priority', 'ROUTINE');
    await click('reply-submit');
    await click('confirm-send');
    expect(client.inputs('advice.reply')).toEqual([]);
    expect(text('confirm-downgrade-text')).toContain('from Two week wait to Routine');
    await click('confirm-downgrade-send');
    expect(client.inputs('advice.reply')).toMatchObject([{ priority: 'ROUTINE' }]);
  });
});

describe('who the confirmation is about', () => {
  it('shows the NHS number 3 3 4 and no version number; and says when PDS has not checked the name', async () => {
    const referral = triageReferral(UBRN, { nhsNumber: '9990000001', version: '4' });
    await mountReview(fakeReviewClient({ 'referral.open': referralScreen(referral) }), `/referral/${UBRN}`);
    await triageWithPriority('');
    // The synthetic number fails its check digit, and says so; PDS was not asked in this test.
    expect(text('confirm-patient-nhs-number')).toBe('NHS number 999 000 0001 (fails its check digit)');
    expect(text('confirm-patient-name')).toBe('Not checked with PDS');
    expect(text('confirm-dialog')).not.toMatch(/version/i);
  });

  it('puts the patient first, PDS deciding the name even when the referral carries one', async () => {
    const referral = triageReferral(UBRN, { nhsNumber: '999 000 0001', patientName: 'Ada SYNTHETIC' });
    await mountReview(fakeReviewClient({ 'referral.open': referralScreen(referral) }), `/referral/${UBRN}`);
    await triageWithPriority('');
    expect(text('confirm-patient')).toBe('Patient Not checked with PDS NHS number 999 000 0001 (fails its check digit)');
  });
});
