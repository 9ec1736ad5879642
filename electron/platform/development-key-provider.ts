/**
 * The key provider of the browser host (developer machines without Electron): a master
 * key kept in a file readable only by this account (mode 0600). It protects against
 * nothing the account itself can do; the installed app uses the operating system's
 * protection (safeStorage/DPAPI) instead. Named plainly so nobody mistakes it for that.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { KeyProvider } from '../offline/key-provider';

const IV = 12;
const TAG = 16;

export function createDevelopmentKeyProvider(dir: string): KeyProvider {
  const file = path.join(dir, 'development-master.key');
  let master: Buffer;
  try {
    master = readFileSync(file);
    if (master.length !== 32) throw new Error('bad key length');
  } catch {
    master = randomBytes(32);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    writeFileSync(file, master, { mode: 0o600 });
  }
  return {
    available: () => true,
    async wrap(key) {
      const iv = randomBytes(IV);
      const cipher = createCipheriv('aes-256-gcm', master, iv);
      const body = Buffer.concat([cipher.update(key), cipher.final()]);
      return Buffer.concat([iv, cipher.getAuthTag(), body]);
    },
    async unwrap(blob) {
      const data = Buffer.from(blob);
      const decipher = createDecipheriv('aes-256-gcm', master, data.subarray(0, IV));
      decipher.setAuthTag(data.subarray(IV, IV + TAG));
      return Buffer.concat([decipher.update(data.subarray(IV + TAG)), decipher.final()]);
    },
  };
}
