/** Dates as the worklist shows them, formatted once per distinct value: the same answers with the memo as without. */
import { describe, expect, it } from 'vitest';
import { daysSince, ukDate } from '../../../electron/ers/format';

describe('ukDate and daysSince', () => {
  it('gives the UK calendar day of a date-time, the same the second time it is asked', () => {
    // 00:30 BST on 1 July is still 30 June in UTC.
    expect(ukDate('2026-06-30T23:30:00Z')).toBe('2026-07-01');
    expect(ukDate('2026-06-30T23:30:00Z')).toBe('2026-07-01');
    expect(ukDate('2026-01-15T23:30:00Z')).toBe('2026-01-15');
    expect(ukDate('not a date')).toBeNull();
    expect(ukDate('not a date')).toBeNull();
    expect(ukDate('2026-03-04')).toBe('2026-03-04');
  });

  it('counts days to the UK today of whichever instant it is given, not the one asked first', () => {
    expect(daysSince('2026-06-01', new Date('2026-06-11T12:00:00Z'))).toBe(10);
    expect(daysSince('2026-06-01', new Date('2026-06-11T12:00:00Z'))).toBe(10);
    expect(daysSince('2026-06-01', new Date('2026-06-11T23:30:00Z'))).toBe(11);
    expect(daysSince('2026-06-01', new Date('2026-05-01T12:00:00Z'))).toBe(0);
  });
});
