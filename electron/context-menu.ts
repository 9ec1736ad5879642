/**
 * The right-click menu of the app's window, decided here in plain code (no electron import,
 * so a unit test checks it) and built by main.ts with Electron's Menu. In a text field:
 * spelling suggestions for a misspelt word (en-GB), then cut, copy, paste and select all as
 * the field allows; elsewhere, copy when text is selected, else no menu at all.
 *
 * Deliberately absent: "Add to dictionary", because Chromium keeps the custom dictionary
 * unencrypted in the profile and the words would be clinical text, patients' names among
 * them; and "Inspect", which is for developers, who have the developer tools.
 */

export interface ContextMenuParams {
  isEditable: boolean;
  selectionText: string;
  misspelledWord: string;
  dictionarySuggestions: readonly string[];
  editFlags: { canCut: boolean; canCopy: boolean; canPaste: boolean; canSelectAll: boolean };
}

export type MenuItemSpec =
  | { kind: 'replace'; label: string; replacement: string }
  | { kind: 'note'; label: string }
  | { kind: 'role'; label: string; role: 'cut' | 'copy' | 'paste' | 'selectAll'; enabled: boolean }
  | { kind: 'separator' };

/** At most this many suggestions: more is a list to read, not a quick fix. */
export const MAX_SUGGESTIONS = 5;

export function contextMenuItems(params: ContextMenuParams): MenuItemSpec[] {
  const items: MenuItemSpec[] = [];
  if (params.isEditable) {
    if (params.misspelledWord !== '') {
      const suggestions = params.dictionarySuggestions.slice(0, MAX_SUGGESTIONS);
      if (suggestions.length === 0) items.push({ kind: 'note', label: 'No spelling suggestions' });
      for (const suggestion of suggestions) items.push({ kind: 'replace', label: suggestion, replacement: suggestion });
      items.push({ kind: 'separator' });
    }
    items.push(
      { kind: 'role', label: 'Cut', role: 'cut', enabled: params.editFlags.canCut },
      { kind: 'role', label: 'Copy', role: 'copy', enabled: params.editFlags.canCopy },
      { kind: 'role', label: 'Paste', role: 'paste', enabled: params.editFlags.canPaste },
      { kind: 'separator' },
      { kind: 'role', label: 'Select all', role: 'selectAll', enabled: params.editFlags.canSelectAll },
    );
    return items;
  }
  if (params.selectionText.trim() !== '') items.push({ kind: 'role', label: 'Copy', role: 'copy', enabled: params.editFlags.canCopy });
  return items;
}

/** The spell checker's languages. */
export const SPELLCHECK_LANGUAGES = ['en-GB'] as const;

/**
 * Spell checking only where the operating system does it (Windows, macOS). On Linux,
 * Chromium would download Hunspell dictionaries from Google's servers, an outbound call the
 * app's one platform fetch does not make and a trust's proxy may not allow; the browser
 * host there uses the browser's own checker.
 */
export function spellcheckAvailable(platform: NodeJS.Platform): boolean {
  return platform === 'win32' || platform === 'darwin';
}
