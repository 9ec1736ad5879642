/**
 * The encrypted offline store: every cached byte (worklists, referrals, attachments, drafts,
 * the outbox) lives here, one file per object, each sealed with AES-256-GCM under a data key
 * random per user, environment and store (see sealed-object.ts and store-key.ts).
 *
 * Layout under `root`:
 *   <sha256(environment, user id)>/<partition>/<store name>/key.json   the wrapped data key
 *                                                          /index.bin  sealed index: keys, sizes, times
 *                                                          /objects/<hmac(logical key)>.obj
 * The partition is the role the data was fetched in (business function, organisation and
 * the clinician acted for): e-RS shows each role different referrals, so what one role
 * kept must never show in another, online or off. `p-<sha256(partition)>`; a store opened
 * without a partition sits directly under the user's folder. No user id, ODS code, UBRN or
 * NHS number appears in a path. The object files are the truth; the
 * index only saves opening every file, and is rebuilt from them when lost or damaged. So
 * the index is written at most once a second while objects stream in (a prefetch writes
 * thousands): a crash loses only access times, and the next open reads the few files whose
 * size or on-disk identity (inode, modification time) the index does not know.
 *
 * A file that fails authentication (altered, cut short, moved, from another store) is
 * deleted, counted and never returned. Objects older than the retention period are deleted;
 * past the size cap the least recently used are evicted. Writes are atomic (atomic-write.ts).
 *
 * Stores whose contents must never be evicted or expired (the outbox) open with
 * `maxBytes: Infinity, retentionMs: Infinity` under their own name.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { AppError } from '../app-error';
import { silentLogger, type Logger } from '../log/logger';
import { TEMP_SUFFIX, writeFileAtomic } from './atomic-write';
import type { KeyProvider } from './key-provider';
import { offlineErrors } from './offline-errors';
import { objectFileId, seal, unseal, type StoreKeys } from './sealed-object';
import { isMissing, nodeStoreFs, type StoreFs } from './store-fs';
import { loadOrCreateStoreKeys } from './store-key';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

export const DEFAULT_MAX_BYTES = 2 * 1024 ** 3;
export const DEFAULT_RETENTION_MS = 7 * 24 * 60 * 60 * 1000;
export const MAX_LOGICAL_KEY_LENGTH = 512;

export interface StoreLocation {
  root: string;
  userId: string;
  environment: string;
  /** Which of the user's roles the data belongs to (see the layout above); none, none. */
  partition?: string;
  /** Which of the user's stores: each has its own key, files and limits. Default 'cache'. */
  name?: string;
}

export interface StoreOptions extends StoreLocation {
  keyProvider: KeyProvider;
  /** Size cap in bytes on disk; default 2 GB. Infinity disables eviction. */
  maxBytes?: number;
  /** How long an object is kept after it was written; default 7 days. Infinity keeps it. */
  retentionMs?: number;
  now?: () => number;
  /** Least time between index writes while objects stream in; default 1000 ms. */
  indexWriteIntervalMs?: number;
  fs?: StoreFs;
  logger?: Logger;
}

export interface StoredObject {
  key: string;
  bytes: Uint8Array;
  meta: JsonObject | null;
  /** Epoch ms when it was written. */
  storedAt: number;
}

export interface StoreEntry {
  key: string;
  /** Bytes on disk (sealed). */
  size: number;
  storedAt: number;
  lastAccess: number;
  meta: JsonObject | null;
}

export interface StoreStats {
  objects: number;
  bytes: number;
  /** Files that failed authentication and were deleted, since open. */
  discarded: number;
  evicted: number;
  expired: number;
  /** True when the index was missing or damaged at open and rebuilt from the files. */
  indexRebuilt: boolean;
}

