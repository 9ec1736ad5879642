/**
 * How a store's data key is protected at rest: the operating system wraps it for the
 * signed-in desktop account (Electron `safeStorage`, DPAPI on Windows, in
 * electron/platform/electron-platform.ts), so another account on a shared workstation
 * cannot unwrap it even with the files in hand. The store only ever writes the wrapped form.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

export interface KeyProvider {
  /** False when the OS cannot protect keys (no keyring, DPAPI unavailable); the store then refuses to open. */
  available(): boolean;
  wrap(key: Uint8Array): Promise<Uint8Array>;
  /** Throws when the blob was wrapped for another account or machine, or was altered. */
  unwrap(blob: Uint8Array): Promise<Uint8Array>;
}

const MAGIC = Buffer.from('TKP1', 'ascii');
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * FOR TESTS ONLY. This gives NO protection: its master key is derived from a label written
 * in the source code, so anyone can unwrap what it wraps. It exists so tests can exercise
 * key wrapping through the interface (and a provider with another label plays the part of
 * another desktop account). Never use it in the app.
 */
export class TestKeyProvider implements KeyProvider {
  readonly #master: Buffer;
  readonly #available: boolean;

  constructor(options: { label?: string; available?: boolean } = {}) {
    this.#master = createHash('sha256')
      .update(`ers-triage TestKeyProvider, no protection\0${options.label ?? 'default'}`)
      .digest();
    this.#available = options.available ?? true;
  }

  available(): boolean {
    return this.#available;
  }

  async wrap(key: Uint8Array): Promise<Uint8Array> {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.#master, iv);
    cipher.setAAD(MAGIC);
    const body = Buffer.concat([cipher.update(key), cipher.final()]);
    return Buffer.concat([MAGIC, iv, cipher.getAuthTag(), body]);
  }

  async unwrap(blob: Uint8Array): Promise<Uint8Array> {
    const data = Buffer.from(blob);
    if (data.length < MAGIC.length + IV_BYTES + TAG_BYTES || !data.subarray(0, MAGIC.length).equals(MAGIC)) {
      throw new Error('Not a key wrapped by the test key provider.');
    }
    const iv = data.subarray(MAGIC.length, MAGIC.length + IV_BYTES);
    const tag = data.subarray(MAGIC.length + IV_BYTES, MAGIC.length + IV_BYTES + TAG_BYTES);
    const decipher = createDecipheriv('aes-256-gcm', this.#master, iv);
    decipher.setAAD(MAGIC);
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(data.subarray(MAGIC.length + IV_BYTES + TAG_BYTES)), decipher.final()]);
  }
}
