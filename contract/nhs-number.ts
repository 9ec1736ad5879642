/**
 * The NHS number's own check: ten digits, the tenth a modulus 11 check digit over the first
 * nine (weights 10 down to 2). A number that fails it was mistyped somewhere, so PDS is not
 * asked about it (PDS would refuse it as invalid) and the screens flag it wherever it shows.
 */
const WEIGHTS = [10, 9, 8, 7, 6, 5, 4, 3, 2] as const;

/** The ten digits of a number written with or without spaces or dashes; null if it is not ten digits. */
export function nhsNumberDigits(value: string): string | null {
  const digits = value.replace(/[\s-]+/g, '');
  return /^\d{10}$/.test(digits) ? digits : null;
}

/** True when the ten digits pass the modulus 11 check. */
export function passesCheckDigit(digits: string): boolean {
  if (!/^\d{10}$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < 9; i += 1) sum += Number(digits[i]) * (WEIGHTS[i] ?? 0);
  const check = 11 - (sum % 11);
  // 10 means no valid number can be made of these nine digits.
  if (check === 10) return false;
  return (check === 11 ? 0 : check) === Number(digits[9]);
}

/** "943 476 5919": how NHS numbers are read out and printed. */
export function formatNhsNumber(digits: string): string {
  return `${digits.slice(0, 3)} ${digits.slice(3, 6)} ${digits.slice(6)}`;
}
