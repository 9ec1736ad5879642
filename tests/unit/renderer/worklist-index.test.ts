/**
 * The worklist's sort and filter engine (renderer/worklist/worklist-index.ts) against the
 * plain definitions it speeds up (sortRows, filterRows in worklist-query.ts): the same
 * rows in the same order, for every column and direction, every search as it is typed, and
 * after new rows or names arrive.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CLOCK_FILTERS, type Priority, type WorklistRow } from '../../../contract';
import { IncrementalFilter, narrows, WorklistIndex } from '../../../renderer/worklist/worklist-index';
import {
  defaultFilters,
  filterRows,
  indexRows,
  SORT_COLUMNS,
  sortRows,
  type IndexedRow,
  type Me,
  type WorklistFilters,
  type WorklistSort,
} from '../../../renderer/worklist/worklist-query';
import { nameSearchKey } from '../../../renderer/worklist/patient-text';

const PRIORITIES: Priority[] = ['ROUTINE', 'URGENT', 'TWO_WEEK_WAIT'];
const SERVICES = ['Chest Pain Clinic', 'Skin Lesion Clinic', 'Endoscopy Triage'];
const SPECIALTIES = ['Cardiology', 'Dermatology', 'Gastroenterology'];
const STATUSES = ['Awaiting review', 'Review overdue'];
const CLINICIANS = ['Dr Alex Consultant', 'Dr Sam Surgeon', null];
const NAMES = ['Jane Smith', 'John Smithson', 'Amara Okoye', 'Ola Smit', 'Jan Jones'];
const ME: Me = { keys: ['dr alex consultant'] };

interface RowSpec {
  ubrn: number;
  nhs: number;
  priority: Priority;
  service: string;
  specialty: string;
  day: number;
  status: string;
  clinician: string | null;
  name: string;
  clockDay: number | null;
}

/** Few distinct values per column, so ties are common and the tie-break is exercised. */
const rowArb: fc.Arbitrary<RowSpec> = fc.record({
  ubrn: fc.integer({ min: 0, max: 60 }),
  nhs: fc.integer({ min: 0, max: 40 }),
  priority: fc.constantFrom(...PRIORITIES),
  service: fc.constantFrom(...SERVICES),
  specialty: fc.constantFrom(...SPECIALTIES),
  day: fc.integer({ min: 1, max: 4 }),
  status: fc.constantFrom(...STATUSES),
  clinician: fc.constantFrom(...CLINICIANS),
  name: fc.constantFrom(...NAMES, ''),
  clockDay: fc.constantFrom(null, 1, 10, 20),
});

function toRow(r: RowSpec, i: number): WorklistRow {
  const ubrn = String(100_000_000_000 + r.ubrn);
  const digits = `999${String(r.nhs).padStart(7, '0')}`;
  return {
    // Ids are unique even when UBRNs repeat, so input order is all that can tell ties apart.
    id: `${ubrn}-${i}`,
    ubrn,
    version: '1',
    priority: r.priority,
    nhsNumber: `${digits.slice(0, 3)} ${digits.slice(3, 6)} ${digits.slice(6)}`,
    patientName: r.name,
    service: r.service,
    specialty: r.specialty,
    referralDate: `2025-01-0${r.day}`,
    daysWaiting: 10 - r.day,
    reviewStatus: r.status,
    assignedClinician: r.clinician,
    pathwayStart: r.clockDay === null ? null : `2024-12-${String(r.clockDay).padStart(2, '0')}T10:00:00Z`,
    appointmentStart: null,
    adviceWaitingSince: null,
  };
}

