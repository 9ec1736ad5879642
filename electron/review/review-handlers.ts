/**
 * The handlers of the review screens: open a referral or an A&G request, fetch its
 * attachments for the viewer, and record decisions (accept, reject, triage outcome, A&G
 * reply, convert to referral). A conflict (412/409: someone changed the referral meanwhile)
 * is an answer, not a failure: the current referral and what changed come back, and the
 * renderer keeps the draft. Every decision is audited locally without clinical text.
 */
import type { AdviceRequestView, AdviceScreen, AttachmentContent, AttachmentView, ChannelParsedInput, DecisionOutcome, DraftView, FieldChange, ReferralScreen } from '../api';
import { AppError } from '../app-error';
import type { SessionManager } from '../auth/session';
import type { ErsClient } from '../ers/client';
import { ErsError } from '../ers/ers-error';
import type { AttachmentInput } from '../ers/parameters';
import type { ReferralView } from '../ers/view-models';
import type { ExternalOpener } from '../files/open-externally';
import type { Handlers } from '../handlers';
import type { Logger } from '../log/logger';
import type { JsonValue } from '../offline/encrypted-store';
import type { OfflineSession } from '../offline/offline-session';
import { cacheKeys } from '../offline/prefetch/cache-keys';
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
  opener: ExternalOpener;
  log: Logger;
  requireSignedIn: () => void;
  now?: () => Date;
  /** A person's name where the session knows it; people are shown by name, not SDS user id. */
  nameOf?: NameOf;
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
  return Array.isArray(value) && value.every((r: unknown) => typeof r === 'object' && r !== null && typeof (r as { code?: unknown }).code === 'string' && typeof (r as { display?: unknown }).display === 'string');
}

function offlineWithFile(): AppError {
  return new AppError(
    'OFFLINE_WITH_FILE',
    'You are offline, and a decision with an attached file can only be sent while e-RS is reachable. Your draft is kept: send it when the app is back online.',
  );
}

