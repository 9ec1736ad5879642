/**
 * The local audit of decisions: one JSON line per decision with the time, the user, the
 * role, the UBRN, the action, the e-RS correlation id and the result. Never clinical text,
 * never patient details beyond the UBRN (which is how a service desk finds the referral).
 */
import { appendFile, mkdir } from 'node:fs/promises';
import path from 'node:path';

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
  const detail = action === 'reject' ? code(input.reasonCode) : action === 'triage-outcome' || action === 'advice-reply' ? code(input.outcome) : null;
  return { action, detail };
}

export interface AuditLog {
  record(entry: Omit<AuditEntry, 'time'>): Promise<void>;
  readonly file: string;
}

export function createAuditLog(dir: string, now: () => Date = () => new Date()): AuditLog {
  const file = path.join(dir, 'decisions.jsonl');
  let ready: Promise<unknown> | null = null;
  return {
    file,
    async record(entry) {
      ready ??= mkdir(dir, { recursive: true, mode: 0o700 }).catch((error: unknown) => {
        ready = null;
        throw error;
      });
      await ready;
      await appendFile(file, `${JSON.stringify({ time: now().toISOString(), ...entry })}\n`, { mode: 0o600 });
    },
  };
}
