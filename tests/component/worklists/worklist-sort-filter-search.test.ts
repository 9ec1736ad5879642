import type { DOMWrapper } from '@vue/test-utils';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Priority, WorklistRow } from '../../../contract';
import { CONSULTANT, fakeClient, listView, makeRow, makeRows, mountWorklists, must, shownUbrns, type MountedWorklists } from './fixtures';

let mounted: MountedWorklists | null = null;

beforeEach(() => localStorage.clear());
afterEach(() => {
  mounted?.wrapper.unmount();
  mounted = null;
});

const ubrnsOf = (rows: WorklistRow[]) => rows.map((row) => row.ubrn);
const sortedUbrns = (ubrns: string[]) => [...ubrns].sort();

describe('sorting', () => {
  // Nine rows with every column varied; fewer than the screen holds, so all are in the DOM.
  const rows = makeRows(9);
  const RANK: Record<Priority, number> = { TWO_WEEK_WAIT: 0, URGENT: 1, ROUTINE: 2 };
  const keys: Record<string, (row: WorklistRow) => string | number> = {
    ubrn: (row) => row.ubrn,
    priority: (row) => RANK[row.priority],
    nhsNumber: (row) => row.nhsNumber,
    service: (row) => row.service.toLowerCase(),
    specialty: (row) => row.specialty.toLowerCase(),
    referralDate: (row) => row.referralDate,
    reviewStatus: (row) => row.reviewStatus.toLowerCase(),
    assignedClinician: (row) => (row.assignedClinician ?? '').toLowerCase(),
  };
  const cmp = (a: string | number, b: string | number) => (a < b ? -1 : a > b ? 1 : 0);
  // Ties: the oldest referral first, then the UBRN, whichever way the column runs.
  const expected = (column: string, sign: 1 | -1) =>
    ubrnsOf(
      rows
        .slice()
        .sort(
          (a, b) => cmp(must(keys[column])(a), must(keys[column])(b)) * sign || cmp(a.referralDate, b.referralDate) || cmp(a.ubrn, b.ubrn),
        ),
    );

  async function sortUntil(
    header: Pick<DOMWrapper<Element>, 'attributes'>,
    button: Pick<DOMWrapper<Element>, 'trigger'>,
    direction: string,
  ) {
    for (let i = 0; i < 2 && header.attributes('aria-sort') !== direction; i++) await button.trigger('click');
    expect(header.attributes('aria-sort')).toBe(direction);
  }

  it('starts with the most urgent first and, within a priority, the longest waiting', async () => {
    mounted = await mountWorklists(fakeClient({ referrals: listView('referrals', rows) }));
    const shown = shownUbrns(mounted.wrapper).map((ubrn) => must(rows.find((row) => row.ubrn === ubrn)));
    expect(shown.map((row) => row.priority)).toEqual([
      'TWO_WEEK_WAIT',
      'TWO_WEEK_WAIT',
      'URGENT',
      'URGENT',
      'ROUTINE',
      'ROUTINE',
      'ROUTINE',
      'ROUTINE',
      'ROUTINE',
    ]);
    shown.forEach((row, i) => {
      const before = shown[i - 1];
      if (before && row.priority === before.priority) expect(row.referralDate >= before.referralDate).toBe(true);
    });
    expect(mounted.wrapper.get('[data-testid="sort-header-priority"]').attributes('aria-sort')).toBe('ascending');
  });

  for (const column of Object.keys(keys)) {
    it(`sorts by ${column} both ways from its header button`, async () => {
      mounted = await mountWorklists(fakeClient({ referrals: listView('referrals', rows) }));
      const { wrapper } = mounted;
      const header = wrapper.get(`[data-testid="sort-header-${column}"]`);
      const button = wrapper.get(`[data-testid="sort-${column}"]`);
      expect(button.element.tagName).toBe('BUTTON');

      await sortUntil(header, button, 'ascending');
      expect(shownUbrns(wrapper)).toEqual(expected(column, 1));
      // aria-sort sits on the sorted column only.
      expect(wrapper.findAll('th[aria-sort]')).toHaveLength(1);
      expect(wrapper.get('caption').text()).toContain('ascending');

      await button.trigger('click');
      expect(header.attributes('aria-sort')).toBe('descending');
      expect(shownUbrns(wrapper)).toEqual(expected(column, -1));
      expect(wrapper.findAll('th[aria-sort]')).toHaveLength(1);
    });
  }

  it('puts the oldest referral first when sorted by referral date', async () => {
    const dated = [
      makeRow(1, { referralDate: '2025-03-02' }),
      makeRow(2, { referralDate: '2024-12-30' }),
      makeRow(3, { referralDate: '2025-01-15' }),
    ];
    mounted = await mountWorklists(fakeClient({ referrals: listView('referrals', dated) }));
    await mounted.wrapper.get('[data-testid="sort-referralDate"]').trigger('click');
    expect(shownUbrns(mounted.wrapper)).toEqual(['100000000002', '100000000003', '100000000001']);
    expect(mounted.wrapper.findAll('.worklist-date').map((cell) => cell.text())).toEqual(['30 Dec 2024', '15 Jan 2025', '2 Mar 2025']);
  });
});

