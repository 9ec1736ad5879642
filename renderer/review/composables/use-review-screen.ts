/**
 * What the referral and the A&G review screens share: loading the item with one sentence
 * when that fails, the entry shown in the viewer and n/p to step through them, fetched
 * content kept while the item is on screen, the status line on arrival and after a
 * decision, moving on to the next item of the list, and fetching again an item shown from
 * the offline copy once e-RS is back.
 */
import { computed, nextTick, onMounted, ref, shallowRef, watch, type Ref } from 'vue';
import { useRouter } from 'vue-router';
import type { AttachmentContent, WorklistKind } from '../../../contract';
import { userMessage } from '../../api/client';
import { useReviewStore } from '../review-store';
import { canOpenItems, roleLimitsText } from '../../session/role-limits';
import { useSessionStore } from '../../session/session-store';
import { useOfflineStore } from '../../shell/offline-store';
import { itemLocation, listPath } from '../review-routes';
import { ubrnText } from '../review-text';
import type { PreparedDecision } from '../prepared-decision';
import type { Finished } from './use-decision-flow';
import { noticeFor, useMoveOn } from './use-move-on';
import { useReviewKeys, type Shortcut } from './use-review-keys';
import type { ViewerEntry } from '../viewer-entries';

export interface ReviewScreenOptions<S> {
  /** What the item is called in "This is the next … in your list." */
  noun: string;
  kind: () => WorklistKind;
  /** The item's id in its worklist, for the next and previous item keys. */
  itemId: () => string;
  /** A sentence when the item cannot be asked for at all; it is then not fetched. */
  unavailable?: () => string | null;
  fetch: () => Promise<S>;
  /** Said when loading fails without a sentence of its own. */
  failed: string;
  /** Runs once a load has put the item on screen, to choose what the viewer shows. */
  loaded: () => void;
  entries: () => ViewerEntry[];
  /** Fetches one entry's content; what it fetched is kept by the screen. */
  content: (entry: ViewerEntry) => Promise<AttachmentContent>;
  /** The screen's decision keys; n and p are added where there is more than one entry. */
  decisionKeys: () => Shortcut[];
}

