/**
 * The keys that work on every screen once signed in: Alt+1, Alt+2 and Alt+3 switch lists,
 * and `?` (or Alt+/) shows every shortcut. After a switch, focus is on the list's main
 * region, where the list keys work at once.
 */
import { nextTick, onBeforeUnmount, onMounted } from 'vue';
import type { Router } from 'vue-router';
import { useUserSettingsStore } from './user-settings-store';
import { dialogOpen, isTyping, matchShortcut } from './shortcuts';

const LISTS = ['list.referrals', 'list.triage', 'list.advice'] as const;
const PATHS: Record<(typeof LISTS)[number], string> = {
  'list.referrals': '/worklists/referrals',
  'list.triage': '/worklists/triage',
  'list.advice': '/worklists/advice',
};

export function useGlobalKeys(router: () => Router | null, active: () => boolean): void {
  const keyboard = useUserSettingsStore();

  async function switchTo(path: string): Promise<void> {
    const r = router();
    if (!r) return;
    await r.push(path);
    await nextTick();
    document.getElementById('main')?.focus();
  }

  function onKeydown(event: KeyboardEvent): void {
    if (event.defaultPrevented || !active()) return;
    const help = matchShortcut(event, ['help'], keyboard.singleKeys);
    if (help) {
      // A single key typed into a field is text; Alt+/ works from anywhere. The open overlay
      // closes with its own key too, but no other dialog gives up its keys.
      const single = !event.altKey;
      if (single && isTyping(event.target)) return;
      if (dialogOpen() && !keyboard.helpOpen) return;
      event.preventDefault();
      keyboard.toggleHelp();
      return;
    }
    if (dialogOpen()) return;
    const list = matchShortcut(event, LISTS, keyboard.singleKeys);
    if (!list) return;
    event.preventDefault();
    void switchTo(PATHS[list]);
  }

  onMounted(() => document.addEventListener('keydown', onKeydown));
  onBeforeUnmount(() => document.removeEventListener('keydown', onKeydown));
}
