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
const HOUR_MS = 3_600_000;

/** Epoch ms of the last Sunday of a month (0-based), at 01:00 UTC: when UK clocks change. */
function lastSundayOneAm(year: number, month: number): number {
  const lastDay = Date.UTC(year, month + 1, 0);
  const weekday = new Date(lastDay).getUTCDay();
  return lastDay - weekday * DAY_MS + HOUR_MS;
}
const summerTime = new Map<number, readonly [number, number]>();

/**
 * The UK calendar day of an instant, as a day number (days since 1970-01-01). By
 * arithmetic, not Intl: a 10,000-row list asks it tens of thousands of times, and Intl's
 * time-zone formatting costs tens of microseconds a call. British Summer Time runs from
 * 01:00 UTC on the last Sunday of March to 01:00 UTC on the last Sunday of October (the
 * rule since 1996; the tests check it against Intl's Europe/London).
 */
export function londonDayNumber(ms: number): number {
  // Most calls in a row fall in the year of the last: no Date made then.
  let year = lastYear;
  if (!(ms >= year.from && ms < year.to)) {
    const y = new Date(ms).getUTCFullYear();
    year = lastYear = { from: Date.UTC(y, 0, 1), to: Date.UTC(y + 1, 0, 1), ...summerTimeOf(y) };
  }
  const offset = ms >= year.bstFrom && ms < year.bstTo ? HOUR_MS : 0;
  return Math.floor((ms + offset) / DAY_MS);
}

function summerTimeOf(year: number): { bstFrom: number; bstTo: number } {
  let bst = summerTime.get(year);
  if (!bst) {
    bst = [lastSundayOneAm(year, 2), lastSundayOneAm(year, 9)] as const;
    summerTime.set(year, bst);
  }
  return { bstFrom: bst[0], bstTo: bst[1] };
}
let lastYear: { from: number; to: number; bstFrom: number; bstTo: number } = { from: 0, to: 0, bstFrom: 0, bstTo: 0 };
/** Written out by hand: ICU versions differ on "Sep" and "Sept", and the worklist writes "Sep". */
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** The UK calendar day (yyyy-mm-dd) of an ISO date or date-time; null if unreadable. */
export function londonDay(value: string | number | null | undefined): string | null {
  if (value === null || value === undefined || value === '') return null;
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)) return value;
  const at = typeof value === 'number' ? value : Date.parse(value);
  if (Number.isNaN(at)) return null;
  return dayOf(londonDayNumber(at));
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

function dayNumberText(number: number): string {
  const at = new Date(number * DAY_MS);
  return `${at.getUTCDate()} ${MONTHS[at.getUTCMonth()] ?? ''} ${at.getUTCFullYear()}`;
}

