/**
 * The typed e-RS client: one method per provider-side operation, each taking what the
 * user decided (a UBRN and version, a reason and comment, an outcome...) and returning a
 * view model. Point it at any e-RS base URL: the NHS sandbox, integration, production, or
 * the local emulator.
 */
import {
  REJECTION_REASON_CODE_SYSTEM,
  type AdviceRequestView,
  type AppointmentView,
  type ConversationView,
  type ReferralView,
  type WorklistKind,
  type WorklistRow,
} from '../../contract';
import * as advice from './advice';
import * as files from './attachments';
import { getBusinessFunctions } from './business-functions';
import { getOnBehalfOfPractitioners, type OnBehalfOfPractitioner } from './practitioners';
import type { ErsContext } from './client-context';
import * as decisions from './decisions';
import { createErsTransport, type ErsTransportOptions } from './http';
import { rejectionReasons } from './map-reference-data';
import type { OperationId } from './operations';
import { fetchCodeSystem, ReferenceDataCache, type CodeSystemId } from './reference-data';
import * as referrals from './referrals';
import { uploadFile, type UploadInput } from './uploads';
import * as worklists from './worklists';
import type {
  AdviceReplyResult,
  CodeConceptView,
  CodeSystemView,
  DecisionResult,
  ErsFile,
  ErsRoleChoice,
  UploadedFile,
  WorklistItem,
} from './view-models';

export type { ErsRole, ErsTransportOptions, FetchLike, SleepLike } from './http';
export type { AdviceReplyInput, AdviceRequestInput, ConversationInput, ConvertAdviceInput } from './advice';
export type { AttachmentFileInput } from './attachments';
export type { AcceptReferralInput, RejectReferralInput, TriageOutcomeInput } from './decisions';
export type { AttachmentInput } from './parameters';
export type { CodeSystemId } from './reference-data';
export type { AppointmentInput, ReferralInput, VersionedReferralInput } from './referrals';
export type { UploadInput } from './uploads';
export type { ReferralListType, ReferralWorklistInput } from './worklists';
export type { OnBehalfOfPractitioner } from './practitioners';
export { ReferenceDataCache } from './reference-data';

/**
 * The NHS public sandbox matches POST bodies exactly against its examples, which write
 * code-system URLs with literal placeholders, spelt `_baseurl_` in A014's and `_baseUrl_`
 * elsewhere. Use this as `codeSystemBase` for the sandbox (or a copy of it).
 */
export const SANDBOX_CODE_SYSTEM_BASE = (operation: OperationId): string => (operation === 'A014' ? '_baseurl_' : '_baseUrl_');

export interface ErsClientOptions extends ErsTransportOptions {
  /** Names the environment for the reference-data cache, e.g. "sandbox"; the base URL when absent. */
  environment?: string;
  /**
   * The base of e-RS code-system URLs (the NHS examples' `_baseUrl_`): by default the e-RS
   * base plus /FHIR, e.g. https://sandbox.api.service.nhs.uk/referrals/FHIR.
   */
  codeSystemBase?: string | ((operation: OperationId) => string);
  /** Share one cache between the clients of a session so reference data survives a role change. */
  referenceData?: ReferenceDataCache;
  /** The signed-in user's id, or null: with the role, what keys a list shared between callers in flight. */
  getUserId?: () => string | null;
}

export interface ErsClient {
  readonly baseUrl: string;
  /** A008 for one referral worklist, with the provider filters. */
  /** A008; a provider list too large for one answer (10 MB) is asked for in parts by specialty. */
  fetchReferralWorklist(input: worklists.ReferralWorklistInput, signal?: AbortSignal): Promise<WorklistItem[]>;
  /** A023: advice and guidance requests. */
  fetchAdviceWorklist(signal?: AbortSignal): Promise<WorklistRow[]>;
  /** One of the app's three worklists. */
  fetchWorklist(
    kind: WorklistKind,
    filters?: Omit<worklists.ReferralWorklistInput, 'listType'>,
    signal?: AbortSignal,
  ): Promise<WorklistRow[]>;
  /** A005, current or a given version. */
  getReferral(input: referrals.ReferralInput, signal?: AbortSignal): Promise<ReferralView>;
  /** A029: e-RS's allowed-action codes for this user on this version of the referral. */
  getAvailableActions(input: referrals.VersionedReferralInput, signal?: AbortSignal): Promise<string[]>;
  /** A038. */
  getAppointment(input: referrals.AppointmentInput, signal?: AbortSignal): Promise<AppointmentView>;
  /** A005 then A029: the referral with its allowed actions filled in. */
  openReferral(input: { ubrn: string }, signal?: AbortSignal): Promise<ReferralView>;
  /** A042: follows e-RS's redirect to the file without credentials. */
  getAttachment(input: files.AttachmentFileInput, signal?: AbortSignal): Promise<ErsFile>;
  /** A006 (deprecated by e-RS in favour of A042, kept for environments without R4). */
  getAttachmentStu3(input: files.AttachmentFileInput, signal?: AbortSignal): Promise<ErsFile>;
  /** A007: the clinical information summary PDF. */
  getClinicalInformation(input: { ubrn: string }, signal?: AbortSignal): Promise<ErsFile>;
  /** A043: the A&G request overview PDF. */
  getAdviceOverview(input: { ubrn: string }, signal?: AbortSignal): Promise<ErsFile>;
  /** A013. */
  acceptReferral(input: decisions.AcceptReferralInput, signal?: AbortSignal): Promise<DecisionResult<ReferralView>>;
  /** A014. */
  rejectReferral(input: decisions.RejectReferralInput, signal?: AbortSignal): Promise<DecisionResult<ReferralView>>;
  /** A028. */
  recordTriageOutcome(input: decisions.TriageOutcomeInput, signal?: AbortSignal): Promise<DecisionResult<ReferralView>>;
  /** A024. */
  getAdviceRequest(input: advice.AdviceRequestInput, signal?: AbortSignal): Promise<AdviceRequestView>;
  /** A025. */
  getConversation(input: advice.ConversationInput, signal?: AbortSignal): Promise<ConversationView>;
  /** A026. */
  sendAdviceReply(input: advice.AdviceReplyInput, signal?: AbortSignal): Promise<DecisionResult<AdviceReplyResult>>;
  /** A027. */
  convertAdviceToReferral(input: advice.ConvertAdviceInput, signal?: AbortSignal): Promise<DecisionResult<ReferralView>>;
  /** A020. */
  uploadFile(input: UploadInput, signal?: AbortSignal): Promise<UploadedFile>;
  /** A004, from the per-environment cache unless out of date or `refresh` is set. */
  getCodeSystem(id: CodeSystemId, options?: { refresh?: boolean; signal?: AbortSignal }): Promise<CodeSystemView>;
  /** The reasons A014 accepts, in force today. */
  getRejectionReasons(signal?: AbortSignal): Promise<CodeConceptView[]>;
  /** A030: sent without role headers. */
  getBusinessFunctions(signal?: AbortSignal): Promise<ErsRoleChoice[]>;
  /** A040: the clinicians the user may act for as clinician admin at this organisation. */
  getOnBehalfOfPractitioners(organisationOds: string, signal?: AbortSignal): Promise<OnBehalfOfPractitioner[]>;
}

