/**
 * The handlers of the review screens: open a referral or an A&G request, fetch its
 * attachments for the viewer, and record decisions (accept, reject, triage outcome, A&G
 * reply, convert to referral). A conflict (412/409: someone changed the referral meanwhile)
 * is an answer, not a failure: the current referral and what changed come back, and the
 * renderer keeps the draft. Every decision is audited locally without clinical text.
 */
import type { AdviceScreen, AttachmentContent, ChannelParsedInput, DecisionOutcome, DraftView, FieldChange, ReferralScreen } from '../api';
import { AppError } from '../app-error';
import type { SessionManager } from '../auth/session';
import type { ErsClient } from '../ers/client';
import { ErsError } from '../ers/ers-error';
import type { AttachmentInput } from '../ers/parameters';
import type { ReferralView } from '../ers/view-models';
import type { ExternalOpener } from '../files/open-externally';
import type { Handlers } from '../handlers';
import type { Logger } from '../log/logger';
import type { Drafts } from '../offline/drafts';
import { toAttachmentContent } from './attachment-content';
import type { AuditEntry, AuditLog } from './audit-log';

export interface ReviewDeps {
  ers: ErsClient;
  session: SessionManager;
  audit: AuditLog;
  /** The signed-in user's drafts (opened on first use for that user). */
  drafts: () => Promise<Drafts>;
  opener: ExternalOpener;
  log: Logger;
  requireSignedIn: () => void;
  now?: () => Date;
}

type ReviewChannels =
  | 'referral.open'
  | 'referral.attachment'
  | 'referral.clinicalInfo'
  | 'referral.rejectionReasons'
  | 'referral.accept'
  | 'referral.reject'
  | 'referral.recordTriageOutcome'
  | 'attachment.openExternally'
  | 'advice.open'
  | 'advice.attachment'
  | 'advice.overview'
  | 'advice.reply'
  | 'advice.convert'
  | 'draft.load'
  | 'draft.save'
  | 'draft.discard';

function describe(referral: ReferralView): Record<string, string> {
  return {
    Version: referral.version,
    Status: referral.state?.display ?? referral.status,
    Priority: referral.priority,
    Specialty: referral.specialty?.display ?? '',
    Service: referral.service?.name ?? '',
    Appointment: referral.appointment ? `${referral.appointment.status}${referral.appointment.start ? ` ${referral.appointment.start}` : ''}` : 'none',
    Attachments: String(referral.attachments.length),
    'Allowed actions': (referral.allowedActions ?? []).join(', '),
  };
}

export function diffReferrals(before: ReferralView | null, after: ReferralView): FieldChange[] {
  if (!before) return [{ field: 'Version', before: 'unknown', after: after.version }];
  const a = describe(before);
  const b = describe(after);
  return Object.keys(b)
    .filter((field) => a[field] !== b[field])
    .map((field) => ({ field, before: a[field] ?? '', after: b[field] ?? '' }));
}

