/**
 * The review screens' single-key shortcuts (a accept, r reject, t triage, n/p next and
 * previous attachment...). A key typed into a field stays in the field, a key a viewer has
 * already used (R rotates a page there) is left alone, and while a dialog is open every
 * key belongs to the dialog. Ctrl+Enter and Escape are handled by the forms and dialogs.
 */
import { onBeforeUnmount, onMounted } from 'vue';

export interface Shortcut {
  key: string;
  /** What it does, for the help line: "accept". */
  label: string;
  run: () => void;
}

function typing(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  if (target instanceof HTMLInputElement) return !['button', 'submit', 'reset', 'checkbox', 'radio', 'file'].includes(target.type);
  return target.isContentEditable;
}

function dialogOpen(): boolean {
  return document.querySelector('[aria-modal="true"]') !== null;
}

export function useReviewKeys(shortcuts: () => Shortcut[]): void {
  function onKeydown(event: KeyboardEvent): void {
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) return;
    if (typing(event.target) || dialogOpen()) return;
    const shortcut = shortcuts().find((s) => s.key === event.key.toLowerCase() && event.key.length === 1);
    if (!shortcut) return;
    event.preventDefault();
    shortcut.run();
  }
  onMounted(() => document.addEventListener('keydown', onKeydown));
  onBeforeUnmount(() => document.removeEventListener('keydown', onKeydown));
}
