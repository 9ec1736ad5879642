/**
 * The e-RS operations the local emulator serves, by their NHS identifiers, and the record
 * it keeps of each request so tests can see exactly what the app sent and what it got.
 */
export const ERS_OPERATION_IDS = [
  'A004',
  'A005',
  'A006',
  'A007',
  'A008',
  'A013',
  'A014',
  'A020',
  'A023',
  'A024',
  'A025',
  'A026',
  'A027',
  'A028',
  'A029',
  'A030',
  'A038',
  'A040',
  'A042',
  'A043',
] as const;

export type ErsOperationId = (typeof ERS_OPERATION_IDS)[number];

/** A request the emulator answered; OBJECT_STORE for attachment downloads after an A042 redirect. */
export interface OperationRecord {
  operation: ErsOperationId | 'OBJECT_STORE' | 'UNKNOWN';
  method: string;
  /** Path and query as received. */
  path: string;
  status: number;
  correlationId?: string;
  /** ISO instant the request arrived. */
  time: string;
  durationMs: number;
  /** Set when fault mode shaped the answer. */
  fault?: 'rate-limited' | 'server-error' | 'dropped' | 'answer-lost' | 'slow-commit';
}
