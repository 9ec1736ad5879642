/**
 * ErsError: every failure of an e-RS call, as one typed error the handlers can throw
 * straight through dispatch. The message is a sentence for the user (what happened, what
 * to do); the machine detail (HTTP status, e-RS error code, FHIR issue code) rides on
 * properties for the code that reacts to it (a 412 reloads the referral) and for logs.
 * e-RS's `diagnostics` text can quote identifiers, so it is kept off the message.
 */
import type { ApiErrorShape } from '../../contract';
import { AppError } from '../app-error';
import { OPERATION_NAMES, type OperationId } from './operations';

export interface ErsErrorContext {
  operation: OperationId | null;
  correlationId?: string;
  /** True when the call would have recorded something in e-RS. */
  stateChanging?: boolean;
}

export interface OutcomeDetail {
  /** e-RS's own error code, e.g. NO_ACCESS, INVALID_REQUEST_STATE, PENDING. */
  ersCode: string | null;
  /** The FHIR issue type, e.g. forbidden, invalid, throttled. */
  issueCode: string | null;
  diagnostics: string | null;
}

interface ErsErrorInit extends ErsErrorContext {
  status?: number | null;
  outcome?: OutcomeDetail | null;
  /** The outcome of a state-changing call is not known: it may or may not have been recorded. */
  outcomeUnknown?: boolean;
  issues?: ApiErrorShape['issues'];
  cause?: unknown;
}

export class ErsError extends AppError {
  readonly status: number | null;
  readonly ersCode: string | null;
  readonly issueCode: string | null;
  readonly diagnostics: string | null;
  readonly operation: OperationId | null;
  readonly outcomeUnknown: boolean;

  constructor(code: string, message: string, init: ErsErrorInit) {
    const options: { correlationId?: string; issues?: ApiErrorShape['issues']; cause?: unknown } = {};
    if (init.correlationId !== undefined) options.correlationId = init.correlationId;
    if (init.issues !== undefined) options.issues = init.issues;
    if (init.cause !== undefined) options.cause = init.cause;
    super(code, message, options);
    this.name = 'ErsError';
    this.status = init.status ?? null;
    this.ersCode = init.outcome?.ersCode ?? null;
    this.issueCode = init.outcome?.issueCode ?? null;
    this.diagnostics = init.outcome?.diagnostics ?? null;
    this.operation = init.operation;
    this.outcomeUnknown = init.outcomeUnknown ?? false;
  }

  /** Someone else changed the resource since it was read: reload, keep the draft, resend. */
  get conflict(): boolean {
    return this.status === 409 || this.status === 412;
  }
}

const REFERENCE = 'quote the reference shown with this message';

function what(context: ErsErrorContext): string {
  return context.operation ? OPERATION_NAMES[context.operation] : 'request';
}

function aWhat(context: ErsErrorContext): string {
  const noun = what(context);
  return /^[aeiou]/i.test(noun) ? `an ${noun}` : `a ${noun}`;
}

/** A sentence for each 422 code e-RS documents for the operations this app uses. */
const UNPROCESSABLE: Record<string, string> = {
  INVALID_REQUEST_STATE: 'This item is no longer in a state where that can be done. Reload it to see where it stands now.',
  INVALID_STATE: 'This item is no longer in a state where that can be done. Reload it to see where it stands now.',
  NO_RELATIONSHIP:
    'e-RS says your role has no relationship with this referral. Check you chose the right role and organisation, then try again.',
  PATIENT_ERROR: 'e-RS could not retrieve the patient for this item. Do not retry; tell your IT service desk and ' + REFERENCE + '.',
  PENDING: 'e-RS is still scanning this file. Wait at least 5 minutes, then try to open it again.',
  THREATS_FOUND:
    'e-RS has quarantined this file because a threat was found. Contact the organisation that uploaded it for the information you need.',
  VALIDATION_FAILED:
    'This file failed e-RS validation and cannot be opened. Contact the organisation that uploaded it for the information you need.',
  DUPLICATE_FILENAME: 'A file with this name is already attached. Rename the file and send again.',
  PRIORITY_NOT_CURRENT:
    'The priority cannot be changed when returning a referral to the referrer with advice. Remove the priority change and send again.',
  FILE_SIZE_ERROR: 'e-RS refused the file because it is empty or too large (5 MB at most). Choose another file.',
  MISSING_VALUE: 'e-RS needs a value that was not given. Complete every required field and send again.',
  VALUE_IS_REQUIRED: 'e-RS needs a value that was not given. Complete every required field and send again.',
  INVALID_CODE: 'e-RS did not accept one of the chosen options. Choose again from the list and send again.',
  INVALID_VALUE: 'e-RS did not accept one of the values entered. Check the form and send again.',
  INAPPROPRIATE_VALUE:
    'e-RS did not accept one of the values for this item. Check the form (an attached file must have been uploaded for this referral) and send again.',
  REFERENCE_NOT_FOUND: 'e-RS could not find something this request refers to, such as an uploaded file. Upload it again and send again.',
};

