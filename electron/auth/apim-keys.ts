/**
 * The app's signing keys for the NHS API platform, as the trust's configuration names them:
 * one key file (`apim.privateKeyPath`), or a folder of them (`apim.keyDirectory`), one
 * PKCS#8 PEM per key named `<kid>.pem`, so that a machine can hold the next key before it is
 * used. `apim.keyId` chooses the one that signs; the platform's JWKS lists every key in use
 * while one replaces another (README, "The APIM signing key").
 *
 * Whoever can read a key can act as this trust's application at the platform, so the app
 * does not start while any key file there is readable by ordinary users (Everyone, Users,
 * Authenticated Users, INTERACTIVE and the like on Windows; group or others elsewhere).
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '../app-error';
import { AclUnreadable, POSIX_GROUP, POSIX_OTHERS } from '../platform/private-file';
import { loadAssertionKey, type AssertionKey } from './client-assertion';

export interface ApimKeyConfig {
  /** One key file. */
  privateKeyPath?: string | undefined;
  /** A folder of key files, `<kid>.pem` each; when set, `privateKeyPath` is not used. */
  keyDirectory?: string | undefined;
  /** The key that signs: the name of its file in `keyDirectory`, and the `kid` the platform's JWKS gives it. */
  keyId: string;
}

/** A `kid` that is also a safe file name: no separators, no leading dot. */
const KID = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}$/;

export type ReadersCheck = (filePath: string) => Promise<string[]>;

function listing(names: readonly string[]): string {
  return names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} and ${names.at(-1) ?? ''}`;
}

/** Every key file the configuration puts on this machine, and the one that signs. */
export async function apimKeyFiles(config: ApimKeyConfig): Promise<{ active: string; all: string[] }> {
  if (config.keyDirectory) {
    if (!KID.test(config.keyId)) {
      throw new AppError(
        'CONFIG_INVALID',
        `The APIM key id "${config.keyId.slice(0, 64)}" cannot name a key file, so e-RS Triage will not start; ask your IT service desk to use letters, digits, dots, dashes and underscores only.`,
      );
    }
    let names: string[];
    try {
      names = await readdir(config.keyDirectory);
    } catch (cause) {
      throw new AppError(
        'APIM_KEY_MISSING',
        `The folder of the app's signing keys, ${config.keyDirectory}, could not be read, so e-RS Triage will not start; ask your IT service desk to check the installation.`,
        { cause },
      );
    }
    const all = names
      .filter((name) => name.toLowerCase().endsWith('.pem'))
      .sort()
      .map((name) => path.join(config.keyDirectory ?? '', name));
    const active = path.join(config.keyDirectory, `${config.keyId}.pem`);
    if (!all.includes(active)) {
      throw new AppError(
        'APIM_KEY_MISSING',
        `There is no signing key ${config.keyId}.pem in ${config.keyDirectory}, so e-RS Triage will not start; ask your IT service desk to install it or to set the key id to one that is there.`,
      );
    }
    return { active, all };
  }
  if (config.privateKeyPath) return { active: config.privateKeyPath, all: [config.privateKeyPath] };
  throw new AppError(
    'CONFIG_INVALID',
    'The trust configuration names no signing key for the NHS API platform, so e-RS Triage will not start; ask your IT service desk to set the key file or the key folder.',
  );
}

/**
 * The active key, after checking that no key file on this machine is readable by ordinary
 * users. Every file is checked, not only the active one: a key on its way in or out is still
 * one the platform accepts.
 */
export async function loadApimSigningKey(config: ApimKeyConfig, readers: ReadersCheck): Promise<AssertionKey> {
  const files = await apimKeyFiles(config);
  const key = await loadAssertionKey(files.active, config.keyId);
  for (const file of files.all) {
    let found: string[];
    try {
      found = await readers(file);
    } catch (cause) {
      throw new AppError(
        'APIM_KEY_UNCHECKED',
        `The app could not check who may read its signing key ${file}, so e-RS Triage will not start; ask your IT service desk to check the file and its permissions.`,
        { cause: cause instanceof AclUnreadable ? cause : undefined },
      );
    }
    if (found.length > 0) {
      const posix = found.includes(POSIX_GROUP) || found.includes(POSIX_OTHERS);
      const fix = posix
        ? 'to let only its owner read it (chmod 600)'
        : "to let only Administrators, SYSTEM and the group of the app's users read it";
      throw new AppError(
        'APIM_KEY_EXPOSED',
        `The app's signing key ${file} can be read by ${listing(found)}, so e-RS Triage will not start; ask your IT service desk ${fix}.`,
      );
    }
  }
  return key;
}

/** Codes of the problems only IT can put right: the app shows them on its "not set up" screen. */
export const KEY_SETUP_PROBLEMS: ReadonlySet<string> = new Set([
  'APIM_KEY_EXPOSED',
  'APIM_KEY_UNCHECKED',
  'APIM_KEY_MISSING',
  'APIM_KEY_INVALID',
]);