describe('filters', () => {
  const rows = makeRows(15);

  async function mountAndFilter(testid: string, value: string, role = {}) {
    mounted = await mountWorklists(fakeClient({ referrals: listView('referrals', rows) }), { role });
    await mounted.wrapper.get(`[data-testid="${testid}"]`).setValue(value);
    return mounted.wrapper;
  }

  const cases: [string, string, string, (row: WorklistRow) => boolean][] = [
    ['specialty', 'filter-specialty', 'Cardiology', (row) => row.specialty === 'Cardiology'],
    ['service', 'filter-service', 'Skin Lesion Clinic', (row) => row.service === 'Skin Lesion Clinic'],
    ['priority', 'filter-priority', 'URGENT', (row) => row.priority === 'URGENT'],
    ['status', 'filter-status', 'Review overdue', (row) => row.reviewStatus === 'Review overdue'],
    ['assigned to me', 'filter-assignment', 'me', (row) => row.assignedClinician === CONSULTANT.name],
    ['unassigned', 'filter-assignment', 'unassigned', (row) => row.assignedClinician === null],
  ];
  for (const [name, testid, value, keep] of cases) {
    it(`narrows the rows by ${name}`, async () => {
      const wanted = ubrnsOf(rows.filter(keep));
      expect(wanted.length).toBeGreaterThan(0);
      expect(wanted.length).toBeLessThan(rows.length);
      const wrapper = await mountAndFilter(testid, value);
      expect(sortedUbrns(shownUbrns(wrapper))).toEqual(sortedUbrns(wanted));
      expect(wrapper.get('[data-testid="worklist-showing"]').text()).toBe(`Showing ${wanted.length} of 15 referrals`);
    });
  }

  it('offers the specialties, services and statuses that the list holds', async () => {
    mounted = await mountWorklists(fakeClient({ referrals: listView('referrals', rows) }));
    const options = (testid: string) =>
      must(mounted)
        .wrapper.get(`[data-testid="${testid}"]`)
        .findAll('option')
        .map((o) => o.text());
    expect(options('filter-specialty')).toEqual(['Any specialty', 'Cardiology', 'Dermatology', 'Gastroenterology', 'Neurology', 'Urology']);
    expect(options('filter-status')).toEqual(['Any status', 'Awaiting review', 'Information requested', 'Review overdue']);
    expect(options('filter-priority')).toEqual(['Any priority', 'Two week wait', 'Urgent', 'Routine']);
    expect(options('filter-assignment')).toEqual(['Anyone', 'Me', 'Unassigned']);
  });

  it('combines filters: each one narrows what the others left', async () => {
    const wrapper = await mountAndFilter('filter-assignment', 'me');
    await wrapper.get('[data-testid="filter-priority"]').setValue('ROUTINE');
    const wanted = ubrnsOf(rows.filter((row) => row.assignedClinician === CONSULTANT.name && row.priority === 'ROUTINE'));
    expect(wanted.length).toBeGreaterThan(0);
    expect(sortedUbrns(shownUbrns(wrapper))).toEqual(sortedUbrns(wanted));
  });

  it('takes "me" to be the clinician acted for, when the role acts for one', async () => {
    const wrapper = await mountAndFilter('filter-assignment', 'me', {
      businessFunction: 'SERVICE_PROVIDER_CLINICIAN_ADMIN',
      onBehalfOf: { userId: '555000000002', name: 'Dr Sam Surgeon' },
    });
    const wanted = ubrnsOf(rows.filter((row) => row.assignedClinician === 'Dr Sam Surgeon'));
    expect(wanted.length).toBeGreaterThan(0);
    expect(sortedUbrns(shownUbrns(wrapper))).toEqual(sortedUbrns(wanted));
  });
});

describe('search by name, UBRN or NHS number', () => {
  const rows = makeRows(15);

  async function search(text: string) {
    mounted ??= await mountWorklists(fakeClient({ referrals: listView('referrals', rows) }));
    await mounted.wrapper.get('[data-testid="worklist-search"]').setValue(text);
    return shownUbrns(mounted.wrapper);
  }

  it('finds a referral by its UBRN, with or without spaces', async () => {
    expect(await search('100000000007')).toEqual(['100000000007']);
    expect(await search('1000 0000 0007')).toEqual(['100000000007']);
    expect(await search(' 100000000007 ')).toEqual(['100000000007']);
  });

  it('finds a patient by NHS number, with or without spaces', async () => {
    expect(await search('999 000 0003')).toEqual(['100000000003']);
    expect(await search('9990000003')).toEqual(['100000000003']);
    expect(await search('999-000-0003')).toEqual(['100000000003']);
    expect(must(mounted).wrapper.get('[data-testid="cell-nhs"]').text()).toBe('999 000 0003');
  });

  it('matches part of a number', async () => {
    expect(sortedUbrns(await search('999 000 001'))).toEqual([
      '100000000010',
      '100000000011',
      '100000000012',
      '100000000013',
      '100000000014',
      '100000000015',
    ]);
  });

  it('takes text to be a name, found from the start of any word of it, and finds nothing for a name no row has', async () => {
    // These rows carry e-RS's names ("Synthetic Patient n"); PDS's replace them as they arrive.
    expect(await search('patient 7')).toEqual(['100000000007']);
    expect(sortedUbrns(await search('SYNTH pat 1'))).toEqual([
      '100000000001',
      '100000000010',
      '100000000011',
      '100000000012',
      '100000000013',
      '100000000014',
      '100000000015',
    ]);
    expect(await search('smith')).toEqual([]);
    expect(must(mounted).wrapper.get('[data-testid="worklist-search"]').attributes('aria-invalid')).toBeUndefined();
    expect(must(mounted).wrapper.get('[data-testid="worklist-empty"]').text()).toContain('No referrals match these filters');
  });

  it('announces how many rows the search leaves', async () => {
    await search('999 000 0003');
    expect(must(mounted).wrapper.get('[data-testid="worklist-showing"]').text()).toBe('Showing 1 of 15 referrals');
  });
});
