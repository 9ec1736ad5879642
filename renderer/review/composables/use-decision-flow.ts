/**
 * From a checked form to e-RS: confirm, send, and act on the answer. Sent or queued ends
 * the decision; a conflict keeps it, with what changed, to send again against the new
 * version or drop; a failure keeps it with one sentence saying what to do.
 */
import { ref, shallowRef } from 'vue';
import type { DecisionOutcome, FieldChange, ReferralView } from '../../../contract';
import { TriageError, userMessage, type TriageClient } from '../../api/client';
import type { PreparedDecision } from '../prepared-decision';

export interface Conflict {
  decision: PreparedDecision;
  changes: FieldChange[];
  message: string;
  /** The version the decision would be sent against now. */
  version: string;
}

export type Finished = Extract<DecisionOutcome, { status: 'sent' | 'queued' }>;

export interface DecisionFlowOptions {
  client: TriageClient;
  /** The version of the item as the screen shows it. */
  version: () => string;
  onConflict: (referral: ReferralView) => void;
  onFinished: (outcome: Finished, decision: PreparedDecision) => Promise<void> | void;
}

const SEND_FAILED = 'Your decision could not be sent. It is kept here: try again, or check your connection.';

function errorText(error: unknown): string {
  if (!(error instanceof TriageError)) return SEND_FAILED;
  const details = (error.issues ?? []).map((issue) => issue.message).filter((m) => m !== error.message);
  return [userMessage(error, SEND_FAILED), ...details].join(' ');
}

export function useDecisionFlow(options: DecisionFlowOptions) {
  /** The decision the confirmation dialog shows, while it is open. */
  const confirming = shallowRef<PreparedDecision | null>(null);
  const sending = ref(false);
  const error = ref<string | null>(null);
  const conflict = shallowRef<Conflict | null>(null);
  /**
   * Set once a decision was sent or queued: this item is decided. While the screen moves on
   * (the draft discarded, the next item looked up) nothing may open or send another one.
   */
  const done = ref(false);

  function review(decision: PreparedDecision): void {
    if (sending.value || done.value) return;
    error.value = null;
    confirming.value = decision;
  }

  function cancel(): void {
    if (!sending.value) confirming.value = null;
  }

  async function send(decision: PreparedDecision, version: string): Promise<void> {
    if (sending.value || done.value) return;
    sending.value = true;
    error.value = null;
    let outcome: DecisionOutcome;
    try {
      outcome = await decision.send(options.client, version);
    } catch (e) {
      error.value = errorText(e);
      confirming.value = null;
      return;
    } finally {
      sending.value = false;
    }
    confirming.value = null;
    if (outcome.status === 'conflict') {
      conflict.value = { decision, changes: outcome.changes, message: outcome.message, version: outcome.referral.version };
      options.onConflict(outcome.referral);
      return;
    }
    conflict.value = null;
    done.value = true;
    await options.onFinished(outcome, decision);
  }

  /** The confirmation's send button. */
  const confirm = (): Promise<void> => (confirming.value ? send(confirming.value, options.version()) : Promise.resolve());

  /** "Send again": the same decision, against the version e-RS has now. */
  const resend = (): Promise<void> => (conflict.value ? send(conflict.value.decision, conflict.value.version) : Promise.resolve());

  function dropConflict(): void {
    conflict.value = null;
  }

  return { confirming, sending, done, error, conflict, review, cancel, confirm, resend, dropConflict };
}

export type DecisionFlow = ReturnType<typeof useDecisionFlow>;
