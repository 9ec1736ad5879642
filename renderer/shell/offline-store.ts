import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { OfflineStatus } from '../../contract';
import { userMessage, useClient } from '../api/client';

/**
 * Connectivity, prefetch progress and the outbox, as the main process reports them; and
 * `freshWanted`, which moves when screens showing the offline copy (or items the outbox
 * just decided) should fetch again: e-RS came back, or queued decisions went out.
 */
export const useOfflineStore = defineStore('offline', () => {
  const client = useClient();
  const status = ref<OfflineStatus | null>(null);
  const error = ref<string | null>(null);
  const freshWanted = ref(0);
  /** The `at` of the sent notice the user dismissed. */
  const dismissedSentAt = ref<string | null>(null);
  let subscribed = false;

  function apply(next: OfflineStatus): void {
    const before = status.value;
    status.value = next;
    const reconnected = before !== null && !before.online && next.online;
    const sentNow = next.sent !== null && next.sent.at !== before?.sent?.at && before !== null;
    if (reconnected || sentNow) freshWanted.value += 1;
  }

  async function load(): Promise<void> {
    if (!subscribed) {
      subscribed = true;
      client.on('offline.changed', apply);
    }
    try {
      apply(await client.call('offline.status', {}));
    } catch (e) {
      error.value = userMessage(e, 'The offline status could not be read.');
    }
  }

  /** "N queued decisions were sent", until the user dismisses it. */
  const sentNotice = computed(() => {
    const sent = status.value?.sent ?? null;
    return sent && sent.at !== dismissedSentAt.value ? sent : null;
  });

  function dismissSent(): void {
    dismissedSentAt.value = status.value?.sent?.at ?? null;
  }

  async function cancel(id: string): Promise<void> {
    error.value = null;
    try {
      const outbox = await client.call('outbox.cancel', { id });
      if (status.value) status.value = { ...status.value, outbox };
    } catch (e) {
      error.value = userMessage(e, 'The decision could not be cancelled. Try again.');
    }
  }

  return { status, error, freshWanted, sentNotice, load, cancel, dismissSent };
});
