/**
 * The local audit of decisions: one entry per decision with the time, the user, the role,
 * the UBRN, the action, the e-RS correlation id and the result. Never clinical text, never
 * patient details beyond the UBRN (which is how a service desk finds the referral).
 *
 * The entries are the signed-in user's, so they live in that user's offline folder as an
 * encrypted store of their own (encrypted-store.ts: sealed with a data key the operating
 * system wraps for this desktop account, file names HMACs of the keys), expire with the
 * trust's retention period (`cache.retentionDays`) and go with the offline wipe. Earlier
 * versions wrote plaintext JSON lines to `audit/decisions.jsonl`, kept for ever and left by
 * the wipe; that file is deleted at start (`discardPlaintextAuditLog`).
 */
import { randomUUID } from 'node:crypto';
import { readFile, rm, rmdir } from 'node:fs/promises';
import path from 'node:path';
import { openEncryptedStore, type StoreOptions } from '../offline/encrypted-store';

export interface AuditEntry {
  time: string;
  userId: string | null;
  businessFunction: string | null;
  organisationOds: string | null;
  onBehalfOfUserId: string | null;
  ubrn: string;
  action: 'accept' | 'reject' | 'triage-outcome' | 'advice-reply' | 'advice-convert';
  /** e.g. ACCEPT_REFER_BOOK_LATER, or the rejection reason code. */
  detail: string | null;
  correlationId: string | null;
  result: 'sent' | 'queued' | 'conflict' | 'failed';
  errorCode: string | null;
  /**
   * For a decision made offline: its outbox id, on the 'queued' entry and again on the
   * 'sent' entry appended when it went out. The log is append-only: a later line with the
   * same outbox id is what became of it.
   */
  outboxId?: string | null;
}

const ACTIONS: Record<string, AuditEntry['action']> = {
  'referral.accept': 'accept',
  'referral.reject': 'reject',
  'referral.recordTriageOutcome': 'triage-outcome',
  'advice.reply': 'advice-reply',
  'advice.convert': 'advice-convert',
};

/** The audit's action and detail for a decision by its channel and input, as the review handlers record them. */
export function auditActionOf(operation: string, input: Record<string, unknown>): Pick<AuditEntry, 'action' | 'detail'> | null {
  const action = ACTIONS[operation];
  if (!action) return null;
  const code = (value: unknown) => (typeof value === 'string' ? value : null);
  const detail =
    action === 'reject' ? code(input.reasonCode) : action === 'triage-outcome' || action === 'advice-reply' ? code(input.outcome) : null;
  return { action, detail };
}

export interface AuditLog {
  record(entry: Omit<AuditEntry, 'time'>): Promise<void>;
}

export interface KeptAuditLog extends AuditLog {
  /** Every entry still kept, oldest first (for the service desk, and tests). */
  entries(): Promise<AuditEntry[]>;
}

export type AuditLogOptions = Omit<StoreOptions, 'name' | 'maxBytes'> & {
  /** How long an entry is kept: the trust's retention period. */
  retentionMs: number;
};

const PREFIX = 'entry/';
/** Thousands of decisions fit in far less; past this the oldest go first. */
const MAX_AUDIT_BYTES = 32 * 1024 * 1024;

export async function openAuditLog(options: AuditLogOptions): Promise<KeptAuditLog> {
  const store = await openEncryptedStore({ ...options, name: 'audit', maxBytes: MAX_AUDIT_BYTES });
  const now = options.now ?? Date.now;
  return {
    async record(entry) {
      const time = new Date(now()).toISOString();
      const full: AuditEntry = { time, ...entry };
      // The time first, so the keys sort oldest first; the id keeps two in one millisecond apart.
      await store.put(`${PREFIX}${time}/${randomUUID()}`, Buffer.from(JSON.stringify(full), 'utf8'));
    },
    async entries() {
      const out: AuditEntry[] = [];
      for (const listed of await store.list(PREFIX)) {
        const found = await store.get(listed.key);
        if (found) out.push(JSON.parse(Buffer.from(found.bytes).toString('utf8')) as AuditEntry);
      }
      return out;
    },
  };
}

/** Where earlier versions wrote the audit in plaintext, under the app's data folder. */
export const PLAINTEXT_AUDIT_FILE = path.join('audit', 'decisions.jsonl');

/**
 * Deletes the plaintext audit of earlier versions (and its folder, once empty). Its entries
 * are not carried over: at start no user's key is open to seal them with, and they were
 * never meant to outlive the retention period. Returns how many entries were discarded.
 */
export async function discardPlaintextAuditLog(userDataDir: string): Promise<number> {
  const file = path.join(userDataDir, PLAINTEXT_AUDIT_FILE);
  let entries: number;
  try {
    entries = (await readFile(file, 'utf8')).split('\n').filter((line) => line.trim() !== '').length;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw error;
  }
  await rm(file, { force: true });
  await rmdir(path.dirname(file)).catch(() => undefined);
  return entries;
}