/** The UK day number of an ISO date (taken as that day) or date-time; null if unreadable. */
function dayNumberOf(value: string | null | undefined): number | null {
  if (!value) return null;
  const at = Date.parse(value);
  // A date without a time is that day itself (Date.parse reads it as UTC midnight).
  if (value.length === 10) return Number.isNaN(at) ? null : Math.round(at / DAY_MS);
  return Number.isNaN(at) ? null : londonDayNumber(at);
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

function stateOf(kind: ClockKind, remaining: number): ClockState {
  if (remaining < 0) return 'overdue';
  return remaining <= DUE_SOON[kind] ? 'due-soon' : 'within';
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

/** One clock as numbers: what sorting and filtering need, with no words. */
interface ClockCount {
  kind: ClockKind;
  /** UK day numbers: the clock's start and its last day within the limit. */
  start: number;
  due: number;
  day: number;
  limit: number;
  remaining: number;
  state: ClockState;
}

function calendarCount(kind: 'two-week-wait' | 'rtt', start: number, today: number): ClockCount {
  const limit = kind === 'two-week-wait' ? TWO_WEEK_WAIT_DAYS : RTT_DAYS;
  const day = Math.max(0, today - start);
  return { kind, start, due: start + limit, day, limit, remaining: limit - day, state: stateOf(kind, limit - day) };
}

function adviceCount(start: number, today: number): ClockCount {
  const limit = ADVICE_REPLY_WORKING_DAYS;
  // A long wait is counted by weeks first, so a years-old request costs no more than a new one.
  const weeks = Math.floor(Math.max(0, today - start) / 7);
  const day = weeks * 5 + workingDaysBetween(start + weeks * 7, today);
  return {
    kind: 'advice',
    start,
    due: addWorkingDays(start, limit),
    day,
    limit,
    remaining: limit - day,
    state: stateOf('advice', limit - day),
  };
}

interface Counted {
  counts: ClockCount[];
  /** UK day number of a booked appointment that has passed, else null. */
  appointmentPassedOn: number | null;
  urgency: number;
}

/** The counting both waitingClocks and clockSummary share, so the list and the screens never disagree. */
function count(dates: ClockDates, now: number): Counted {
  const today = londonDayNumber(now);
  const counts: ClockCount[] = [];
  const advice = dayNumberOf(dates.adviceWaitingSince);
  if (advice !== null) counts.push(adviceCount(advice, today));
  const start = dayNumberOf(dates.pathwayStart);
  if (start !== null) {
    if (dates.priority === 'TWO_WEEK_WAIT') counts.push(calendarCount('two-week-wait', start, today));
    counts.push(calendarCount('rtt', start, today));
  }
  const appointmentAt = dates.appointmentStart ? Date.parse(dates.appointmentStart) : Number.NaN;
  const appointmentPassedOn = !Number.isNaN(appointmentAt) && appointmentAt < now ? londonDayNumber(appointmentAt) : null;
  let urgency = Number.POSITIVE_INFINITY;
  for (const c of counts) urgency = Math.min(urgency, c.remaining);
  if (appointmentPassedOn !== null) urgency = Math.min(urgency, 0);
  return { counts, appointmentPassedOn, urgency };
}

function describe(c: ClockCount): WaitingClock {
  const base = { kind: c.kind, day: c.day, limit: c.limit, remaining: c.remaining, state: c.state, dueDate: dayOf(c.due) };
  if (c.kind === 'advice') {
    const status = statusText(c.state, c.remaining, 'working day', 'Due today');
    const label = `A&G reply day ${c.day} of ${c.limit}`;
    return {
      ...base,
      label,
      status,
      text: `${label} — ${status.toLowerCase()}`,
      sentence: `A&G reply: working day ${c.day} of ${c.limit} since the referrer last wrote on ${dayNumberText(c.start)} — ${status.toLowerCase()} (due ${dayNumberText(c.due)}).`,
    };
  }
  const status = statusText(c.state, c.remaining, 'day', 'Last day');
  const label = `${c.kind === 'two-week-wait' ? '2WW' : 'RTT'} day ${c.day} of ${c.limit}`;
  const name = c.kind === 'two-week-wait' ? 'Two week wait' : '18-week referral to treatment';
  return {
    ...base,
    label,
    status,
    text: `${label} — ${status.toLowerCase()}`,
    sentence: `${name}: day ${c.day} of ${c.limit} since the pathway start on ${dayNumberText(c.start)} — ${status.toLowerCase()} (day ${c.limit} is ${dayNumberText(c.due)}).`,
  };
}

/** Every clock that applies to an item, at `now` (milliseconds since the epoch), in words. */
export function waitingClocks(dates: ClockDates, now: number): WaitingClocks {
  const counted = count(dates, now);
  return {
    clocks: counted.counts.map(describe),
    appointmentPassed: counted.appointmentPassedOn !== null,
    appointmentText:
      counted.appointmentPassedOn === null ? null : `Appointment date passed (${dayNumberText(counted.appointmentPassedOn)})`,
    urgency: counted.urgency,
  };
}

/**
 * What a worklist sorts and filters by, for every row when a list arrives: numbers only.
 * The words (waitingClocks) are written for the rows on screen.
 */
export interface ClockSummary {
  /** As WaitingClocks.urgency. */
  urgency: number;
  /** The clock filters this item answers, as bits (CLOCK_FILTER_BIT). */
  matches: number;
}

const CLOCK_FILTER_BIT: Readonly<Record<Exclude<ClockFilter, ''>, number>> = {
  overdue: 1,
  'due-soon': 2,
  'two-week-wait-over': 4,
  'rtt-over': 8,
  'advice-overdue': 16,
  'appointment-passed': 32,
};

function summarise(counts: readonly { kind: ClockKind; state: ClockState }[], appointmentPassed: boolean, urgency: number): ClockSummary {
  let matches = appointmentPassed ? CLOCK_FILTER_BIT['appointment-passed'] : 0;
  for (const c of counts) {
    if (c.state !== 'within') matches |= CLOCK_FILTER_BIT['due-soon'];
    if (c.state !== 'overdue') continue;
    matches |= CLOCK_FILTER_BIT.overdue;
    if (c.kind === 'two-week-wait') matches |= CLOCK_FILTER_BIT['two-week-wait-over'];
    else if (c.kind === 'rtt') matches |= CLOCK_FILTER_BIT['rtt-over'];
    else matches |= CLOCK_FILTER_BIT['advice-overdue'];
  }
  return { urgency, matches };
}

export function clockSummary(dates: ClockDates, now: number): ClockSummary {
  const counted = count(dates, now);
  return summarise(counted.counts, counted.appointmentPassedOn !== null, counted.urgency);
}

/** Whether an item's clocks (in words, or summarised for a list) answer a clock filter. */
export function matchesClockFilter(clocks: WaitingClocks | ClockSummary, filter: ClockFilter): boolean {
  if (filter === '') return true;
  const summary = 'matches' in clocks ? clocks : summarise(clocks.clocks, clocks.appointmentPassed, clocks.urgency);
  return (summary.matches & CLOCK_FILTER_BIT[filter]) !== 0;
}