export function createErsClient(options: ErsClientOptions): ErsClient {
  const transport = createErsTransport(options);
  const nowMs = options.now ?? Date.now;
  const environment = options.environment ?? transport.baseUrl;
  const cache = options.referenceData ?? new ReferenceDataCache({ now: nowMs });
  const base = options.codeSystemBase ?? `${transport.baseUrl}/FHIR`;
  const codeSystemBase = typeof base === 'function' ? base : () => base.replace(/\/+$/, '');

  const ctx: ErsContext = {
    transport,
    now: () => new Date(nowMs()),
    codeSystemBase,
    specialtyName: (code) => cache.stale(environment, 'SPECIALTY')?.concepts.find((concept) => concept.code === code)?.display,
    ...(options.log ? { log: options.log } : {}),
    identity: () => {
      const userId = options.getUserId?.() ?? null;
      const role = options.getRole?.() ?? null;
      return userId && role ? { userId, role } : null;
    },
  };

  async function getCodeSystem(id: CodeSystemId, opts: { refresh?: boolean; signal?: AbortSignal } = {}): Promise<CodeSystemView> {
    if (opts.refresh) {
      const view = await fetchCodeSystem(ctx, id, opts.signal);
      cache.set(environment, id, view);
      return view;
    }
    return cache.get(environment, id, () => fetchCodeSystem(ctx, id, opts.signal));
  }

  ctx.specialtyCodes = async (signal) =>
    (await getCodeSystem('SPECIALTY', signal ? { signal } : {})).concepts.map((concept) => concept.code);

  return {
    baseUrl: transport.baseUrl,
    fetchReferralWorklist: (input, signal) => worklists.fetchWholeReferralWorklist(ctx, input, signal),
    fetchAdviceWorklist: (signal) => worklists.fetchAdviceWorklist(ctx, signal),
    fetchWorklist: (kind, filters, signal) => worklists.fetchWorklist(ctx, kind, filters, signal),
    getReferral: (input, signal) => referrals.getReferral(ctx, input, signal),
    getAvailableActions: (input, signal) => referrals.getAvailableActions(ctx, input, signal),
    getAppointment: (input, signal) => referrals.getAppointment(ctx, input, signal),
    openReferral: (input, signal) => referrals.openReferral(ctx, input, signal),
    getAttachment: (input, signal) => files.getAttachment(ctx, input, signal),
    getAttachmentStu3: (input, signal) => files.getAttachmentStu3(ctx, input, signal),
    getClinicalInformation: (input, signal) => files.getClinicalInformation(ctx, input, signal),
    getAdviceOverview: (input, signal) => files.getAdviceOverview(ctx, input, signal),
    acceptReferral: (input, signal) => decisions.acceptReferral(ctx, input, signal),
    rejectReferral: (input, signal) => decisions.rejectReferral(ctx, input, signal),
    recordTriageOutcome: (input, signal) => decisions.recordTriageOutcome(ctx, input, signal),
    getAdviceRequest: (input, signal) => advice.getAdviceRequest(ctx, input, signal),
    getConversation: (input, signal) => advice.getConversation(ctx, input, signal),
    sendAdviceReply: (input, signal) => advice.sendAdviceReply(ctx, input, signal),
    convertAdviceToReferral: (input, signal) => advice.convertAdviceToReferral(ctx, input, signal),
    uploadFile: (input, signal) => uploadFile(ctx, input, signal),
    getCodeSystem,
    getRejectionReasons: async (signal) => rejectionReasons(await getCodeSystem(REJECTION_REASON_CODE_SYSTEM, { signal }), ctx.now()),
    getBusinessFunctions: (signal) => getBusinessFunctions(ctx, signal),
    getOnBehalfOfPractitioners: (organisationOds, signal) => getOnBehalfOfPractitioners(ctx, organisationOds, signal),
  };
}