export function createReviewHandlers(deps: ReviewDeps): Pick<Handlers, ReviewChannels> {
  const { ers, session, audit, log } = deps;
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
    send: () => Promise<{ correlationId: string }>,
    onConflict: () => Promise<DecisionOutcome>,
    sentMessage: string,
    queue: { operation: QueueableOperation; input: { [key: string]: JsonValue }; version: string | (() => Promise<string>); hasFile: boolean },
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
      await recordSafely({ ...base, correlationId: null, result: 'queued', errorCode: null });
      return queued;
    };
    // Known to be offline: the decision goes to the outbox on disk without a doomed attempt.
    if (offline?.isOffline()) return enqueue();
    try {
      const { correlationId } = await send();
      await recordSafely({ ...base, correlationId, result: 'sent', errorCode: null });
      return { status: 'sent', correlationId, message: sentMessage };
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
      message: 'Someone else changed this referral while you were looking at it. Check what changed, then send your decision again or discard it.',
    };
  }

  async function uploadAll(ubrn: string, file: { fileName: string; contentType: string; bytes: Uint8Array } | undefined): Promise<AttachmentInput[] | undefined> {
    if (!file) return undefined;
    const uploaded = await ers.uploadFile({ bytes: file.bytes, fileName: file.fileName, contentType: file.contentType, referralId: ubrn });
    return [{ binaryId: uploaded.binaryId, description: file.fileName, attachedAt: now() }];
  }

  /** The referral, through the offline cache when there is one (stale when e-RS is unreachable). */
  async function readReferral(ubrn: string): Promise<ReferralScreen> {
    const offline = await deps.offline();
    if (!offline) return { referral: remember(await ers.openReferral({ ubrn })), fetchedAt: now().toISOString(), stale: false };
    offline.prefetcher.prioritise([cacheKeys.item('referral', ubrn)]);
    const read = await offline.prefetcher.foreground(() => offline.reads.details('referrals', ubrn, () => ers.openReferral({ ubrn }), isReferralView));
    offline.noteDataFrom(read.fetchedAt);
    return { referral: remember(read.value), fetchedAt: read.fetchedAt, stale: read.stale };
  }

  /** An attachment's bytes: the kept copy if there is one, else from e-RS (and kept). */
  async function attachmentFile(
    list: AttachmentView[],
    attachmentId: string,
    item: { kind: 'referrals' | 'advice'; ubrn: string; version: string },
  ): Promise<{ file: { bytes: Uint8Array; contentType: string; fileName: string | null }; title: string; stale: boolean }> {
    const attachment = list.find((a) => a.id === attachmentId);
    if (!attachment) throw new AppError('ATTACHMENT_UNKNOWN', 'That attachment is not part of this referral any more. Reload the referral.');
    if (!attachment.available) {
      throw new AppError('ATTACHMENT_UNAVAILABLE', attachment.unavailableReason ?? 'e-RS says this attachment cannot be opened yet. Try again later.');
    }
    const download = async () => {
      const file = await ers.getAttachment({ attachmentId });
      return { bytes: file.bytes, contentType: file.contentType || attachment.contentType, fileName: file.fileName ?? attachment.title };
    };
    const offline = await deps.offline();
    if (!offline) return { file: await download(), title: attachment.title, stale: false };
    const read = await offline.prefetcher.foreground(() =>
      offline.reads.file(cacheKeys.attachment(attachmentId), download, {
        type: 'attachment',
        kind: item.kind,
        ubrn: item.ubrn,
        referralVersion: item.version,
        attachmentId,
        declaredSize: attachment.size,
        title: attachment.title,
        declaredContentType: attachment.contentType,
      }),
    );
    return { file: read.value, title: attachment.title, stale: read.stale };
  }

  async function attachmentFrom(
    list: AttachmentView[],
    attachmentId: string,
    item: { kind: 'referrals' | 'advice'; ubrn: string; version: string },
  ): Promise<AttachmentContent> {
    const { file, title, stale } = await attachmentFile(list, attachmentId, item);
    return toAttachmentContent(file, title, stale);
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
          conversationProblem: 'e-RS did not return the conversation for this request. Reload it later; if it stays missing, tell your IT service desk.',
        };
      }
    };
    const offline = await deps.offline();
    if (!offline) return { ...(await fetchBoth()), fetchedAt: now().toISOString(), stale: false };
    const read = await offline.prefetcher.foreground(() => offline.reads.readThrough(`advice/${ubrn}/screen`, fetchBoth, isAdviceScreen, { type: 'advice-screen', ubrn }));
    offline.noteDataFrom(read.fetchedAt);
    return { ...read.value, fetchedAt: read.fetchedAt, stale: read.stale };
  }

  const drafts = async () => {
    // Drafts hold clinical text: not for a locked screen or someone choosing a role.
    deps.requireSignedIn();
    const offline = await deps.offline();
    if (!offline) throw new AppError('NOT_SIGNED_IN', 'Sign in and choose your role to keep drafts.');
    return offline.drafts;
  };

  return {
    'referral.open': async ({ ubrn }) => {
      deps.requireSignedIn();
      const screen = await readReferral(ubrn);
      return { ...screen, referral: nameReferral(screen.referral, nameOf) };
    },

    'referral.attachment': async ({ ubrn, attachmentId }) => {
      deps.requireSignedIn();
      const { referral } = await readReferral(ubrn);
      return attachmentFrom(referral.attachments, attachmentId, { kind: 'referrals', ubrn, version: referral.version });
    },

    'referral.clinicalInfo': async ({ ubrn }) => {
      deps.requireSignedIn();
      const title = `Clinical information ${ubrn}.pdf`;
      const offline = await deps.offline();
      if (!offline) return toAttachmentContent(await ers.getClinicalInformation({ ubrn }), title);
      const { referral } = await readReferral(ubrn);
      const read = await offline.prefetcher.foreground(() =>
        offline.reads.file(cacheKeys.summary('referral', ubrn, referral.version), () => ers.getClinicalInformation({ ubrn }), {
          type: 'summary',
          kind: 'referrals',
          ubrn,
          referralVersion: referral.version,
          attachmentId: null,
          declaredSize: null,
          title,
          declaredContentType: 'application/pdf',
        }),
      );
      return toAttachmentContent(read.value, title, read.stale);
    },

    'referral.rejectionReasons': async () => {
      deps.requireSignedIn();
      const fetchReasons = async () => (await ers.getRejectionReasons()).map((c) => ({ code: c.code, display: c.display }));
      const offline = await deps.offline();
      if (!offline) return fetchReasons();
      // Kept like everything else, so a rejection can be written (and queued) offline.
      const read = await offline.reads.readThrough('reference/rejection-reasons', fetchReasons, isReasonList, { type: 'reference' });
      return read.value;
    },

    'referral.accept': async ({ ubrn, version }) => {
      deps.requireSignedIn();
      return audited(
        { ubrn, action: 'accept', detail: null },
        () => sendDecision(ers, { operation: 'referral.accept', input: { ubrn, version } }),
        () => referralConflict(ubrn, version),
        'Referral accepted.',
        { operation: 'referral.accept', input: { ubrn }, version, hasFile: false },
      );
    },

    'referral.reject': async ({ ubrn, version, reasonCode, comments, appointmentCancelledInPas }) => {
      deps.requireSignedIn();
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
      deps.requireSignedIn();
      const { ubrn, version, outcome, comments, priority, attachment } = input;
      return audited(
        { ubrn, action: 'triage-outcome', detail: outcome },
        async () => {
          const attachments = await uploadAll(ubrn, attachment);
          return sendDecision(ers, { operation: 'referral.recordTriageOutcome', input }, attachments);
        },
        () => referralConflict(ubrn, version),
        'Triage outcome recorded.',
        { operation: 'referral.recordTriageOutcome', input: { ubrn, outcome, comments, ...(priority ? { priority } : {}) }, version, hasFile: attachment !== undefined },
      );
    },

    'attachment.openExternally': async ({ source, ubrn, attachmentId }) => {
      deps.requireSignedIn();
      let found: Awaited<ReturnType<typeof attachmentFile>>;
      if (source === 'referral') {
        const { referral } = await readReferral(ubrn);
        found = await attachmentFile(referral.attachments, attachmentId, { kind: 'referrals', ubrn, version: referral.version });
      } else {
        const { request, conversation } = await readAdvice(ubrn);
        const all = [...request.attachments, ...conversation.messages.flatMap((m) => m.attachments)];
        found = await attachmentFile(all, attachmentId, { kind: 'advice', ubrn, version: request.version });
      }
      const opened = await deps.opener.open({ bytes: found.file.bytes, fileName: found.file.fileName ?? found.title, contentType: found.file.contentType });
      return { fileName: opened.fileName };
    },

    'advice.open': async ({ ubrn }) => {
      deps.requireSignedIn();
      const screen = await readAdvice(ubrn);
      return { ...screen, request: nameAdvice(screen.request, nameOf), conversation: nameConversation(screen.conversation, nameOf) };
    },

    'advice.attachment': async ({ ubrn, attachmentId }) => {
      deps.requireSignedIn();
      const { request, conversation } = await readAdvice(ubrn);
      const all = [...request.attachments, ...conversation.messages.flatMap((m) => m.attachments)];
      return attachmentFrom(all, attachmentId, { kind: 'advice', ubrn, version: request.version });
    },

    'advice.overview': async ({ ubrn }) => {
      deps.requireSignedIn();
      const title = `Advice and guidance ${ubrn}.pdf`;
      const offline = await deps.offline();
      if (!offline) return toAttachmentContent(await ers.getAdviceOverview({ ubrn }), title);
      // The prefetcher keeps A043 like A007 (with the request it read), so the overview is
      // readable offline too.
      const { value: request } = await offline.reads.details('advice', ubrn, () => ers.getAdviceRequest({ ubrn }), isAdviceRequestView);
      const read = await offline.prefetcher.foreground(() =>
        offline.reads.file(cacheKeys.summary('advice', ubrn, request.version), () => ers.getAdviceOverview({ ubrn }), {
          type: 'summary',
          kind: 'advice',
          ubrn,
          referralVersion: request.version,
          attachmentId: null,
          declaredSize: null,
          title,
          declaredContentType: 'application/pdf',
        }),
      );
      return toAttachmentContent(read.value, title, read.stale);
    },

    'advice.reply': async (input: ChannelParsedInput<'advice.reply'>) => {
      deps.requireSignedIn();
      const { ubrn, outcome, intendedRecommendation, guidance, priority, attachment } = input;
      return audited(
        { ubrn, action: 'advice-reply', detail: outcome },
        async () => {
          const attachments = await uploadAll(ubrn, attachment);
          return sendDecision(ers, { operation: 'advice.reply', input }, attachments);
        },
        async () => {
          throw new AppError('ADVICE_CHANGED', 'This advice request changed while you were replying. Reload it; your reply is kept as a draft.');
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
      deps.requireSignedIn();
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
          throw new AppError('ADVICE_CHANGED', 'This advice request changed while you were converting it. Reload it and try again; your text is kept as a draft.');
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
  };
}