export function useReviewScreen<S extends { stale: boolean }>(options: ReviewScreenOptions<S>) {
  const session = useSessionStore();
  const review = useReviewStore();
  const offline = useOfflineStore();
  const moveOn = useMoveOn(options.kind);
  const router = useRouter();

  const screen = shallowRef<S | null>(null) as Ref<S | null>;
  const loading = ref(true);
  const loadError = ref<string | null>(null);
  /** False when trying again cannot help (the item is gone from the worklist). */
  const retryable = ref(true);
  /** What the role can do, said instead of an item it may not open. */
  const roleNotice = ref<string | null>(null);
  const selectedKey = ref<string | null>(null);
  const status = ref('');
  const heading = ref<HTMLElement | null>(null);

  const role = computed(() => session.view?.role?.businessFunction ?? null);
  const selected = computed(() => options.entries().find((e) => e.key === selectedKey.value) ?? null);

  // Fetched content is kept while the item is on screen, so going back to a letter is
  // instant; a failure is not kept, so "Try again" really tries again.
  const cache = new Map<string, Promise<AttachmentContent>>();
  function load(entry: ViewerEntry): Promise<AttachmentContent> {
    const cached = cache.get(entry.key);
    if (cached) return cached;
    const call = options.content(entry);
    cache.set(entry.key, call);
    call.catch(() => cache.delete(entry.key));
    return call;
  }

  async function open(): Promise<void> {
    // A role e-RS would refuse (a service provider admin) is told what it can do, and not sent to be refused.
    if (!canOpenItems(role.value)) {
      loading.value = false;
      roleNotice.value = roleLimitsText(role.value);
      return;
    }
    const unavailable = options.unavailable?.() ?? null;
    if (unavailable !== null) {
      loading.value = false;
      loadError.value = unavailable;
      retryable.value = false;
      return;
    }
    retryable.value = true;
    loading.value = true;
    loadError.value = null;
    try {
      screen.value = await options.fetch();
      options.loaded();
    } catch (e) {
      loadError.value = userMessage(e, options.failed);
    } finally {
      loading.value = false;
    }
  }

  /**
   * e-RS is back (or the outbox just sent decisions): an item shown from the offline copy is
   * fetched again, in place, keeping what the viewer shows. When fresh data arrives its
   * offline banner goes; when it does not, the copy stays on screen as it was.
   */
  async function refreshStale(): Promise<void> {
    if (loading.value || !screen.value?.stale) return;
    try {
      const fresh = await options.fetch();
      if (!screen.value?.stale) return;
      screen.value = fresh;
      keepSelection(options.entries()[0] ?? null);
    } catch {
      // Still unreachable, or refused: the copy and its banner stay; "Reload" is still there.
    }
  }
  watch(
    () => offline.freshWanted,
    () => void refreshStale(),
  );

  /** Keeps the entry shown when it is still there, otherwise shows `fallback`. */
  function keepSelection(fallback: ViewerEntry | null): void {
    if (!options.entries().some((e) => e.key === selectedKey.value)) selectedKey.value = fallback?.key ?? null;
  }

  function step(delta: number): void {
    const list = options.entries();
    if (list.length === 0) return;
    const at = list.findIndex((e) => e.key === selectedKey.value);
    const next = list[Math.min(Math.max(at + delta, 0), list.length - 1)];
    if (next) selectedKey.value = next.key;
  }

  /** To the next or previous item of the list without deciding this one; at either end, says so. */
  async function goToItem(direction: 1 | -1): Promise<void> {
    let row: Awaited<ReturnType<typeof review.stepItem>>;
    try {
      row = await review.stepItem(options.kind(), options.itemId(), direction);
    } catch {
      status.value = 'The list could not be fetched. Go back to the list and try again.';
      return;
    }
    if (!row) {
      status.value = direction === 1 ? `This is the last ${options.noun} in your list.` : `This is the first ${options.noun} in your list.`;
      return;
    }
    await router.push(itemLocation(options.kind(), row));
  }

  const shortcuts = computed<Shortcut[]>(() => {
    const list = options.decisionKeys();
    if (options.entries().length > 1) {
      list.push({ id: 'review.nextAttachment', run: () => step(1) });
      list.push({ id: 'review.previousAttachment', run: () => step(-1) });
    }
    list.push({ id: 'review.nextItem', run: () => void goToItem(1) });
    list.push({ id: 'review.previousItem', run: () => void goToItem(-1) });
    list.push({ id: 'review.backToList', run: () => void router.push(listPath(options.kind())) });
    return list;
  });
  useReviewKeys(() => shortcuts.value);

  /** After a decision was sent or queued: say so, then go to the next item. */
  async function finished(itemId: string, ubrn: string, outcome: Finished, decision?: PreparedDecision): Promise<void> {
    const notice = noticeFor(ubrn, outcome);
    if (decision) review.keepRecord(itemId, { status: outcome.status, rows: decision.rows(), at: new Date().toISOString() });
    status.value = notice.text;
    await moveOn(itemId, notice);
  }

  onMounted(async () => {
    const notice = review.takeNotice();
    heading.value?.focus();
    const opening = open();
    // The status region exists before its words arrive, so screen readers announce them.
    if (notice) {
      await nextTick();
      status.value = `${ubrnText(notice.ubrn)}: ${notice.text} This is the next ${options.noun} in your list.`;
    }
    await opening;
  });

  /** The decision made on this item in this session, if any: shown, and printed. */
  const record = computed(() => review.records[options.itemId()] ?? null);

  return {
    screen,
    loading,
    loadError,
    retryable,
    roleNotice,
    selectedKey,
    selected,
    status,
    heading,
    role,
    shortcuts,
    record,
    load,
    clearCache: () => cache.clear(),
    open,
    keepSelection,
    finished,
  };
}
