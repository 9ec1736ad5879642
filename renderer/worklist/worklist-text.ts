/**
 * The words and dates the worklist screens show. Dates are built from their parts, not
 * through Date parsing, so a yyyy-mm-dd referral date never shifts a day with the time zone.
 */
import type { Priority, WaitingClock, WaitingClocks, WorklistKind, WorklistRow } from '../../contract';

export interface KindText {
  /** The list's name on its tab and heading. */
  title: string;
  /** How the list's items are counted: "1 referral", "12 referrals". */
  one: string;
  many: string;
}

export const KIND_TEXT: Readonly<Record<WorklistKind, KindText>> = {
  referrals: { title: 'Referrals for review', one: 'referral', many: 'referrals' },
  triage: { title: 'Triage requests', one: 'triage request', many: 'triage requests' },
  advice: { title: 'Advice & guidance', one: 'advice request', many: 'advice requests' },
};

export const PRIORITY_TEXT: Readonly<Record<Priority, string>> = {
  TWO_WEEK_WAIT: 'Two week wait',
  URGENT: 'Urgent',
  ROUTINE: 'Routine',
};

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const LONG_MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

/** "4 Mar 2025" from "2025-03-04"; the text as given if it is not such a date. */
export function formatReferralDate(isoDate: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(isoDate);
  const month = match ? MONTHS[Number(match[2]) - 1] : undefined;
  if (!match || month === undefined) return isoDate;
  return `${Number(match[3])} ${month} ${match[1]}`;
}

export function daysWaitingText(days: number): string {
  if (days <= 0) return 'Today';
  return days === 1 ? '1 day' : `${days} days`;
}

export function countText(count: number, kind: WorklistKind): string {
  const text = KIND_TEXT[kind];
  return `${count} ${count === 1 ? text.one : text.many}`;
}

/** "Showing 12 of 240 referrals": the polite announcement after each filter. */
export function showingText(shown: number, total: number, kind: WorklistKind): string {
  const text = KIND_TEXT[kind];
  return `Showing ${shown} of ${total} ${total === 1 ? text.one : text.many}`;
}

/** The local calendar day of a time, as yyyy-mm-dd, to compare with referral dates. */
export function localDay(time: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${time.getFullYear()}-${pad(time.getMonth() + 1)}-${pad(time.getDate())}`;
}

/** "Updated just now", "Updated 1 minute ago", "Updated 3 hours ago". */
export function updatedAgoText(fetchedAt: string, now: number): string {
  const then = Date.parse(fetchedAt);
  if (Number.isNaN(then)) return '';
  const minutes = Math.max(0, Math.floor((now - then) / 60_000));
  if (minutes < 1) return 'Updated just now';
  if (minutes < 60) return minutes === 1 ? 'Updated 1 minute ago' : `Updated ${minutes} minutes ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return hours === 1 ? 'Updated 1 hour ago' : `Updated ${hours} hours ago`;
  const days = Math.floor(hours / 24);
  return days === 1 ? 'Updated 1 day ago' : `Updated ${days} days ago`;
}

/** "10:31", or "10:31 on 3 March" when the data is from another day. */
export function dataTimeText(fetchedAt: string, now: number): string {
  const then = new Date(fetchedAt);
  if (Number.isNaN(then.getTime())) return 'an earlier visit';
  const time = `${String(then.getHours()).padStart(2, '0')}:${String(then.getMinutes()).padStart(2, '0')}`;
  if (localDay(then) === localDay(new Date(now))) return time;
  return `${time} on ${then.getDate()} ${LONG_MONTHS[then.getMonth()]}`;
}

/** The icon that repeats a clock's state in the worklist's Clock cell and on the item's screen (WaitingClocks.vue). */
export const CLOCK_ICON: Readonly<Record<WaitingClock['state'], string>> = { overdue: '⚠', 'due-soon': '◷', within: '' };

/** The Clock cell of a worklist row in words: the most pressing clock, a passed appointment, and the whole story as hover text. */
export interface ClockCellText {
  title: string | undefined;
  /** The most pressing clock, or null when there is none. */
  primary: { label: string; status: string; state: WaitingClock['state']; icon: string } | null;
  appointmentPassed: boolean;
}

/** The worklist's Clock cell (table-body.ts), worked out once per row rather than on every update. */
export function clockCellText(clocks: WaitingClocks): ClockCellText {
  let primary: WaitingClock | null = null;
  for (const clock of clocks.clocks) if (primary === null || clock.remaining < primary.remaining) primary = clock;
  const title = [...clocks.clocks.map((clock) => clock.sentence), ...(clocks.appointmentText ? [`${clocks.appointmentText}.`] : [])].join(
    ' ',
  );
  return {
    title: title || undefined,
    primary: primary && { label: primary.label, status: primary.status, state: primary.state, icon: CLOCK_ICON[primary.state] },
    appointmentPassed: clocks.appointmentPassed,
  };
}

/** A worklist row's cells that depend only on the row (and the clocks' `now`): formatted once, not on every render. */
export interface RowCellText {
  priority: string;
  date: string;
  waiting: string;
  dateTitle: string;
  clock: ClockCellText;
}

export function rowCellText(row: WorklistRow, clocks: WaitingClocks): RowCellText {
  const date = formatReferralDate(row.referralDate);
  const waiting = daysWaitingText(row.daysWaiting);
  return {
    priority: PRIORITY_TEXT[row.priority] ?? row.priority,
    date,
    waiting,
    dateTitle: `${date}, ${waiting}`,
    clock: clockCellText(clocks),
  };
}
