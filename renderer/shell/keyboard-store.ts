/**
 * The keyboard settings of the signed-in user, and whether the shortcuts overlay is open.
 * One setting today: single-key shortcuts on or off (WCAG 2.1.4), kept per user in this
 * computer's local storage under a hash of the user id, like the worklist preferences.
 * Nothing here identifies a patient.
 */
import { defineStore } from 'pinia';
import * as v from 'valibot';
import { computed, ref, watch } from 'vue';
import { useSessionStore } from '../session/session-store';
import { browserStorage, hash53 } from '../worklist/role-preferences';

const STORAGE_PREFIX = 'ers-triage.keyboard.v1.';

const Stored = v.object({ singleKeys: v.boolean() });

export function keyboardKey(userId: string): string {
  return STORAGE_PREFIX + hash53(userId);
}

export function readSingleKeys(storage: Storage | null, key: string): boolean {
  try {
    const text = storage?.getItem(key) ?? null;
    if (text === null) return true;
    const parsed = v.safeParse(Stored, JSON.parse(text));
    return parsed.success ? parsed.output.singleKeys : true;
  } catch {
    return true;
  }
}

export function writeSingleKeys(storage: Storage | null, key: string, singleKeys: boolean): void {
  try {
    storage?.setItem(key, JSON.stringify({ singleKeys }));
  } catch {
    // A full or disabled storage only means the setting is not remembered next time.
  }
}

export const useKeyboardStore = defineStore('keyboard', () => {
  const session = useSessionStore();
  const storage = browserStorage();
  const singleKeys = ref(true);
  const helpOpen = ref(false);
  const userKey = computed(() => {
    const id = session.view?.user?.id;
    return id ? keyboardKey(id) : null;
  });

  // Each user's own setting, read when they are known (sign-in, or a change of user).
  watch(
    userKey,
    (key) => {
      singleKeys.value = key === null ? true : readSingleKeys(storage, key);
    },
    { immediate: true },
  );

  function setSingleKeys(on: boolean): void {
    singleKeys.value = on;
    if (userKey.value !== null) writeSingleKeys(storage, userKey.value, on);
  }

  function toggleHelp(): void {
    helpOpen.value = !helpOpen.value;
  }

  return { singleKeys, helpOpen, setSingleKeys, toggleHelp };
});
