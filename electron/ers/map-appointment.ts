/** An e-RS Appointment (contained in A005, or from A038) to the appointment view. */
import { identifierIn } from './fhir-access';
import { ID } from './fhir-names';
import type { Appointment } from './fhir-types';
import type { AppointmentView, ServiceRef } from '../../contract';

export function mapAppointment(appointment: Appointment, idFallback: string | null): AppointmentView {
  let service: ServiceRef | null = null;
  let clinicianUserId: string | null = null;
  for (const participant of appointment.participant ?? []) {
    const actor = participant.actor;
    const serviceId = identifierIn(actor?.identifier, ID.service);
    if (serviceId !== null && service === null) service = { id: serviceId, name: actor?.display ?? serviceId };
    const userId = identifierIn(actor?.identifier, ID.sdsUser);
    if (userId !== null && clinicianUserId === null) clinicianUserId = userId;
  }
  return {
    // A contained appointment's id is a local name ("appointment"), not its e-RS id.
    id: idFallback ?? appointment.id ?? null,
    status: appointment.status,
    start: appointment.start ?? null,
    end: appointment.end ?? null,
    service,
    clinicianUserId,
    // e-RS's examples (BookedDBS, BookedIBS) tell the two apart by the slot alone.
    indirectlyBookable: appointment.status === 'booked' && (appointment.slot ?? []).length === 0,
  };
}
