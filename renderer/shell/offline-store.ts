import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { OfflineStatus } from '../../contract';
import { userMessage, useClient } from '../api/client';

/** Connectivity, prefetch progress and the outbox, as the main process reports them. */
export const useOfflineStore = defineStore('offline', () => {
  const client = useClient();
  const status = ref<OfflineStatus | null>(null);
  const error = ref<string | null>(null);
  let subscribed = false;

  async function load(): Promise<void> {
    if (!subscribed) {
      subscribed = true;
      client.on('offline.changed', (next) => {
        status.value = next;
      });
    }
    try {
      status.value = await client.call('offline.status', {});
    } catch (e) {
      error.value = userMessage(e, 'The offline status could not be read.');
    }
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

  return { status, error, load, cancel };
});
