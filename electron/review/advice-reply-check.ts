/**
 * Did an A&G reply reach e-RS? A026 carries no version, so unlike a referral decision a
 * second send of the same reply is not refused by e-RS: before a reply whose first send
 * had no answer (a dropped connection, a timeout during a slow commit) is sent again, the
 * app reads the request and its conversation (A024, A025) and looks for it there: a
 * provider's message with the same guidance, sent no earlier than the first attempt
 * (allowing for the clocks disagreeing).
 */
import type { ErsClient } from '../ers/client';

/** How far e-RS's clock may be behind this computer's and the reply still count as this one. */
export const CLOCK_SKEW_MS = 10 * 60_000;

export interface ReplyToFind {
  ubrn: string;
  guidance: string;
  /** Epoch ms of the first attempt to send it. */
  firstSentAt: number;
}

export interface ReplyCheck {
  /** The reply is in the conversation. */
  landed: boolean;
  /** The request's version now. */
  version: string;
}

function sameText(a: string, b: string): boolean {
  const normal = (text: string) => text.replace(/\r\n?/g, '\n').replace(/\s+/g, ' ').trim();
  return normal(a) === normal(b);
}

/** Throws what the e-RS client throws: an ErsError without a status means e-RS was not reached. */
export async function findAdviceReply(
  ers: Pick<ErsClient, 'getAdviceRequest' | 'getConversation'>,
  reply: ReplyToFind,
): Promise<ReplyCheck> {
  const request = await ers.getAdviceRequest({ ubrn: reply.ubrn });
  const conversation = await ers.getConversation({ ubrn: reply.ubrn, version: request.version });
  const since = reply.firstSentAt - CLOCK_SKEW_MS;
  const landed = conversation.messages.some((message) => {
    if (message.sentBy !== 'RESPONDER' || !sameText(message.text, reply.guidance)) return false;
    const at = message.sentAt === null ? Number.NaN : Date.parse(message.sentAt);
    return Number.isNaN(at) || at >= since;
  });
  return { landed, version: request.version };
}
