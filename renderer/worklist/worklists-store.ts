import { defineStore } from 'pinia';
import { computed, markRaw, reactive, ref, shallowReactive, shallowRef, watch, type ComputedRef, type Ref } from 'vue';
import type { PatientSummary, WorklistKind, WorklistRow } from '../../contract';
import { userMessage, useClient } from '../api/client';
import {
  browserStorage,
  defaultPreferences,
  preferencesKey,
  readPreferences,
  WORKLIST_KINDS,
  writePreferences,
  type RolePreferences,
} from './role-preferences';
import {
  defaultFilters,
  filterOptions,
  indexRows,
  isFiltering,
  normaliseText,
  searchDigits,
  type FilterChange,
  type IndexedRow,
  type Me,
  type SortColumn,
  type WorklistFilters,
} from './worklist-query';
import { IncrementalFilter, WorklistIndex } from './worklist-index';
import { nameSearchKey } from './patient-text';
import { localDay, updatedAgoText } from './worklist-text';
import { useSessionStore } from '../session/session-store';

const LOAD_FAILED = 'The worklist could not be loaded. Check your connection, then try again.';
const WRONG_LIST = 'The worklist that came back was not the one asked for. Try again.';

/**
 * Ranks a list's sort keys in idle time, a column at least per idle period, until all are
 * ready or the list is replaced (then the old rows are let go at once).
 */
function rankWhenIdle(index: WorklistIndex, current: () => boolean): void {
  const step = (deadline?: IdleDeadline) => {
    if (!current()) return;
    let first = true;
    const more = () => {
      const go = first || deadline === undefined || deadline.timeRemaining() > 4;
      first = false;
      return go;
    };
    if (!index.rankAhead(more)) schedule();
  };
  const schedule = () => {
    if (typeof requestIdleCallback === 'function') requestIdleCallback(step, { timeout: 2000 });
    else setTimeout(() => step(), 50);
  };
  if (index.unranked.length > 0) schedule();
}

/**
 * One list's state. Rows sit in a shallowRef and are marked raw: a fetch replaces the whole
 * array, and nothing watches inside it, so 10,000 rows cost no reactive proxies.
 */
function createList(kind: WorklistKind, preferences: Ref<RolePreferences>, me: ComputedRef<Me>, namesVersion: Ref<number>) {
  const rows = shallowRef<readonly IndexedRow[]>(markRaw([]));
  const search = ref('');
  const cursorId = ref<string | null>(null);
  // Sort keys are ranked once per fetch (worklist-index.ts); a sort is then a numeric sort, kept per column and direction.
  const index = computed(() => markRaw(new WorklistIndex(rows.value)));
  // Sorting depends only on the rows and the sort, so typing in the search box never re-sorts.
  const sorted = computed(() => markRaw(index.value.sorted(preferences.value.lists[kind].sort)));
  const filter = new IncrementalFilter();
  // The answers it keeps hold rows: they go the moment the rows do (a new role, the app locking).
  watch(rows, () => filter.forget(), { flush: 'sync' });
  // The other columns' keys are ranked while the browser is idle, after the list is painted.
  watch(index, (current) => rankWhenIdle(current, () => rows.value === current.rows));
  const shown = computed(() => {
    // Names arrive from PDS after the rows: a search by name looks again as they come, and
    // only then (a number search, or none, never depends on them).
    const names = searchDigits(search.value) === null ? namesVersion.value : 0;
    return markRaw(filter.run(sorted.value, preferences.value.lists[kind].filters, search.value, me.value, names));
  });
  const cursorIndex = computed(() => {
    const list = shown.value;
    if (list.length === 0) return -1;
    if (cursorId.value === null) return 0;
    const index = list.findIndex((r) => r.row.id === cursorId.value);
    return index < 0 ? 0 : index;
  });
  return reactive({
    kind,
    rows,
    /** True once a fetch has succeeded for the current role. */
    loaded: ref(false),
    loading: ref(false),
    /** A sentence for the user when the last fetch failed. */
    error: ref<string | null>(null),
    fetchedAt: ref<string | null>(null),
    /** Shown from the offline cache. */
    stale: ref(false),
    /** Rows with a referral date after this day (yyyy-mm-dd) are new since the last look. */
    newSince: ref<string | null>(null),
    search,
    cursorId,
    shown,
    cursorIndex,
    options: computed(() => filterOptions(rows.value)),
    /** Rows with a name to search by: counted when rows or names arrive, not on every render. */
    named: computed(() => {
      void namesVersion.value;
      let count = 0;
      for (const row of rows.value) if (row.name !== '') count += 1;
      return count;
    }),
    filtering: computed(() => isFiltering(preferences.value.lists[kind].filters, search.value)),
  });
}