export function createReviewHandlers(deps: ReviewDeps): Pick<Handlers, ReviewChannels> {
  const { ers, session, audit, log } = deps;
  const now = deps.now ?? (() => new Date());
  // What the user was last shown of each referral, so a conflict can say what changed
  // without depending on e-RS keeping every old version. Memory only; a few dozen entries.
  const seen = new Map<string, ReferralView>();
  const remember = (referral: ReferralView): ReferralView => {
    seen.delete(referral.ubrn);
    seen.set(referral.ubrn, referral);
    if (seen.size > 50) seen.delete(seen.keys().next().value ?? '');
    return referral;
  };

  async function audited(
    entry: Pick<AuditEntry, 'ubrn' | 'action' | 'detail'>,
    send: () => Promise<{ correlationId: string }>,
    onConflict: () => Promise<DecisionOutcome>,
    sentMessage: string,
  ): Promise<DecisionOutcome> {
    const view = session.get();
    const role = view.role;
    const base = {
      ...entry,
      userId: view.user?.id ?? null,
      businessFunction: role?.businessFunction ?? null,
      organisationOds: role?.organisationOds ?? null,
      onBehalfOfUserId: role?.onBehalfOf?.userId ?? null,
    };
    try {
      const { correlationId } = await send();
      await audit.record({ ...base, correlationId, result: 'sent', errorCode: null });
      return { status: 'sent', correlationId, message: sentMessage };
    } catch (error) {
      const correlationId = error instanceof AppError ? (error.correlationId ?? null) : null;
      if (error instanceof ErsError && error.conflict) {
        await audit.record({ ...base, correlationId, result: 'conflict', errorCode: error.code });
        return onConflict();
      }
      await audit.record({ ...base, correlationId, result: 'failed', errorCode: error instanceof AppError ? error.code : 'INTERNAL' });
      throw error;
    }
  }

  async function referralConflict(ubrn: string, seenVersion: string): Promise<DecisionOutcome> {
    const current = await ers.openReferral({ ubrn });
    let before: ReferralView | null = seen.get(ubrn)?.version === seenVersion ? (seen.get(ubrn) ?? null) : null;
    if (!before) {
      try {
        before = await ers.getReferral({ ubrn, version: seenVersion });
      } catch (error) {
        log.warn('review.seen_version_unavailable', { ubrn, error });
      }
    }
    remember(current);
    return {
      status: 'conflict',
      referral: current,
      changes: diffReferrals(before, current),
      message: 'Someone else changed this referral while you were looking at it. Check what changed, then send your decision again or discard it.',
    };
  }

  async function uploadAll(ubrn: string, file: { fileName: string; contentType: string; bytes: Uint8Array } | undefined): Promise<AttachmentInput[] | undefined> {
    if (!file) return undefined;
    const uploaded = await ers.uploadFile({ bytes: file.bytes, fileName: file.fileName, contentType: file.contentType, referralId: ubrn });
    return [{ binaryId: uploaded.binaryId, description: file.fileName, attachedAt: now() }];
  }

  async function attachmentFrom(list: ReferralView['attachments'], attachmentId: string): Promise<AttachmentContent> {
    const attachment = list.find((a) => a.id === attachmentId);
    if (!attachment) throw new AppError('ATTACHMENT_UNKNOWN', 'That attachment is not part of this referral any more. Reload the referral.');
    if (!attachment.available) {
      throw new AppError('ATTACHMENT_UNAVAILABLE', attachment.unavailableReason ?? 'e-RS says this attachment cannot be opened yet. Try again later.');
    }
    const file = await ers.getAttachment({ attachmentId });
    return toAttachmentContent({ bytes: file.bytes, contentType: file.contentType || attachment.contentType, fileName: file.fileName ?? attachment.title }, attachment.title);
  }

  const screen = (referral: ReferralView): ReferralScreen => ({ referral, fetchedAt: now().toISOString(), stale: false });

  return {
    'referral.open': async ({ ubrn }) => {
      deps.requireSignedIn();
      return screen(remember(await ers.openReferral({ ubrn })));
    },

    'referral.attachment': async ({ ubrn, attachmentId }) => {
      deps.requireSignedIn();
      const referral = await ers.getReferral({ ubrn });
      return attachmentFrom(referral.attachments, attachmentId);
    },

    'referral.clinicalInfo': async ({ ubrn }) => {
      deps.requireSignedIn();
      const file = await ers.getClinicalInformation({ ubrn });
      return toAttachmentContent(file, `Clinical information ${ubrn}.pdf`);
    },

    'referral.rejectionReasons': async () => {
      deps.requireSignedIn();
      return (await ers.getRejectionReasons()).map((c) => ({ code: c.code, display: c.display }));
    },

    'referral.accept': async ({ ubrn, version }) => {
      deps.requireSignedIn();
      return audited(
        { ubrn, action: 'accept', detail: null },
        () => ers.acceptReferral({ ubrn, version }),
        () => referralConflict(ubrn, version),
        'Referral accepted.',
      );
    },

    'referral.reject': async ({ ubrn, version, reasonCode, comments }) => {
      deps.requireSignedIn();
      return audited(
        { ubrn, action: 'reject', detail: reasonCode },
        () => ers.rejectReferral({ ubrn, version, reasonCode, comments }),
        () => referralConflict(ubrn, version),
        'Referral rejected and returned to the referrer.',
      );
    },

    'referral.recordTriageOutcome': async (input: ChannelParsedInput<'referral.recordTriageOutcome'>) => {
      deps.requireSignedIn();
      const { ubrn, version, outcome, comments, priority, attachment } = input;
      return audited(
        { ubrn, action: 'triage-outcome', detail: outcome },
        async () => {
          const attachments = await uploadAll(ubrn, attachment);
          return ers.recordTriageOutcome({ ubrn, version, outcome, comments, ...(priority ? { priority } : {}), ...(attachments ? { attachments } : {}) });
        },
        () => referralConflict(ubrn, version),
        'Triage outcome recorded.',
      );
    },

    'attachment.openExternally': async ({ source, ubrn, attachmentId }) => {
      deps.requireSignedIn();
      const list = source === 'referral' ? (await ers.getReferral({ ubrn })).attachments : (await ers.getAdviceRequest({ ubrn })).attachments;
      const attachment = list.find((a) => a.id === attachmentId);
      if (!attachment?.available) throw new AppError('ATTACHMENT_UNAVAILABLE', 'That attachment cannot be opened. Reload the referral and try again.');
      const file = await ers.getAttachment({ attachmentId });
      const opened = await deps.opener.open({ bytes: file.bytes, fileName: file.fileName ?? attachment.title, contentType: file.contentType || attachment.contentType });
      return { fileName: opened.fileName };
    },

    'advice.open': async ({ ubrn }): Promise<AdviceScreen> => {
      deps.requireSignedIn();
      const request = await ers.getAdviceRequest({ ubrn });
      const conversation = await ers.getConversation({ ubrn, version: request.version });
      return { request, conversation, fetchedAt: now().toISOString(), stale: false };
    },

    'advice.attachment': async ({ ubrn, attachmentId }) => {
      deps.requireSignedIn();
      const request = await ers.getAdviceRequest({ ubrn });
      const conversation = await ers.getConversation({ ubrn, version: request.version });
      const all = [...request.attachments, ...conversation.messages.flatMap((m) => m.attachments)];
      return attachmentFrom(all, attachmentId);
    },

    'advice.overview': async ({ ubrn }) => {
      deps.requireSignedIn();
      return toAttachmentContent(await ers.getAdviceOverview({ ubrn }), `Advice and guidance ${ubrn}.pdf`);
    },

    'advice.reply': async (input: ChannelParsedInput<'advice.reply'>) => {
      deps.requireSignedIn();
      const { ubrn, outcome, intendedRecommendation, guidance, priority, attachment } = input;
      return audited(
        { ubrn, action: 'advice-reply', detail: outcome },
        async () => {
          const attachments = await uploadAll(ubrn, attachment);
          return ers.sendAdviceReply({ ubrn, outcome, guidance, priority, ...(intendedRecommendation ? { intendedRecommendation } : {}), ...(attachments ? { attachments } : {}) });
        },
        async () => {
          throw new AppError('ADVICE_CHANGED', 'This advice request changed while you were replying. Reload it; your reply is kept as a draft.');
        },
        'Advice sent to the referrer.',
      );
    },

    'advice.convert': async ({ ubrn, version, guidance, priority, reviewComments }) => {
      deps.requireSignedIn();
      return audited(
        { ubrn, action: 'advice-convert', detail: null },
        () => ers.convertAdviceToReferral({ ubrn, version, guidance, priority, reviewComments }),
        async () => {
          throw new AppError('ADVICE_CHANGED', 'This advice request changed while you were converting it. Reload it and try again; your text is kept as a draft.');
        },
        'Advice request converted to a referral.',
      );
    },

    'draft.load': async ({ itemId }): Promise<DraftView | null> => {
      const draft = await (await deps.drafts()).load(itemId);
      if (!draft) return null;
      return { itemId: draft.itemId, form: draft.form as DraftView['form'], savedAt: new Date(draft.savedAt).toISOString() };
    },

    'draft.save': async ({ itemId, form }): Promise<DraftView> => {
      await (await deps.drafts()).save(itemId, form);
      return { itemId, form, savedAt: now().toISOString() };
    },

    'draft.discard': async ({ itemId }) => {
      await (await deps.drafts()).discard(itemId);
      return null;
    },
  };
}