const rowsArb = fc.array(rowArb, { minLength: 0, maxLength: 80 }).map((rows) => indexRows(rows.map(toRow)));
const sortArb = fc.record({
  column: fc.constantFrom(...SORT_COLUMNS),
  direction: fc.constantFrom<WorklistSort['direction']>('ascending', 'descending'),
});
const filtersArb: fc.Arbitrary<WorklistFilters> = fc.record({
  specialty: fc.constantFrom('', ...SPECIALTIES),
  service: fc.constantFrom('', ...SERVICES),
  priority: fc.constantFrom<Priority | ''>('', ...PRIORITIES),
  assignment: fc.constantFrom<WorklistFilters['assignment']>('anyone', 'me', 'unassigned'),
  status: fc.constantFrom('', ...STATUSES),
  clock: fc.constantFrom<WorklistFilters['clock']>(...CLOCK_FILTERS),
});

const ids = (rows: readonly IndexedRow[]) => rows.map((r) => r.row.id);

describe('WorklistIndex: sorting by precomputed ranks', () => {
  it('gives exactly the order sortRows gives, for every column and direction', () => {
    fc.assert(
      fc.property(rowsArb, (rows) => {
        const index = new WorklistIndex(rows);
        for (const column of SORT_COLUMNS) {
          for (const direction of ['ascending', 'descending'] as const) {
            expect(ids(index.sorted({ column, direction })), `${column} ${direction}`).toEqual(ids(sortRows(rows, { column, direction })));
          }
        }
      }),
      { numRuns: 150 },
    );
  });

  it('is stable: ties go to the oldest referral, then the UBRN, in either direction, then to the order e-RS sent', () => {
    const base = { service: 'Same', specialty: 'Same', reviewStatus: 'Same', assignedClinician: null, priority: 'URGENT' as const };
    const rows = indexRows([
      {
        ...toRow(fc.sample(rowArb, 1)[0] as RowSpec, 0),
        ...base,
        id: 'a',
        ubrn: '000000000002',
        referralDate: '2025-01-02',
      },
      {
        ...toRow(fc.sample(rowArb, 1)[0] as RowSpec, 1),
        ...base,
        id: 'b',
        ubrn: '000000000001',
        referralDate: '2025-01-02',
      },
      {
        ...toRow(fc.sample(rowArb, 1)[0] as RowSpec, 2),
        ...base,
        id: 'c',
        ubrn: '000000000009',
        referralDate: '2025-01-01',
      },
      {
        ...toRow(fc.sample(rowArb, 1)[0] as RowSpec, 3),
        ...base,
        id: 'd',
        ubrn: '000000000001',
        referralDate: '2025-01-02',
      },
    ]);
    const index = new WorklistIndex(rows);
    for (const direction of ['ascending', 'descending'] as const) {
      expect(ids(index.sorted({ column: 'service', direction }))).toEqual(['c', 'b', 'd', 'a']);
      expect(ids(index.sorted({ column: 'priority', direction }))).toEqual(['c', 'b', 'd', 'a']);
    }
  });

  it('sorts each column once: the same sort again is the same array, work done when the rows arrived', () => {
    const rows = fc.sample(rowsArb, 1)[0] as IndexedRow[];
    const index = new WorklistIndex(rows);
    const first = index.sorted({ column: 'service', direction: 'descending' });
    index.sorted({ column: 'ubrn', direction: 'ascending' });
    expect(index.sorted({ column: 'service', direction: 'descending' })).toBe(first);
  });

  it('ranks the sorted column when asked and the others ahead, a column at a time, until told to stop', () => {
    const rows = fc.sample(rowsArb, 1)[0] as IndexedRow[];
    const index = new WorklistIndex(rows);
    expect(index.unranked).toEqual([...SORT_COLUMNS]);
    index.sorted({ column: 'priority', direction: 'ascending' });
    expect(index.unranked).not.toContain('priority');
    let budget = 2;
    expect(index.rankAhead(() => budget-- > 0)).toBe(false);
    expect(index.unranked).toHaveLength(SORT_COLUMNS.length - 3);
    expect(index.rankAhead()).toBe(true);
    expect(index.unranked).toEqual([]);
    expect(ids(index.sorted({ column: 'specialty', direction: 'descending' }))).toEqual(
      ids(sortRows(rows, { column: 'specialty', direction: 'descending' })),
    );
  });

  it('a new list is ranked anew: rows that arrive later sort into place', () => {
    const first = indexRows([0, 1, 2].map((i) => toRow({ ...(fc.sample(rowArb, 1)[0] as RowSpec), ubrn: 10 + i }, i)));
    const before = new WorklistIndex(first).sorted({ column: 'ubrn', direction: 'ascending' });
    const arrived = indexRows([...first.map((r) => r.row), toRow({ ...(fc.sample(rowArb, 1)[0] as RowSpec), ubrn: 5 }, 9)]);
    const after = new WorklistIndex(arrived).sorted({ column: 'ubrn', direction: 'ascending' });
    expect(before).toHaveLength(3);
    expect(after).toHaveLength(4);
    expect(after[0]?.row.id).toBe(`${String(100_000_000_005)}-9`);
    expect(ids(after)).toEqual(ids(sortRows(arrived, { column: 'ubrn', direction: 'ascending' })));
  });
});

