/**
 * What every form field shares, whatever the form is for: the error it can carry, the
 * ids its aria-describedby names, and the NHS character count under a text area.
 */

export interface FieldError {
  /** The id of the field the error belongs to, for the error summary's link. */
  field: string;
  message: string;
}

/** The ids a control's aria-describedby names: its hint and its error where shown, then any others. */
export function describedBy(
  id: string,
  hint: string | undefined,
  error: string | null | undefined,
  ...others: string[]
): string | undefined {
  return [hint ? `${id}-hint` : '', error ? `${id}-error` : '', ...others].filter(Boolean).join(' ') || undefined;
}

/** "You have 1,990 characters remaining" / "You have 12 characters too many": the NHS pattern. */
export function characterCountText(length: number, max: number): string {
  const left = max - length;
  if (left >= 0) return `You have ${left.toLocaleString('en-GB')} ${left === 1 ? 'character' : 'characters'} remaining`;
  const over = -left;
  return `You have ${over.toLocaleString('en-GB')} ${over === 1 ? 'character' : 'characters'} too many`;
}
