import type { ApiErrorShape } from '../contract';

/**
 * The one error type handlers throw on purpose. Its message is shown to the user, so it
 * must say what happened and what to do, and must never hold patient data or tokens.
 * Anything else a handler throws is treated as a bug and becomes a generic INTERNAL error.
 */
export class AppError extends Error {
  readonly code: string;
  readonly correlationId: string | undefined;
  readonly issues: ApiErrorShape['issues'];

  constructor(code: string, message: string, options: { correlationId?: string; issues?: ApiErrorShape['issues']; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.correlationId = options.correlationId;
    this.issues = options.issues;
  }

  toShape(): ApiErrorShape {
    const shape: ApiErrorShape = { code: this.code, message: this.message };
    if (this.correlationId !== undefined) shape.correlationId = this.correlationId;
    if (this.issues !== undefined) shape.issues = this.issues;
    return shape;
  }
}
