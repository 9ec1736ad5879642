/**
 * A decision's answer, read after e-RS answered 2xx. By then the decision is recorded, so
 * an answer the app cannot read (another item than the one decided, a shape it does not
 * know, no body at all) is logged for the service desk and the result carries no item; it
 * must never reach the user as a failure, or they would send the decision again.
 */
import { AppError } from '../app-error';
import type { ErsContext } from './client-context';
import type { ErsDecisionResult } from './http';
import type { OperationId } from './operations';
import type { DecisionResult } from './view-models';

export function readDecisionAnswer<T>(
  ctx: ErsContext,
  operation: OperationId,
  result: ErsDecisionResult,
  map: (body: unknown) => T,
): DecisionResult<T> {
  if (result.body === null) return { value: null, correlationId: result.correlationId };
  try {
    return { value: map(result.body), correlationId: result.correlationId };
  } catch (error) {
    // The mapper's reason names positions only (a field path), never values.
    ctx.log?.warn('ers.decision.answer_unreadable', {
      operation,
      correlationId: result.correlationId,
      status: result.status,
      code: error instanceof AppError ? error.code : 'INTERNAL',
      reason: error instanceof Error ? error.message : 'unknown',
    });
    return { value: null, correlationId: result.correlationId };
  }
}