export interface EncryptedStore {
  readonly maxBytes: number;
  readonly retentionMs: number;
  /** Resolves once the object is on disk and synced. */
  put(key: string, bytes: Uint8Array, meta?: JsonObject): Promise<void>;
  /** Null when missing, expired, or discarded because it failed authentication. */
  get(key: string): Promise<StoredObject | null>;
  has(key: string): Promise<boolean>;
  /** True when there was something to delete. */
  delete(key: string): Promise<boolean>;
  /** Entries whose key starts with `prefix`, sorted by key; bytes are not read. */
  list(prefix?: string): Promise<StoreEntry[]>;
  sizeBytes(): number;
  /** Deletes objects past the retention period; returns how many. */
  sweep(): Promise<number>;
  /** The trust's configuration may change the limits; applied at once. */
  setLimits(limits: { maxBytes?: number; retentionMs?: number }): Promise<void>;
  /** Persists access times (kept in memory between writes). */
  flush(): Promise<void>;
  /** Deletes every file of this store, key included; the store is closed afterwards. */
  wipe(): Promise<void>;
  stats(): StoreStats;
}

const OBJECTS_DIR = 'objects';
const INDEX_FILE = 'index.bin';
const INDEX_NAME = 'index';
const OBJECT_FILE = /^([0-9a-f]{32})\.obj$/;
const STORE_NAME = /^[a-z][a-z0-9-]{0,31}$/;

export function userDirectory(root: string, userId: string, environment: string): string {
  const hash = createHash('sha256').update('ers-triage offline user\0').update(environment).update('\0').update(userId).digest('hex');
  return path.join(root, hash.slice(0, 32));
}

export function partitionDirectory(location: Omit<StoreLocation, 'name'>): string {
  const user = userDirectory(location.root, location.userId, location.environment);
  if (location.partition === undefined) return user;
  const hash = createHash('sha256').update('ers-triage offline partition\0').update(location.partition).digest('hex');
  return path.join(user, `p-${hash.slice(0, 32)}`);
}

export function storeDirectory(location: StoreLocation): string {
  return path.join(partitionDirectory(location), location.name ?? 'cache');
}

/** The user's role partition folders (`p-…`), sorted; [] when the user has none yet. */
async function partitionNames(user: string, fs: StoreFs): Promise<string[]> {
  try {
    return (await fs.readdir(user)).filter((child) => child.startsWith('p-')).sort();
  } catch (error) {
    if (isMissing(error)) return [];
    throw offlineErrors.readFailed(error);
  }
}

/** The folder's entries, or null when it does not exist. */
async function entriesOf(dir: string, fs: StoreFs): Promise<string[] | null> {
  try {
    return await fs.readdir(dir);
  } catch (error) {
    if (isMissing(error)) return null;
    throw offlineErrors.readFailed(error);
  }
}

/** True when any store of this name, in any of the user's partitions, holds an object (the outbox: a decision waiting). */
export async function anyPartitionHolds(location: Omit<StoreLocation, 'partition'>, fs: StoreFs = nodeStoreFs): Promise<boolean> {
  const user = userDirectory(location.root, location.userId, location.environment);
  const name = location.name ?? 'cache';
  const dirs = [path.join(user, name), ...(await partitionNames(user, fs)).map((child) => path.join(user, child, name))];
  for (const dir of dirs) {
    if ((await entriesOf(path.join(dir, OBJECTS_DIR), fs))?.some((file) => OBJECT_FILE.test(file))) return true;
  }
  return false;
}

/**
 * The directories of every store of this name in the user's role partitions (not the one
 * directly under the user): for data once kept per role that is now kept per user.
 */
export async function partitionStoreDirectories(location: Omit<StoreLocation, 'partition'>, fs: StoreFs = nodeStoreFs): Promise<string[]> {
  const user = userDirectory(location.root, location.userId, location.environment);
  const name = location.name ?? 'cache';
  const found: string[] = [];
  for (const child of await partitionNames(user, fs)) {
    const dir = path.join(user, child, name);
    if ((await entriesOf(dir, fs)) !== null) found.push(dir);
  }
  return found;
}

/** Sign-out with a wipe policy: removes every store of this user and environment, no key needed. */
export async function wipeUserOfflineData(location: Omit<StoreLocation, 'name'>, fs: StoreFs = nodeStoreFs): Promise<void> {
  try {
    await fs.removeTree(userDirectory(location.root, location.userId, location.environment));
  } catch (error) {
    throw offlineErrors.writeFailed(error);
  }
}

