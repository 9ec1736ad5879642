/**
 * A user's saved texts: their own wording for rejection comments, triage comments and A&G
 * guidance, inserted into a form by keyboard. Kept through the encrypted store like drafts
 * (the same sealing, the user's own key), in a store of their own ('saved-texts') that is
 * never evicted and does not expire: it is the user's working wording, not cached patient
 * data, and losing it after a week away would be a bug.
 */
import { randomUUID } from 'node:crypto';
import type { SavedTextKind } from '../../contract';
import { SAVED_TEXT_KINDS, SAVED_TEXTS_PER_USER } from '../../contract';
import { AppError } from '../app-error';
import { openEncryptedStore, type EncryptedStore, type StoreOptions } from './encrypted-store';

export interface SavedText {
  id: string;
  kind: SavedTextKind;
  title: string;
  text: string;
  /** Epoch ms of the last save. */
  savedAt: number;
}

export interface SavedTexts {
  /** Newest first. */
  list(): Promise<SavedText[]>;
  save(input: { id?: string | undefined; kind: SavedTextKind; title: string; text: string }): Promise<SavedText>;
  delete(id: string): Promise<void>;
  wipe(): Promise<void>;
}

export type SavedTextsOptions = Omit<StoreOptions, 'name' | 'maxBytes' | 'retentionMs'>;

const PREFIX = 'text/';

export async function openSavedTexts(options: SavedTextsOptions): Promise<SavedTexts> {
  const store = await openEncryptedStore({ ...options, name: 'saved-texts', maxBytes: Infinity, retentionMs: Infinity });
  return new StoredSavedTexts(store);
}

function isKind(value: unknown): value is SavedTextKind {
  return typeof value === 'string' && (SAVED_TEXT_KINDS as readonly string[]).includes(value);
}

class StoredSavedTexts implements SavedTexts {
  readonly #store: EncryptedStore;

  constructor(store: EncryptedStore) {
    this.#store = store;
  }

  async list(): Promise<SavedText[]> {
    const entries = await this.#store.list(PREFIX);
    const texts: SavedText[] = [];
    for (const entry of entries) {
      const stored = await this.#store.get(entry.key);
      if (!stored) continue;
      let data: unknown;
      try {
        data = JSON.parse(Buffer.from(stored.bytes).toString('utf8'));
      } catch {
        continue;
      }
      if (typeof data !== 'object' || data === null) continue;
      const { kind, title, text } = data as Record<string, unknown>;
      if (!isKind(kind) || typeof title !== 'string' || typeof text !== 'string') continue;
      texts.push({ id: entry.key.slice(PREFIX.length), kind, title, text, savedAt: stored.storedAt });
    }
    return texts.sort((a, b) => b.savedAt - a.savedAt || a.title.localeCompare(b.title));
  }

  async save(input: { id?: string | undefined; kind: SavedTextKind; title: string; text: string }): Promise<SavedText> {
    const existing = await this.#store.list(PREFIX);
    if (input.id !== undefined && !existing.some((entry) => entry.key === PREFIX + input.id)) {
      throw new AppError('NOT_FOUND', 'That saved text no longer exists. Save it again as a new one.');
    }
    if (input.id === undefined && existing.length >= SAVED_TEXTS_PER_USER) {
      throw new AppError(
        'INVALID_INPUT',
        `You have ${SAVED_TEXTS_PER_USER} saved texts, the most the app keeps. Delete one you no longer use, then save this again.`,
      );
    }
    const id = input.id ?? randomUUID();
    await this.#store.put(PREFIX + id, Buffer.from(JSON.stringify({ kind: input.kind, title: input.title, text: input.text }), 'utf8'));
    const saved = await this.#store.get(PREFIX + id);
    return { id, kind: input.kind, title: input.title, text: input.text, savedAt: saved?.storedAt ?? Date.now() };
  }

  async delete(id: string): Promise<void> {
    await this.#store.delete(PREFIX + id);
  }

  wipe(): Promise<void> {
    return this.#store.wipe();
  }
}
