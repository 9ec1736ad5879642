import { describe, expect, it } from 'vitest';
import { CLOCK_FILTERS, clockSummary, londonDayNumber, matchesClockFilter, waitingClocks, type ClockDates } from '../../../contract';

const at = (iso: string): number => Date.parse(iso);
const referral = (overrides: Partial<ClockDates>): ClockDates => ({
  priority: 'ROUTINE',
  pathwayStart: null,
  appointmentStart: null,
  adviceWaitingSince: null,
  ...overrides,
});

describe('waiting clocks (contract/waiting-clocks.ts)', () => {
  it('counts a 2WW referral against 14 days: day 14 is the last day, day 15 is overdue, said in words', () => {
    const start = '2026-11-02T09:15:00Z';
    const last = waitingClocks(referral({ priority: 'TWO_WEEK_WAIT', pathwayStart: start }), at('2026-11-16T16:00:00Z'));
    expect(last.clocks.map((c) => c.kind)).toEqual(['two-week-wait', 'rtt']);
    expect(last.clocks[0]).toMatchObject({
      day: 14,
      limit: 14,
      remaining: 0,
      state: 'due-soon',
      status: 'Last day',
      dueDate: '2026-11-16',
    });
    const over = waitingClocks(referral({ priority: 'TWO_WEEK_WAIT', pathwayStart: start }), at('2026-11-17T08:00:00Z'));
    expect(over.clocks[0]).toMatchObject({ day: 15, state: 'overdue', text: '2WW day 15 of 14 — overdue by 1 day' });
    expect(over.clocks[0]?.sentence).toBe(
      'Two week wait: day 15 of 14 since the pathway start on 2 Nov 2026 — overdue by 1 day (day 14 is 16 Nov 2026).',
    );
    expect(over.clocks[1]).toMatchObject({ kind: 'rtt', day: 15, limit: 126, state: 'within', text: 'RTT day 15 of 126 — 111 days left' });
    expect(over.urgency).toBe(-1);
  });

  it('counts days in Europe/London: a pathway start at 00:30 BST belongs to that day, not the UTC day before', () => {
    // 2026-07-01 00:30 BST is 2026-06-30 23:30 UTC.
    const clocks = waitingClocks(referral({ priority: 'TWO_WEEK_WAIT', pathwayStart: '2026-06-30T23:30:00Z' }), at('2026-07-15T22:30:00Z'));
    // 22:30 UTC on 15 July is 23:30 BST, still 15 July: day 14, not 15.
    expect(clocks.clocks[0]).toMatchObject({ day: 14, state: 'due-soon' });
    // Across the clocks going back in October, days stay whole calendar days.
    const autumn = waitingClocks(referral({ pathwayStart: '2026-10-20T10:00:00Z' }), at('2026-10-27T00:30:00Z'));
    expect(autumn.clocks[0]?.day).toBe(7);
  });

  it('puts routine and urgent referrals on the 18-week clock only: 126 days, overdue on day 127', () => {
    const start = '2026-01-05';
    const within = waitingClocks(referral({ priority: 'URGENT', pathwayStart: start }), at('2026-05-11T12:00:00Z'));
    expect(within.clocks).toHaveLength(1);
    expect(within.clocks[0]).toMatchObject({ kind: 'rtt', day: 126, remaining: 0, status: 'Last day' });
    const over = waitingClocks(referral({ priority: 'URGENT', pathwayStart: start }), at('2026-05-12T12:00:00Z'));
    expect(over.clocks[0]).toMatchObject({ day: 127, state: 'overdue', status: 'Overdue by 1 day' });
    expect(within.clocks[0]?.state).toBe('due-soon');
    expect(waitingClocks(referral({ pathwayStart: start }), at('2026-03-01T12:00:00Z')).clocks[0]?.state).toBe('within');
  });

  it('gives an A&G reply two working days from the referrer’s last word, skipping the weekend', () => {
    // Friday 27 November 2026.
    const since = '2026-11-27T15:00:00Z';
    const on = (iso: string) => waitingClocks(referral({ adviceWaitingSince: since }), at(iso)).clocks[0];
    expect(on('2026-11-28T10:00:00Z')).toMatchObject({ kind: 'advice', day: 0, remaining: 2, state: 'within' }); // Saturday
    expect(on('2026-11-30T10:00:00Z')).toMatchObject({ day: 1, remaining: 1, state: 'due-soon' }); // Monday
    expect(on('2026-12-01T10:00:00Z')).toMatchObject({ day: 2, status: 'Due today', dueDate: '2026-12-01' }); // Tuesday
    expect(on('2026-12-02T10:00:00Z')).toMatchObject({ day: 3, state: 'overdue', text: 'A&G reply day 3 of 2 — overdue by 1 working day' });
    // A request waiting for years costs no more than a new one, and still counts right: 5 working days a week.
    expect(on('2027-11-26T10:00:00Z')?.day).toBe(52 * 5);
  });

  it('says when a booked appointment’s time has passed, and counts it as due now', () => {
    const clocks = waitingClocks(
      referral({ pathwayStart: '2026-11-01', appointmentStart: '2026-11-20T09:30:00Z' }),
      at('2026-11-20T09:31:00Z'),
    );
    expect(clocks.appointmentPassed).toBe(true);
    expect(clocks.appointmentText).toBe('Appointment date passed (20 Nov 2026)');
    expect(clocks.urgency).toBe(0);
    const before = waitingClocks(
      referral({ pathwayStart: '2026-11-01', appointmentStart: '2026-11-20T09:30:00Z' }),
      at('2026-11-20T09:29:00Z'),
    );
    expect(before).toMatchObject({ appointmentPassed: false, appointmentText: null });
  });

  it('shows no clock where e-RS gave no date, and such an item sorts last', () => {
    const none = waitingClocks(referral({ pathwayStart: null }), at('2026-11-20T09:31:00Z'));
    expect(none.clocks).toEqual([]);
    expect(none.urgency).toBe(Number.POSITIVE_INFINITY);
    expect(waitingClocks(referral({ pathwayStart: 'not a date' }), 0).clocks).toEqual([]);
  });

  it('summarises for a list exactly as it counts in words', () => {
    const now = at('2026-11-20T12:00:00Z');
    const cases: ClockDates[] = [
      referral({ priority: 'TWO_WEEK_WAIT', pathwayStart: '2026-11-01' }),
      referral({ priority: 'TWO_WEEK_WAIT', pathwayStart: '2026-11-08T23:30:00Z', appointmentStart: '2026-11-19T10:00:00Z' }),
      referral({ pathwayStart: '2026-05-01T09:00:00Z' }),
      referral({ adviceWaitingSince: '2026-11-18T09:00:00Z' }),
      referral({}),
    ];
    for (const dates of cases) {
      const words = waitingClocks(dates, now);
      const summary = clockSummary(dates, now);
      expect(summary.urgency).toBe(words.urgency);
      for (const filter of CLOCK_FILTERS) expect(matchesClockFilter(summary, filter), filter).toBe(matchesClockFilter(words, filter));
    }
  });

  it('answers each clock filter', () => {
    const now = at('2026-11-20T12:00:00Z');
    const twoWeekOver = waitingClocks(referral({ priority: 'TWO_WEEK_WAIT', pathwayStart: '2026-11-01' }), now);
    const rttOver = waitingClocks(referral({ pathwayStart: '2026-05-01' }), now);
    const adviceOver = waitingClocks(referral({ adviceWaitingSince: '2026-11-10T09:00:00Z' }), now);
    const fresh = waitingClocks(referral({ pathwayStart: '2026-11-19', appointmentStart: '2026-11-19T10:00:00Z' }), now);
    expect(matchesClockFilter(twoWeekOver, 'two-week-wait-over')).toBe(true);
    expect(matchesClockFilter(rttOver, 'two-week-wait-over')).toBe(false);
    expect(matchesClockFilter(rttOver, 'rtt-over')).toBe(true);
    expect(matchesClockFilter(adviceOver, 'advice-overdue')).toBe(true);
    expect(matchesClockFilter(fresh, 'overdue')).toBe(false);
    expect(matchesClockFilter(fresh, 'appointment-passed')).toBe(true);
    expect([twoWeekOver, rttOver, adviceOver, fresh].map((c) => matchesClockFilter(c, 'overdue'))).toEqual([true, true, true, false]);
  });
});

describe('UK days by arithmetic (londonDayNumber)', () => {
  it('agrees with Intl’s Europe/London on every hour around each clock change, 2020 to 2030', () => {
    const uk = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London', year: 'numeric', month: '2-digit', day: '2-digit' });
    const HOUR = 3_600_000;
    let checked = 0;
    for (let year = 2020; year <= 2030; year += 1) {
      for (const month of [2, 9]) {
        const from = Date.UTC(year, month, 20);
        for (let at = from; at < from + 14 * 24 * HOUR; at += HOUR / 2) {
          expect(new Date(londonDayNumber(at) * 86_400_000).toISOString().slice(0, 10), new Date(at).toISOString()).toBe(uk.format(at));
          checked += 1;
        }
      }
    }
    expect(checked).toBe(11 * 2 * 14 * 48);
  });
});
