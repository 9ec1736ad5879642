/**
 * A005 (referral, and its versioned form) and A038 (appointment, and its versioned form).
 * e-RS serves only the current version: asking for another gives 404 HISTORY_NOT_SUPPORTED.
 */
import { appointmentResource, etag, referralRequestResource } from '../fhir/referral-request';
import { jsonReply, type Reply } from '../http-io';
import { fhirContext, type OperationContext } from '../operation-context';
import { badRequest, notFound, unprocessable } from '../outcome';
import { referralVisibleTo, requireReferral } from '../records';

function requestedVersion(context: OperationContext): number | null {
  const raw = context.params.version;
  if (raw === undefined) return null;
  if (!/^\d+$/.test(raw)) throw badRequest('INVALID_VALUE', `${raw} is not a version number.`);
  return Number(raw);
}

export async function retrieveReferral(context: OperationContext): Promise<Reply> {
  const referral = requireReferral(context, context.params.ubrn ?? '');
  const version = requestedVersion(context);
  if (version !== null && version !== referral.version) {
    throw notFound(
      'HISTORY_NOT_SUPPORTED',
      `Only the current version (${referral.version}) of referral ${referral.ubrn} can be retrieved: read it without a version.`,
    );
  }
  const fhir = await fhirContext(
    context,
    referral.attachments.map((a) => a.binaryId),
  );
  return jsonReply(200, referralRequestResource(fhir, referral), { ETag: etag(referral.version) });
}

export async function retrieveAppointment(context: OperationContext): Promise<Reply> {
  const id = context.params.id ?? '';
  if (!/^\d+$/.test(id)) throw badRequest('INVALID_VALUE', `${id} is not an appointment id.`);
  const referral = context.store.referralByAppointment(id);
  const appointment = referral?.appointment;
  if (!referral || !appointment || appointment.id !== id)
    throw notFound('REFERENCE_NOT_FOUND', `No appointment has the id ${id}: check the appointment reference on the referral.`);
  if (!referralVisibleTo(referral, context.caller))
    throw unprocessable('NO_RELATIONSHIP', `Your organisation has no relationship with appointment ${id}.`);
  const version = requestedVersion(context);
  if (version !== null && version !== appointment.version) {
    throw notFound(
      'HISTORY_NOT_SUPPORTED',
      `Only the current version (${appointment.version}) of appointment ${id} can be retrieved: read it without a version.`,
    );
  }
  const fhir = await fhirContext(context, []);
  return jsonReply(200, appointmentResource(fhir, appointment, referral, false), { ETag: etag(appointment.version) });
}
