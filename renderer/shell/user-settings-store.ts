/**
 * The signed-in user's own settings for how the app works at their desk, and whether the
 * shortcuts overlay is open: single-key shortcuts on or off (WCAG 2.1.4), compact worklist
 * rows, and whether the worklist's filter panel is open. Kept per user in this computer's
 * local storage under a hash of the user id, like the worklist preferences. Nothing here
 * identifies a patient.
 */
import { defineStore } from 'pinia';
import * as v from 'valibot';
import { computed, ref, watch } from 'vue';
import { useSessionStore } from '../session/session-store';
import { browserStorage, hash53 } from '../worklist/role-preferences';

const STORAGE_PREFIX = 'ers-triage.settings.v1.';

export interface UserSettings {
  singleKeys: boolean;
  compact: boolean;
  filtersOpen: boolean;
}

export const DEFAULT_SETTINGS: Readonly<UserSettings> = { singleKeys: true, compact: false, filtersOpen: true };

// Each field falls back on its own, so a setting added later does not reset the others.
const Stored = v.object({
  singleKeys: v.fallback(v.boolean(), DEFAULT_SETTINGS.singleKeys),
  compact: v.fallback(v.boolean(), DEFAULT_SETTINGS.compact),
  filtersOpen: v.fallback(v.boolean(), DEFAULT_SETTINGS.filtersOpen),
});

export function userSettingsKey(userId: string): string {
  return STORAGE_PREFIX + hash53(userId);
}

export function readSettings(storage: Storage | null, key: string): UserSettings {
  try {
    const text = storage?.getItem(key) ?? null;
    if (text === null) return { ...DEFAULT_SETTINGS };
    const parsed = v.safeParse(Stored, JSON.parse(text));
    return parsed.success ? parsed.output : { ...DEFAULT_SETTINGS };
  } catch {
    return { ...DEFAULT_SETTINGS };
  }
}

export function writeSettings(storage: Storage | null, key: string, settings: UserSettings): void {
  try {
    // Field by field, so nothing but these settings can reach the disk.
    storage?.setItem(
      key,
      JSON.stringify({ singleKeys: settings.singleKeys, compact: settings.compact, filtersOpen: settings.filtersOpen }),
    );
  } catch {
    // A full or disabled storage only means the settings are not remembered next time.
  }
}

export const useUserSettingsStore = defineStore('user-settings', () => {
  const session = useSessionStore();
  const storage = browserStorage();
  const settings = ref<UserSettings>({ ...DEFAULT_SETTINGS });
  const helpOpen = ref(false);
  const userKey = computed(() => {
    const id = session.view?.user?.id;
    return id ? userSettingsKey(id) : null;
  });

  // Each user's own settings, read when they are known (sign-in, or a change of user).
  watch(
    userKey,
    (key) => {
      settings.value = key === null ? { ...DEFAULT_SETTINGS } : readSettings(storage, key);
    },
    { immediate: true },
  );

  function set(change: Partial<UserSettings>): void {
    settings.value = { ...settings.value, ...change };
    if (userKey.value !== null) writeSettings(storage, userKey.value, settings.value);
  }

  const singleKeys = computed(() => settings.value.singleKeys);
  const compact = computed(() => settings.value.compact);
  const filtersOpen = computed(() => settings.value.filtersOpen);

  const setSingleKeys = (on: boolean): void => set({ singleKeys: on });
  const setCompact = (on: boolean): void => set({ compact: on });
  const setFiltersOpen = (open: boolean): void => set({ filtersOpen: open });

  function toggleHelp(): void {
    helpOpen.value = !helpOpen.value;
  }

  return { singleKeys, compact, filtersOpen, helpOpen, setSingleKeys, setCompact, setFiltersOpen, toggleHelp };
});
