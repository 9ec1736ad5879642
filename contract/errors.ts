/** The one shape a failed call answers with, whichever transport carried it. */
export interface ApiErrorShape {
  /** Stable machine code, e.g. 'INVALID_INPUT', 'UNKNOWN_CHANNEL', 'ERS_412'. */
  code: string;
  /** A sentence for the user: what happened and what to do. */
  message: string;
  /** The X-Correlation-ID of the e-RS call, where there was one. */
  correlationId?: string;
  /** Field-level problems with the input, for forms. */
  issues?: { path: string; message: string }[];
}
