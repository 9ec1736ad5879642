/**
 * Drafts of decision forms, one per worklist item, kept through the encrypted store so a
 * half-written reject reason survives a restart or a crash. They hold clinical text, so
 * they expire with the retention period like cached patient data; they live in their own
 * store ('drafts') so that attachments filling the cache can never evict them.
 */
import { openEncryptedStore, type EncryptedStore, type JsonObject, type StoreOptions } from './encrypted-store';
import { offlineErrors } from './offline-errors';

export interface Draft {
  itemId: string;
  /** The form's fields as the renderer holds them. */
  form: JsonObject;
  /** Epoch ms of the last save. */
  savedAt: number;
}

export interface Drafts {
  save(itemId: string, form: JsonObject): Promise<void>;
  load(itemId: string): Promise<Draft | null>;
  discard(itemId: string): Promise<void>;
  list(): Promise<{ itemId: string; savedAt: number }[]>;
  wipe(): Promise<void>;
}

export type DraftsOptions = Omit<StoreOptions, 'name' | 'maxBytes'>;

const PREFIX = 'draft/';
const MAX_DRAFT_BYTES = 256 * 1024;
const ITEM_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

export async function openDrafts(options: DraftsOptions): Promise<Drafts> {
  const store = await openEncryptedStore({ ...options, name: 'drafts', maxBytes: Infinity });
  return new StoredDrafts(store);
}

class StoredDrafts implements Drafts {
  readonly #store: EncryptedStore;

  constructor(store: EncryptedStore) {
    this.#store = store;
  }

  async save(itemId: string, form: JsonObject): Promise<void> {
    const key = keyFor(itemId);
    let text: string | undefined;
    try {
      text = JSON.stringify(form);
    } catch {
      throw offlineErrors.draftInvalid();
    }
    if (typeof form !== 'object' || form === null || Array.isArray(form) || text === undefined) throw offlineErrors.draftInvalid();
    if (Buffer.byteLength(text, 'utf8') > MAX_DRAFT_BYTES) throw offlineErrors.draftInvalid();
    await this.#store.put(key, Buffer.from(text, 'utf8'));
  }

  async load(itemId: string): Promise<Draft | null> {
    const stored = await this.#store.get(keyFor(itemId));
    if (!stored) return null;
    let form: unknown;
    try {
      form = JSON.parse(Buffer.from(stored.bytes).toString('utf8'));
    } catch {
      return null;
    }
    if (typeof form !== 'object' || form === null || Array.isArray(form)) return null;
    return { itemId, form: form as JsonObject, savedAt: stored.storedAt };
  }

  async discard(itemId: string): Promise<void> {
    await this.#store.delete(keyFor(itemId));
  }

  async list(): Promise<{ itemId: string; savedAt: number }[]> {
    return (await this.#store.list(PREFIX)).map((entry) => ({ itemId: entry.key.slice(PREFIX.length), savedAt: entry.storedAt }));
  }

  wipe(): Promise<void> {
    return this.#store.wipe();
  }
}

function keyFor(itemId: string): string {
  if (typeof itemId !== 'string' || !ITEM_ID.test(itemId)) throw offlineErrors.invalidKey();
  return `${PREFIX}${itemId}`;
}
