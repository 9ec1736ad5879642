/**
 * A007 (clinical information summary of a referral) and A043 (overview of an A&G request):
 * PDFs e-RS generates on request, named `<UBRN>_<kind>_<timestamp>.pdf`.
 */
import { findService, organisationName, personName } from '../../seed/catalogue';
import { specialtyDisplay } from '../../seed/reference-data';
import { type DocumentSpec } from '../../documents/spec';
import { accepts, bytesReply, type Reply } from '../http-io';
import { type OperationContext } from '../operation-context';
import { ErsError } from '../outcome';
import { requireAdvice, requireReferral } from '../records';

function stamp(date: Date): string {
  return date.toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

/** A seed for the renderer that changes whenever the record does. */
function seedOf(ubrn: string, version: number): number {
  let hash = version * 2654435761;
  for (const ch of ubrn) hash = Math.imul(hash ^ ch.charCodeAt(0), 16777619);
  return (hash >>> 0) % 2_147_483_647 || 1;
}

function requirePdfAccepted(context: OperationContext): void {
  if (!accepts(context.request, 'application/pdf')) throw new ErsError(406, 'NOT_ACCEPTABLE', 'This operation answers with a PDF: accept application/pdf and retry.');
}

function pdf(bytes: Uint8Array, fileName: string): Reply {
  return bytesReply(200, bytes, 'application/pdf', { 'Content-Disposition': `attachment; filename="${fileName}"` });
}

export async function clinicalInformation(context: OperationContext): Promise<Reply> {
  requirePdfAccepted(context);
  const referral = requireReferral(context, context.params.ubrn ?? '');
  const patient = context.store.patient(referral.patientNhsNumber);
  const spec: DocumentSpec = {
    kind: 'pdf-clinical-info',
    seed: seedOf(referral.ubrn, referral.version),
    title: 'Clinical Information Summary',
    context: {
      ubrn: referral.ubrn,
      nhsNumber: referral.patientNhsNumber,
      specialty: specialtyDisplay(referral.specialty),
      referrer: personName(referral.referrer.uid) ?? referral.referrer.uid,
      organisation: organisationName(referral.referrer.ods),
      ...(patient ? { patientName: `${patient.givenName} ${patient.familyName}` } : {}),
    },
  };
  const bytes = await context.files.renderSummary(spec);
  return pdf(bytes, `${referral.ubrn}_Clinical_Information_Summary_${stamp(context.now())}.pdf`);
}

export async function adviceOverview(context: OperationContext): Promise<Reply> {
  requirePdfAccepted(context);
  const advice = requireAdvice(context, context.params.ubrn ?? '');
  const patient = context.store.patient(advice.patientNhsNumber);
  const service = findService(advice.serviceId);
  const spec: DocumentSpec = {
    kind: 'pdf-advice-overview',
    seed: seedOf(advice.ubrn, advice.version),
    title: 'Advice and Guidance',
    pages: Math.max(1, Math.ceil(advice.messages.length / 3)),
    context: {
      ubrn: advice.ubrn,
      nhsNumber: advice.patientNhsNumber,
      specialty: specialtyDisplay(advice.specialty),
      referrer: personName(advice.requester.uid) ?? advice.requester.uid,
      organisation: service ? organisationName(service.ods) : organisationName(advice.requester.ods),
      ...(patient ? { patientName: `${patient.givenName} ${patient.familyName}` } : {}),
    },
  };
  const bytes = await context.files.renderSummary(spec);
  return pdf(bytes, `${advice.ubrn}_Advice_And_Guidance_${stamp(context.now())}.pdf`);
}