export async function openEncryptedStore(options: StoreOptions): Promise<EncryptedStore> {
  if (typeof options.root !== 'string' || options.root === '') throw offlineErrors.invalidOptions('folder');
  if (typeof options.userId !== 'string' || options.userId === '') throw offlineErrors.invalidOptions('user');
  if (typeof options.environment !== 'string' || options.environment === '') throw offlineErrors.invalidOptions('environment');
  if (options.partition !== undefined && (typeof options.partition !== 'string' || options.partition === ''))
    throw offlineErrors.invalidOptions('partition');
  const name = options.name ?? 'cache';
  if (!STORE_NAME.test(name)) throw offlineErrors.invalidOptions('store name');
  const maxBytes = checkLimit(options.maxBytes ?? DEFAULT_MAX_BYTES, 'size limit');
  const retentionMs = checkLimit(options.retentionMs ?? DEFAULT_RETENTION_MS, 'retention period');
  return openStoreIn(storeDirectory({ ...options, name }), { ...options, name, maxBytes, retentionMs });
}

/**
 * A store found on disk by partitionStoreDirectories, opened where it is. Its key file
 * binds its objects to it, not its path, so it opens with the same user's key provider.
 */
export async function openEncryptedStoreIn(
  dir: string,
  options: Omit<StoreOptions, 'root' | 'userId' | 'environment' | 'partition'> & { name: string },
): Promise<EncryptedStore> {
  if (!STORE_NAME.test(options.name)) throw offlineErrors.invalidOptions('store name');
  const maxBytes = checkLimit(options.maxBytes ?? DEFAULT_MAX_BYTES, 'size limit');
  const retentionMs = checkLimit(options.retentionMs ?? DEFAULT_RETENTION_MS, 'retention period');
  return openStoreIn(dir, { ...options, maxBytes, retentionMs });
}

async function openStoreIn(
  dir: string,
  options: Omit<StoreOptions, 'root' | 'userId' | 'environment' | 'partition'> & { name: string; maxBytes: number; retentionMs: number },
): Promise<EncryptedStore> {
  const { name, maxBytes, retentionMs } = options;
  const fs = options.fs ?? nodeStoreFs;
  const logger = options.logger ?? silentLogger;
  try {
    await fs.mkdirp(path.join(dir, OBJECTS_DIR));
  } catch (error) {
    throw offlineErrors.writeFailed(error);
  }
  const { keys } = await loadOrCreateStoreKeys(fs, dir, options.keyProvider, logger);
  const indexWriteIntervalMs = options.indexWriteIntervalMs ?? 1000;
  const store = new Store({ dir, name, keys, fs, logger, now: options.now ?? Date.now, maxBytes, retentionMs, indexWriteIntervalMs });
  await store.load();
  return store;
}

function checkLimit(value: number, what: string): number {
  if (typeof value !== 'number' || Number.isNaN(value) || value <= 0) throw offlineErrors.invalidOptions(what);
  return value;
}

function checkKey(key: unknown): asserts key is string {
  if (typeof key !== 'string' || key.length === 0 || key.length > MAX_LOGICAL_KEY_LENGTH) throw offlineErrors.invalidKey();
}

interface Entry {
  key: string;
  size: number;
  /** The file's identity on disk, to notice a rewrite the index missed. */
  stamp: string;
  storedAt: number;
  lastAccess: number;
  meta: JsonObject | null;
}

interface Header {
  key: string;
  storedAt: number;
  meta: JsonObject | null;
}

