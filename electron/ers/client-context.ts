/** What every operation module needs from the client: the transport and the environment's facts. */
import type { Logger } from '../log/logger';
import type { ErsRole, ErsTransport } from './http';
import type { OperationId } from './operations';

export interface ErsContext {
  transport: ErsTransport;
  now(): Date;
  /** The base of e-RS code-system URLs (what the NHS examples write as _baseUrl_). */
  codeSystemBase(operation: OperationId): string;
  /** A specialty's display name, if the SPECIALTY code system has been loaded. */
  specialtyName(code: string): string | undefined;
  /** Every code of the SPECIALTY code system (A004, cached): the parts a too-large worklist is asked for in. */
  specialtyCodes?(signal?: AbortSignal): Promise<string[]>;
  /**
   * Who is asking, in which role: the user's id and the role headers in use, or null when
   * either is unknown. Identical lists in flight for the same identity are asked for once.
   */
  identity?(): { userId: string; role: ErsRole } | null;
  /** For what must be known but not shown, such as a recorded decision's unreadable answer. */
  log?: Logger;
}

/** The context an ErsError or a mapper reports against. */
export function callContext(operation: OperationId, correlationId: string) {
  return { operation, correlationId };
}
