/**
 * The handlers of the review screens: open a referral or an A&G request, fetch its
 * attachments for the viewer, and record decisions (accept, reject, triage outcome, A&G
 * reply, convert to referral). A conflict (412/409: someone changed the referral meanwhile)
 * is an answer, not a failure: the current referral and what changed come back, and the
 * renderer keeps the draft. Every decision is audited locally without clinical text.
 */
import type {
  AdviceRequestView,
  AdviceScreen,
  AttachmentContent,
  AttachmentView,
  ChannelParsedInput,
  DecisionOutcome,
  DraftView,
  FieldChange,
  ReferralScreen,
  ReferralView,
  SavedTextView,
} from '../../contract';
import { AppError } from '../app-error';
import type { SessionManager } from '../auth/session';
import type { DocumentConverter } from '../convert/document-converter';
import type { ErsClient } from '../ers/client';
import { ErsError } from '../ers/ers-error';
import type { AttachmentInput } from '../ers/parameters';
import type { ExternalOpener } from '../files/open-externally';
import type { Handlers } from '../handlers';
import type { Logger } from '../log/logger';
import type { JsonValue } from '../offline/encrypted-store';
import type { OfflineSession } from '../offline/offline-session';
import { cacheKeys } from '../offline/prefetch/cache-keys';
import type { PrefetchFile } from '../offline/prefetch/fetched-file';
import type { ReadSource } from '../offline/read-source';
import { findAdviceReply } from './advice-reply-check';
import { toAttachmentContent } from './attachment-content';
import { nameAdvice, nameConversation, nameReferral, type NameOf } from './people';
import { sendDecision, type QueueableOperation } from './send-decision';
import type { AuditEntry, AuditLog } from './audit-log';

export interface ReviewDeps {
  ers: ErsClient;
  session: SessionManager;
  audit: AuditLog;
  /** The signed-in user's offline session (cache, outbox, drafts); null before a role is chosen. */
  offline: () => Promise<OfflineSession | null>;
  /** Every read of e-RS data goes through this: it chooses between e-RS and the offline copy. */
  read: ReadSource;
  opener: ExternalOpener;
  /** DOCX and RTF to what the viewer shows, in a worker with limits. */
  converter: DocumentConverter;
  log: Logger;
  now?: () => Date;
  /** A person's name where the session knows it; people are shown by name, not SDS user id. */
  nameOf?: NameOf;
}

type ReviewChannels =
  | 'templates.list'
  | 'templates.save'
  | 'templates.delete'
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
    Appointment: referral.appointment
      ? `${referral.appointment.status}${referral.appointment.start ? ` ${referral.appointment.start}` : ''}`
      : 'none',
    Attachments: String(referral.attachments.length),
    // Not known (A029 refused, as it does when asked about a version that has just moved on)
    // is left out: not knowing what e-RS allows is not a change in what it allows.
    ...(referral.allowedActions ? { 'Allowed actions': referral.allowedActions.join(', ') } : {}),
  };
}

export function diffReferrals(before: ReferralView | null, after: ReferralView): FieldChange[] {
  if (!before) return [{ field: 'Version', before: 'unknown', after: after.version }];
  const a = describe(before);
  const b = describe(after);
  return Object.keys(b)
    .filter((field) => field in a && a[field] !== b[field])
    .map((field) => ({ field, before: a[field] ?? '', after: b[field] ?? '' }));
}

/** A cached referral view is our own JSON, authenticated by the store; check its shape only. */
export function isReferralView(value: unknown): value is ReferralView {
  if (typeof value !== 'object' || value === null) return false;
  const r = value as Record<string, unknown>;
  return typeof r.ubrn === 'string' && typeof r.version === 'string' && typeof r.nhsNumber === 'string' && Array.isArray(r.attachments);
}

function isAdviceRequestView(value: unknown): value is AdviceRequestView {
  if (typeof value !== 'object' || value === null) return false;
  const r = value as Record<string, unknown>;
  return typeof r.ubrn === 'string' && typeof r.version === 'string' && Array.isArray(r.attachments);
}

