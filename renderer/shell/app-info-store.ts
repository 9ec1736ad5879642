import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { AppInfo } from '../../contract';
import { userMessage, useClient } from '../api/client';

/** The app's name, version and environment, loaded once through the `app.info` channel. */
export const useAppInfoStore = defineStore('app-info', () => {
  const client = useClient();
  const info = ref<AppInfo | null>(null);
  const error = ref<string | null>(null);

  async function load(): Promise<void> {
    if (info.value) return;
    try {
      info.value = await client.call('app.info', {});
      error.value = null;
    } catch (e) {
      error.value = userMessage(e, 'The app could not load its details. Restart the app.');
    }
  }

  return { info, error, load };
});
