/**
 * Synthetic identifiers that pass the real validity rules, so the app's own checks treat
 * them as genuine while no real patient or referral can ever be hit.
 *
 * NHS numbers: ten digits, the tenth a modulus 11 check digit, drawn from the 999 range
 * NHS England sets aside for testing. UBRNs: twelve digits (e-RS publishes no check digit).
 */
import { type Prng } from './prng';

const WEIGHTS = [10, 9, 8, 7, 6, 5, 4, 3, 2];

/** The modulus 11 check digit for nine digits, or null when the nine digits can have none. */
export function nhsNumberCheckDigit(firstNine: string): number | null {
  if (!/^\d{9}$/.test(firstNine)) return null;
  let sum = 0;
  for (let i = 0; i < 9; i += 1) sum += Number(firstNine[i]) * (WEIGHTS[i] ?? 0);
  const check = 11 - (sum % 11);
  if (check === 11) return 0;
  if (check === 10) return null;
  return check;
}

export function isValidNhsNumber(value: string): boolean {
  if (!/^\d{10}$/.test(value)) return false;
  return nhsNumberCheckDigit(value.slice(0, 9)) === Number(value[9]);
}

export function isTestRangeNhsNumber(value: string): boolean {
  return isValidNhsNumber(value) && value.startsWith('999');
}

/** A valid NHS number in the 999 test range. */
export function testNhsNumber(prng: Prng): string {
  for (;;) {
    const nine = `999${String(prng.int(0, 999_999)).padStart(6, '0')}`;
    const check = nhsNumberCheckDigit(nine);
    if (check !== null) return `${nine}${check}`;
  }
}

export function isValidUbrn(value: string): boolean {
  return /^\d{12}$/.test(value) && !/^0{12}$/.test(value);
}

/**
 * UBRNs for generated referrals: a block of their own (0005xxxxxxxx), well away from the
 * NHS example ids (0000000700xx), so a generated item never collides with an example one.
 */
export function generatedUbrn(index: number): string {
  return `0005${String(10_000_000 + index * 7 + 3).padStart(8, '0')}`;
}
