/**
 * How long a patient has waited against their clocks, worked out the same way in both
 * processes and in every list and screen: the 2WW (two week wait) and the 18-week
 * referral-to-treatment (RTT) clock from e-RS's pathway start date, the reply an A&G request
 * is waiting for, and whether a booked appointment's date has passed.
 *
 * Where the dates come from (NHS England's e-RS FHIR API specification;
 * `stu3/` stands for `specification/components/stu3/schemas/`):
 * - `eReferralPathwayStart`, 1..1 on every A008 worklist row
 *   (stu3/eRS-FetchWorklist-List.yaml) and Extension-eRS-eReferralPathwayStart-1 on A005's
 *   ReferralRequest: "a derived value of when the Referral To Treatment (RTT) clock starts"
 *   (stu3/endpoints/a005-retrieve-referral-request.yaml).
 * - `appointmentStart`, 0..1 on A008 rows; the booked Appointment's start on A005.
 * - e-RS gives no due date or response time for A&G: A023 rows carry only
 *   `adviceFirstRequested` and `adviceLastUpdated`. The app counts from the referrer's last
 *   word (adviceLastUpdated on the list, the last REQUESTER message on the screen) against
 *   ADVICE_REPLY_WORKING_DAYS.
 *
 * Days are Europe/London calendar days: a referral made at 00:30 BST belongs to that day.
 * The day of the pathway start is day 0, so "day 14 of 14" is the last day within the 2WW
 * and "day 15 of 14" is over it. Every result is a sentence as well as a number, so no
 * screen shows a clock by colour alone. Pure: the time is always passed in.
 */
import type { Priority } from './domain';

/** The 2WW standard: first seen within 14 calendar days of the referral. */
export const TWO_WEEK_WAIT_DAYS = 14;
/** 18 weeks from the clock start to treatment: 126 calendar days. */
export const RTT_DAYS = 18 * 7;
/**
 * e-RS sets no A&G response time. NHS England's A&G guidance asks providers to reply within
 * two working days; a trust may change it here. Working days are Monday to Friday: bank
 * holidays are counted as working days, which can only make a reply look due sooner.
 */
export const ADVICE_REPLY_WORKING_DAYS = 2;

/** How close to its limit a clock shows as "due soon", in the clock's own days. */
const DUE_SOON: Readonly<Record<ClockKind, number>> = { 'two-week-wait': 3, rtt: 14, advice: 1 };

export type ClockKind = 'two-week-wait' | 'rtt' | 'advice';
export type ClockState = 'within' | 'due-soon' | 'overdue';

export interface WaitingClock {
  kind: ClockKind;
  /** Days counted so far: calendar days since the pathway start; working days since the referrer's last word for A&G. */
  day: number;
  /** The clock's limit in the same days. */
  limit: number;
  /** limit − day: 0 on the last day, negative once over. */
  remaining: number;
  state: ClockState;
  /** yyyy-mm-dd (UK): the last day within the limit. */
  dueDate: string;
  /** Short, for a list cell's first line: "2WW day 15 of 14", "A&G reply day 1 of 2". */
  label: string;
  /** How it stands, in words: "Overdue by 1 day", "3 days left", "Last day", "Within". */
  status: string;
  /** label and status on one line: "2WW day 15 of 14 — overdue by 1 day". */
  text: string;
  /** In full, for the item's screen and a cell's hover text. */
  sentence: string;
}

export interface WaitingClocks {
  /** Most pressing first: the 2WW before the RTT clock on a 2WW referral. */
  clocks: WaitingClock[];
  /** True when a booked appointment's start is before now. */
  appointmentPassed: boolean;
  /** "Appointment date passed (3 Nov 2026)", or null. */
  appointmentText: string | null;
  /**
   * For sorting, lower is more pressing: the fewest days left on any clock; a passed
   * appointment counts as 0 days left. Rows with no clock sort last.
   */
  urgency: number;
}