function statusMessage(status: number, outcome: OutcomeDetail | null, context: ErsErrorContext): string {
  const subject = what(context);
  if (context.stateChanging && (status === 500 || status === 502 || status === 504)) {
    return `e-RS did not confirm the ${subject}, so it may or may not have been recorded. Reload the item to check before sending again.`;
  }
  switch (status) {
    case 400:
      return `e-RS could not accept the ${subject} the app sent. Try again; if it keeps happening, tell your IT service desk and ${REFERENCE}.`;
    case 401:
      return 'Your e-RS session has ended. Sign in again, then try once more.';
    case 403:
      return 'e-RS refused this because your current role does not allow it. Check you chose the right role and organisation (for example, service provider clinician), or ask your e-RS administrator for access.';
    case 404:
      return `e-RS could not find this ${subject}. It may have been cancelled or moved on; refresh the worklist.`;
    case 406:
    case 415:
      return `e-RS could not accept the format of the app's request for the ${subject}. Tell your IT service desk and ${REFERENCE}.`;
    case 409:
    case 412:
      return 'Someone else changed this item after you opened it. Reload it to see what changed, then send your decision again.';
    case 422: {
      const specific = outcome?.ersCode ? UNPROCESSABLE[outcome.ersCode] : undefined;
      return specific ?? `e-RS could not process the ${subject} as it stands. Check the details and try again.`;
    }
    case 423:
      return 'Someone else is updating this item right now. Wait a moment, reload it and try again.';
    case 429:
      return 'e-RS is receiving too many requests just now. Wait a minute and try again.';
    case 500:
      return `e-RS had an internal problem with the ${subject}. Try again in a few minutes; if it keeps happening, tell your IT service desk and ${REFERENCE}.`;
    case 502:
    case 503:
    case 504:
      return `e-RS is not available right now. Try again in a few minutes.`;
    default:
      return `e-RS answered the ${subject} with an unexpected status (${status}). Try again; if it keeps happening, tell your IT service desk and ${REFERENCE}.`;
  }
}

/** Apigee's fault body for an answer over the platform's buffer: `{"fault":{"detail":{"errorcode":"protocol.http.TooBigBody"}}}`. */
export function isTooBigBodyFault(body: unknown): boolean {
  if (typeof body !== 'object' || body === null) return false;
  const fault = (body as { fault?: unknown }).fault;
  if (typeof fault !== 'object' || fault === null) return false;
  const detail = (fault as { detail?: unknown }).detail;
  return typeof detail === 'object' && detail !== null && (detail as { errorcode?: unknown }).errorcode === 'protocol.http.TooBigBody';
}

export function httpError(status: number, outcome: OutcomeDetail | null, context: ErsErrorContext): ErsError {
  const outcomeUnknown = Boolean(context.stateChanging) && (status === 500 || status === 502 || status === 504);
  return new ErsError(`ERS_${status}`, statusMessage(status, outcome, context), { ...context, status, outcome, outcomeUnknown });
}

