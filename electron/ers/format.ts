/**
 * How e-RS values are shown: NHS numbers in 3 3 4, dates as UK calendar dates (a referral
 * made at 00:30 BST belongs to that day, not the previous one in UTC), waiting in whole
 * days, and e-RS codes as words where e-RS gives no display text.
 */
const UK = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London', year: 'numeric', month: '2-digit', day: '2-digit' });
const DAY_MS = 86_400_000;

export function isNhsNumber(value: string): boolean {
  return /^\d{10}$/.test(value);
}

export function formatNhsNumber(digits: string): string {
  return `${digits.slice(0, 3)} ${digits.slice(3, 6)} ${digits.slice(6)}`;
}

/** The UK calendar date (yyyy-mm-dd) of an ISO date or date-time; null if unreadable. */
export function ukDate(value: string | null | undefined): string | null {
  if (!value) return null;
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return value;
  // A worklist repeats the same few thousand date-times: Intl formatting is the costly part, so each is formatted once.
  const known = ukDates.get(value);
  if (known !== undefined) return known;
  const at = Date.parse(value);
  const date = Number.isNaN(at) ? null : UK.format(new Date(at));
  if (ukDates.size >= UK_DATES_KEPT) ukDates.clear();
  ukDates.set(value, date);
  return date;
}
const UK_DATES_KEPT = 50_000;
const ukDates = new Map<string, string | null>();

/** Today in the UK for `now`, formatted once per instant (a list's rows all share one). */
let lastNow = NaN;
let lastToday = '';
function ukToday(now: Date): string {
  const at = now.getTime();
  if (at !== lastNow) {
    lastToday = UK.format(now);
    lastNow = at;
  }
  return lastToday;
}

/** Whole calendar days from `date` (yyyy-mm-dd) to today in the UK; never negative. */
export function daysSince(date: string, now: Date): number {
  const today = ukToday(now);
  const from = Date.parse(`${date}T00:00:00Z`);
  const to = Date.parse(`${today}T00:00:00Z`);
  if (Number.isNaN(from) || Number.isNaN(to)) return 0;
  return Math.max(0, Math.round((to - from) / DAY_MS));
}

/** NEVER_REVIEWED -> "Never reviewed". */
export function humaniseCode(code: string): string {
  const words = code.replace(/[_-]+/g, ' ').trim().toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export function personName(
  names:
    | readonly { text?: string | undefined; family?: string | undefined; given?: string[] | undefined; prefix?: string[] | undefined }[]
    | undefined,
): string | null {
  const name = names?.[0];
  if (!name) return null;
  if (name.text) return name.text;
  const parts = [...(name.prefix ?? []), ...(name.given ?? []), ...(name.family ? [name.family] : [])];
  return parts.length > 0 ? parts.join(' ') : null;
}

/** How a person e-RS names only by SDS user id is shown: never a bare 12-digit number. */
export function sdsUserText(userId: string): string {
  return `SDS user ${userId}`;
}