export interface ClockDates {
  priority: Priority;
  /** ISO date or date-time of e-RS's eReferralPathwayStart; null where e-RS gave none or for A&G. */
  pathwayStart: string | null;
  /** ISO date-time of the booked appointment, if any. */
  appointmentStart: string | null;
  /** For A&G: ISO date-time of the referrer's last word, the reply's clock start. */
  adviceWaitingSince: string | null;
}

/** What a clock filter on a worklist asks for. */
export const CLOCK_FILTERS = ['', 'overdue', 'due-soon', 'two-week-wait-over', 'rtt-over', 'advice-overdue', 'appointment-passed'] as const;
export type ClockFilter = (typeof CLOCK_FILTERS)[number];

export const CLOCK_FILTER_TEXT: Readonly<Record<ClockFilter, string>> = {
  '': 'Any',
  overdue: 'Any clock overdue',
  'due-soon': 'Due soon or overdue',
  'two-week-wait-over': 'Over 14 days on 2WW',
  'rtt-over': 'Over 18 weeks (RTT)',
  'advice-overdue': 'A&G reply overdue',
  'appointment-passed': 'Appointment date passed',
};

const DAY_MS = 86_400_000;
const UK_DAY = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London', year: 'numeric', month: '2-digit', day: '2-digit' });
/** Written out by hand: ICU versions differ on "Sep" and "Sept", and the worklist writes "Sep". */
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** The UK calendar day (yyyy-mm-dd) of an ISO date or date-time; null if unreadable. */
export function londonDay(value: string | number | null | undefined): string | null {
  if (value === null || value === undefined || value === '') return null;
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)) return value;
  const at = typeof value === 'number' ? value : Date.parse(value);
  if (Number.isNaN(at)) return null;
  return UK_DAY.format(new Date(at));
}

/** Day number (days since 1970-01-01) of a yyyy-mm-dd day. */
function dayNumber(day: string): number {
  return Math.round(Date.parse(`${day}T00:00:00Z`) / DAY_MS);
}
function dayOf(number: number): string {
  return new Date(number * DAY_MS).toISOString().slice(0, 10);
}
/** 0 Sunday … 6 Saturday. */
function weekday(number: number): number {
  return (((number + 4) % 7) + 7) % 7;
}
function isWorkingDay(number: number): boolean {
  const d = weekday(number);
  return d !== 0 && d !== 6;
}