function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function encodePayload(header: Header, body: Uint8Array): Buffer {
  const head = Buffer.from(JSON.stringify(header), 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32BE(head.length);
  return Buffer.concat([length, head, body]);
}

function decodePayload(plain: Buffer): { header: Header; body: Uint8Array } | null {
  if (plain.length < 4) return null;
  const headLength = plain.readUInt32BE(0);
  if (4 + headLength > plain.length) return null;
  let header: unknown;
  try {
    header = JSON.parse(plain.subarray(4, 4 + headLength).toString('utf8'));
  } catch {
    return null;
  }
  if (!isJsonObject(header)) return null;
  const { key, storedAt, meta } = header;
  if (typeof key !== 'string' || typeof storedAt !== 'number' || !(meta === null || isJsonObject(meta))) return null;
  // A copy, not a view: a view would carry the rest of a pooled buffer along through IPC.
  const body = new Uint8Array(plain.length - 4 - headLength);
  body.set(plain.subarray(4 + headLength));
  return { header: { key, storedAt, meta }, body };
}

function decodeIndex(plain: Buffer): Map<string, Entry> | null {
  let value: unknown;
  try {
    value = JSON.parse(plain.toString('utf8'));
  } catch {
    return null;
  }
  if (!isJsonObject(value) || value.version !== 1 || !isJsonObject(value.entries)) return null;
  const entries = new Map<string, Entry>();
  for (const [id, raw] of Object.entries(value.entries)) {
    if (!/^[0-9a-f]{32}$/.test(id) || !Array.isArray(raw) || raw.length !== 6) return null;
    const [key, size, stamp, storedAt, lastAccess, meta] = raw;
    if (typeof key !== 'string' || typeof size !== 'number' || typeof stamp !== 'string') return null;
    if (typeof storedAt !== 'number' || typeof lastAccess !== 'number' || !(meta === null || isJsonObject(meta))) return null;
    entries.set(id, { key, size, stamp, storedAt, lastAccess, meta });
  }
  return entries;
}

type Removal = 'deleted' | 'evicted' | 'expired' | 'discarded';

class Store implements EncryptedStore {
  maxBytes: number;
  retentionMs: number;
  readonly #dir: string;
  readonly #name: string;
  readonly #keys: StoreKeys;
  readonly #fs: StoreFs;
  readonly #logger: Logger;
  readonly #now: () => number;
  readonly #entries = new Map<string, Entry>();
  #bytes = 0;
  #closed = false;
  #indexDirty = false;
  #lastIndexWrite = -Infinity;
  readonly #indexWriteIntervalMs: number;
  #queue: Promise<unknown> = Promise.resolve();
  readonly #counts = { discarded: 0, evicted: 0, expired: 0, indexRebuilt: false };

  constructor(init: {
    dir: string;
    name: string;
    keys: StoreKeys;
    fs: StoreFs;
    logger: Logger;
    now: () => number;
    maxBytes: number;
    retentionMs: number;
    indexWriteIntervalMs: number;
  }) {
    this.#indexWriteIntervalMs = init.indexWriteIntervalMs;
    this.#dir = init.dir;
    this.#name = init.name;
    this.#keys = init.keys;
    this.#fs = init.fs;
    this.#logger = init.logger;
    this.#now = init.now;
    this.maxBytes = init.maxBytes;
    this.retentionMs = init.retentionMs;
  }

  // --- public API -----------------------------------------------------------------------

  async put(key: string, bytes: Uint8Array, meta?: JsonObject): Promise<void> {
    checkKey(key);
    if (!(bytes instanceof Uint8Array)) throw offlineErrors.invalidValue();
    const cleanMeta = meta === undefined ? null : cloneJsonObject(meta);
    return this.#exclusive(async () => {
      const id = objectFileId(this.#keys, key);
      const storedAt = this.#now();
      const sealed = seal(this.#keys, 'object', id, encodePayload({ key, storedAt, meta: cleanMeta }, bytes));
      if (sealed.length > this.maxBytes) throw offlineErrors.tooLarge();
      const previous = this.#entries.get(id);
      await this.#evictToFit(sealed.length - (previous?.size ?? 0), id);
      await writeFileAtomic(this.#fs, this.#objectPath(id), sealed);
      const stamp = await this.#fs.stat(this.#objectPath(id)).then(
        (stat) => stat.stamp,
        () => '',
      );
      this.#bytes += sealed.length - (this.#entries.get(id)?.size ?? 0);
      this.#entries.set(id, { key, size: sealed.length, stamp, storedAt, lastAccess: storedAt, meta: cleanMeta });
      this.#indexDirty = true;
      // The object is durable now; if the index cannot be written the next open re-scans.
      await this.#persistIndex();
    });
  }

  async get(key: string): Promise<StoredObject | null> {
    checkKey(key);
    this.#assertOpen();
    const id = objectFileId(this.#keys, key);
    const entry = this.#entries.get(id);
    if (!entry) return null;
    if (this.#isExpired(entry)) {
      await this.#exclusive(() => this.#removeIfSame(id, entry, 'expired'));
      return null;
    }
    let data: Uint8Array;
    try {
      data = await this.#fs.readFile(this.#objectPath(id));
    } catch (error) {
      if (!isMissing(error)) throw offlineErrors.readFailed(error);
      await this.#exclusive(() => this.#removeIfSame(id, entry, 'deleted'));
      return null;
    }
    const opened = this.#open(id, data);
    if (!opened || opened.header.key !== key) {
      await this.#exclusive(() => this.#discardIfStillBad(id));
      return null;
    }
    entry.lastAccess = Math.max(entry.lastAccess, this.#now());
    this.#indexDirty = true;
    return { key, bytes: opened.body, meta: opened.header.meta, storedAt: opened.header.storedAt };
  }

  async has(key: string): Promise<boolean> {
    checkKey(key);
    this.#assertOpen();
    const entry = this.#entries.get(objectFileId(this.#keys, key));
    return entry !== undefined && !this.#isExpired(entry);
  }

  async delete(key: string): Promise<boolean> {
    checkKey(key);
    return this.#exclusive(async () => {
      const id = objectFileId(this.#keys, key);
      if (!this.#entries.has(id)) return false;
      await this.#remove(id, 'deleted');
      await this.#persistIndex();
      return true;
    });
  }

  async list(prefix = ''): Promise<StoreEntry[]> {
    this.#assertOpen();
    const out: StoreEntry[] = [];
    for (const entry of this.#entries.values()) {
      if (!entry.key.startsWith(prefix) || this.#isExpired(entry)) continue;
      const { key, size, storedAt, lastAccess, meta } = entry;
      out.push({ key, size, storedAt, lastAccess, meta: meta === null ? null : cloneJsonObject(meta) });
    }
    return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  sizeBytes(): number {
    return this.#bytes;
  }

  async sweep(): Promise<number> {
    return this.#exclusive(async () => {
      const removed = await this.#removeExpired();
      if (removed > 0) await this.#persistIndex();
      return removed;
    });
  }

  async setLimits(limits: { maxBytes?: number; retentionMs?: number }): Promise<void> {
    const maxBytes = limits.maxBytes === undefined ? undefined : checkLimit(limits.maxBytes, 'size limit');
    const retentionMs = limits.retentionMs === undefined ? undefined : checkLimit(limits.retentionMs, 'retention period');
    return this.#exclusive(async () => {
      if (maxBytes !== undefined) this.maxBytes = maxBytes;
      if (retentionMs !== undefined) this.retentionMs = retentionMs;
      await this.#removeExpired();
      await this.#evictToFit(0);
      await this.#persistIndex(true);
    });
  }

  async flush(): Promise<void> {
    return this.#exclusive(() => this.#persistIndex(true));
  }

  async wipe(): Promise<void> {
    return this.#exclusive(async () => {
      this.#closed = true;
      this.#entries.clear();
      this.#bytes = 0;
      this.#keys.encryptionKey.fill(0);
      this.#keys.nameKey.fill(0);
      try {
        await this.#fs.removeTree(this.#dir);
        await this.#fs.removeEmptyDir(path.dirname(this.#dir));
      } catch (error) {
        throw offlineErrors.writeFailed(error);
      }
      this.#logger.info('offline.store.wiped', { store: this.#name });
    });
  }

  stats(): StoreStats {
    return { objects: this.#entries.size, bytes: this.#bytes, ...this.#counts };
  }

  // --- opening --------------------------------------------------------------------------

  /** Brings the index in line with the files: the files are the truth. */
  async load(): Promise<void> {
    const objectsDir = path.join(this.#dir, OBJECTS_DIR);
    await this.#removeLeftoverTemps(this.#dir);
    await this.#removeLeftoverTemps(objectsDir);

    const present = new Set<string>();
    for (const file of await this.#readdir(objectsDir)) {
      const match = OBJECT_FILE.exec(file);
      if (match?.[1]) present.add(match[1]);
    }

    const indexed = await this.#readIndex();
    if (indexed instanceof Map) {
      for (const [id, entry] of indexed) this.#entries.set(id, entry);
    } else {
      // A new store has no index and nothing to rebuild it from; anything else is a rebuild.
      this.#counts.indexRebuilt = indexed === 'damaged' || present.size > 0;
      this.#indexDirty = true;
    }
    for (const id of [...this.#entries.keys()]) {
      if (!present.has(id)) {
        this.#entries.delete(id);
        this.#indexDirty = true;
      }
    }
    for (const id of present) {
      const known = this.#entries.get(id);
      let stat: { size: number; stamp: string };
      try {
        stat = await this.#fs.stat(this.#objectPath(id));
      } catch (error) {
        if (isMissing(error)) continue;
        throw offlineErrors.readFailed(error);
      }
      if (known && known.size === stat.size && known.stamp === stat.stamp) continue;
      // New since the index was written (a crash between the two writes), or rewritten.
      this.#indexDirty = true;
      const data = await this.#fs.readFile(this.#objectPath(id)).catch((error: unknown) => {
        throw offlineErrors.readFailed(error);
      });
      const opened = this.#open(id, data);
      if (!opened) {
        this.#entries.delete(id);
        await this.#unlinkDiscarded(id);
        continue;
      }
      const { header } = opened;
      this.#entries.set(id, {
        key: header.key,
        size: data.byteLength,
        stamp: stat.stamp,
        storedAt: header.storedAt,
        lastAccess: known?.lastAccess ?? header.storedAt,
        meta: header.meta,
      });
    }
    this.#bytes = [...this.#entries.values()].reduce((sum, entry) => sum + entry.size, 0);
    if (this.#counts.indexRebuilt) this.#logger.warn('offline.store.index-rebuilt', { store: this.#name, objects: this.#entries.size });

    await this.#removeExpired();
    await this.#evictToFit(0);
    await this.#persistIndex(true);
  }

  async #readIndex(): Promise<Map<string, Entry> | 'missing' | 'damaged'> {
    let data: Uint8Array;
    try {
      data = await this.#fs.readFile(path.join(this.#dir, INDEX_FILE));
    } catch (error) {
      if (isMissing(error)) return 'missing';
      throw offlineErrors.readFailed(error);
    }
    const plain = unseal(this.#keys, 'index', INDEX_NAME, data);
    return (plain && decodeIndex(plain)) ?? 'damaged';
  }

  async #removeLeftoverTemps(dir: string): Promise<void> {
    for (const file of await this.#readdir(dir)) {
      if (file.endsWith(TEMP_SUFFIX)) await this.#fs.unlink(path.join(dir, file)).catch(() => undefined);
    }
  }

  async #readdir(dir: string): Promise<string[]> {
    try {
      return await this.#fs.readdir(dir);
    } catch (error) {
      if (isMissing(error)) return [];
      throw offlineErrors.readFailed(error);
    }
  }

  // --- internals ------------------------------------------------------------------------

  #exclusive<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(() => {
      this.#assertOpen();
      return task();
    });
    this.#queue = run.catch(() => undefined);
    return run;
  }

  #assertOpen(): void {
    if (this.#closed) throw offlineErrors.closed();
  }

  #objectPath(id: string): string {
    return path.join(this.#dir, OBJECTS_DIR, `${id}.obj`);
  }

  #isExpired(entry: Entry): boolean {
    return this.#now() - entry.storedAt >= this.retentionMs;
  }

  /** The plaintext of an object file, or null unless it is authentic and really holds the key its name stands for. */
  #open(id: string, data: Uint8Array): { header: Header; body: Uint8Array } | null {
    const plain = unseal(this.#keys, 'object', id, data);
    const decoded = plain ? decodePayload(plain) : null;
    if (!decoded || objectFileId(this.#keys, decoded.header.key) !== id) return null;
    return decoded;
  }

  async #remove(id: string, reason: Removal): Promise<void> {
    const entry = this.#entries.get(id);
    try {
      await this.#fs.unlink(this.#objectPath(id));
    } catch (error) {
      // Left on disk it would come back at the next open; that is safe, so carry on.
      if (!isMissing(error)) this.#logger.warn('offline.store.unlink-failed', { store: this.#name, reason, error });
    }
    if (entry) {
      this.#entries.delete(id);
      this.#bytes -= entry.size;
    }
    if (reason !== 'deleted') this.#counts[reason]++;
    this.#indexDirty = true;
  }

  async #removeIfSame(id: string, entry: Entry, reason: Removal): Promise<void> {
    if (this.#entries.get(id) !== entry) return;
    await this.#remove(id, reason);
    await this.#persistIndex();
  }

  async #discardIfStillBad(id: string): Promise<void> {
    // A put may have replaced the file since it was read; only a file that is still bad goes.
    try {
      if (this.#open(id, await this.#fs.readFile(this.#objectPath(id)))) return;
    } catch (error) {
      if (!isMissing(error)) throw offlineErrors.readFailed(error);
    }
    await this.#remove(id, 'discarded');
    this.#logger.warn('offline.store.discarded', { store: this.#name, reason: 'failed-authentication' });
    await this.#persistIndex();
  }

  async #unlinkDiscarded(id: string): Promise<void> {
    await this.#fs.unlink(this.#objectPath(id)).catch(() => undefined);
    this.#counts.discarded++;
    this.#logger.warn('offline.store.discarded', { store: this.#name, reason: 'failed-authentication' });
  }

  async #removeExpired(): Promise<number> {
    if (this.retentionMs === Infinity) return 0;
    let removed = 0;
    for (const [id, entry] of [...this.#entries]) {
      if (!this.#isExpired(entry)) continue;
      await this.#remove(id, 'expired');
      removed++;
    }
    if (removed > 0) this.#logger.info('offline.store.expired', { store: this.#name, count: removed });
    return removed;
  }

  /** Evicts least recently used objects (never `keep`) until `incoming` more bytes fit. */
  async #evictToFit(incoming: number, keep?: string): Promise<void> {
    if (this.#bytes + incoming <= this.maxBytes) return;
    const candidates = [...this.#entries]
      .filter(([id]) => id !== keep)
      .sort(([, a], [, b]) => a.lastAccess - b.lastAccess || a.storedAt - b.storedAt);
    let evicted = 0;
    for (const [id] of candidates) {
      if (this.#bytes + incoming <= this.maxBytes) break;
      await this.#remove(id, 'evicted');
      evicted++;
    }
    if (evicted > 0) this.#logger.info('offline.store.evicted', { store: this.#name, count: evicted });
  }

  /** Unless forced, skipped while the last write is recent: the files stay the truth meanwhile. */
  async #persistIndex(force = false): Promise<void> {
    if (!this.#indexDirty) return;
    if (!force && performance.now() - this.#lastIndexWrite < this.#indexWriteIntervalMs) return;
    this.#lastIndexWrite = performance.now();
    const entries: Record<string, [string, number, string, number, number, JsonObject | null]> = {};
    for (const [id, e] of this.#entries) entries[id] = [e.key, e.size, e.stamp, e.storedAt, e.lastAccess, e.meta];
    const plain = Buffer.from(JSON.stringify({ version: 1, entries }), 'utf8');
    try {
      await writeFileAtomic(this.#fs, path.join(this.#dir, INDEX_FILE), seal(this.#keys, 'index', INDEX_NAME, plain));
      this.#indexDirty = false;
    } catch (error) {
      // The old index stays whole (atomic write) and the files stay the truth; retried on the next write.
      this.#logger.warn('offline.store.index-write-failed', {
        store: this.#name,
        code: error instanceof AppError ? error.code : 'UNKNOWN',
      });
    }
  }
}

function cloneJsonObject(value: JsonObject): JsonObject {
  let copy: unknown;
  try {
    copy = JSON.parse(JSON.stringify(value));
  } catch {
    throw offlineErrors.invalidValue();
  }
  if (!isJsonObject(copy)) throw offlineErrors.invalidValue();
  return copy;
}
