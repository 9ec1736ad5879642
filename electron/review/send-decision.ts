/**
 * The one place a decision becomes an e-RS call, for decisions sent at once (the review
 * handlers) and for decisions sent later from the outbox. The outbox's stored input is
 * checked again against the channel's own schema before it is sent, so a stored item can
 * never carry more, or other, than the screen was allowed to send.
 */
import * as v from 'valibot';
import { channels, type ChannelParsedInput } from '../../contract';
import { AppError } from '../app-error';
import type { ErsClient } from '../ers/client';
import type { AttachmentInput } from '../ers/parameters';

export type QueueableOperation = 'referral.accept' | 'referral.reject' | 'referral.recordTriageOutcome' | 'advice.reply' | 'advice.convert';

export type DecisionInput = { [C in QueueableOperation]: { operation: C; input: ChannelParsedInput<C> } }[QueueableOperation];

const optional = <K extends string, T>(key: K, value: T | undefined): { [P in K]?: T } =>
  value === undefined ? {} : ({ [key]: value } as { [P in K]?: T });

/**
 * Sends one decision; `attachments` are files already uploaded through A020. A conversion
 * (A027) sends two kinds: `attachments` go to the referrer with the guidance,
 * `referralAttachments` to the team that books the new referral.
 */
export function sendDecision(
  ers: ErsClient,
  decision: DecisionInput,
  attachments?: AttachmentInput[],
  referralAttachments?: AttachmentInput[],
): Promise<{ correlationId: string }> {
  const files = optional('attachments', attachments);
  switch (decision.operation) {
    case 'referral.accept': {
      const { ubrn, version } = decision.input;
      return ers.acceptReferral({ ubrn, version });
    }
    case 'referral.reject': {
      const { ubrn, version, reasonCode, comments, appointmentCancelledInPas } = decision.input;
      return ers.rejectReferral({
        ubrn,
        version,
        reasonCode,
        comments,
        ...optional('appointmentCancelledInPas', appointmentCancelledInPas),
      });
    }
    case 'referral.recordTriageOutcome': {
      const { ubrn, version, outcome, comments, priority } = decision.input;
      return ers.recordTriageOutcome({ ubrn, version, outcome, comments, ...optional('priority', priority), ...files });
    }
    case 'advice.reply': {
      const { ubrn, outcome, guidance, priority, intendedRecommendation } = decision.input;
      return ers.sendAdviceReply({
        ubrn,
        outcome,
        guidance,
        priority,
        ...optional('intendedRecommendation', intendedRecommendation),
        ...files,
      });
    }
    case 'advice.convert': {
      const { ubrn, version, guidance, priority, reviewComments } = decision.input;
      return ers.convertAdviceToReferral({
        ubrn,
        version,
        guidance,
        priority,
        reviewComments,
        ...optional('guidanceAttachments', attachments),
        ...optional('referralAttachments', referralAttachments),
      });
    }
  }
}

const QUEUEABLE: readonly string[] = [
  'referral.accept',
  'referral.reject',
  'referral.recordTriageOutcome',
  'advice.reply',
  'advice.convert',
];

/** Rebuilds a decision from what the outbox stored, through the channel's schema. */
export function decisionFromStored(operation: string, stored: Record<string, unknown>, version: string): DecisionInput {
  if (!QUEUEABLE.includes(operation))
    throw new AppError('OUTBOX_UNKNOWN', `The app does not know how to send "${operation}"; cancel it and make the decision again.`);
  const op = operation as QueueableOperation;
  const { actor: _actor, ...fields } = stored;
  const raw = op === 'advice.reply' ? fields : { ...fields, version };
  const parsed = v.safeParse(channels[op].input, raw);
  if (!parsed.success)
    throw new AppError('OUTBOX_INVALID', 'This saved decision could not be read back; cancel it and make the decision again.');
  return { operation: op, input: parsed.output } as DecisionInput;
}
