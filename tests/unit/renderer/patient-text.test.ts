/**
 * Ages as clinical systems write them, against the plain definition: whole months counted
 * one at a time from the birth date (a month from the 31st is the month's last day).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ageText } from '../../../renderer/worklist/patient-text';

const DAY_MS = 86_400_000;

function plusMonths(y: number, m: number, d: number, months: number): number {
  const last = new Date(Date.UTC(y, m - 1 + months + 1, 0)).getUTCDate();
  return Date.UTC(y, m - 1 + months, Math.min(d, last));
}

/** The definition, one month at a time. */
function plainAge(birth: string, on: string): string | null {
  const [y, m, d] = birth.split('-').map(Number) as [number, number, number];
  const [oy, om, od] = on.split('-').map(Number) as [number, number, number];
  const born = Date.UTC(y, m - 1, d);
  const day = Date.UTC(oy, om - 1, od);
  if (day < born) return null;
  const days = Math.round((day - born) / DAY_MS);
  if (days < 28) return `${days}d`;
  let months = 0;
  while (plusMonths(y, m, d, months + 1) <= day) months += 1;
  if (months < 12) return `${Math.floor(days / 7)}w ${days % 7}d`;
  if (months < 24) return `${months}m ${Math.round((day - plusMonths(y, m, d, months)) / DAY_MS)}d`;
  const years = Math.floor(months / 12);
  return years < 18 ? `${years}y ${months % 12}m` : `${years}y`;
}

const iso = (time: number) => new Date(time).toISOString().slice(0, 10);
const dayArb = fc.integer({ min: Date.UTC(1900, 0, 1) / DAY_MS, max: Date.UTC(2030, 11, 31) / DAY_MS }).map((n) => iso(n * DAY_MS));
// Month ends, where a month later is the next month's last day.
const monthEndArb = fc
  .record({ y: fc.integer({ min: 1900, max: 2029 }), m: fc.integer({ min: 1, max: 12 }) })
  .map(({ y, m }) => iso(Date.UTC(y, m, 0)));

describe('ageText', () => {
  it('gives the age the month-by-month definition gives, for any birth date and day', () => {
    fc.assert(
      fc.property(fc.oneof(dayArb, monthEndArb), dayArb, (birth, on) => {
        expect(ageText(birth, on)).toBe(plainAge(birth, on));
      }),
      { numRuns: 3000 },
    );
  });
});