/** Retry-After asked for longer than the app will wait: say when to come back. */
export function busyError(status: number, waitMs: number, outcome: OutcomeDetail | null, context: ErsErrorContext): ErsError {
  const minutes = Math.max(1, Math.ceil(waitMs / 60_000));
  const when = minutes === 1 ? 'a minute' : `${minutes} minutes`;
  const message =
    status === 429
      ? `e-RS is receiving too many requests and asked the app to wait. Try again in about ${when}.`
      : `e-RS is not available right now and asked the app to wait. Try again in about ${when}.`;
  return new ErsError(`ERS_${status}`, message, { ...context, status, outcome });
}

export function sessionEndedError(context: ErsErrorContext, cause?: unknown): ErsError {
  return new ErsError('ERS_401', 'Your e-RS session has ended. Sign in again, then try once more.', { ...context, status: 401, cause });
}

const NEVER_CONNECTED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);

/** True when the connection was never opened, so nothing of the request reached e-RS. */
export function connectionNeverOpened(error: unknown): boolean {
  for (let current: unknown = error, depth = 0; current && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && NEVER_CONNECTED.has(code)) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

export function networkError(context: ErsErrorContext, cause: unknown): ErsError {
  if (context.stateChanging && connectionNeverOpened(cause)) {
    return new ErsError(
      'ERS_NETWORK',
      `The app could not reach e-RS, so the ${what(context)} was not sent. Check your network connection and try again.`,
      { ...context, cause },
    );
  }
  if (context.stateChanging) {
    return new ErsError(
      'ERS_NETWORK',
      `The connection to e-RS failed while sending the ${what(context)}, so it may or may not have been recorded. Check your network, then reload the item before sending again.`,
      { ...context, outcomeUnknown: true, cause },
    );
  }
  return new ErsError('ERS_NETWORK', 'The app could not reach e-RS. Check your network connection and try again.', { ...context, cause });
}

export function timeoutError(context: ErsErrorContext, cause?: unknown): ErsError {
  if (context.stateChanging) {
    return new ErsError(
      'ERS_TIMEOUT',
      `e-RS took too long to confirm the ${what(context)}, so it may or may not have been recorded. Reload the item to check before sending again.`,
      { ...context, outcomeUnknown: true, cause },
    );
  }
  return new ErsError(
    'ERS_TIMEOUT',
    `e-RS took too long to send the ${what(context)}. Try again; if it keeps happening, tell your IT service desk.`,
    { ...context, cause },
  );
}

/** `detail` names the problem by position only (a field path), never by value. */
export function malformedError(context: ErsErrorContext, detail: string, cause?: unknown): ErsError {
  return new ErsError(
    'ERS_MALFORMED',
    `e-RS sent ${aWhat(context)} the app could not read safely (${detail}). Try again; if it keeps happening, tell your IT service desk and ${REFERENCE}.`,
    { ...context, cause },
  );
}

export function tooLargeError(context: ErsErrorContext, limitBytes: number): ErsError {
  const mb = Math.round(limitBytes / (1024 * 1024));
  return new ErsError(
    'ERS_TOO_LARGE',
    `e-RS sent ${aWhat(context)} larger than the app accepts (${mb} MB). Tell your IT service desk and ${REFERENCE}.`,
    context,
  );
}

/**
 * The NHS API platform refused to pass on e-RS's answer because it was over its 10 MB
 * limit (502 with Apigee's TooBigBody fault): asking again gets the same answer.
 */
export function platformTooLargeError(context: ErsErrorContext): ErsError {
  return new ErsError(
    'ERS_ANSWER_TOO_LARGE',
    `The ${what(context)} is larger than the NHS API platform will pass on (10 MB), so e-RS could not send it. Tell your IT service desk and ${REFERENCE}, so the list can be split over more services.`,
    { ...context, status: 502 },
  );
}

export function noRoleError(context: ErsErrorContext): ErsError {
  return new ErsError('ERS_NO_ROLE', 'Choose your e-RS role before continuing.', context);
}

export function actingForMissingError(context: ErsErrorContext): ErsError {
  return new ErsError('ERS_NO_ROLE', 'As a clinician admin you must choose the clinician you are acting for before continuing.', context);
}

/** The app was asked to send something e-RS would refuse; nothing was sent. */
export function invalidInputError(operation: OperationId, message: string, path: string): ErsError {
  return new ErsError('INVALID_INPUT', message, { operation, issues: [{ path, message }] });
}
