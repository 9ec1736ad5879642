/**
 * A signed-in user's own settings that belong with them rather than with this computer or
 * a role: for now the window's size, position and zoom (window-state.ts). Kept in the
 * user's encrypted data (their own key, like saved texts), in a store of its own directly
 * under the user's folder, in every role the same, never evicted and never expired.
 */
import { openEncryptedStore, type EncryptedStore, type JsonValue, type StoreOptions } from './encrypted-store';

export interface UserPreferences {
  /** The value stored under `name`, or null. */
  get(name: string): Promise<unknown>;
  set(name: string, value: JsonValue): Promise<void>;
}

export type UserPreferencesOptions = Omit<StoreOptions, 'name' | 'maxBytes' | 'retentionMs' | 'partition'>;

const PREFIX = 'preference/';

export async function openUserPreferences(options: UserPreferencesOptions): Promise<UserPreferences> {
  const store = await openEncryptedStore({ ...options, name: 'preferences', maxBytes: Infinity, retentionMs: Infinity });
  return new StoredPreferences(store);
}

class StoredPreferences implements UserPreferences {
  readonly #store: EncryptedStore;

  constructor(store: EncryptedStore) {
    this.#store = store;
  }

  async get(name: string): Promise<unknown> {
    const stored = await this.#store.get(PREFIX + name);
    if (!stored) return null;
    try {
      return JSON.parse(Buffer.from(stored.bytes).toString('utf8')) as unknown;
    } catch {
      return null;
    }
  }

  async set(name: string, value: JsonValue): Promise<void> {
    await this.#store.put(PREFIX + name, Buffer.from(JSON.stringify(value), 'utf8'));
  }
}
