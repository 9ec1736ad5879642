/**
 * A user's saved texts: their own wording for rejection comments, triage comments and A&G
 * guidance, inserted into a form by keyboard. Kept through the encrypted store like drafts
 * (the same sealing, the user's own key), in a store of their own ('saved-texts') that is
 * never evicted and does not expire: it is the user's working wording, not cached patient
 * data, and losing it after a week away would be a bug.
 *
 * They are the user's, not a role's: one store directly under the user's folder, the same
 * in every role and organisation. Texts kept per role partition by earlier versions are
 * moved into it when it opens (copied first, each under its own id, then the old store
 * removed), so a crash part-way loses nothing and copies nothing twice.
 */
import { randomUUID } from 'node:crypto';
import type { SavedTextKind } from '../../contract';
import { SAVED_TEXT_KINDS, SAVED_TEXTS_PER_USER } from '../../contract';
import { AppError } from '../app-error';
import {
  openEncryptedStore,
  openEncryptedStoreIn,
  partitionStoreDirectories,
  type EncryptedStore,
  type StoreOptions,
} from './encrypted-store';

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

/** No partition: saved texts are kept per user, whatever the role. */
export type SavedTextsOptions = Omit<StoreOptions, 'name' | 'maxBytes' | 'retentionMs' | 'partition'>;

const PREFIX = 'text/';
const NAME = 'saved-texts';

export async function openSavedTexts(options: SavedTextsOptions): Promise<SavedTexts> {
  const store = await openEncryptedStore({ ...options, name: NAME, maxBytes: Infinity, retentionMs: Infinity });
  await moveRoleTexts(store, options);
  return new StoredSavedTexts(store);
}

/** Texts an earlier version kept in a role's partition join the user's own, keeping their ids and times. */
async function moveRoleTexts(into: EncryptedStore, options: SavedTextsOptions): Promise<void> {
  for (const dir of await partitionStoreDirectories({ ...options, name: NAME }, options.fs)) {
    const old = await openEncryptedStoreIn(dir, { ...options, name: NAME, maxBytes: Infinity, retentionMs: Infinity });
    for (const entry of await old.list(PREFIX)) {
      if (await into.has(entry.key)) continue;
      const stored = await old.get(entry.key);
      if (!stored) continue;
      const data = readText(stored.bytes);
      if (!data) continue;
      await into.put(entry.key, encodeText({ ...data, savedAt: data.savedAt ?? stored.storedAt }));
    }
    await old.wipe();
    options.logger?.info('saved-texts.moved-to-user', { count: (await into.list(PREFIX)).length });
  }
}

interface StoredText {
  kind: SavedTextKind;
  title: string;
  text: string;
  /** Epoch ms of the user's last save; absent in texts written before it was kept (the object's time is used). */
  savedAt?: number;
}

function readText(bytes: Uint8Array): StoredText | null {
  let data: unknown;
  try {
    data = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    return null;
  }
  if (typeof data !== 'object' || data === null) return null;
  const { kind, title, text, savedAt } = data as Record<string, unknown>;
  if (!isKind(kind) || typeof title !== 'string' || typeof text !== 'string') return null;
  return typeof savedAt === 'number' && Number.isFinite(savedAt) ? { kind, title, text, savedAt } : { kind, title, text };
}

function encodeText(text: StoredText): Uint8Array {
  return Buffer.from(JSON.stringify(text), 'utf8');
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
      const data = readText(stored.bytes);
      if (!data) continue;
      texts.push({
        id: entry.key.slice(PREFIX.length),
        kind: data.kind,
        title: data.title,
        text: data.text,
        savedAt: data.savedAt ?? stored.storedAt,
      });
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
    await this.#store.put(PREFIX + id, encodeText({ kind: input.kind, title: input.title, text: input.text }));
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
