/**
 * The waiting clocks on the worklist: a Clock column that says each clock in words, sorts by
 * the days left and filters by "over 14 days on 2WW", "A&G reply overdue", "appointment
 * passed". The time is fixed, so the days are the same on any day the test runs.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { waitingClocks } from '../../../contract';
import { defaultFilters, filterOptions, filterRows, indexRows, sortRows } from '../../../renderer/worklist/worklist-query';
import { fakeClient, listView, makeRow, mountWorklists, must, shownUbrns, type MountedWorklists } from './fixtures';

const NOW = Date.parse('2026-11-20T12:00:00Z');
let mounted: MountedWorklists | null = null;

beforeEach(() => {
  localStorage.clear();
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(NOW);
});
afterEach(() => {
  mounted?.wrapper.unmount();
  mounted = null;
  vi.useRealTimers();
});

const rows = [
  makeRow(1, { priority: 'ROUTINE', pathwayStart: '2026-10-01T10:00:00Z' }), // RTT day 50
  makeRow(2, { priority: 'TWO_WEEK_WAIT', pathwayStart: '2026-11-03T10:00:00Z' }), // 2WW day 17: overdue by 3 days
  makeRow(3, { priority: 'URGENT', pathwayStart: null }), // e-RS gave no date: no clock
  makeRow(4, { priority: 'TWO_WEEK_WAIT', pathwayStart: '2026-11-10T10:00:00Z', appointmentStart: '2026-11-18T09:00:00Z' }), // day 10, passed
  makeRow(5, { priority: 'ROUTINE', pathwayStart: '2026-06-01T10:00:00Z' }), // RTT day 172: over 18 weeks
];
const ubrn = (n: number) => must(rows[n - 1]).ubrn;

describe('the Clock column', () => {
  it('says each row’s most pressing clock in words, with an icon, never by colour alone', async () => {
    const { wrapper } = (mounted = await mountWorklists(fakeClient({ referrals: listView('referrals', rows) })));
    const cell = (n: number) => wrapper.get(`[data-ubrn="${ubrn(n)}"] [data-testid="cell-clock"]`);
    expect(cell(2).text()).toBe('2WW day 17 of 14⚠Overdue by 3 days');
    expect(cell(2).get('[data-testid="waiting-clock-status"]').attributes('data-state')).toBe('overdue');
    expect(cell(2).get('[aria-hidden="true"]').text()).toBe('⚠');
    expect(cell(1).text()).toBe('RTT day 50 of 12676 days left'); // two lines: "RTT day 50 of 126", "76 days left"
    expect(cell(3).text()).toBe('No clock');
    expect(cell(4).text()).toContain('2WW day 10 of 14');
    expect(cell(4).get('[data-testid="waiting-clock-appointment"]').text()).toBe('⚠Appointment passed');
    // The whole story on hover: every clock as a sentence.
    expect(cell(4).get('[data-testid="waiting-clock"]').attributes('title')).toBe(
      'Two week wait: day 10 of 14 since the pathway start on 10 Nov 2026 — 4 days left (day 14 is 24 Nov 2026). ' +
        '18-week referral to treatment: day 10 of 126 since the pathway start on 10 Nov 2026 — 116 days left (day 126 is 16 Mar 2027). ' +
        'Appointment date passed (18 Nov 2026).',
    );
  });

  it('sorts by days left, most pressing first and no clock last, and back', async () => {
    mounted = await mountWorklists(fakeClient({ referrals: listView('referrals', rows) }));
    const { wrapper } = mounted;
    await wrapper.get('[data-testid="sort-clock"]').trigger('click');
    expect(wrapper.get('[data-testid="sort-header-clock"]').attributes('aria-sort')).toBe('ascending');
    expect(shownUbrns(wrapper)).toEqual([ubrn(5), ubrn(2), ubrn(4), ubrn(1), ubrn(3)]);
    await wrapper.get('[data-testid="sort-clock"]').trigger('click');
    expect(shownUbrns(wrapper)).toEqual([ubrn(3), ubrn(1), ubrn(4), ubrn(2), ubrn(5)]);
  });

  it('filters to “over 14 days on 2WW” and to “appointment date passed”, offering only what the list holds', async () => {
    mounted = await mountWorklists(fakeClient({ referrals: listView('referrals', rows) }));
    const { wrapper } = mounted;
    const select = wrapper.get('[data-testid="filter-clock"]');
    expect(select.findAll('option').map((o) => o.text())).toEqual([
      'Any clock',
      'Any clock overdue',
      'Due soon or overdue',
      'Over 14 days on 2WW',
      'Over 18 weeks (RTT)',
      'Appointment date passed',
    ]);
    await select.setValue('two-week-wait-over');
    expect(shownUbrns(wrapper)).toEqual([ubrn(2)]);
    await select.setValue('appointment-passed');
    expect(shownUbrns(wrapper)).toEqual([ubrn(4)]);
    await select.setValue('rtt-over');
    expect(shownUbrns(wrapper)).toEqual([ubrn(5)]);
  });

  it('filters A&G requests whose reply is overdue, counted in working days from the referrer’s last word', () => {
    const advice = [
      makeRow(11, { pathwayStart: null, adviceWaitingSince: '2026-11-19T09:00:00Z' }), // Thursday: working day 1 of 2
      makeRow(12, { pathwayStart: null, adviceWaitingSince: '2026-11-13T09:00:00Z' }), // a week ago: day 5 of 2
    ];
    const indexed = indexRows(advice, NOW);
    const overdue = filterRows(indexed, { ...defaultFilters(), clock: 'advice-overdue' }, '', { keys: [] });
    expect(overdue.map((r) => r.row.ubrn)).toEqual([must(advice[1]).ubrn]);
    expect(filterOptions(indexed).clocks).toEqual(['overdue', 'due-soon', 'advice-overdue']);
    expect(sortRows(indexed, { column: 'clock', direction: 'ascending' }).map((r) => waitingClocks(r.row, NOW).clocks[0]?.text)).toEqual([
      'A&G reply day 5 of 2 — overdue by 3 working days',
      'A&G reply day 1 of 2 — 1 working day left',
    ]);
  });
});
