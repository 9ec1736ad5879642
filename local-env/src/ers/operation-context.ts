/**
 * What an operation handler is given: the request, the checked caller, the state, and the
 * helpers every handler needs (reading a FHIR JSON body as e-RS does, building FHIR with
 * attachment sizes known, the clock, the object store's signed URLs).
 */
import { type IncomingMessage } from 'node:http';
import { type Logger } from '../../../electron/log/logger';
import { type Caller } from './access';
import { type FileContent } from './file-content';
import { type FhirContext } from './fhir/referral-request';
import { header, readBody, type Reply } from './http-io';
import { type ErsOperationId } from './operation-ids';
import { badRequest, ErsError, unprocessable, type FhirFlavour } from './outcome';
import { type ErsStore } from './store';

export interface OperationContext {
  operation: ErsOperationId;
  request: IncomingMessage;
  url: URL;
  /** Path parameters captured by the route (ubrn, version, id, ...). */
  params: Record<string, string>;
  caller: Caller;
  flavour: FhirFlavour;
  store: ErsStore;
  files: FileContent;
  /** `<origin>/referrals/FHIR`: what the NHS examples write as `_baseUrl_`. */
  fhirBase: string;
  now(): Date;
  logger: Logger;
  signedObjectUrl(binaryId: string): string;
}

export type OperationHandler = (context: OperationContext) => Promise<Reply>;

const JSON_LIMIT = 1024 * 1024;

/**
 * Reads a FHIR JSON body: present, application/fhir+json, at most 1 MB, well-formed. No body
 * at all is a mandatory value missing (422 MISSING_VALUE), whatever Content-Type came with
 * it, as NHS's own sandbox answers it (422), not a malformed request.
 */
export async function readFhirJson(context: OperationContext): Promise<unknown> {
  const contentType = (header(context.request, 'content-type') ?? '').split(';')[0]?.trim().toLowerCase();
  const body = await readBody(context.request, JSON_LIMIT, () =>
    badRequest('INVALID_VALUE', 'The request body is larger than e-RS accepts (1 MB): send a smaller request.'),
  );
  if (body.length === 0)
    throw unprocessable('MISSING_VALUE', 'The request body is empty: send the FHIR Parameters resource this operation needs.');
  if (contentType !== 'application/fhir+json') {
    throw new ErsError(
      415,
      'UNSUPPORTED_MEDIA_TYPE',
      `The request body must be sent as application/fhir+json, not ${contentType || 'an unstated type'}: correct the Content-Type and retry.`,
    );
  }
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch {
    throw badRequest('INVALID_FHIR_STRUCTURE', 'The request body is not valid JSON: send a FHIR resource in JSON.');
  }
}

/** A FhirContext whose attachment sizes are known for the given binaries. */
export async function fhirContext(context: OperationContext, binaryIds: Iterable<string>): Promise<FhirContext> {
  const sizes = await context.files.sizesOf(binaryIds);
  return {
    fhirBase: context.fhirBase,
    binary: (id) => context.store.binary(id),
    size: (id) => sizes.get(id) ?? 0,
  };
}

/** Parses `W/"n"` (If-Match); null when absent. */
export function ifMatchVersion(context: OperationContext): number | null {
  const value = header(context.request, 'if-match');
  if (value === undefined) return null;
  const match = /^W\/"(\d+)"$/.exec(value.trim());
  if (!match)
    throw badRequest('INVALID_VALUE', `If-Match must be a weak ETag such as W/"4", not ${value}: send the version from the last read.`);
  return Number(match[1]);
}

/**
 * A version the caller sent (If-Match, createFrom) that is no longer current. The e-RS
 * specification lists 409 for this; the local environment answers 412 Precondition Failed,
 * as the app's design expects. Change it here only.
 */
export const STALE_VERSION_STATUS = 412;

export function requireCurrentVersion(sent: number, current: number, what: string): void {
  if (sent !== current) {
    throw new ErsError(
      STALE_VERSION_STATUS,
      'VERSION_MISMATCH',
      `${what} has changed since you read it (now version ${current}, you sent ${sent}): reload it, check the changes and try again.`,
    );
  }
}

/** If-Match is mandatory on A013, A014 and A028. */
export function requireIfMatch(context: OperationContext): number {
  const version = ifMatchVersion(context);
  if (version === null) throw badRequest('MISSING_HEADER', 'The If-Match header is missing: send the version you read, as W/"<version>".');
  return version;
}
