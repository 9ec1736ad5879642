/**
 * Errors as e-RS reports them: an OperationOutcome with e-RS's error code. STU3 endpoints
 * use the eRS-OperationOutcome-1 profile and eRS-APIErrorCode-1 codes; R4 endpoints use the
 * NHS England OperationOutcome with the API platform's, the HTTP error and the e-RS code
 * systems, as the published examples show.
 */
import { randomUUID } from 'node:crypto';

export type FhirFlavour = 'STU3' | 'R4';

/** FHIR issue types for the e-RS codes this emulator uses. */
const ISSUE_TYPE: Record<string, string> = {
  NO_ACCESS: 'forbidden',
  FORBIDDEN: 'forbidden',
  ACCESS_DENIED: 'forbidden',
  MISSING_HEADER: 'required',
  MISSING_VALUE: 'required',
  MISSING_PARAMETER: 'required',
  VALUE_IS_REQUIRED: 'required',
  INVALID_VALUE: 'value',
  INVALID_CODE: 'code-invalid',
  UNEXPECTED_FIELD: 'value',
  FIELD_NOT_PERMITTED: 'business-rule',
  INVALID_FHIR_STRUCTURE: 'structure',
  REFERENCE_NOT_FOUND: 'not-found',
  NOT_FOUND: 'not-found',
  HISTORY_NOT_SUPPORTED: 'not-found',
  INVALID_REQUEST_STATE: 'business-rule',
  INVALID_REQUEST_TYPE: 'business-rule',
  INVALID_STATE: 'business-rule',
  INAPPROPRIATE_VALUE: 'business-rule',
  PRIORITY_NOT_CURRENT: 'business-rule',
  NO_RELATIONSHIP: 'forbidden',
  CONFLICTING_VALUES: 'invalid',
  DUPLICATE_FILENAME: 'duplicate',
  FILE_SIZE_ERROR: 'too-long',
  PENDING: 'invalid',
  THREATS_FOUND: 'invalid',
  VALIDATION_FAILED: 'invalid',
  VERSION_MISMATCH: 'conflict',
  UNSUPPORTED_MEDIA_TYPE: 'not-supported',
  NOT_ACCEPTABLE: 'not-supported',
  METHOD_NOT_ALLOWED: 'not-supported',
  TOO_MANY_REQUESTS: 'throttled',
  SYSTEM_UNAVAILABLE: 'transient',
  INTERNAL_SERVER_ERROR: 'exception',
  BAD_GATEWAY: 'exception',
  GATEWAY_TIMEOUT: 'timeout',
};

/** An error answer: the HTTP status, the e-RS error code and a sentence saying what to do. */
export class ErsError extends Error {
  readonly issueType: string;

  constructor(
    readonly status: number,
    readonly code: string,
    readonly diagnostics: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(diagnostics);
    this.name = 'ErsError';
    this.issueType = status === 401 ? 'login' : (ISSUE_TYPE[code] ?? 'invalid');
  }
}

function display(code: string): string {
  const words = code.toLowerCase().replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

const STU3_PROFILE = 'https://fhir.nhs.uk/STU3/StructureDefinition/eRS-OperationOutcome-1';
const STU3_SYSTEM = 'https://fhir.nhs.uk/STU3/CodeSystem/eRS-APIErrorCode-1';
const APIM_SYSTEM = 'https://fhir.nhs.uk/CodeSystem/NHSD-API-ErrorOrWarningCode';
const HTTP_SYSTEM = 'https://fhir.nhs.uk/CodeSystem/http-error-codes';
const ERS_SYSTEM = 'https://fhir.nhs.uk/CodeSystem/ers-error-codes';

/** The R4 code: the platform's for authentication and throttling, e-RS's own where it has one, else the HTTP error code. */
function r4Coding(error: ErsError): { system: string; code: string } {
  if (error.status === 401) return { system: APIM_SYSTEM, code: 'ACCESS_DENIED' };
  if (error.status === 429) return { system: APIM_SYSTEM, code: 'TOO_MANY_REQUESTS' };
  if (['PENDING', 'THREATS_FOUND', 'VALIDATION_FAILED', 'NO_RELATIONSHIP'].includes(error.code))
    return { system: ERS_SYSTEM, code: error.code };
  if (error.code === 'NO_ACCESS') return { system: APIM_SYSTEM, code: 'ACCESS_DENIED' };
  const byStatus: Record<number, string> = {
    400: 'REC_BAD_REQUEST',
    403: 'REC_FORBIDDEN',
    404: 'REC_NOT_FOUND',
    406: 'REC_NOT_ACCEPTABLE',
    415: 'REC_UNSUPPORTED_MEDIA_TYPE',
    500: 'REC_SERVER_ERROR',
    503: 'REC_UNAVAILABLE',
  };
  return { system: HTTP_SYSTEM, code: byStatus[error.status] ?? (error.status >= 500 ? 'REC_SERVER_ERROR' : 'REC_BAD_REQUEST') };
}

export function operationOutcome(flavour: FhirFlavour, error: ErsError, now: Date): Record<string, unknown> {
  if (flavour === 'R4') {
    return {
      resourceType: 'OperationOutcome',
      id: randomUUID(),
      meta: { lastUpdated: now.toISOString() },
      issue: [{ severity: 'error', code: error.issueType, details: { coding: [r4Coding(error)] }, diagnostics: error.diagnostics }],
    };
  }
  return {
    meta: { profile: [STU3_PROFILE] },
    resourceType: 'OperationOutcome',
    issue: [
      {
        severity: 'error',
        code: error.issueType,
        details: { coding: [{ system: STU3_SYSTEM, code: error.code, display: display(error.code) }] },
        diagnostics: error.diagnostics,
      },
    ],
  };
}

// Shorthands for the answers every operation can give.
export const badRequest = (code: string, diagnostics: string) => new ErsError(400, code, diagnostics);
export const unprocessable = (code: string, diagnostics: string) => new ErsError(422, code, diagnostics);
export const forbidden = (code: string, diagnostics: string) => new ErsError(403, code, diagnostics);
export const notFound = (code: string, diagnostics: string) => new ErsError(404, code, diagnostics);