function isAdviceScreen(value: unknown): value is Omit<AdviceScreen, 'fetchedAt' | 'stale'> {
  if (typeof value !== 'object' || value === null) return false;
  const a = value as Record<string, unknown>;
  return (
    typeof a.request === 'object' &&
    a.request !== null &&
    typeof a.conversation === 'object' &&
    a.conversation !== null &&
    (a.conversationProblem === null || typeof a.conversationProblem === 'string')
  );
}

function isReasonList(value: unknown): value is { code: string; display: string }[] {
  return (
    Array.isArray(value) &&
    value.every(
      (r: unknown) =>
        typeof r === 'object' &&
        r !== null &&
        typeof (r as { code?: unknown }).code === 'string' &&
        typeof (r as { display?: unknown }).display === 'string',
    )
  );
}

function offlineWithFile(): AppError {
  return new AppError(
    'OFFLINE_WITH_FILE',
    'You are offline, and a decision with an attached file can only be sent while e-RS is reachable. Your draft is kept: send it when the app is back online.',
  );
}

export function createReviewHandlers(deps: ReviewDeps): Pick<Handlers, ReviewChannels> {
  const { ers, session, audit, log, read } = deps;
  const now = deps.now ?? (() => new Date());
  const nameOf: NameOf = deps.nameOf ?? (() => null);
  // What the user was last shown of each referral, so a conflict can say what changed
  // without depending on e-RS keeping every old version. Memory only; a few dozen entries.
  const seen = new Map<string, ReferralView>();
  const remember = (referral: ReferralView): ReferralView => {
    seen.delete(referral.ubrn);
    seen.set(referral.ubrn, referral);
    if (seen.size > 50) seen.delete(seen.keys().next().value ?? '');
    return referral;
  };

  /**
   * After e-RS took the decision (or the outbox did), a failed audit write must not tell the
   * user the decision failed: they would send it again. It is logged for the service desk.
   */
  async function recordSafely(entry: Omit<AuditEntry, 'time'>): Promise<void> {
    try {
      await audit.record(entry);
    } catch (error) {
      log.error('audit.write_failed', { ubrn: entry.ubrn, action: entry.action, result: entry.result, error });
    }
  }

  async function audited(
    entry: Pick<AuditEntry, 'ubrn' | 'action' | 'detail'>,
    /** May answer with its own message (a reply found already sent). */
    send: () => Promise<{ correlationId: string; message?: string }>,
    onConflict: () => Promise<DecisionOutcome>,
    sentMessage: string,
    queue: {
      operation: QueueableOperation;
      input: { [key: string]: JsonValue };
      version: string | (() => Promise<string>);
      hasFile: boolean;
    },
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
    const offline = await deps.offline();
    const enqueue = async (): Promise<DecisionOutcome> => {
      if (!offline) throw new AppError('OFFLINE', 'e-RS cannot be reached. Check your network connection and try again.');
      if (queue.hasFile) throw offlineWithFile();
      const version = typeof queue.version === 'string' ? queue.version : await queue.version();
      const queued = await offline.queue(queue.operation, queue.input, version);
      await recordSafely({
        ...base,
        correlationId: null,
        result: 'queued',
        errorCode: null,
        outboxId: queued.status === 'queued' ? queued.outboxId : null,
      });
      return queued;
    };
    // Known to be offline: the decision goes to the outbox on disk without a doomed attempt.
    if (offline?.isOffline()) return enqueue();
    try {
      const { correlationId, message } = await send();
      await recordSafely({ ...base, correlationId, result: 'sent', errorCode: null });
      return { status: 'sent', correlationId, message: message ?? sentMessage };
    } catch (error) {
      // Nothing reached e-RS (it could not be connected to): keep the decision for later.
      if (error instanceof ErsError && error.code === 'ERS_NETWORK' && !error.outcomeUnknown && offline) {
        offline.connectivity.reportFailure(error);
        return enqueue();
      }
      const correlationId = error instanceof AppError ? (error.correlationId ?? null) : null;
      if (error instanceof ErsError && error.conflict) {
        await audit.record({ ...base, correlationId, result: 'conflict', errorCode: error.code });
        return onConflict();
      }
      await audit.record({ ...base, correlationId, result: 'failed', errorCode: error instanceof AppError ? error.code : 'INTERNAL' });
      throw error;
    }
  }

  /**
   * A&G replies whose send ended without an answer (the connection dropped, or e-RS took
   * too long while it committed), by UBRN. A026 carries no version, so e-RS would take a
   * second copy: before the user's next send for that request, the app looks for the
   * first one in the conversation (advice-reply-check.ts). Keyed by user and UBRN, so
   * one user's lost reply never answers for another's. Memory only: after a restart the
   * request is read afresh anyway.
   */
  const unconfirmedReplies = new Map<string, { guidance: string; firstSentAt: number; correlationId: string | null }>();
  const replyKey = (ubrn: string): string => `${session.get().user?.id ?? ''}|${ubrn}`;

  function replyNotChecked(cause?: unknown): AppError {
    return new AppError(
      'ADVICE_REPLY_UNCONFIRMED',
      'The app could not check whether your earlier reply reached e-RS, so it has not sent it again. Try again when e-RS is reachable; your reply is kept as a draft.',
      cause === undefined ? {} : { cause },
    );
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
      referral: nameReferral(current, nameOf),
      changes: diffReferrals(before, current),
      message:
        'Someone else changed this referral while you were looking at it. Check what changed, then send your decision again or discard it.',
    };
  }

  async function uploadAll(
    ubrn: string,
    file: { fileName: string; contentType: string; bytes: Uint8Array } | undefined,
  ): Promise<AttachmentInput[] | undefined> {
    if (!file) return undefined;
    const uploaded = await ers.uploadFile({ bytes: file.bytes, fileName: file.fileName, contentType: file.contentType, referralId: ubrn });
    return [{ binaryId: uploaded.binaryId, description: file.fileName, attachedAt: now() }];
  }

  /** The referral, through the offline cache when there is one (stale when e-RS is unreachable). */
  async function readReferral(ubrn: string): Promise<ReferralScreen> {
    const found = await read({
      fetch: () => ers.openReferral({ ubrn }),
      cached: (offline, fetch) => offline.reads.details('referrals', ubrn, fetch, isReferralView),
      prioritise: [cacheKeys.item('referral', ubrn)],
      showsData: true,
    });
    return { referral: remember(found.value), fetchedAt: found.fetchedAt, stale: found.stale };
  }

  /** An attachment's bytes: the kept copy if there is one, else from e-RS (and kept). */
  async function attachmentFile(
    list: AttachmentView[],
    attachmentId: string,
    item: { kind: 'referrals' | 'advice'; ubrn: string; version: string },
  ): Promise<{ file: { bytes: Uint8Array; contentType: string; fileName: string | null }; title: string; stale: boolean }> {
    const attachment = list.find((a) => a.id === attachmentId);
    if (!attachment)
      throw new AppError('ATTACHMENT_UNKNOWN', 'That attachment is not part of this referral any more. Reload the referral.');
    if (!attachment.available) {
      throw new AppError(
        'ATTACHMENT_UNAVAILABLE',
        attachment.unavailableReason ?? 'e-RS says this attachment cannot be opened yet. Try again later.',
      );
    }
    const download = async () => {
      const file = await ers.getAttachment({ attachmentId });
      return { bytes: file.bytes, contentType: file.contentType || attachment.contentType, fileName: file.fileName ?? attachment.title };
    };
    const found = await read<PrefetchFile>({
      fetch: download,
      cached: (offline, fetch) =>
        offline.reads.file(cacheKeys.attachment(attachmentId), fetch, {
          type: 'attachment',
          kind: item.kind,
          ubrn: item.ubrn,
          referralVersion: item.version,
          attachmentId,
          declaredSize: attachment.size,
          title: attachment.title,
          declaredContentType: attachment.contentType,
        }),
    });
    return { file: found.value, title: attachment.title, stale: found.stale };
  }

  async function attachmentFrom(
    list: AttachmentView[],
    attachmentId: string,
    item: { kind: 'referrals' | 'advice'; ubrn: string; version: string },
  ): Promise<AttachmentContent> {
    const { file, title, stale } = await attachmentFile(list, attachmentId, item);
    return toAttachmentContent(file, title, deps.converter, stale);
  }

  async function readAdvice(ubrn: string): Promise<AdviceScreen> {
    const fetchBoth = async (): Promise<Omit<AdviceScreen, 'fetchedAt' | 'stale'>> => {
      const request = await ers.getAdviceRequest({ ubrn });
      try {
        return { request, conversation: await ers.getConversation({ ubrn, version: request.version }), conversationProblem: null };
      } catch (error) {
        // The request itself is worth showing even when e-RS will not give its thread.
        if (!(error instanceof ErsError && (error.status === 400 || error.status === 404))) throw error;
        return {
          request,
          conversation: { ubrn, version: request.version, messages: [] },
          conversationProblem:
            'e-RS did not return the conversation for this request. Reload it later; if it stays missing, tell your IT service desk.',
        };
      }
    };
    const found = await read({
      fetch: fetchBoth,
      cached: (offline, fetch) =>
        offline.reads.readThrough(`advice/${ubrn}/screen`, fetch, isAdviceScreen, { type: 'advice-screen', ubrn }),
      showsData: true,
    });
    return { ...found.value, fetchedAt: found.fetchedAt, stale: found.stale };
  }

  const drafts = async () => {
    // Drafts hold clinical text: not for a locked screen or someone choosing a role (the
    // draft channels are session: 'required', so dispatch() has refused those already).
    const offline = await deps.offline();
    if (!offline) throw new AppError('NOT_SIGNED_IN', 'Sign in and choose your role to keep drafts.');
    return offline.drafts;
  };

  const savedTexts = async () => {
    const offline = await deps.offline();
    if (!offline) throw new AppError('NOT_SIGNED_IN', 'Sign in and choose your role to use your saved texts.');
    return offline.savedTexts;
  };
  const savedTextViews = async (): Promise<SavedTextView[]> =>
    (await (await savedTexts()).list()).map((t) => ({
      id: t.id,
      kind: t.kind,
      title: t.title,
      text: t.text,
      savedAt: new Date(t.savedAt).toISOString(),
    }));

  return {
    'referral.open': async ({ ubrn }) => {
      const screen = await readReferral(ubrn);
      return { ...screen, referral: nameReferral(screen.referral, nameOf) };
    },

    'referral.attachment': async ({ ubrn, attachmentId }) => {
      const { referral } = await readReferral(ubrn);
      return attachmentFrom(referral.attachments, attachmentId, { kind: 'referrals', ubrn, version: referral.version });
    },

    'referral.clinicalInfo': async ({ ubrn }) => {
      const title = `Clinical information ${ubrn}.pdf`;
      const found = await read<PrefetchFile>({
        fetch: () => ers.getClinicalInformation({ ubrn }),
        // Kept under the referral's version, so the referral is read (or found kept) first.
        cached: async (offline, fetch) => {
          const { referral } = await readReferral(ubrn);
          return offline.reads.file(cacheKeys.summary('referral', ubrn, referral.version), fetch, {
            type: 'summary',
            kind: 'referrals',
            ubrn,
            referralVersion: referral.version,
            attachmentId: null,
            declaredSize: null,
            title,
            declaredContentType: 'application/pdf',
          });
        },
      });
      return toAttachmentContent(found.value, title, deps.converter, found.stale);
    },

    'referral.rejectionReasons': async () => {
      const found = await read({
        fetch: async () => (await ers.getRejectionReasons()).map((c) => ({ code: c.code, display: c.display })),
        // Kept like everything else, so a rejection can be written (and queued) offline.
        cached: (offline, fetch) => offline.reads.readThrough('reference/rejection-reasons', fetch, isReasonList, { type: 'reference' }),
        // Also asked for in the background after a worklist loads: not the user's own request.
        foreground: false,
      });
      return found.value;
    },

    'referral.accept': async ({ ubrn, version }) => {
      return audited(
        { ubrn, action: 'accept', detail: null },
        () => sendDecision(ers, { operation: 'referral.accept', input: { ubrn, version } }),
        () => referralConflict(ubrn, version),
        'Referral accepted.',
        { operation: 'referral.accept', input: { ubrn }, version, hasFile: false },
      );
    },

    'referral.reject': async ({ ubrn, version, reasonCode, comments, appointmentCancelledInPas }) => {
      const pas: { appointmentCancelledInPas?: boolean } = appointmentCancelledInPas === undefined ? {} : { appointmentCancelledInPas };
      return audited(
        { ubrn, action: 'reject', detail: reasonCode },
        () => sendDecision(ers, { operation: 'referral.reject', input: { ubrn, version, reasonCode, comments, ...pas } }),
        () => referralConflict(ubrn, version),
        'Referral rejected and returned to the referrer.',
        {
          operation: 'referral.reject',
          input: { ubrn, reasonCode, comments, ...(appointmentCancelledInPas === undefined ? {} : { appointmentCancelledInPas }) },
          version,
          hasFile: false,
        },
      );
    },

    'referral.recordTriageOutcome': async (input: ChannelParsedInput<'referral.recordTriageOutcome'>) => {
      const { ubrn, version, outcome, comments, priority, attachment } = input;
      return audited(
        { ubrn, action: 'triage-outcome', detail: outcome },
        async () => {
          const attachments = await uploadAll(ubrn, attachment);
          return sendDecision(ers, { operation: 'referral.recordTriageOutcome', input }, attachments);
        },
        () => referralConflict(ubrn, version),
        'Triage outcome recorded.',
        {
          operation: 'referral.recordTriageOutcome',
          input: { ubrn, outcome, comments, ...(priority ? { priority } : {}) },
          version,
          hasFile: attachment !== undefined,
        },
      );
    },

    'attachment.openExternally': async ({ source, ubrn, attachmentId }) => {
      let found: Awaited<ReturnType<typeof attachmentFile>>;
      if (source === 'referral') {
        const { referral } = await readReferral(ubrn);
        found = await attachmentFile(referral.attachments, attachmentId, { kind: 'referrals', ubrn, version: referral.version });
      } else {
        const { request, conversation } = await readAdvice(ubrn);
        const all = [...request.attachments, ...conversation.messages.flatMap((m) => m.attachments)];
        found = await attachmentFile(all, attachmentId, { kind: 'advice', ubrn, version: request.version });
      }
      const opened = await deps.opener.open({
        bytes: found.file.bytes,
        fileName: found.file.fileName ?? found.title,
        contentType: found.file.contentType,
      });
      return { fileName: opened.fileName };
    },

    'advice.open': async ({ ubrn }) => {
      const screen = await readAdvice(ubrn);
      return { ...screen, request: nameAdvice(screen.request, nameOf), conversation: nameConversation(screen.conversation, nameOf) };
    },

    'advice.attachment': async ({ ubrn, attachmentId }) => {
      const { request, conversation } = await readAdvice(ubrn);
      const all = [...request.attachments, ...conversation.messages.flatMap((m) => m.attachments)];
      return attachmentFrom(all, attachmentId, { kind: 'advice', ubrn, version: request.version });
    },

    'advice.overview': async ({ ubrn }) => {
      const title = `Advice and guidance ${ubrn}.pdf`;
      const found = await read<PrefetchFile>({
        fetch: () => ers.getAdviceOverview({ ubrn }),
        // The prefetcher keeps A043 like A007 (with the request it read), so the overview is
        // readable offline too.
        cached: async (offline, fetch) => {
          const { value: request } = await offline.reads.details('advice', ubrn, () => ers.getAdviceRequest({ ubrn }), isAdviceRequestView);
          return offline.reads.file(cacheKeys.summary('advice', ubrn, request.version), fetch, {
            type: 'summary',
            kind: 'advice',
            ubrn,
            referralVersion: request.version,
            attachmentId: null,
            declaredSize: null,
            title,
            declaredContentType: 'application/pdf',
          });
        },
      });
      return toAttachmentContent(found.value, title, deps.converter, found.stale);
    },

    'advice.reply': async (input: ChannelParsedInput<'advice.reply'>) => {
      const { ubrn, outcome, intendedRecommendation, guidance, priority, attachment } = input;
      // Offline, the outbox would send it without the check: not while the first may have arrived.
      const key = replyKey(ubrn);
      if (unconfirmedReplies.has(key) && (await deps.offline())?.isOffline()) throw replyNotChecked();
      return audited(
        { ubrn, action: 'advice-reply', detail: outcome },
        async () => {
          const unconfirmed = unconfirmedReplies.get(key);
          if (unconfirmed) {
            let found: Awaited<ReturnType<typeof findAdviceReply>>;
            try {
              found = await findAdviceReply(ers, { ubrn, guidance: unconfirmed.guidance, firstSentAt: unconfirmed.firstSentAt });
            } catch (error) {
              // Never a blind resend: without an answer from e-RS, nothing is sent.
              throw replyNotChecked(error);
            }
            unconfirmedReplies.delete(key);
            if (found.landed) {
              log.info('review.advice_reply_already_sent', { ubrn });
              return {
                correlationId: unconfirmed.correlationId ?? '',
                message: 'Your earlier reply had reached e-RS, so it was not sent again. Reload the request to see it in the conversation.',
              };
            }
          }
          const firstSentAt = Date.now();
          try {
            const attachments = await uploadAll(ubrn, attachment);
            return await sendDecision(ers, { operation: 'advice.reply', input }, attachments);
          } catch (error) {
            if (error instanceof ErsError && error.outcomeUnknown)
              unconfirmedReplies.set(key, { guidance, firstSentAt, correlationId: error.correlationId ?? null });
            throw error;
          }
        },
        async () => {
          throw new AppError(
            'ADVICE_CHANGED',
            'This advice request changed while you were replying. Reload it; your reply is kept as a draft.',
          );
        },
        'Advice sent to the referrer.',
        {
          operation: 'advice.reply',
          input: { ubrn, outcome, guidance, priority, ...(intendedRecommendation ? { intendedRecommendation } : {}) },
          // The request's version as last seen (from the cache when offline), for reconciling after a crash.
          version: async () => (await readAdvice(ubrn)).request.version,
          hasFile: attachment !== undefined,
        },
      );
    },

    'advice.convert': async (input: ChannelParsedInput<'advice.convert'>) => {
      const { ubrn, version, guidance, priority, reviewComments, guidanceAttachment, referralAttachment } = input;
      return audited(
        { ubrn, action: 'advice-convert', detail: null },
        async () => {
          // Uploaded first (A020, for this UBRN, which the new referral keeps), then attached by A027.
          const forReferrer = await uploadAll(ubrn, guidanceAttachment);
          const forBooking = await uploadAll(ubrn, referralAttachment);
          return sendDecision(ers, { operation: 'advice.convert', input }, forReferrer, forBooking);
        },
        async () => {
          throw new AppError(
            'ADVICE_CHANGED',
            'This advice request changed while you were converting it. Reload it and try again; your text is kept as a draft.',
          );
        },
        'Advice request converted to a referral.',
        {
          operation: 'advice.convert',
          input: { ubrn, guidance, priority, reviewComments },
          version,
          hasFile: guidanceAttachment !== undefined || referralAttachment !== undefined,
        },
      );
    },

    'draft.load': async ({ itemId }): Promise<DraftView | null> => {
      const draft = await (await drafts()).load(itemId);
      if (!draft) return null;
      return { itemId: draft.itemId, form: draft.form as DraftView['form'], savedAt: new Date(draft.savedAt).toISOString() };
    },

    'draft.save': async ({ itemId, form }): Promise<DraftView> => {
      await (await drafts()).save(itemId, form);
      return { itemId, form, savedAt: now().toISOString() };
    },

    'draft.discard': async ({ itemId }) => {
      await (await drafts()).discard(itemId);
      return null;
    },

    'templates.list': () => savedTextViews(),

    'templates.save': async ({ id, kind, title, text }) => {
      await (await savedTexts()).save({ id, kind, title, text });
      return savedTextViews();
    },

    'templates.delete': async ({ id }) => {
      await (await savedTexts()).delete(id);
      return savedTextViews();
    },
  };
}
