import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { SessionView } from '../../contract';
import { userMessage, useClient } from '../api/client';

const ACTIVITY_THROTTLE_MS = 30_000;

/**
 * The session as the main process reports it. The renderer never holds a token: it shows
 * the phase, asks for sign-in steps through the contract, and reports activity (throttled)
 * so the idle lock can run in the main process.
 */
export const useSessionStore = defineStore('session', () => {
  const client = useClient();
  const view = ref<SessionView | null>(null);
  const busy = ref(false);
  const error = ref<string | null>(null);
  let lastActivity = 0;
  let subscribed = false;

  const phase = computed(() => view.value?.phase ?? 'signed-out');

  function set(next: SessionView): void {
    view.value = next;
  }

  async function run(action: () => Promise<SessionView>): Promise<void> {
    busy.value = true;
    error.value = null;
    try {
      set(await action());
    } catch (e) {
      error.value = userMessage(e, 'Something went wrong. Try again.');
    } finally {
      busy.value = false;
    }
  }

  async function load(): Promise<void> {
    if (!subscribed) {
      subscribed = true;
      client.on('session.changed', set);
    }
    await run(() => client.call('session.get', {}));
  }

  const signIn = () => run(() => client.call('session.signIn', {}));
  const cancelSignIn = () => run(() => client.call('session.cancelSignIn', {}));
  const signOut = () => run(() => client.call('session.signOut', {}));
  const chooseRole = (roleId: string, onBehalfOfUserId?: string) =>
    run(() => client.call('session.chooseRole', onBehalfOfUserId ? { roleId, onBehalfOfUserId } : { roleId }));

  function reportActivity(): void {
    const now = Date.now();
    if (phase.value !== 'signed-in' || now - lastActivity < ACTIVITY_THROTTLE_MS) return;
    lastActivity = now;
    void client.call('session.activity', {}).catch(() => undefined);
  }

  return { view, phase, busy, error, load, signIn, cancelSignIn, signOut, chooseRole, reportActivity };
});