/** "3 Nov 2026" for a yyyy-mm-dd day. */
export function dayText(day: string): string {
  const [year, month, date] = day.split('-');
  return `${Number(date)} ${MONTHS[Number(month) - 1] ?? month} ${year}`;
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

function stateOf(kind: ClockKind, remaining: number): ClockState {
  if (remaining < 0) return 'overdue';
  return remaining <= DUE_SOON[kind] ? 'due-soon' : 'within';
}

function calendarClock(kind: 'two-week-wait' | 'rtt', start: string, today: string): WaitingClock {
  const limit = kind === 'two-week-wait' ? TWO_WEEK_WAIT_DAYS : RTT_DAYS;
  const day = Math.max(0, dayNumber(today) - dayNumber(start));
  const remaining = limit - day;
  const state = stateOf(kind, remaining);
  const dueDate = dayOf(dayNumber(start) + limit);
  const status = statusText(state, remaining, 'day', 'Last day');
  const label = `${kind === 'two-week-wait' ? '2WW' : 'RTT'} day ${day} of ${limit}`;
  const name = kind === 'two-week-wait' ? 'Two week wait' : '18-week referral to treatment';
  return {
    kind,
    day,
    limit,
    remaining,
    state,
    dueDate,
    label,
    status,
    text: `${label} — ${status.toLowerCase()}`,
    sentence: `${name}: day ${day} of ${limit} since the pathway start on ${dayText(start)} — ${status.toLowerCase()} (day ${limit} is ${dayText(dueDate)}).`,
  };
}

function statusText(state: ClockState, remaining: number, unit: string, lastDay: string): string {
  if (state === 'overdue') return `Overdue by ${plural(-remaining, unit)}`;
  if (remaining === 0) return lastDay;
  return `${plural(remaining, unit)} left`.replace(/^./, (c) => c.toUpperCase());
}

/** Working days after `from` up to and including `to` (0 when `to` is not after `from`). */
function workingDaysBetween(from: number, to: number): number {
  let count = 0;
  for (let d = from + 1; d <= to; d += 1) if (isWorkingDay(d)) count += 1;
  return count;
}

function addWorkingDays(from: number, days: number): number {
  let d = from;
  let left = days;
  while (left > 0) {
    d += 1;
    if (isWorkingDay(d)) left -= 1;
  }
  return d;
}

function adviceClock(since: string, today: string): WaitingClock {
  const start = dayNumber(since);
  const now = dayNumber(today);
  const limit = ADVICE_REPLY_WORKING_DAYS;
  // A long wait is counted by weeks first, so a years-old request costs no more than a new one.
  const span = Math.max(0, now - start);
  const weeks = Math.floor(span / 7);
  const day = weeks * 5 + workingDaysBetween(start + weeks * 7, now);
  const remaining = limit - day;
  const state = stateOf('advice', remaining);
  const dueDate = dayOf(addWorkingDays(start, limit));
  const status = statusText(state, remaining, 'working day', 'Due today');
  const label = `A&G reply day ${day} of ${limit}`;
  return {
    kind: 'advice',
    day,
    limit,
    remaining,
    state,
    dueDate,
    label,
    status,
    text: `${label} — ${status.toLowerCase()}`,
    sentence: `A&G reply: working day ${day} of ${limit} since the referrer last wrote on ${dayText(since)} — ${status.toLowerCase()} (due ${dayText(dueDate)}).`,
  };
}

/** Every clock that applies to an item, at `now` (milliseconds since the epoch). */
export function waitingClocks(dates: ClockDates, now: number): WaitingClocks {
  const today = londonDay(now) ?? dayOf(Math.floor(now / DAY_MS));
  const clocks: WaitingClock[] = [];
  const advice = londonDay(dates.adviceWaitingSince);
  if (advice !== null) clocks.push(adviceClock(advice, today));
  const start = londonDay(dates.pathwayStart);
  if (start !== null) {
    if (dates.priority === 'TWO_WEEK_WAIT') clocks.push(calendarClock('two-week-wait', start, today));
    clocks.push(calendarClock('rtt', start, today));
  }
  const appointmentAt = dates.appointmentStart ? Date.parse(dates.appointmentStart) : Number.NaN;
  const appointmentPassed = !Number.isNaN(appointmentAt) && appointmentAt < now;
  const appointmentDay = appointmentPassed ? londonDay(appointmentAt) : null;
  let urgency = Number.POSITIVE_INFINITY;
  for (const clock of clocks) urgency = Math.min(urgency, clock.remaining);
  if (appointmentPassed) urgency = Math.min(urgency, 0);
  return {
    clocks,
    appointmentPassed,
    appointmentText: appointmentDay === null ? null : `Appointment date passed (${dayText(appointmentDay)})`,
    urgency,
  };
}

/** Whether an item's clocks answer a clock filter. */
export function matchesClockFilter(clocks: WaitingClocks, filter: ClockFilter): boolean {
  switch (filter) {
    case '':
      return true;
    case 'overdue':
      return clocks.clocks.some((clock) => clock.state === 'overdue');
    case 'due-soon':
      return clocks.clocks.some((clock) => clock.state !== 'within');
    case 'two-week-wait-over':
      return clocks.clocks.some((clock) => clock.kind === 'two-week-wait' && clock.state === 'overdue');
    case 'rtt-over':
      return clocks.clocks.some((clock) => clock.kind === 'rtt' && clock.state === 'overdue');
    case 'advice-overdue':
      return clocks.clocks.some((clock) => clock.kind === 'advice' && clock.state === 'overdue');
    case 'appointment-passed':
      return clocks.appointmentPassed;
  }
}
