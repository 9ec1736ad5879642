/**
 * The envelope every file of the store is written in: AES-256-GCM with a fresh random
 * 12-byte IV per write. The additional authenticated data binds the ciphertext to this
 * store (its random id), to what it is (an object or the index) and to its file name (a
 * keyed hash of the object's logical key), so a file that was altered, cut short, moved to
 * another name or copied from another store fails authentication.
 *
 * Layout: "ERSO" | version (1 byte) | IV (12) | ciphertext | tag (16).
 */
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';

const MAGIC = Buffer.from('ERSO', 'ascii');
const VERSION = 1;
const HEADER_BYTES = MAGIC.length + 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;
export const SEAL_OVERHEAD = HEADER_BYTES + IV_BYTES + TAG_BYTES;

export interface StoreKeys {
  /** Random per store, kept in clear in the key file; part of every AAD. */
  readonly storeId: Buffer;
  readonly encryptionKey: Buffer;
  /** For file names, so a name reveals nothing and cannot be guessed from a UBRN. */
  readonly nameKey: Buffer;
}

export type SealedKind = 'object' | 'index';

function additionalData(keys: StoreKeys, kind: SealedKind, name: string): Buffer {
  return Buffer.concat([
    Buffer.from('ers-triage/offline/v1\0', 'utf8'),
    keys.storeId,
    Buffer.from(`\0${kind}\0${name}`, 'utf8'),
    MAGIC,
    Buffer.of(VERSION),
  ]);
}

export function seal(keys: StoreKeys, kind: SealedKind, name: string, plaintext: Uint8Array): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', keys.encryptionKey, iv);
  cipher.setAAD(additionalData(keys, kind, name));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([MAGIC, Buffer.of(VERSION), iv, body, cipher.getAuthTag()]);
}

/** The plaintext, or null when the file is not an authentic envelope for this store and name. */
export function unseal(keys: StoreKeys, kind: SealedKind, name: string, sealed: Uint8Array): Buffer | null {
  const data = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.byteLength);
  if (data.length < SEAL_OVERHEAD) return null;
  if (!data.subarray(0, MAGIC.length).equals(MAGIC) || data[MAGIC.length] !== VERSION) return null;
  const iv = data.subarray(HEADER_BYTES, HEADER_BYTES + IV_BYTES);
  const tag = data.subarray(data.length - TAG_BYTES);
  try {
    const decipher = createDecipheriv('aes-256-gcm', keys.encryptionKey, iv);
    decipher.setAAD(additionalData(keys, kind, name));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(data.subarray(HEADER_BYTES + IV_BYTES, data.length - TAG_BYTES)), decipher.final()]);
  } catch {
    return null;
  }
}

/** 128 bits of HMAC-SHA256, hex: UBRNs and NHS numbers are too few to hide behind a plain hash. */
export function objectFileId(keys: StoreKeys, logicalKey: string): string {
  return createHmac('sha256', keys.nameKey).update(logicalKey, 'utf8').digest('hex').slice(0, 32);
}
