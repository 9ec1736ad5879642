/**
 * The per-store data key: 32 random bytes made on first use, kept on disk only in the form
 * the OS key provider wrapped it, next to a check value, so a key unwrapped by the wrong
 * account is recognised as wrong instead of making every object look tampered (and be
 * deleted). The encryption and file-name keys are derived from it with HKDF.
 */
import { createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import path from 'node:path';
import type { Logger } from '../log/logger';
import { writeFileAtomic } from './atomic-write';
import type { KeyProvider } from './key-provider';
import { offlineErrors } from './offline-errors';
import type { StoreKeys } from './sealed-object';
import { isMissing, type StoreFs } from './store-fs';

export const KEY_FILE = 'key.json';
const FORMAT = 'ers-triage-offline-key';

interface KeyFile {
  format: typeof FORMAT;
  version: 1;
  storeId: string;
  wrappedKey: string;
  check: string;
}

function keyCheck(dataKey: Uint8Array, storeId: Buffer): Buffer {
  return createHmac('sha256', dataKey).update('ers-triage offline key check\0').update(storeId).digest();
}

function derive(dataKey: Uint8Array, storeId: Buffer, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', dataKey, storeId, `ers-triage offline ${purpose}`, 32));
}

function deriveKeys(dataKey: Uint8Array, storeId: Buffer): StoreKeys {
  return { storeId, encryptionKey: derive(dataKey, storeId, 'object encryption'), nameKey: derive(dataKey, storeId, 'object names') };
}

function parseKeyFile(text: string): KeyFile | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const file = value as Record<string, unknown>;
  if (file.format !== FORMAT || file.version !== 1) return null;
  if (typeof file.storeId !== 'string' || !/^[0-9a-f]{32}$/.test(file.storeId)) return null;
  if (typeof file.wrappedKey !== 'string' || typeof file.check !== 'string') return null;
  return file as unknown as KeyFile;
}

export interface LoadedKeys {
  keys: StoreKeys;
  /** 'created' for a new store, or when the old key file was unreadable (its objects are then undecryptable and will be discarded). */
  origin: 'loaded' | 'created';
}

export async function loadOrCreateStoreKeys(fs: StoreFs, dir: string, provider: KeyProvider, logger: Logger): Promise<LoadedKeys> {
  if (!provider.available()) throw offlineErrors.keyUnavailable();
  const file = path.join(dir, KEY_FILE);
  let text: string | null = null;
  try {
    text = Buffer.from(await fs.readFile(file)).toString('utf8');
  } catch (error) {
    if (!isMissing(error)) throw offlineErrors.readFailed(error);
  }
  if (text !== null) {
    const parsed = parseKeyFile(text);
    if (parsed) return { keys: await unwrapKeyFile(parsed, provider), origin: 'loaded' };
    logger.error('offline.key.damaged', { action: 'replaced' });
  }
  return { keys: await createKeyFile(fs, file, provider), origin: 'created' };
}

async function unwrapKeyFile(file: KeyFile, provider: KeyProvider): Promise<StoreKeys> {
  const storeId = Buffer.from(file.storeId, 'hex');
  let dataKey: Uint8Array;
  try {
    dataKey = await provider.unwrap(Buffer.from(file.wrappedKey, 'base64'));
  } catch (error) {
    throw offlineErrors.keyRejected(error);
  }
  const expected = Buffer.from(file.check, 'base64');
  const actual = dataKey.byteLength === 32 ? keyCheck(dataKey, storeId) : Buffer.alloc(0);
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) throw offlineErrors.keyRejected();
  const keys = deriveKeys(dataKey, storeId);
  dataKey.fill(0);
  return keys;
}

async function createKeyFile(fs: StoreFs, file: string, provider: KeyProvider): Promise<StoreKeys> {
  const dataKey = randomBytes(32);
  const storeId = randomBytes(16);
  let wrapped: Uint8Array;
  try {
    wrapped = await provider.wrap(dataKey);
  } catch (error) {
    throw offlineErrors.keyUnavailable(error);
  }
  const content: KeyFile = {
    format: FORMAT,
    version: 1,
    storeId: storeId.toString('hex'),
    wrappedKey: Buffer.from(wrapped).toString('base64'),
    check: keyCheck(dataKey, storeId).toString('base64'),
  };
  await writeFileAtomic(fs, file, Buffer.from(JSON.stringify(content), 'utf8'));
  const keys = deriveKeys(dataKey, storeId);
  dataKey.fill(0);
  return keys;
}
