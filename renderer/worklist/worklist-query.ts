/**
 * Filtering, sorting and searching a worklist. Rows are indexed once when a list arrives
 * (lowercase and digit-only keys), so that a keystroke in the search box is one pass of
 * plain comparisons over the sorted rows, and a sort runs only when the sort changes.
 * Patients' names arrive later, from PDS: each is written into its row's index as it comes.
 */
import {
  CLOCK_FILTERS,
  clockSummary,
  matchesClockFilter,
  PRIORITIES as LEAST_URGENT_FIRST,
  type ClockFilter,
  type ClockSummary,
  type Priority,
  type WorklistRow,
} from '../../contract';
import { nameSearchKey, passesCheckDigit } from './patient-text';

export type Assignment = 'anyone' | 'me' | 'unassigned';

export interface WorklistFilters {
  /** '' means any. Values are the display strings the rows carry. */
  specialty: string;
  service: string;
  priority: Priority | '';
  assignment: Assignment;
  status: string;
  /** The waiting clocks (contract/waiting-clocks.ts): '' means any. */
  clock: ClockFilter;
}

export const SORT_COLUMNS = [
  'ubrn',
  'priority',
  'nhsNumber',
  'service',
  'specialty',
  'referralDate',
  'reviewStatus',
  'assignedClinician',
  'clock',
] as const;
export type SortColumn = (typeof SORT_COLUMNS)[number];
export type SortDirection = 'ascending' | 'descending';

export interface WorklistSort {
  column: SortColumn;
  direction: SortDirection;
}

/** One filter set to one value, as the filter bar reports it. */
export type FilterChange =
  | { name: 'specialty' | 'service' | 'status'; value: string }
  | { name: 'priority'; value: Priority | '' }
  | { name: 'assignment'; value: Assignment }
  | { name: 'clock'; value: ClockFilter };

/** Most urgent first: the order the filter offers them and the sort ranks them. */
export const PRIORITIES: readonly Priority[] = [...LEAST_URGENT_FIRST].reverse();
export const ASSIGNMENTS: readonly Assignment[] = ['anyone', 'me', 'unassigned'];

export function defaultFilters(): WorklistFilters {
  return { specialty: '', service: '', priority: '', assignment: 'anyone', status: '', clock: '' };
}

/** Most urgent first, and within a priority the longest waiting first: the order of triage. */
export function defaultSort(): WorklistSort {
  return { column: 'priority', direction: 'ascending' };
}

/** A row with the keys that filtering and sorting compare, computed once per fetch. */
export interface IndexedRow {
  readonly row: WorklistRow;
  readonly ubrn: string;
  /** The NHS number without its spaces. */
  readonly nhsNumber: string;
  /** False when the NHS number fails its modulus 11 check: flagged, and never asked of PDS. */
  readonly nhsValid: boolean;
  /**
   * The patient's name as search compares it: lowercase words, each after a space (see
   * nameSearchKey). From e-RS if it gave one; replaced by PDS's when that arrives.
   */
  name: string;
  /** Lower rank is more urgent. */
  readonly priority: number;
  readonly service: string;
  readonly specialty: string;
  /** yyyy-mm-dd, so string order is date order. */
  readonly referralDate: string;
  readonly reviewStatus: string;
  /** '' when unassigned. */
  readonly assignedClinician: string;
  /** The item's waiting clocks as numbers, as of the `now` given to indexRows (the words: waitingClocks, for rows on screen). */
  readonly clocks: ClockSummary;
  /** Fewest days left on any clock: the clock column's sort key. */
  readonly clock: number;
}

const PRIORITY_RANK = Object.fromEntries(PRIORITIES.map((priority, rank) => [priority, rank])) as Readonly<Record<Priority, number>>;

/** Lowercase with runs of whitespace made one space, so names compare as people read them. */
export function normaliseText(text: string): string {
  return text.trim().replace(/\s+/g, ' ').toLowerCase();
}

export function indexRows(rows: readonly WorklistRow[], now: number = Date.now()): IndexedRow[] {
  return rows.map((row) => {
    const nhsNumber = row.nhsNumber.replace(/\s+/g, '');
    const clocks = clockSummary(row, now);
    return {
      row,
      ubrn: row.ubrn,
      nhsNumber,
      nhsValid: passesCheckDigit(nhsNumber),
      name: row.patientName ? nameSearchKey(null, row.patientName) : '',
      priority: PRIORITY_RANK[row.priority] ?? PRIORITIES.length,
      service: normaliseText(row.service),
      specialty: normaliseText(row.specialty),
      referralDate: row.referralDate,
      reviewStatus: normaliseText(row.reviewStatus),
      assignedClinician: row.assignedClinician === null ? '' : normaliseText(row.assignedClinician),
      clocks,
      clock: clocks.urgency,
    };
  });
}

