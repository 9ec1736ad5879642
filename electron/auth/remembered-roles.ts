/**
 * What the app remembers of each user's roles between sign-ins: the last role chosen (so
 * the role picker can offer it first) and the roles e-RS offered then (so, when e-RS cannot
 * be reached at sign-in, the offline worklists and queued decisions stay reachable). The
 * roles carry organisation names and, for clinician admin staff, the names of the
 * clinicians they act for.
 *
 * It used to be `last-roles.json`: plaintext, kept for ever, keyed by an unsalted SHA-256
 * of the staff id (a 12-digit number, so the hash named the user to anyone who tried them
 * all). Now it is an encrypted store (encrypted-store.ts, its own data key wrapped by the
 * operating system for this desktop account): each user's entry is sealed, its file name
 * is an HMAC of the user id under the store's secret name key, and it expires with the
 * offline retention period after the user last signed in. The old file is deleted at start.
 */
import { rm } from 'node:fs/promises';
import path from 'node:path';
import type { RoleOption } from '../../contract';
import { silentLogger, type Logger } from '../log/logger';
import { openEncryptedStore, type EncryptedStore } from '../offline/encrypted-store';
import type { KeyProvider } from '../offline/key-provider';

/** Per user: the last role chosen and the roles e-RS offered then. No patient data. */
export interface RememberedRoles {
  lastRoleId: string | null;
  options: RoleOption[];
}

export interface RememberedRolesStore {
  read(uid: string): Promise<RememberedRoles | null>;
  update(uid: string, change: (entry: RememberedRoles) => RememberedRoles): Promise<void>;
}

export interface RememberedRolesOptions {
  /** The folder the store lives in (the app's `session` folder). */
  dir: string;
  environment: string;
  /** Asked on first use, so an app that never signs in makes no key. */
  keyProvider: () => KeyProvider;
  /** How long an entry is kept after the user last signed in. */
  retentionMs: number;
  log?: Logger;
  now?: () => number;
}

/** The plaintext file earlier versions wrote in the same folder. */
export const LEGACY_ROLES_FILE = 'last-roles.json';
/** A fixed owner for the store: one store per environment holds every user's entry. */
const STORE_OWNER = 'remembered-roles';
const KEY_PREFIX = 'roles/';

/** Deletes the plaintext file of earlier versions; true when there was one. */
export async function discardLegacyRolesFile(dir: string): Promise<boolean> {
  const file = path.join(dir, LEGACY_ROLES_FILE);
  try {
    await rm(file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

function isRememberedRoles(value: unknown): value is RememberedRoles {
  if (typeof value !== 'object' || value === null) return false;
  const entry = value as Record<string, unknown>;
  return (entry.lastRoleId === null || typeof entry.lastRoleId === 'string') && Array.isArray(entry.options);
}

export function createRememberedRoles(options: RememberedRolesOptions): RememberedRolesStore {
  const log = options.log ?? silentLogger;
  let opening: Promise<EncryptedStore | null> | null = null;
  /** Updates read, change and write one at a time, so none is lost to another. */
  let updates: Promise<unknown> = Promise.resolve();

  /** Opened on first use; null (nothing remembered) where the OS cannot protect the key. */
  const store = (): Promise<EncryptedStore | null> => {
    opening ??= (async () => {
      try {
        const keyProvider = options.keyProvider();
        if (!(options.retentionMs > 0) || !keyProvider.available()) return null;
        return await openEncryptedStore({
          root: options.dir,
          userId: STORE_OWNER,
          environment: options.environment,
          name: 'roles',
          keyProvider,
          retentionMs: options.retentionMs,
          maxBytes: 4 * 1024 * 1024,
          logger: log,
          ...(options.now ? { now: options.now } : {}),
        });
      } catch (error) {
        log.warn('session.remembered_roles_unavailable', { error });
        opening = null;
        return null;
      }
    })();
    return opening;
  };

  async function read(uid: string): Promise<RememberedRoles | null> {
    const opened = await store();
    const found = opened ? await opened.get(`${KEY_PREFIX}${uid}`) : null;
    if (!found) return null;
    try {
      const value: unknown = JSON.parse(Buffer.from(found.bytes).toString('utf8'));
      return isRememberedRoles(value) ? value : null;
    } catch {
      return null;
    }
  }

  return {
    read,
    update(uid, change) {
      const run = updates.then(async () => {
        const opened = await store();
        if (!opened) return;
        const next = change((await read(uid)) ?? { lastRoleId: null, options: [] });
        // Rewritten at each sign-in, so the retention period counts from the last one.
        await opened.put(
          `${KEY_PREFIX}${uid}`,
          Buffer.from(JSON.stringify({ lastRoleId: next.lastRoleId, options: next.options }), 'utf8'),
        );
      });
      updates = run.catch(() => undefined);
      return run;
    },
  };
}
