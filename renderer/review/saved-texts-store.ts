/**
 * The user's saved texts (their own wording for rejection comments, triage comments and
 * A&G guidance), held by the main process in their encrypted store. Loaded once a form
 * needs them; each change answers with the whole list, so the screen never guesses.
 */
import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { SavedTextKind, SavedTextView } from '../../contract';
import { userMessage, useClient } from '../api/client';

export const useSavedTextsStore = defineStore('saved-texts', () => {
  const client = useClient();
  const texts = ref<SavedTextView[]>([]);
  const loaded = ref(false);
  const loading = ref(false);
  const error = ref<string | null>(null);

  async function run(action: () => Promise<SavedTextView[]>, failed: string): Promise<boolean> {
    loading.value = true;
    error.value = null;
    try {
      texts.value = await action();
      loaded.value = true;
      return true;
    } catch (e) {
      error.value = userMessage(e, failed);
      return false;
    } finally {
      loading.value = false;
    }
  }

  const load = (): Promise<boolean> => run(() => client.call('templates.list', {}), 'Your saved texts could not be loaded. Try again.');
  const save = (kind: SavedTextKind, title: string, text: string): Promise<boolean> =>
    run(() => client.call('templates.save', { kind, title, text }), 'The text could not be saved. Try again.');
  const remove = (id: string): Promise<boolean> =>
    run(() => client.call('templates.delete', { id }), 'The saved text could not be deleted. Try again.');
  const forKind = (kind: SavedTextKind): SavedTextView[] => texts.value.filter((t) => t.kind === kind);

  return { texts, loaded, loading, error, load, save, remove, forKind };
});