function compareKeys(a: string | number, b: string | number): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * A new array in the requested order. Ties fall back to the oldest referral first and then
 * the UBRN, in either direction, so the order never depends on what e-RS sent first.
 */
export function sortRows(rows: readonly IndexedRow[], sort: WorklistSort): IndexedRow[] {
  const column = sort.column;
  const sign = sort.direction === 'ascending' ? 1 : -1;
  return rows.slice().sort((a, b) => {
    const primary = compareKeys(a[column], b[column]) * sign;
    if (primary !== 0) return primary;
    return compareKeys(a.referralDate, b.referralDate) || compareKeys(a.ubrn, b.ubrn);
  });
}

/**
 * The search as the rows' keys hold it: spaces and dashes dropped. Null when it holds
 * anything but digits: then it is a name (searchWords).
 */
export function searchDigits(query: string): string | null {
  const compact = query.replace(/[\s-]+/g, '');
  return /^\d*$/.test(compact) ? compact : null;
}

/** A name search as words, each to be found at the start of a word of the name ("smi jan"). */
export function searchWords(query: string): string[] {
  return nameSearchKey(null, query)
    .split(' ')
    .filter((word) => word !== '');
}

function nameMatches(name: string, words: readonly string[]): boolean {
  if (name === '') return false;
  for (const word of words) if (!name.includes(` ${word}`)) return false;
  return true;
}

/** Who "assigned to me" means: the clinician acted for, or the signed-in user. */
export interface Me {
  /** Normalised names and ids that identify this person on a row. */
  readonly keys: readonly string[];
}

export function isFiltering(filters: WorklistFilters, query: string): boolean {
  return (
    filters.specialty !== '' ||
    filters.service !== '' ||
    filters.priority !== '' ||
    filters.assignment !== 'anyone' ||
    filters.status !== '' ||
    filters.clock !== '' ||
    query.trim() !== ''
  );
}

export function filterRows(rows: readonly IndexedRow[], filters: WorklistFilters, query: string, me: Me): readonly IndexedRow[] {
  if (!isFiltering(filters, query)) return rows;
  const digits = searchDigits(query);
  const words = digits === null ? searchWords(query) : [];
  if (digits === null && words.length === 0) return [];
  const specialty = filters.specialty;
  const service = filters.service;
  const status = filters.status;
  const priority = filters.priority === '' ? -1 : PRIORITY_RANK[filters.priority];
  const assignment = filters.assignment;
  const clock = filters.clock;
  const mine = new Set(me.keys);
  return rows.filter(
    (r) =>
      (specialty === '' || r.row.specialty === specialty) &&
      (service === '' || r.row.service === service) &&
      (status === '' || r.row.reviewStatus === status) &&
      (priority === -1 || r.priority === priority) &&
      (clock === '' || matchesClockFilter(r.clocks, clock)) &&
      (assignment === 'anyone' ||
        (assignment === 'unassigned' ? r.assignedClinician === '' : r.assignedClinician !== '' && mine.has(r.assignedClinician))) &&
      (digits === null ? nameMatches(r.name, words) : digits === '' || r.ubrn.includes(digits) || r.nhsNumber.includes(digits)),
  );
}

export interface FilterOptions {
  specialties: string[];
  services: string[];
  statuses: string[];
  /** The clock filters some row answers (never '': "any" is always offered). */
  clocks: ClockFilter[];
}

function distinct(rows: readonly IndexedRow[], pick: (row: WorklistRow) => string): string[] {
  const values = new Set<string>();
  for (const r of rows) {
    const value = pick(r.row);
    if (value !== '') values.add(value);
  }
  return [...values].sort((a, b) => a.localeCompare(b, 'en-GB'));
}

/** The choices each filter offers: the values present in the list. */
export function filterOptions(rows: readonly IndexedRow[]): FilterOptions {
  return {
    specialties: distinct(rows, (row) => row.specialty),
    services: distinct(rows, (row) => row.service),
    statuses: distinct(rows, (row) => row.reviewStatus),
    clocks: CLOCK_FILTERS.filter((filter) => filter !== '' && rows.some((r) => matchesClockFilter(r.clocks, filter))),
  };
}
