/**
 * The e-RS operations this client performs, by their NHS identifiers, and which of them
 * change state. The transport decides retry behaviour from this table alone, so a
 * state-changing call can never be retried by a caller forgetting a flag.
 *
 * PDS-READ is not e-RS's: it is the PDS client's one read (GET /Patient/{id}, electron/pds),
 * named here so that the same transport carries it with the same rules.
 */
export type OperationId =
  | 'A004'
  | 'A005'
  | 'A006'
  | 'A007'
  | 'A008'
  | 'A013'
  | 'A014'
  | 'A020'
  | 'A023'
  | 'A024'
  | 'A025'
  | 'A026'
  | 'A027'
  | 'A028'
  | 'A029'
  | 'A030'
  | 'A038'
  | 'A040'
  | 'A042'
  | 'A043'
  | 'PDS-READ';

/**
 * Operations that record something in e-RS. A repeat could record it twice (a second A&G
 * reply, a second upload) or fail confusingly, so they are sent once and any doubt about
 * the outcome is handed to the user.
 */
const STATE_CHANGING: ReadonlySet<OperationId> = new Set<OperationId>(['A013', 'A014', 'A020', 'A026', 'A027', 'A028']);

export function isStateChanging(operation: OperationId): boolean {
  return STATE_CHANGING.has(operation);
}

/**
 * A030 is asked before a role is chosen: e-RS wants no role headers on it. PDS wants other
 * headers than e-RS's, which its client sends itself.
 */
export function needsRole(operation: OperationId): boolean {
  return operation !== 'A030' && operation !== 'PDS-READ';
}

/**
 * A040 finds whom a clinician admin may act for, so it goes with the clinician admin's
 * function and organisation and, unlike every other call in that role, no on-behalf-of user.
 */
export function sendsOnBehalfOf(operation: OperationId): boolean {
  return operation !== 'A040';
}

/** Plain-language names, for error messages and logs. */
export const OPERATION_NAMES: Record<OperationId, string> = {
  A004: 'reference data',
  A005: 'referral',
  A006: 'attachment',
  A007: 'clinical information summary',
  A008: 'worklist',
  A013: 'acceptance',
  A014: 'rejection',
  A020: 'file upload',
  A023: 'advice and guidance worklist',
  A024: 'advice and guidance request',
  A025: 'advice and guidance conversation',
  A026: 'advice and guidance reply',
  A027: 'conversion to a referral',
  A028: 'triage outcome',
  A029: 'list of allowed actions',
  A030: 'list of your e-RS roles',
  A038: 'appointment',
  A040: 'list of clinicians you may act for',
  A042: 'attachment',
  A043: 'advice and guidance summary',
  'PDS-READ': 'patient details',
};
