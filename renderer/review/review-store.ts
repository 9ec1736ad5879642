import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { WorklistKind, WorklistRow } from '../../contract';
import type { SummaryRow } from './prepared-decision';
import { useWorklistsStore } from '../worklist/worklists-store';

export interface DecisionNotice {
  /** The item the decision was about. */
  ubrn: string;
  status: 'sent' | 'queued';
  /** What to say, a sentence. */
  text: string;
}

/** A decision made here, shown on its item's screen and printed with it. */
export interface DecisionRecord {
  status: 'sent' | 'queued';
  /** The confirmation's rows: exactly what was sent. */
  rows: SummaryRow[];
  /** ISO time it was sent or queued. */
  at: string;
}

/** A notice is for the screen that follows the decision, not for one opened much later. */
const NOTICE_LIFETIME_MS = 15_000;

/**
 * What outlives one review screen: the items decided in this session (so "next item" skips
 * them while the worklist still shows them, e.g. from the offline copy), and the result of
 * the last decision, told on the screen that follows it.
 */
export const useReviewStore = defineStore('review', () => {
  const worklists = useWorklistsStore();
  const decided = ref<string[]>([]);
  const notice = ref<(DecisionNotice & { at: number }) | null>(null);
  /** Memory only, this session: what was decided on each item, for its screen and its printout. */
  const records = ref<Record<string, DecisionRecord>>({});

  function keepRecord(itemId: string, record: DecisionRecord): void {
    records.value = { ...records.value, [itemId]: record };
  }

  function recordDecision(itemId: string, next: DecisionNotice): void {
    if (!decided.value.includes(itemId)) decided.value.push(itemId);
    notice.value = { ...next, at: Date.now() };
  }

  /** The notice, once: the screen that shows it takes it. */
  function takeNotice(): DecisionNotice | null {
    const taken = notice.value;
    notice.value = null;
    if (!taken || Date.now() - taken.at > NOTICE_LIFETIME_MS) return null;
    return { ubrn: taken.ubrn, status: taken.status, text: taken.text };
  }

  /**
   * The item after `currentId` in the list as the user sees it (filtered and sorted), skipping
   * those decided here; null when it was the last. A list never loaded (the item was opened
   * from a link, or after a restart) is fetched first. The worklist's cursor follows, so
   * going back to the list lands on the right row.
   */
  function nextItem(kind: WorklistKind, currentId: string): Promise<WorklistRow | null> {
    return stepItem(kind, currentId, 1);
  }

  /**
   * The item one step from `currentId` (1 the next, -1 the previous) in the list as the user
   * sees it, skipping those decided here; null at either end. Used by the next and previous
   * item keys on a review screen as well as after a decision.
   */
  async function stepItem(kind: WorklistKind, currentId: string, direction: 1 | -1): Promise<WorklistRow | null> {
    const list = worklists.lists[kind];
    if (!list.loaded) await worklists.refresh(kind);
    const shown = list.shown;
    const found = shown.findIndex((item) => item.row.id === currentId);
    // An item not in the list (decided and gone after a refresh): next is the first, previous none.
    const at = found === -1 ? (direction === 1 ? -1 : shown.length) : found;
    for (let index = at + direction; index >= 0 && index < shown.length; index += direction) {
      const row = shown[index]?.row;
      if (row && row.id !== currentId && !decided.value.includes(row.id)) {
        worklists.setCursor(kind, index);
        return row;
      }
    }
    return null;
  }

  return { decided, notice, records, recordDecision, keepRecord, takeNotice, nextItem, stepItem };
});
