/**
 * How a patient is written on every screen, in the NHS patient banner conventions: the
 * FAMILY name in capitals, then given names, then the title in brackets; dates as
 * 22-Oct-2010; the age as NHS clinical systems show it (days for a newborn, weeks and days
 * in the first year, months and days in the second, years and months to 18, then years);
 * the NHS number 3 3 4, flagged when it fails its modulus 11 check.
 *
 * The check digit rule is also in electron/pds/nhs-number.ts: the renderer may not import
 * the main process's code, and the worklist must flag a bad number before, and without, PDS.
 */
import { formatNhsNumber as formatDigits, nhsNumberDigits, passesCheckDigit, type PatientGender, type PatientName } from '../../contract';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const DAY_MS = 86_400_000;

// The NHS number's rules (ten digits, the modulus 11 check) are the contract's, shared with the main process.
export { nhsNumberDigits as nhsDigits, passesCheckDigit };

/** True when the number as written is a valid NHS number. */
export function isValidNhsNumber(text: string): boolean {
  const digits = nhsNumberDigits(text);
  return digits !== null && passesCheckDigit(digits);
}

export function formatNhsNumber(text: string): string {
  const digits = nhsNumberDigits(text);
  return digits === null ? text : formatDigits(digits);
}

/** "SMITH, Jane Marie (Mrs)"; without the title where space is short. */
export function patientNameText(name: PatientName | null, withTitle = true): string | null {
  if (!name) return null;
  const family = name.family ? name.family.toLocaleUpperCase('en-GB') : null;
  const given = name.given.join(' ');
  let text = family && given ? `${family}, ${given}` : (family ?? given);
  if (text === '') return null;
  if (withTitle && name.titles.length > 0) text += ` (${name.titles.join(' ')})`;
  return text;
}

/** Lowercase words of the name, each with a space before it, for search by the start of any word. */
export function nameSearchKey(name: PatientName | null, fallback = ''): string {
  const words = name ? [name.family ?? '', ...name.given] : [fallback];
  const text = words
    .join(' ')
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}' -]+/gu, ' ')
    .replace(/[\s-]+/g, ' ');
  return text === '' ? '' : ` ${text}`;
}

/** "22-Oct-2010"; "Oct-2010" or "2010" for the partial dates PDS gives for a few old records. */
export function bannerDate(iso: string | null): string {
  if (!iso) return '';
  const full = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
  if (full) return `${full[3]}-${MONTHS[Number(full[2]) - 1] ?? full[2]}-${full[1]}`;
  const month = /^(\d{4})-(\d{2})$/.exec(iso);
  if (month) return `${MONTHS[Number(month[2]) - 1] ?? month[2]}-${month[1]}`;
  return iso;
}

function utcDay(iso: string): number | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!match) return null;
  const at = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  return Number.isNaN(at) ? null : at;
}

/** The same day `months` later, or the month's last day when it has no such day. */
function addMonths(iso: string, months: number): number {
  const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
  const target = new Date(Date.UTC(y, m - 1 + months, 1));
  const last = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  return Date.UTC(target.getUTCFullYear(), target.getUTCMonth(), Math.min(d, last));
}

/**
 * The age on `on` (yyyy-mm-dd) of someone born on `birthDate`: "15d", "4w 5d", "13m 2d",
 * "15y 6m", "34y". Null when either date is partial or the birth is after `on`.
 */
export function ageText(birthDate: string | null, on: string): string | null {
  if (!birthDate) return null;
  const born = utcDay(birthDate);
  const day = utcDay(on);
  if (born === null || day === null || day < born) return null;
  const days = Math.round((day - born) / DAY_MS);
  if (days < 28) return `${days}d`;
  // Whole months from a start a month short of the calendar's count (that day is always on or
  // before `on`), then at most two steps: a loop from birth took 900 steps for an 80-year-old.
  const [by, bm] = birthDate.split('-').map(Number) as [number, number];
  const [oy, om] = on.split('-').map(Number) as [number, number];
  let months = Math.max(0, (oy - by) * 12 + (om - bm) - 1);
  while (addMonths(birthDate, months + 1) <= day) months += 1;
  if (months < 12) return `${Math.floor(days / 7)}w ${days % 7}d`;
  if (months < 24) return `${months}m ${Math.round((day - addMonths(birthDate, months)) / DAY_MS)}d`;
  const years = Math.floor(months / 12);
  return years < 18 ? `${years}y ${months % 12}m` : `${years}y`;
}

/** Whole years, for sorting and for a screen reader's "aged 54". */
export function ageYears(birthDate: string | null, on: string): number | null {
  if (!birthDate) return null;
  const b = /^(\d{4})-(\d{2})-(\d{2})$/.exec(birthDate);
  const o = /^(\d{4})-(\d{2})-(\d{2})$/.exec(on);
  if (!b || !o) return null;
  const years = Number(o[1]) - Number(b[1]) - (`${o[2]}${o[3]}` < `${b[2]}${b[3]}` ? 1 : 0);
  return years < 0 ? null : years;
}

const GENDER_TEXT: Readonly<Record<PatientGender, string>> = { female: 'Female', male: 'Male', other: 'Other', unknown: 'Not known' };

export function genderText(gender: PatientGender | null): string {
  return gender === null ? 'Not recorded' : GENDER_TEXT[gender];
}

/** What a worklist row's Patient and Age cells say: PDS's words, or why there are none. */
export interface PatientCell {
  name: string | null;
  note: string | null;
  age: string | null;
  flags: string[];
}
