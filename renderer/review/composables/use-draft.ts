/**
 * A decision form's draft, kept by the main process (encrypted, surviving a restart): it is
 * loaded when the item opens, saved a moment after the user stops typing, saved at once
 * when the screen goes, and discarded when the decision has been sent or queued.
 */
import { onBeforeUnmount, ref, watch } from 'vue';
import { DRAFT_MAX_FIELDS, DRAFT_MAX_VALUE, type DraftView } from '../../../contract';
import type { TriageClient } from '../../api/client';
import { clockText } from '../review-text';

export type DraftForm = Record<string, string | boolean>;

/** The contract's limits on a draft. */
const MAX_FIELDS = DRAFT_MAX_FIELDS;
const MAX_VALUE = DRAFT_MAX_VALUE;
export const DRAFT_DELAY_MS = 800;

function bounded(form: DraftForm): DraftForm {
  const out: DraftForm = {};
  for (const [key, value] of Object.entries(form).slice(0, MAX_FIELDS)) {
    // Text past the limit cannot be sent anyway (e-RS's limits are lower); the draft keeps what it can.
    out[key.slice(0, 100)] = typeof value === 'string' ? value.slice(0, MAX_VALUE) : value;
  }
  return out;
}

/** A draft field as text; a field missing or of another type (an older draft) reads as empty. */
export function draftText(form: DraftForm, key: string): string {
  const value = form[key];
  return typeof value === 'string' ? value : '';
}

/** The note shown once a draft is back in the form, with when it was saved where that is known. */
export function draftBackText(savedAt: string): string {
  const when = new Date(savedAt);
  const clock = Number.isNaN(when.getTime()) ? '' : ` from ${clockText(when)}`;
  return `Your draft${clock} is back.`;
}

export interface DraftOptions {
  client: TriageClient;
  itemId: string;
  /** The form as a draft; a form with nothing in it is not saved. */
  snapshot: () => DraftForm;
  isEmpty: (form: DraftForm) => boolean;
  delayMs?: number;
}

export function useDraft(options: DraftOptions) {
  const { client, itemId } = options;
  const delay = options.delayMs ?? DRAFT_DELAY_MS;
  /** When the draft was last saved (ISO), for the "Draft saved" line. */
  const savedAt = ref<string | null>(null);
  /** A sentence when saving failed; the form itself is unaffected. */
  const saveError = ref<string | null>(null);
  let timer: ReturnType<typeof setTimeout> | undefined;
  let lastSaved = '';
  let exists = false;
  let active = false;
  let stop: (() => void) | null = null;

  let inFlight: Promise<void> | null = null;

  function save(): Promise<void> {
    timer = undefined;
    const run = (inFlight ?? Promise.resolve()).then(write);
    inFlight = run;
    void run.finally(() => {
      if (inFlight === run) inFlight = null;
    });
    return run;
  }

  async function write(): Promise<void> {
    const form = bounded(options.snapshot());
    const text = JSON.stringify(form);
    if (text === lastSaved) return;
    try {
      if (options.isEmpty(form)) {
        if (exists) await client.call('draft.discard', { itemId });
        exists = false;
        savedAt.value = null;
      } else {
        const saved = await client.call('draft.save', { itemId, form });
        exists = true;
        savedAt.value = saved.savedAt;
      }
      lastSaved = text;
      saveError.value = null;
    } catch {
      saveError.value = 'Your draft could not be saved. Keep this screen open until you send your decision.';
    }
  }

  function schedule(): void {
    if (!active) return;
    clearTimeout(timer);
    timer = setTimeout(() => void save(), delay);
  }

  /** The saved draft, or null; a draft that cannot be read is as good as none. */
  async function load(): Promise<DraftView | null> {
    try {
      const draft = await client.call('draft.load', { itemId });
      if (draft) {
        exists = true;
        savedAt.value = draft.savedAt;
        lastSaved = JSON.stringify(draft.form);
      }
      return draft;
    } catch {
      return null;
    }
  }

  /** Starts autosaving: call once the draft (if any) has been put back into the form. */
  function start(): void {
    if (active) return;
    active = true;
    if (lastSaved === '') lastSaved = JSON.stringify(bounded(options.snapshot()));
    stop = watch(options.snapshot, schedule, { deep: true });
  }

  /** Saves now whatever is pending. */
  async function flush(): Promise<void> {
    if (timer === undefined) return;
    clearTimeout(timer);
    await save();
  }

  async function discard(): Promise<void> {
    clearTimeout(timer);
    timer = undefined;
    // A save already on its way must land first, or it would bring the draft back.
    if (inFlight) await inFlight;
    lastSaved = JSON.stringify({});
    savedAt.value = null;
    if (!exists) return;
    exists = false;
    try {
      await client.call('draft.discard', { itemId });
    } catch {
      // The decision went; a draft left behind is only a stale form the next time.
    }
  }

  onBeforeUnmount(() => {
    stop?.();
    active = false;
    void flush();
  });

  return { savedAt, saveError, load, start, flush, discard };
}

export type Draft = ReturnType<typeof useDraft>;
