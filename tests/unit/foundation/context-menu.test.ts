import { describe, expect, it } from 'vitest';
import { contextMenuItems, MAX_SUGGESTIONS, spellcheckAvailable, type ContextMenuParams } from '../../../electron/context-menu';

const ALL = { canCut: true, canCopy: true, canPaste: true, canSelectAll: true };
const params = (over: Partial<ContextMenuParams>): ContextMenuParams => ({
  isEditable: false,
  selectionText: '',
  misspelledWord: '',
  dictionarySuggestions: [],
  editFlags: ALL,
  ...over,
});
const labels = (p: ContextMenuParams) => contextMenuItems(p).map((item) => (item.kind === 'separator' ? '—' : item.label));

describe('context menu', () => {
  it('in a text field with a misspelt word: suggestions first, then cut, copy, paste, select all', () => {
    const items = contextMenuItems(params({ isEditable: true, misspelledWord: 'recieve', dictionarySuggestions: ['receive', 'relieve'] }));
    expect(items.map((i) => (i.kind === 'separator' ? '—' : i.label))).toEqual([
      'receive',
      'relieve',
      '—',
      'Cut',
      'Copy',
      'Paste',
      '—',
      'Select all',
    ]);
    expect(items[0]).toEqual({ kind: 'replace', label: 'receive', replacement: 'receive' });
  });

  it('says so when the spell checker has no suggestion, and offers at most five', () => {
    expect(labels(params({ isEditable: true, misspelledWord: 'xqzt' }))[0]).toBe('No spelling suggestions');
    const many = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];
    const items = contextMenuItems(params({ isEditable: true, misspelledWord: 'x', dictionarySuggestions: many }));
    expect(items.filter((i) => i.kind === 'replace')).toHaveLength(MAX_SUGGESTIONS);
  });

  it('follows what the field allows: nothing selected, nothing to cut or copy', () => {
    const items = contextMenuItems(
      params({ isEditable: true, editFlags: { canCut: false, canCopy: false, canPaste: true, canSelectAll: true } }),
    );
    expect(items).toContainEqual({ kind: 'role', label: 'Cut', role: 'cut', enabled: false });
    expect(items).toContainEqual({ kind: 'role', label: 'Copy', role: 'copy', enabled: false });
    expect(items).toContainEqual({ kind: 'role', label: 'Paste', role: 'paste', enabled: true });
  });

  it('outside a field: copy for selected text, otherwise no menu', () => {
    expect(labels(params({ selectionText: 'Cardiology' }))).toEqual(['Copy']);
    expect(contextMenuItems(params({}))).toEqual([]);
  });

  it('never offers to add a word to the dictionary or to inspect the page', () => {
    const all = labels(params({ isEditable: true, misspelledWord: 'Okoye', dictionarySuggestions: ['Okay'] })).join(' ');
    expect(all).not.toMatch(/dictionary|inspect/i);
  });

  it('spell checks where the operating system does it, not where Chromium would download dictionaries', () => {
    expect(spellcheckAvailable('win32')).toBe(true);
    expect(spellcheckAvailable('darwin')).toBe(true);
    expect(spellcheckAvailable('linux')).toBe(false);
  });
});
