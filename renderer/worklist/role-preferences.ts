/**
 * What the worklists remember between sessions, per role: the filters and sort of each list,
 * and when the user last looked at each list. Nothing here identifies a patient or an
 * item: the search text (a UBRN or NHS number) is never stored, and "last looked" is one
 * timestamp per list, not a list of seen items.
 */
import * as v from 'valibot';
import { CLOCK_FILTERS, type SessionView, type WorklistKind } from '../../contract';
import {
  ASSIGNMENTS,
  defaultFilters,
  defaultSort,
  PRIORITIES,
  SORT_COLUMNS,
  type WorklistFilters,
  type WorklistSort,
} from './worklist-query';

export const WORKLIST_KINDS: readonly WorklistKind[] = ['referrals', 'triage', 'advice'];

export interface ListPreferences {
  filters: WorklistFilters;
  sort: WorklistSort;
}

export interface RolePreferences {
  lists: Record<WorklistKind, ListPreferences>;
  /** ISO time the user last looked at each list. */
  lastLooked: Partial<Record<WorklistKind, string>>;
}

export function defaultPreferences(): RolePreferences {
  const list = (): ListPreferences => ({ filters: defaultFilters(), sort: defaultSort() });
  return { lists: { referrals: list(), triage: list(), advice: list() }, lastLooked: {} };
}

const STORAGE_PREFIX = 'ers-triage.worklists.v1.';

/**
 * cyrb53: a fast, synchronous 53-bit string hash. The key only has to tell roles apart
 * and keep the organisation out of plain sight in storage; it is not a secret, and being
 * synchronous lets the remembered filters apply before the first render.
 */
export function hash53(text: string): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(16).padStart(14, '0');
}

type Role = NonNullable<SessionView['role']>;

/** The storage key for a role at an organisation. */
export function preferencesKey(role: Pick<Role, 'businessFunction' | 'organisationOds'>): string {
  return STORAGE_PREFIX + hash53(`${role.businessFunction}|${role.organisationOds}`);
}

const FilterText = v.fallback(v.pipe(v.string(), v.maxLength(200)), '');
const StoredList = v.object({
  filters: v.fallback(
    v.object({
      specialty: FilterText,
      service: FilterText,
      priority: v.fallback(v.picklist(['', ...PRIORITIES]), ''),
      assignment: v.fallback(v.picklist(ASSIGNMENTS), 'anyone'),
      status: FilterText,
      // Optional: preferences stored before the clocks have none, and keep their other filters.
      clock: v.fallback(v.optional(v.picklist(CLOCK_FILTERS), ''), ''),
    }),
    defaultFilters,
  ),
  sort: v.fallback(
    v.object({
      column: v.picklist(SORT_COLUMNS),
      direction: v.picklist(['ascending', 'descending']),
    }),
    defaultSort,
  ),
});
const IsoTime = v.pipe(
  v.string(),
  v.maxLength(40),
  v.check((text) => !Number.isNaN(Date.parse(text))),
);
const StoredPreferences = v.object({
  lists: v.object({
    referrals: v.fallback(StoredList, () => defaultPreferences().lists.referrals),
    triage: v.fallback(StoredList, () => defaultPreferences().lists.triage),
    advice: v.fallback(StoredList, () => defaultPreferences().lists.advice),
  }),
  lastLooked: v.fallback(
    v.object({
      referrals: v.fallback(v.optional(IsoTime), undefined),
      triage: v.fallback(v.optional(IsoTime), undefined),
      advice: v.fallback(v.optional(IsoTime), undefined),
    }),
    {},
  ),
});

/** The browser's storage, or null where it is unavailable (then nothing is remembered). */
export function browserStorage(): Storage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null;
  }
}

/** What was stored for this key; anything missing or unreadable comes back as the default. */
export function readPreferences(storage: Storage | null, key: string): RolePreferences {
  let text: string | null;
  try {
    text = storage?.getItem(key) ?? null;
  } catch {
    text = null;
  }
  if (text === null) return defaultPreferences();
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return defaultPreferences();
  }
  const parsed = v.safeParse(StoredPreferences, data);
  if (!parsed.success) return defaultPreferences();
  const lastLooked: RolePreferences['lastLooked'] = {};
  for (const kind of WORKLIST_KINDS) {
    const time = parsed.output.lastLooked[kind];
    if (time !== undefined) lastLooked[kind] = time;
  }
  return { lists: parsed.output.lists, lastLooked };
}

export function writePreferences(storage: Storage | null, key: string, preferences: RolePreferences): void {
  // Field by field, so nothing but filter settings and times can reach the disk.
  const list = ({ filters, sort }: ListPreferences): ListPreferences => ({
    filters: {
      specialty: filters.specialty,
      service: filters.service,
      priority: filters.priority,
      assignment: filters.assignment,
      status: filters.status,
      clock: filters.clock,
    },
    sort: { column: sort.column, direction: sort.direction },
  });
  const lastLooked: RolePreferences['lastLooked'] = {};
  for (const kind of WORKLIST_KINDS) {
    const time = preferences.lastLooked[kind];
    if (time !== undefined) lastLooked[kind] = time;
  }
  const stored: RolePreferences = {
    lists: { referrals: list(preferences.lists.referrals), triage: list(preferences.lists.triage), advice: list(preferences.lists.advice) },
    lastLooked,
  };
  try {
    storage?.setItem(key, JSON.stringify(stored));
  } catch {
    // A full or disabled storage only means the filters are not remembered next time.
  }
}
