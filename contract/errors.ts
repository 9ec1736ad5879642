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

/**
 * The answers dispatch() gives itself, before a handler runs (or instead of a handler's
 * own failure). Handlers' errors (e-RS's ERS_*, OFFLINE_*, ...) are their own.
 */
export const dispatchErrors = {
  unknownChannel: {
    code: 'UNKNOWN_CHANNEL',
    message: 'The app asked for something it does not offer. Restart the app; if this keeps happening, tell your IT service desk.',
  },
  notAnObject: {
    code: 'INVALID_INPUT',
    message: 'The app sent a request in the wrong shape. Reload the screen and try again.',
  },
  /** A channel with `session: 'required'` called while the app is locked. */
  locked: { code: 'LOCKED', message: 'The app is locked. Sign in again to carry on.' },
  /** A channel with `session: 'required'` called before sign-in and a role are complete. */
  notSignedIn: { code: 'NOT_SIGNED_IN', message: 'Sign in and choose your role to see worklists.' },
  internal: {
    code: 'INTERNAL',
    message: 'Something went wrong in the app. Your work is kept; try again, and if it keeps happening tell your IT service desk.',
  },
} as const satisfies Record<string, ApiErrorShape>;
