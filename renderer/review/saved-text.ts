/** A saved text into a field: the field's own text when empty, else after it on a new paragraph. */
export function joinText(current: string, inserted: string): string {
  if (current.trim() === '') return inserted;
  return `${current.replace(/\s+$/, '')}\n\n${inserted}`;
}