describe('narrows: when the last search result can be filtered instead of the whole list', () => {
  it.each([
    ['', '9', true],
    ['99', '999', true],
    ['999', '9 99', true],
    ['99', '9', false],
    ['999', '123', false],
    ['smi', 'smit', true],
    ['smi', 'smi j', true],
    ['smi j', 'smith ja', true],
    ['smith', 'smit', false],
    ['smi j', 'smi', false],
    ['smi', '9', false],
    ['9', 'smi', false],
  ])('%j then %j: %s', (previous, next, expected) => {
    expect(narrows(previous, next)).toBe(expected);
  });
});

describe('IncrementalFilter: typing narrows the last result and always equals a full search', () => {
  /** Keystrokes: a character typed at the end, or a Backspace. */
  const keysArb = fc.array(
    fc.oneof(fc.constantFrom('9', '0', '1', ' ', 's', 'm', 'i', 't', 'h', 'j', 'a', 'o'), fc.constant('Backspace')),
    {
      minLength: 1,
      maxLength: 14,
    },
  );

  it('every keystroke gives what filterRows gives over the whole sorted list', () => {
    let narrowed = 0;
    fc.assert(
      fc.property(rowsArb, filtersArb, sortArb, keysArb, (rows, filters, sort, keys) => {
        const sorted = new WorklistIndex(rows).sorted(sort);
        const filter = new IncrementalFilter();
        let query = '';
        for (const key of keys) {
          query = key === 'Backspace' ? query.slice(0, -1) : query + key;
          const result = filter.run(sorted, filters, query, ME);
          if (filter.lastWas === 'narrowed') narrowed += 1;
          expect(ids(result), JSON.stringify(query)).toEqual(ids(filterRows(sorted, filters, query, ME)));
        }
      }),
      { numRuns: 300 },
    );
    // The fast path was taken, not just the full one.
    expect(narrowed).toBeGreaterThan(100);
  });

  it('a filter change, a new sort or new rows filter the whole list again, never the last result', () => {
    const rows = indexRows(Array.from({ length: 30 }, (_, i) => toRow(fc.sample(rowArb, 1)[0] as RowSpec, i)));
    const filter = new IncrementalFilter();
    const sorted = new WorklistIndex(rows).sorted({ column: 'ubrn', direction: 'ascending' });
    filter.run(sorted, defaultFilters(), '999', ME);
    filter.run(sorted, { ...defaultFilters(), priority: 'URGENT' }, '9990', ME);
    expect(filter.lastWas).toBe('full');
    const resorted = new WorklistIndex(rows).sorted({ column: 'ubrn', direction: 'descending' });
    const result = filter.run(resorted, { ...defaultFilters(), priority: 'URGENT' }, '99900', ME);
    expect(filter.lastWas).toBe('full');
    expect(ids(result)).toEqual(ids(filterRows(resorted, { ...defaultFilters(), priority: 'URGENT' }, '99900', ME)));
    // New rows arrive (a refresh): a row that matches must be found even though the search only narrowed.
    const extra = toRow({ ...(fc.sample(rowArb, 1)[0] as RowSpec), nhs: 7, priority: 'URGENT' }, 99);
    const refreshed = new WorklistIndex(indexRows([...rows.map((r) => r.row), extra])).sorted({ column: 'ubrn', direction: 'descending' });
    const after = filter.run(refreshed, { ...defaultFilters(), priority: 'URGENT' }, '999000', ME);
    expect(filter.lastWas).toBe('full');
    expect(ids(after)).toContain(extra.id);
  });

  it('a search deleted back, or a filter put back, gives the answer it gave before without filtering again', () => {
    const rows = indexRows(Array.from({ length: 30 }, (_, i) => toRow(fc.sample(rowArb, 1)[0] as RowSpec, i)));
    const sorted = new WorklistIndex(rows).sorted({ column: 'ubrn', direction: 'ascending' });
    const filter = new IncrementalFilter();
    const typed = ['9', '99', '999'].map((query) => filter.run(sorted, defaultFilters(), query, ME));
    expect(filter.lastWas).toBe('narrowed');
    // Backspace, twice: each shorter search was answered on the way in.
    expect(filter.run(sorted, defaultFilters(), '99', ME)).toBe(typed[1]);
    expect(filter.lastWas).toBe('cached');
    expect(filter.run(sorted, defaultFilters(), '9', ME)).toBe(typed[0]);
    expect(filter.lastWas).toBe('cached');
    // A filter tried and put back.
    const urgent = filter.run(sorted, { ...defaultFilters(), priority: 'URGENT' }, '9', ME);
    expect(filter.lastWas).toBe('full');
    expect(ids(urgent)).toEqual(ids(filterRows(sorted, { ...defaultFilters(), priority: 'URGENT' }, '9', ME)));
    expect(filter.run(sorted, defaultFilters(), '9', ME)).toBe(typed[0]);
    expect(filter.lastWas).toBe('cached');
    // A different search after the deletions narrows the smallest answer that holds all its matches.
    const other = filter.run(sorted, defaultFilters(), '990', ME);
    expect(filter.lastWas).toBe('narrowed');
    expect(ids(other)).toEqual(ids(filterRows(sorted, defaultFilters(), '990', ME)));
  });

  it('forgets every answer it kept when told to, so no row stays held by it', () => {
    const rows = indexRows(Array.from({ length: 30 }, (_, i) => toRow(fc.sample(rowArb, 1)[0] as RowSpec, i)));
    const sorted = new WorklistIndex(rows).sorted({ column: 'ubrn', direction: 'ascending' });
    const filter = new IncrementalFilter();
    const first = filter.run(sorted, defaultFilters(), '9', ME);
    filter.run(sorted, defaultFilters(), '99', ME);
    filter.forget();
    const again = filter.run(sorted, defaultFilters(), '9', ME);
    expect(filter.lastWas).toBe('full');
    expect(again).not.toBe(first);
    expect(ids(again)).toEqual(ids(first));
  });

  it('names arriving from PDS make a name search look again', () => {
    const rows = indexRows(Array.from({ length: 10 }, (_, i) => toRow({ ...(fc.sample(rowArb, 1)[0] as RowSpec), name: '' }, i)));
    const sorted = new WorklistIndex(rows).sorted({ column: 'ubrn', direction: 'ascending' });
    const filter = new IncrementalFilter();
    expect(filter.run(sorted, defaultFilters(), 'oko', ME, 0)).toHaveLength(0);
    const named = rows[3] as IndexedRow;
    named.name = nameSearchKey(null, 'Amara OKOYE');
    // The same version: the answer kept is given again.
    expect(filter.run(sorted, defaultFilters(), 'oko', ME, 0)).toHaveLength(0);
    expect(ids(filter.run(sorted, defaultFilters(), 'okoy', ME, 1))).toEqual([named.row.id]);
    expect(filter.lastWas).toBe('full');
  });
});
