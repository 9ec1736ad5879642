/**
 * What a failed PDS read means for the banner: which problem it is and one sentence saying
 * what happened and what to do. The transport's errors speak of e-RS; these speak of PDS,
 * and never hold the NHS number (the banner shows it beside the sentence).
 */
import { AppError } from '../app-error';
import { ErsError } from '../ers/ers-error';
import type { PatientProblem } from '../../contract';

export interface LookupProblem {
  problem: PatientProblem;
  message: string;
  correlationId: string | null;
}

const CHECK_LETTER = "check the patient's name and date of birth against the referral letter before acting";

export const CHECK_DIGIT_PROBLEM: LookupProblem = {
  problem: 'check-digit',
  message:
    'This NHS number fails its check digit, so it may have been mistyped and was not looked up in PDS: check it with the referrer before acting.',
  correlationId: null,
};

export const NOT_CONFIGURED_PROBLEM: LookupProblem = {
  problem: 'not-configured',
  message: `Patient details are not checked with PDS in this environment, so ${CHECK_LETTER}.`,
  correlationId: null,
};

export function offlineProblem(): LookupProblem {
  return {
    problem: 'unavailable',
    message: `The app is offline and has no copy of this patient's details from PDS, so ${CHECK_LETTER}.`,
    correlationId: null,
  };
}

export function cancelledProblem(): LookupProblem {
  return {
    problem: 'unavailable',
    message: `The check of the patient's details with PDS was stopped before it finished, so ${CHECK_LETTER}.`,
    correlationId: null,
  };
}

/** The problem a failed read stands for. Anything unexpected is "unavailable", never "found". */
export function lookupProblem(error: unknown): LookupProblem {
  const correlationId = error instanceof AppError ? (error.correlationId ?? null) : null;
  const unavailable = (why: string, extra = ''): LookupProblem => ({
    problem: 'unavailable',
    message: `The patient's details could not be checked because ${why}, so ${CHECK_LETTER}${extra}.`,
    correlationId,
  });
  if (!(error instanceof ErsError)) return unavailable('of a problem in the app', '; if it keeps happening, tell your IT service desk');
  // PDS refused the role profile id sent as NHSD-Session-URID (missing, or not the signed-in user's).
  if (error.status === 400 && /NHSD-Session-URID/i.test(error.diagnostics ?? '')) {
    return unavailable(
      'PDS did not accept your NHS Care Identity role for this session',
      '; sign out and in again, and if it keeps happening tell your IT service desk and quote the reference',
    );
  }
  if (error.status === 404) {
    return {
      problem: 'not-found',
      message:
        error.ersCode === 'INVALIDATED_RESOURCE'
          ? "PDS says the record for this NHS number has been invalidated, so the patient's details could not be checked: confirm the NHS number with the referrer before acting."
          : "PDS has no record of this NHS number, so the patient's details could not be checked: confirm the NHS number with the referrer before acting.",
      correlationId,
    };
  }
  if (error.status === 400 && (error.ersCode === 'INVALID_RESOURCE_ID' || error.ersCode === null)) {
    return {
      problem: 'invalid',
      message:
        "PDS says this NHS number is not valid, so the patient's details could not be checked: confirm the NHS number with the referrer before acting.",
      correlationId,
    };
  }
  switch (error.code) {
    case 'ERS_NETWORK':
      return unavailable('PDS could not be reached');
    case 'ERS_TIMEOUT':
      return unavailable('PDS took too long to answer');
    case 'ERS_MALFORMED':
    case 'ERS_TOO_LARGE':
      return unavailable('PDS sent an answer the app could not read safely', '; tell your IT service desk and quote the reference');
    case 'ERS_401':
      return unavailable('your sign-in has ended', '; sign in again to check them');
    case 'ERS_CANCELLED':
      return unavailable('the check was cancelled');
    default:
      break;
  }
  if (error.status === 403)
    return unavailable('PDS refused access for your role', "; ask your IT service desk to check the app's access to PDS");
  if (error.status === 429) return unavailable('PDS is receiving too many requests just now', '; reopen the item in a minute to try again');
  if (error.status !== null && error.status >= 500) return unavailable('PDS is not available right now');
  return unavailable(
    `PDS answered with an unexpected status (${error.status ?? 'none'})`,
    '; if it keeps happening, tell your IT service desk and quote the reference',
  );
}
