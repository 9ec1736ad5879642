/**
 * Every keyboard shortcut in the app, written once. The handlers look keys up here and the
 * shortcuts overlay (`?`) lists this table, so what the overlay says is what the keys do.
 *
 * A shortcut is "single-key" when it is a printable character pressed without Ctrl, Alt or
 * the Windows/Command key. WCAG 2.1.4 asks that those can be turned off (speech input
 * types words that would otherwise fire them): with the setting off they do nothing, and
 * every action they start has a modifier key or a button as well.
 */

export type ShortcutScreen = 'everywhere' | 'worklist' | 'review' | 'viewer' | 'forms';

export type ShortcutId =
  | 'help'
  | 'list.referrals'
  | 'list.triage'
  | 'list.advice'
  | 'worklist.search'
  | 'worklist.down'
  | 'worklist.up'
  | 'worklist.pageDown'
  | 'worklist.pageUp'
  | 'worklist.first'
  | 'worklist.last'
  | 'worklist.open'
  | 'review.accept'
  | 'review.reject'
  | 'review.triage'
  | 'review.reply'
  | 'review.convert'
  | 'review.nextAttachment'
  | 'review.previousAttachment'
  | 'review.nextItem'
  | 'review.previousItem'
  | 'review.backToList'
  | 'viewer.pages'
  | 'viewer.firstLast'
  | 'viewer.zoom'
  | 'viewer.fit'
  | 'viewer.rotate'
  | 'viewer.find'
  | 'forms.savedTexts'
  | 'forms.send'
  | 'forms.close';

export interface KeyChord {
  /** KeyboardEvent.key, lower case for letters: "a", "ArrowDown", "1". */
  key: string;
  alt?: boolean;
  ctrl?: boolean;
}

export interface ShortcutDef {
  id: ShortcutId;
  screen: ShortcutScreen;
  /** What it does, as the overlay lists it: "Accept the referral". */
  label: string;
  /** The few words the help line under a screen's heading uses: "accept". */
  short: string;
  /** The keys that do it; the first is the one the help line names. */
  chords: readonly KeyChord[];
  /**
   * Handled by a control itself (a dialog's Escape, a form's Ctrl+Enter) rather than looked
   * up by a screen's key handler: listed so the overlay is complete.
   */
  handledByControl?: boolean;
}

const alt = (key: string): KeyChord => ({ key, alt: true });
const plain = (key: string): KeyChord => ({ key });

export const SHORTCUTS: readonly ShortcutDef[] = [
  {
    id: 'help',
    short: 'all shortcuts',
    screen: 'everywhere',
    label: 'Show or hide this list of keyboard shortcuts',
    chords: [plain('?'), alt('/')],
  },
  { id: 'list.referrals', short: 'referrals', screen: 'everywhere', label: 'Go to referrals for review', chords: [alt('1')] },
  { id: 'list.triage', short: 'triage', screen: 'everywhere', label: 'Go to triage requests', chords: [alt('2')] },
  { id: 'list.advice', short: 'A&G', screen: 'everywhere', label: 'Go to advice and guidance requests', chords: [alt('3')] },

  { id: 'worklist.search', short: 'search', screen: 'worklist', label: 'Search the list', chords: [plain('/')] },
  { id: 'worklist.down', short: 'next row', screen: 'worklist', label: 'Next row', chords: [plain('ArrowDown'), plain('j')] },
  { id: 'worklist.up', short: 'previous row', screen: 'worklist', label: 'Previous row', chords: [plain('ArrowUp'), plain('k')] },
  { id: 'worklist.pageDown', short: 'page down', screen: 'worklist', label: 'A page down', chords: [plain('PageDown')] },
  { id: 'worklist.pageUp', short: 'page up', screen: 'worklist', label: 'A page up', chords: [plain('PageUp')] },
  { id: 'worklist.first', short: 'first row', screen: 'worklist', label: 'First row', chords: [plain('Home')] },
  { id: 'worklist.last', short: 'last row', screen: 'worklist', label: 'Last row', chords: [plain('End')] },
  { id: 'worklist.open', short: 'open', screen: 'worklist', label: 'Open the selected row', chords: [plain('Enter')] },

  { id: 'review.accept', short: 'accept', screen: 'review', label: 'Accept the referral (asks you to confirm)', chords: [plain('a')] },
  { id: 'review.reject', short: 'reject', screen: 'review', label: 'Reject the referral', chords: [plain('r')] },
  { id: 'review.triage', short: 'triage outcome', screen: 'review', label: 'Record a triage outcome', chords: [plain('t')] },
  { id: 'review.reply', short: 'reply with guidance', screen: 'review', label: 'Reply with guidance', chords: [plain('g')] },
  { id: 'review.convert', short: 'convert to referral', screen: 'review', label: 'Convert to a referral', chords: [plain('c')] },
  { id: 'review.nextAttachment', short: 'next attachment', screen: 'review', label: 'Next attachment', chords: [plain('n')] },
  { id: 'review.previousAttachment', short: 'previous attachment', screen: 'review', label: 'Previous attachment', chords: [plain('p')] },
  { id: 'review.nextItem', short: 'next item', screen: 'review', label: 'Next item in the list', chords: [plain('j'), alt('ArrowDown')] },
  {
    id: 'review.previousItem',
    short: 'previous item',
    screen: 'review',
    label: 'Previous item in the list',
    chords: [plain('k'), alt('ArrowUp')],
  },
  {
    id: 'review.backToList',
    short: 'back to the list',
    screen: 'review',
    label: 'Back to the list',
    chords: [plain('u'), alt('ArrowLeft')],
  },

  {
    id: 'viewer.pages',
    short: 'pages',
    screen: 'viewer',
    label: 'Next or previous page',
    chords: [plain('PageDown'), plain('PageUp')],
    handledByControl: true,
  },
  {
    id: 'viewer.firstLast',
    short: 'first or last page',
    screen: 'viewer',
    label: 'First or last page',
    chords: [plain('Home'), plain('End')],
    handledByControl: true,
  },
  { id: 'viewer.zoom', short: 'zoom', screen: 'viewer', label: 'Zoom in or out', chords: [plain('+'), plain('-')], handledByControl: true },
  { id: 'viewer.fit', short: 'fit width', screen: 'viewer', label: 'Fit to width', chords: [plain('0')], handledByControl: true },
  { id: 'viewer.rotate', short: 'rotate', screen: 'viewer', label: 'Rotate the page', chords: [plain('r')], handledByControl: true },
  {
    id: 'viewer.find',
    short: 'find',
    screen: 'viewer',
    label: 'Find in a PDF',
    chords: [{ key: 'f', ctrl: true }, plain('/')],
    handledByControl: true,
  },
  {
    id: 'forms.savedTexts',
    short: 'saved texts',
    screen: 'forms',
    label: 'Open your saved texts from a comment or guidance form',
    chords: [alt('s')],
    handledByControl: true,
  },
  {
    id: 'forms.send',
    short: 'check or send a form',
    screen: 'forms',
    label: 'Check a decision form, or send from the confirmation',
    chords: [{ key: 'Enter', ctrl: true }],
    handledByControl: true,
  },
  {
    id: 'forms.close',
    short: 'close a dialog',
    screen: 'forms',
    label: 'Close a dialog or the shortcuts list',
    chords: [plain('Escape')],
    handledByControl: true,
  },
];

