/**
 * Reading a referral: A005 (current or a given version), A029 (the actions e-RS allows
 * this user on it) and A038 (its appointment), and the three together for the screen.
 */
import { callContext, type ErsContext } from './client-context';
import { ErsError, malformedError } from './ers-error';
import { Appointment } from './fhir-types';
import type { ErsRequest } from './http';
import { mapAvailableActions } from './map-actions';
import { mapAppointment } from './map-appointment';
import { mapReferral } from './map-referral';
import { parseResource } from './parse-fhir';
import * as check from './validate-input';
import type { AppointmentView, ReferralView } from '../../contract';

export interface ReferralInput {
  ubrn: string;
  /** A past version (A005 versioned read); the current one when absent. */
  version?: string;
}

export interface VersionedReferralInput {
  ubrn: string;
  version: string;
}

export function referralRequest(input: ReferralInput): ErsRequest {
  const ubrn = check.ubrn('A005', input.ubrn);
  const history = input.version === undefined ? '' : `/_history/${check.version('A005', input.version)}`;
  return { operation: 'A005', method: 'GET', path: `/FHIR/STU3/ReferralRequest/${ubrn}${history}` };
}

export function availableActionsRequest(input: VersionedReferralInput): ErsRequest {
  const ubrn = check.ubrn('A029', input.ubrn);
  const version = check.version('A029', input.version);
  return {
    operation: 'A029',
    method: 'GET',
    path: '/FHIR/STU3/Task',
    query: [
      ['focus', `ReferralRequest/${ubrn}/_history/${version}`],
      ['intent', 'proposal'],
      ['status', 'ready'],
    ],
  };
}

export interface AppointmentInput {
  appointmentId: string;
  version?: string;
}

export function appointmentRequest(input: AppointmentInput): ErsRequest {
  const id = check.token('A038', input.appointmentId, 'appointmentId', 'appointment reference');
  const history = input.version === undefined ? '' : `/_history/${check.version('A038', input.version)}`;
  return { operation: 'A038', method: 'GET', path: `/FHIR/STU3/Appointment/${id}${history}` };
}

export async function getReferral(ctx: ErsContext, input: ReferralInput, signal?: AbortSignal): Promise<ReferralView> {
  const result = await ctx.transport.json({ ...referralRequest(input), signal });
  const view = mapReferral(
    result.body,
    { now: ctx.now(), expectedUbrn: input.ubrn, specialtyName: ctx.specialtyName },
    callContext('A005', result.correlationId),
  );
  if (input.version !== undefined && view.version !== input.version) {
    // Asked for one version, given another: treat as unreadable rather than mislabel it.
    throw malformedError(callContext('A005', result.correlationId), 'the referral is not the version asked for');
  }
  return view;
}

export async function getAvailableActions(ctx: ErsContext, input: VersionedReferralInput, signal?: AbortSignal): Promise<string[]> {
  const result = await ctx.transport.json({ ...availableActionsRequest(input), signal });
  return mapAvailableActions(result.body, input.ubrn, callContext('A029', result.correlationId));
}

export async function getAppointment(ctx: ErsContext, input: AppointmentInput, signal?: AbortSignal): Promise<AppointmentView> {
  const result = await ctx.transport.json({ ...appointmentRequest(input), signal });
  const appointment = parseResource(Appointment, 'Appointment', result.body, callContext('A038', result.correlationId));
  return mapAppointment(appointment, appointment.id ?? input.appointmentId);
}

/** The referral screen's data: the current referral and what this user may do with it. */
export async function openReferral(ctx: ErsContext, input: { ubrn: string }, signal?: AbortSignal): Promise<ReferralView> {
  const referral = await getReferral(ctx, { ubrn: input.ubrn }, signal);
  try {
    const allowedActions = await getAvailableActions(ctx, { ubrn: referral.ubrn, version: referral.version }, signal);
    return { ...referral, allowedActions };
  } catch (error) {
    // A029 refusing to list the actions (e-RS has none for this version, or the NHS sandbox
    // has no example for it) must not hide the referral: null means "not known", and the
    // screen decides from the referral's state. Anything else (network, session) still fails.
    if (error instanceof ErsError && (error.status === 400 || error.status === 404)) return { ...referral, allowedActions: null };
    throw error;
  }
}
