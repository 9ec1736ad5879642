/**
 * The review screens' shortcuts (a accept, r reject, t triage, n/p attachments, j/k the next
 * and previous item, u back to the list...), looked up in the one table of shortcuts
 * (shell/shortcuts.ts). A single key typed into a field stays in the field, a key a viewer
 * has already used (R rotates a page there) is left alone, and while a dialog is open every
 * key belongs to the dialog. With single-key shortcuts turned off only the Alt keys work.
 * Ctrl+Enter and Escape are handled by the forms and dialogs.
 */
import { onBeforeUnmount, onMounted } from 'vue';
import { useUserSettingsStore } from '../../shell/user-settings-store';
import { dialogOpen, isTyping, matchShortcut, type ShortcutId } from '../../shell/shortcuts';

export interface Shortcut {
  id: ShortcutId;
  run: () => void;
}

export function useReviewKeys(shortcuts: () => Shortcut[]): void {
  const keyboard = useUserSettingsStore();
  function onKeydown(event: KeyboardEvent): void {
    if (event.defaultPrevented || dialogOpen()) return;
    const list = shortcuts();
    const id = matchShortcut(
      event,
      list.map((s) => s.id),
      keyboard.singleKeys,
    );
    if (id === null) return;
    // Alt chords work from a text field too; single keys there are text. Alt+arrows in a
    // list box are the list box's own.
    const single = !event.altKey && !event.ctrlKey && !event.metaKey;
    if (single && isTyping(event.target)) return;
    if (!single && event.target instanceof HTMLSelectElement) return;
    event.preventDefault();
    list.find((s) => s.id === id)?.run();
  }
  onMounted(() => document.addEventListener('keydown', onKeydown));
  onBeforeUnmount(() => document.removeEventListener('keydown', onKeydown));
}
