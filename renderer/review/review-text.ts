/**
 * The words and dates the review screens show. Dates are built from their parts, not
 * through locale formatting, so the same data reads the same on every machine; a plain
 * yyyy-mm-dd date never shifts a day with the time zone.
 */
import type { AttachmentView, PersonRef, Priority } from '../../contract';
import { formatReferralDate, PRIORITY_TEXT } from '../worklist/worklist-text';

export { PRIORITY_TEXT };

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "09:30": the local time of day, as every review sentence gives it. */
export function clockText(time: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(time.getHours())}:${pad(time.getMinutes())}`;
}

/** "4 Mar 2025" from a date, or "4 Mar 2025, 09:30" from a time; the text as given otherwise. */
export function formatWhen(iso: string | null): string {
  if (iso === null || iso === '') return '';
  if (/^\d{4}-\d{2}-\d{2}$/.test(iso)) return formatReferralDate(iso);
  const time = new Date(iso);
  if (Number.isNaN(time.getTime())) return iso;
  return `${time.getDate()} ${MONTHS[time.getMonth()] ?? ''} ${time.getFullYear()}, ${clockText(time)}`;
}

/** "10:31" for today's times, else "10:31 on 4 Mar 2025": when cached data was fetched. */
export function fetchedText(iso: string, now: Date = new Date()): string {
  const time = new Date(iso);
  if (Number.isNaN(time.getTime())) return 'an earlier visit';
  const clock = clockText(time);
  const sameDay = time.getFullYear() === now.getFullYear() && time.getMonth() === now.getMonth() && time.getDate() === now.getDate();
  return sameDay ? clock : `${clock} on ${time.getDate()} ${MONTHS[time.getMonth()] ?? ''} ${time.getFullYear()}`;
}

export function daysText(days: number | null): string {
  if (days === null) return 'Not known';
  if (days <= 0) return 'Referred today';
  return days === 1 ? '1 day' : `${days.toLocaleString('en-GB')} days`;
}

/** "1.2 MB", "340 KB", "12 bytes". */
export function fileSizeText(bytes: number | null): string {
  if (bytes === null) return '';
  if (bytes < 1024) return bytes === 1 ? '1 byte' : `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/** A person by name where one is known, else as "SDS user <id>", with the organisation. */
export function personText(person: PersonRef | null): string {
  if (!person) return 'Not given by e-RS';
  const who = person.name ?? (person.userId ? `SDS user ${person.userId}` : null);
  const where = person.organisationOds ? `organisation ${person.organisationOds}` : null;
  if (who && where) return `${who}, ${where}`;
  return who ?? (where ? where.charAt(0).toUpperCase() + where.slice(1) : 'Not given by e-RS');
}

/** "Unknown code A_B_C" reads better as "A b c" than as the raw code. */
export function humanise(code: string): string {
  const words = code.replace(/[_-]+/g, ' ').trim().toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

const AVAILABILITY_TEXT: Readonly<Record<AttachmentView['availability'], string>> = {
  AVAILABLE: 'Available',
  PENDING: 'Not available yet',
  THREATS_FOUND: 'Quarantined',
  VALIDATION_FAILED: 'Failed e-RS checks',
  UNKNOWN: 'Not available',
};

export function availabilityText(attachment: AttachmentView): string {
  if (attachment.available && attachment.id !== null) return AVAILABILITY_TEXT.AVAILABLE;
  return AVAILABILITY_TEXT[attachment.availability === 'AVAILABLE' ? 'UNKNOWN' : attachment.availability];
}

/** Why a file cannot be opened, as e-RS said it, or the app's own sentence when e-RS gave none. */
export function unavailableText(attachment: AttachmentView): string {
  if (attachment.available && attachment.id === null) {
    return 'e-RS gave no link to this file, so the app cannot fetch it. Open the referral in the e-Referral Service to read it.';
  }
  return (
    attachment.unavailableReason ??
    'e-RS says this file cannot be opened now. Try again later, or open the referral in the e-Referral Service.'
  );
}

const SENT_BY_TEXT: Readonly<Record<string, string>> = {
  REQUESTER: 'Referrer',
  RESPONDER: 'Provider',
};

export function sentByText(code: string | null): string {
  if (code === null) return 'e-RS';
  return SENT_BY_TEXT[code] ?? humanise(code);
}

export function priorityText(priority: Priority | ''): string {
  return priority === '' ? '' : PRIORITY_TEXT[priority];
}

/** "999 000 0001": an NHS number as the NHS writes it (3 3 4); anything that is not ten digits as given. */
export function nhsNumberText(nhsNumber: string): string {
  const digits = nhsNumber.replace(/\s+/g, '');
  return /^\d{10}$/.test(digits) ? `${digits.slice(0, 3)} ${digits.slice(3, 6)} ${digits.slice(6)}` : nhsNumber;
}

/** "UBRN 0001 2345 6789" is how e-RS prints a UBRN; the digits alone are what the user searches by. */
export function ubrnText(ubrn: string): string {
  return /^\d{12}$/.test(ubrn) ? `${ubrn.slice(0, 4)} ${ubrn.slice(4, 8)} ${ubrn.slice(8)}` : ubrn;
}
