/**
 * A007 (clinical information summary of a referral) and A043 (overview of an A&G request):
 * PDFs e-RS generates on request, named `<UBRN>_<kind>_<timestamp>.pdf`.
 */
import { findService, organisationName, personName } from '../../seed/catalogue';
import { patientFacts } from '../../seed/document-facts';
import { type AdviceRequest } from '../../seed/model';
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
  if (!accepts(context.request, 'application/pdf'))
    throw new ErsError(406, 'NOT_ACCEPTABLE', 'This operation answers with a PDF: accept application/pdf and retry.');
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
    // Printed now, about this referral as it stands: its patient, priority and date.
    context: {
      ubrn: referral.ubrn,
      nhsNumber: referral.patientNhsNumber,
      specialty: specialtyDisplay(referral.specialty),
      referrer: personName(referral.referrer.uid) ?? referral.referrer.uid,
      organisation: organisationName(referral.referrer.ods),
      ...(patient ? patientFacts(patient) : {}),
      priority: referral.priority,
      referralDate: referral.pathwayStart ?? referral.created,
      date: context.now().toISOString(),
    },
  };
  const bytes = await context.files.renderSummary(spec);
  return pdf(bytes, `${referral.ubrn}_Clinical_Information_Summary_${stamp(context.now())}.pdf`);
}

function statusText(status: string): string {
  const words = status.toLowerCase().replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** What an A&G overview says: this request's patient, priority, status and its own conversation. */
export function adviceOverviewSpec(context: OperationContext, advice: AdviceRequest, title: string): DocumentSpec {
  const patient = context.store.patient(advice.patientNhsNumber);
  const service = findService(advice.serviceId);
  const messages = advice.messages.map((m) => ({
    author:
      m.category === 'REQUESTER' || m.category === 'RESPONDER'
        ? (personName(m.sender.uid) ?? `SDS user ${m.sender.uid}`)
        : 'e-Referral Service',
    role: m.category === 'REQUESTER' ? ('requester' as const) : m.category === 'RESPONDER' ? ('provider' as const) : ('note' as const),
    sent: m.sent,
    text: m.text,
  }));
  return {
    kind: 'pdf-advice-overview',
    seed: seedOf(advice.ubrn, advice.version),
    title,
    pages: Math.max(1, Math.ceil(advice.messages.length / 3)),
    context: {
      ubrn: advice.ubrn,
      nhsNumber: advice.patientNhsNumber,
      specialty: specialtyDisplay(advice.specialty),
      referrer: personName(advice.requester.uid) ?? advice.requester.uid,
      organisation: service ? organisationName(service.ods) : organisationName(advice.requester.ods),
      ...(patient ? patientFacts(patient) : {}),
      priority: advice.priority,
      referralDate: advice.firstRequested,
      date: context.now().toISOString(),
      status: statusText(advice.status),
      messages,
    },
  };
}

export async function adviceOverview(context: OperationContext): Promise<Reply> {
  requirePdfAccepted(context);
  const advice = requireAdvice(context, context.params.ubrn ?? '');
  const bytes = await context.files.renderSummary(adviceOverviewSpec(context, advice, 'Advice and Guidance'));
  return pdf(bytes, `${advice.ubrn}_Advice_And_Guidance_${stamp(context.now())}.pdf`);
}
