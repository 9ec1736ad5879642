/**
 * What the e-RS client gives back besides the contract's view models (contract/views.ts):
 * the results of calls that never reach the renderer as they are.
 */
import type { AdviceRequestView, ConversationMessageView, WorklistKind, WorklistRow } from '../../contract';

export interface WorklistItem {
  /** Which of the app's three worklists the row belongs on. */
  kind: WorklistKind;
  row: WorklistRow;
}

export interface CodeConceptView {
  code: string;
  display: string;
  effectiveFrom: string | null;
  effectiveTo: string | null;
  /** Other e-RS concept properties; Codings are reduced to their code. */
  properties: Record<string, string | number | boolean>;
}

export interface CodeSystemView {
  id: string;
  name: string;
  version: string | null;
  concepts: CodeConceptView[];
}

/** One PractitionerRole from A030: the organisation and the business functions held there. */
export interface ErsRoleChoice {
  id: string;
  userId: string | null;
  organisationOds: string;
  businessFunctions: string[];
}

export interface ErsFile {
  bytes: Uint8Array;
  contentType: string;
  fileName: string | null;
  correlationId: string;
}

export interface UploadedFile {
  /** The Binary id to attach the file by in A026, A027 or A028. */
  binaryId: string;
  correlationId: string;
}

/**
 * What a decision call returns once e-RS answered 2xx, which means the decision is recorded:
 * the reference for the audit log and e-RS's updated item, or null when its answer could
 * not be read (logged; the decision stands, and the item is read again to show it).
 */
export interface DecisionResult<T> {
  value: T | null;
  correlationId: string;
}

export interface AdviceReplyResult {
  request: AdviceRequestView;
  message: ConversationMessageView | null;
}