const BY_ID = new Map(SHORTCUTS.map((s) => [s.id, s]));

export function shortcut(id: ShortcutId): ShortcutDef {
  const found = BY_ID.get(id);
  if (!found) throw new Error(`No shortcut ${id}`);
  return found;
}

/** A printable character with no Ctrl, Alt or Meta: what the WCAG 2.1.4 setting turns off. */
export function isSingleKey(chord: KeyChord): boolean {
  return !chord.alt && !chord.ctrl && chord.key.length === 1;
}

export interface KeyLike {
  key: string;
  altKey: boolean;
  ctrlKey: boolean;
  metaKey: boolean;
}

function chordMatches(chord: KeyChord, event: KeyLike): boolean {
  if (Boolean(chord.alt) !== event.altKey) return false;
  if (Boolean(chord.ctrl) !== (event.ctrlKey || event.metaKey)) return false;
  // Letters match whatever Caps Lock says; "?" arrives as "?" with Shift on every layout.
  return chord.key.length === 1 ? event.key.toLowerCase() === chord.key.toLowerCase() : event.key === chord.key;
}

/**
 * Which of these shortcuts the key press is, honouring the single-key setting: with it off,
 * a single-key chord never matches.
 */
export function matchShortcut<T extends ShortcutId>(event: KeyLike, ids: readonly T[], singleKeys: boolean): T | null {
  for (const id of ids) {
    const def = shortcut(id);
    if (def.chords.some((chord) => (singleKeys || !isSingleKey(chord)) && chordMatches(chord, event))) return id;
  }
  return null;
}

const KEY_NAMES: Record<string, string> = {
  ArrowDown: '↓',
  ArrowUp: '↑',
  ArrowLeft: '←',
  ArrowRight: '→',
  PageDown: 'Page Down',
  PageUp: 'Page Up',
  Escape: 'Esc',
  ' ': 'Space',
};

/** The keys of a chord as the overlay shows them: ["Alt", "1"]. */
export function chordKeys(chord: KeyChord): string[] {
  const keys: string[] = [];
  if (chord.ctrl) keys.push('Ctrl');
  if (chord.alt) keys.push('Alt');
  keys.push(KEY_NAMES[chord.key] ?? (chord.key.length === 1 ? chord.key.toUpperCase() : chord.key));
  return keys;
}

/** The chords of a shortcut that work with the setting as it is. */
export function activeChords(def: ShortcutDef, singleKeys: boolean): KeyChord[] {
  return def.chords.filter((chord) => singleKeys || !isSingleKey(chord));
}

export const SCREEN_TITLES: Record<ShortcutScreen, string> = {
  everywhere: 'Everywhere',
  worklist: 'Worklists',
  review: 'Referral and A&G screens',
  viewer: 'Letters and attachments (with focus in the viewer)',
  forms: 'Decision forms and dialogs',
};

/** True while focus is in somewhere that takes typing: a key pressed there is text. */
export function isTyping(target: EventTarget | null): boolean {
  if (typeof HTMLElement === 'undefined' || !(target instanceof HTMLElement)) return false;
  if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  if (target instanceof HTMLInputElement) return !['button', 'submit', 'reset', 'checkbox', 'radio', 'file'].includes(target.type);
  return target.isContentEditable;
}

/** True while a modal dialog is open: its keys are its own. */
export function dialogOpen(): boolean {
  return document.querySelector('[aria-modal="true"]') !== null;
}
