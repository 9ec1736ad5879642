/**
 * People on screen by name. e-RS mostly names people only by SDS user id; a name comes
 * from e-RS itself where it gives one (a contained resource, A040), else from what the app
 * already knows from e-RS and CIS2 (the signed-in user, the clinicians A040 listed), and
 * only when none is known is the person shown as "SDS user <id>", never a bare number.
 */
import type { AdviceRequestView, AttachmentView, ConversationView, PersonRef, ReferralView, WorklistRow } from '../../contract';
import { sdsUserText } from '../ers/format';

export type NameOf = (userId: string) => string | null;

const SDS_USER_ID = /^\d{12}$/;

function person(ref: PersonRef | null, nameOf: NameOf): PersonRef | null {
  if (!ref || ref.name !== null || ref.userId === null) return ref;
  const name = nameOf(ref.userId);
  return name === null ? ref : { ...ref, name };
}

function attachments(list: AttachmentView[], nameOf: NameOf): AttachmentView[] {
  return list.map((a) => (a.attachedBy ? { ...a, attachedBy: person(a.attachedBy, nameOf) } : a));
}

/** The worklist's "Assigned to": e-RS's name where it gave one, else a known name, else "SDS user <id>". */
export function nameRows(rows: WorklistRow[], nameOf: NameOf): WorklistRow[] {
  return rows.map((row) => {
    const assigned = row.assignedClinician;
    if (assigned === null || !SDS_USER_ID.test(assigned)) return row;
    return { ...row, assignedClinician: nameOf(assigned) ?? sdsUserText(assigned) };
  });
}

export function nameReferral(referral: ReferralView, nameOf: NameOf): ReferralView {
  return { ...referral, referrer: person(referral.referrer, nameOf), attachments: attachments(referral.attachments, nameOf) };
}

export function nameAdvice(request: AdviceRequestView, nameOf: NameOf): AdviceRequestView {
  return { ...request, requester: person(request.requester, nameOf), attachments: attachments(request.attachments, nameOf) };
}

export function nameConversation(conversation: ConversationView, nameOf: NameOf): ConversationView {
  return {
    ...conversation,
    messages: conversation.messages.map((m) => ({
      ...m,
      author: person(m.author, nameOf),
      attachments: attachments(m.attachments, nameOf),
    })),
  };
}