export type WorklistState = ReturnType<typeof createList>;

/**
 * The three worklists for the signed-in role: their rows, counts, loading and error state,
 * filters and sort (remembered per role), search, the keyboard cursor, and when the user
 * last looked at each list.
 */
export const useWorklistsStore = defineStore('worklists', () => {
  const client = useClient();
  const session = useSessionStore();
  const storage = browserStorage();

  const preferences = ref<RolePreferences>(defaultPreferences());
  const now = ref(Date.now());

  const me = computed<Me>(() => {
    const view = session.view;
    const person = view?.role?.onBehalfOf ?? (view?.user ? { userId: view.user.id, name: view.user.name } : null);
    if (!person) return { keys: [] };
    // A row names the clinician as e-RS or the app knows them: by name, or as "SDS user <id>".
    return {
      keys: [normaliseText(person.name), normaliseText(person.userId), normaliseText(`SDS user ${person.userId}`)].filter(
        (key) => key !== '',
      ),
    };
  });

  /** Bumped whenever patients' names arrive, for searches by name. */
  const namesVersion = ref(0);
  const lists: Record<WorklistKind, WorklistState> = {
    referrals: createList('referrals', preferences, me, namesVersion),
    triage: createList('triage', preferences, me, namesVersion),
    advice: createList('advice', preferences, me, namesVersion),
  };
  /** What PDS said of each patient on the lists (names and ages, never addresses), by NHS number. */
  const patients = shallowReactive(new Map<string, PatientSummary>());
  /** Asked of PDS since the last refresh; the rows in view; the list on screen; the fill under way. */
  const PATIENT_BATCH = 10;
  const asked = new Set<string>();
  const visible: Record<WorklistKind, [number, number]> = { referrals: [0, 30], triage: [0, 30], advice: [0, 30] };
  let activeKind: WorklistKind = 'referrals';
  let filling: Promise<void> | null = null;
  /** A list's rows have been rendered for this role: until then nothing is asked of PDS. */
  let tableShown = false;

  const counts = computed(() => {
    const result: Partial<Record<WorklistKind, number>> = {};
    for (const kind of WORKLIST_KINDS) if (lists[kind].loaded) result[kind] = lists[kind].rows.length;
    return result;
  });

  // Bumped whenever the role changes, so an answer that arrives for the previous role is dropped.
  let generation = 0;
  const pending = new Map<WorklistKind, Promise<void>>();
  /**
   * A sort or filter is written to storage once the browser is idle (within half a second),
   * not in the click: the write was a tenth of the script behind each sort. Writes still
   * waiting are made before the role changes and when the page is hidden or closed.
   */
  let pendingSave: { key: string; preferences: RolePreferences } | null = null;
  function saveSoon(): void {
    if (roleKey.value === null) return;
    const scheduled = pendingSave !== null;
    pendingSave = { key: roleKey.value, preferences: preferences.value };
    if (scheduled) return;
    if (typeof requestIdleCallback === 'function') requestIdleCallback(flushSave, { timeout: 500 });
    else setTimeout(flushSave, 0);
  }
  function flushSave(): void {
    const waiting = pendingSave;
    pendingSave = null;
    if (waiting) writePreferences(storage, waiting.key, waiting.preferences);
  }
  if (typeof window !== 'undefined') window.addEventListener('pagehide', flushSave);

  /** The storage key of the role in use (a hash), or null when no role is chosen. */
  const roleKey = ref<string | null>(null);

  function roleChanged(): void {
    // Locked counts as no role: patient rows must not stay in memory behind the lock screen.
    const role = session.view?.phase === 'locked' ? null : (session.view?.role ?? null);
    const key = role ? preferencesKey(role) : null;
    if (key === roleKey.value) return;
    // A sort or filter just chosen is kept for the role it was chosen in.
    flushSave();
    roleKey.value = key;
    generation++;
    pending.clear();
    patients.clear();
    asked.clear();
    filling = null;
    tableShown = false;
    preferences.value = key ? readPreferences(storage, key) : defaultPreferences();
    for (const state of Object.values(lists)) {
      state.rows = markRaw([]);
      state.loaded = false;
      state.loading = false;
      state.error = null;
      state.fetchedAt = null;
      state.stale = false;
      state.newSince = null;
      state.search = '';
      state.cursorId = null;
    }
  }

  // Another role's rows must not linger once the role changes or the user signs out.
  watch(() => [session.view?.role ?? null, session.view?.phase], roleChanged, { immediate: true });

  function save(): void {
    pendingSave = null;
    if (roleKey.value !== null) writePreferences(storage, roleKey.value, preferences.value);
  }

  function load(kind: WorklistKind, refresh: boolean): Promise<void> {
    roleChanged();
    // No role in use (signed out, or locked): nothing may be fetched or shown.
    if (roleKey.value === null) return Promise.resolve();
    const inFlight = pending.get(kind);
    if (inFlight) return inFlight;
    const state = lists[kind];
    const started = generation;
    state.loading = true;
    state.error = null;
    const run = (async () => {
      try {
        const view = await client.call('worklist.fetch', refresh ? { kind, refresh: true } : { kind });
        if (started !== generation) return;
        if (view.kind !== kind || !Array.isArray(view.rows)) {
          state.error = WRONG_LIST;
          return;
        }
        // The clocks count to today: the moment the list arrived.
        now.value = Date.now();
        state.rows = markRaw(indexRows(view.rows, now.value));
        for (const row of state.rows) {
          const known = patients.get(row.nhsNumber);
          if (known?.name) row.name = nameSearchKey(known.name);
        }
        state.fetchedAt = view.fetchedAt;
        state.stale = view.stale;
        state.loaded = true;
        // A refresh asks PDS again about anyone it could not be asked about before.
        if (refresh) forgetUnchecked();
        if (tableShown) fillPatients();
      } catch (e) {
        if (started !== generation) return;
        state.error = userMessage(e, LOAD_FAILED);
      } finally {
        if (started === generation) {
          state.loading = false;
          pending.delete(kind);
        }
      }
    })();
    pending.set(kind, run);
    return run;
  }

  /**
   * The user opened (or came back to) a list: show it, refreshing it if it was already
   * there, and fetch the other lists once so their tabs have counts. Items are new if their
   * referral date is after the day of the previous look; this look is recorded once the
   * list has arrived.
   */
  async function activate(kind: WorklistKind): Promise<void> {
    roleChanged();
    const state = lists[kind];
    const looked = preferences.value.lastLooked[kind];
    state.newSince = looked === undefined ? null : localDay(new Date(looked));
    const returning = state.loaded;
    const shown = load(kind, returning);
    const others = returning ? [] : WORKLIST_KINDS.filter((k) => k !== kind && !lists[k].loaded).map((k) => load(k, false));
    await shown;
    if (state.loaded && state.error === null) {
      preferences.value.lastLooked[kind] = new Date().toISOString();
      save();
    }
    await Promise.all(others);
  }

  const refresh = (kind: WorklistKind): Promise<void> => load(kind, true);

  // ---- Patients' names and ages, from PDS in the background ----------------------------
  // After the list on screen is painted, never before; the rows on screen first, then the rest of
  // the list as it is shown, then the other lists. The main process paces the reads to
  // PDS's rate limit and answers kept copies at once. When PDS cannot be asked, filling
  // stops until the next refresh.

  /**
   * The table on screen reports the rows it renders. The first report starts the fill: not
   * the arrival of a list (a smaller one in another tab may arrive first), so nothing is
   * asked of PDS while the list the user is looking at is still on its way.
   */
  function setVisible(kind: WorklistKind, start: number, end: number): void {
    activeKind = kind;
    visible[kind] = [start, end];
    if (!tableShown && roleKey.value !== null) {
      tableShown = true;
      fillPatients();
    }
  }

  function nextBatch(): string[] {
    const batch = new Set<string>();
    const take = (rows: readonly IndexedRow[], from = 0, to = rows.length) => {
      for (let i = Math.max(0, from); i < Math.min(to, rows.length) && batch.size < PATIENT_BATCH; i += 1) {
        const r = rows[i];
        if (r && r.nhsValid && !patients.has(r.nhsNumber) && !asked.has(r.nhsNumber)) batch.add(r.nhsNumber);
      }
    };
    const [start, end] = visible[activeKind];
    take(lists[activeKind].shown, start, end);
    take(lists[activeKind].shown);
    for (const kind of WORKLIST_KINDS) take(lists[kind].rows);
    return [...batch];
  }

  function applySummaries(summaries: readonly PatientSummary[]): void {
    const named = new Map<string, string>();
    for (const summary of summaries) {
      patients.set(summary.nhsNumber, summary);
      if (summary.name) named.set(summary.nhsNumber, nameSearchKey(summary.name));
    }
    if (named.size === 0) return;
    for (const kind of WORKLIST_KINDS) {
      for (const row of lists[kind].rows) {
        const name = named.get(row.nhsNumber);
        if (name !== undefined) row.name = name;
      }
    }
    namesVersion.value += 1;
  }

  function forgetUnchecked(): void {
    asked.clear();
    for (const [nhs, summary] of patients) if (summary.status === 'unchecked' && summary.problem === 'unavailable') patients.delete(nhs);
  }

  /** Two animation frames and a task: the rows just rendered have been painted, and then some. */
  function afterPaint(): Promise<void> {
    return new Promise((resolve) => {
      if (typeof requestAnimationFrame === 'function') requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(resolve, 0)));
      else setTimeout(resolve, 0);
    });
  }

  function fillPatients(): void {
    if (filling || roleKey.value === null) return;
    const started = generation;
    const run = (async () => {
      await afterPaint();
      while (started === generation) {
        const batch = nextBatch();
        if (batch.length === 0) return;
        for (const nhs of batch) asked.add(nhs);
        let summaries: PatientSummary[];
        try {
          summaries = await client.call('patient.summaries', { nhsNumbers: batch });
        } catch {
          // The rows stay as they are ("not yet checked"); the next refresh tries again.
          return;
        }
        if (started !== generation) return;
        applySummaries(summaries);
        if (summaries.every((s) => s.status === 'unchecked' && s.problem === 'unavailable')) return;
      }
    })();
    filling = run;
    void run.finally(() => {
      if (filling === run) filling = null;
    });
  }

  /** How many rows of a list have a name to search by. */
  function namedCount(kind: WorklistKind): number {
    return lists[kind].named;
  }

  function filters(kind: WorklistKind): WorklistFilters {
    return preferences.value.lists[kind].filters;
  }

  function setFilter(kind: WorklistKind, change: FilterChange): void {
    const current = preferences.value.lists[kind].filters;
    preferences.value.lists[kind].filters = { ...current, [change.name]: change.value };
    saveSoon();
  }

  function clearFilters(kind: WorklistKind): void {
    preferences.value.lists[kind].filters = defaultFilters();
    lists[kind].search = '';
    saveSoon();
  }

  function setSearch(kind: WorklistKind, text: string): void {
    lists[kind].search = text;
  }

  /** A new column sorts ascending; the same column again flips the direction. */
  function sortBy(kind: WorklistKind, column: SortColumn): void {
    const sort = preferences.value.lists[kind].sort;
    preferences.value.lists[kind].sort =
      sort.column === column
        ? { column, direction: sort.direction === 'ascending' ? 'descending' : 'ascending' }
        : { column, direction: 'ascending' };
    saveSoon();
  }

  function setCursor(kind: WorklistKind, index: number): void {
    const state = lists[kind];
    const list = state.shown;
    if (list.length === 0) return;
    const clamped = Math.min(Math.max(index, 0), list.length - 1);
    state.cursorId = list[clamped]?.row.id ?? null;
  }

  function moveCursor(kind: WorklistKind, delta: number): void {
    setCursor(kind, Math.max(lists[kind].cursorIndex, 0) + delta);
  }

  function cursorRow(kind: WorklistKind): WorklistRow | null {
    const state = lists[kind];
    return state.cursorIndex < 0 ? null : (state.shown[state.cursorIndex]?.row ?? null);
  }

  function tick(): void {
    now.value = Date.now();
  }

  function updatedText(kind: WorklistKind): string {
    const fetchedAt = lists[kind].fetchedAt;
    return fetchedAt === null ? '' : updatedAgoText(fetchedAt, now.value);
  }

  return {
    roleKey,
    preferences,
    now,
    lists,
    patients,
    counts,
    setVisible,
    namedCount,
    activate,
    refresh,
    filters,
    setFilter,
    clearFilters,
    setSearch,
    sortBy,
    setCursor,
    moveCursor,
    cursorRow,
    tick,
    updatedText,
  };
});
