/** The waiting clocks on the item's own screen: the same count as the worklist's, as sentences. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  adviceRequest,
  adviceScreen,
  bookedReferral,
  cleanUpReviewScreens,
  conversation,
  fakeReviewClient,
  mountReview,
  need,
  referralScreen,
  text,
  UBRN,
} from './fixtures';

cleanUpReviewScreens();
beforeEach(() => vi.useFakeTimers({ toFake: ['Date'] }));
afterEach(() => vi.useRealTimers());

describe('waiting clocks on the item screens', () => {
  it('the referral screen shows the 2WW and 18-week clocks and a passed appointment as sentences', async () => {
    // Pathway start 1 March 2025; the booked appointment was 10 April 2025; today is 20 April.
    vi.setSystemTime(Date.parse('2025-04-20T12:00:00Z'));
    const client = fakeReviewClient({ 'referral.open': referralScreen(bookedReferral(UBRN, { priority: 'TWO_WEEK_WAIT' })) });
    await mountReview(client, `/referral/${UBRN}`);
    const items = [...need('summary-clocks').querySelectorAll('li')];
    expect(items.map((item) => item.getAttribute('data-state'))).toEqual(['overdue', 'within', 'overdue']);
    expect(items.map((item) => item.textContent?.trim())).toEqual([
      '⚠Two week wait: day 50 of 14 since the pathway start on 1 Mar 2025 — overdue by 36 days (day 14 is 15 Mar 2025).',
      '18-week referral to treatment: day 50 of 126 since the pathway start on 1 Mar 2025 — 76 days left (day 126 is 5 Jul 2025).',
      '⚠Appointment date passed (10 Apr 2025).',
    ]);
  });

  it('the A&G screen counts the reply from the referrer’s last message in working days', async () => {
    // The referrer wrote on Monday 3 March 2025; Thursday is the third working day.
    vi.setSystemTime(Date.parse('2025-03-06T12:00:00Z'));
    const client = fakeReviewClient({ 'advice.open': adviceScreen(adviceRequest()) });
    await mountReview(client, '/advice/200000000001');
    expect(text('summary-clocks').replace(/\s+/g, ' ')).toBe(
      '⚠ A&G reply: working day 3 of 2 since the referrer last wrote on 3 Mar 2025 — overdue by 1 working day (due 5 Mar 2025).',
    );
  });

  it('says no reply is owed once the provider has answered', async () => {
    vi.setSystemTime(Date.parse('2025-03-06T12:00:00Z'));
    const convo = conversation();
    const first = convo.messages[0];
    if (!first) throw new Error('the fixture has a message');
    convo.messages.push({ ...first, id: 'm2', sentBy: 'RESPONDER', sentAt: '2025-03-04T09:00:00Z', attachments: [] });
    const client = fakeReviewClient({ 'advice.open': adviceScreen(adviceRequest(), convo) });
    await mountReview(client, '/advice/200000000001');
    expect(text('summary-clocks')).toBe('No reply is owed now: the last word was the provider’s, or e-RS is waiting for the referrer.');
  });

  it('counts no reply while e-RS says the referrer owes the next word', async () => {
    vi.setSystemTime(Date.parse('2025-03-06T12:00:00Z'));
    const waiting = adviceRequest(undefined, { status: { code: 'REFERRER_TO_SUBMIT_FURTHER_INFORMATION', display: 'Referrer to submit' } });
    const client = fakeReviewClient({ 'advice.open': adviceScreen(waiting) });
    await mountReview(client, '/advice/200000000001');
    expect(text('summary-clocks')).toBe('No reply is owed now: the last word was the provider’s, or e-RS is waiting for the referrer.');
  });
});
