/**
 * Names from outside (a Content-Disposition header, a FHIR attachment title) may carry
 * characters that change how the rest of the name reads: bidirectional controls
 * ("results\u202Efdp.doc" shows as "resultscod.pdf"), and C0/C1 control characters (line
 * breaks, escapes, NUL). Every such name is passed through here before it is written to
 * disk or shown to the user:
 *  - `visibleName` for names the renderer shows: each such character becomes U+FFFD (�),
 *    so the name reads in its real order and the user can see something was there;
 *  - `strippedName` for names written to disk: each such character is removed.
 * Names without them come back unchanged. Pure, no dependencies.
 */

/**
 * The characters no name keeps: C0 controls, DEL and C1 controls (\p{Cc}: U+0000–U+001F,
 * U+007F–U+009F); the Arabic letter mark;
 * left-to-right and right-to-left marks; line and paragraph separators; the embeddings,
 * overrides and pop (U+202A–U+202E); the isolates and their pop (U+2066–U+2069).
 */
export const UNSAFE_NAME_CHARACTERS = /[\p{Cc}\u061C\u200E\u200F\u2028\u2029\u202A-\u202E\u2066-\u2069]/gu;

/** Shown in place of each removed character, so nothing is hidden from the reader. */
export const REPLACEMENT = '\uFFFD';

export function hasUnsafeNameCharacters(name: string): boolean {
  UNSAFE_NAME_CHARACTERS.lastIndex = 0;
  const found = UNSAFE_NAME_CHARACTERS.test(name);
  UNSAFE_NAME_CHARACTERS.lastIndex = 0;
  return found;
}

/** For display: each unsafe character becomes a visible U+FFFD; tabs and line breaks a space. */
export function visibleName(name: string): string {
  return name.replace(UNSAFE_NAME_CHARACTERS, (c) => (c === '\t' || c === '\n' || c === '\r' ? ' ' : REPLACEMENT));
}

/** For file names on disk: unsafe characters removed. */
export function strippedName(name: string): string {
  return name.replace(UNSAFE_NAME_CHARACTERS, '');
}

/** visibleName for a name that may be missing. */
export function visibleNameOrNull(name: string | null | undefined): string | null {
  return typeof name === 'string' ? visibleName(name) : null;
}
