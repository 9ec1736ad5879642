/**
 * Finding the record a request names and checking the caller has a legitimate relationship
 * with it, as e-RS does: providers see what was sent to their organisation's services,
 * referrers what their organisation sent. Also turns uploaded files into attachments.
 */
import { findService } from '../seed/catalogue';
import { type AdviceRequest, type Attachment, type AttachmentType, type BinaryRecord, type Referral } from '../seed/model';
import { isProviderRole, type Caller } from './access';
import { type AttachmentRequest } from './fhir-parameters';
import { type OperationContext } from './operation-context';
import { badRequest, notFound, unprocessable } from './outcome';
import { type ErsStore } from './store';

export function checkUbrn(ubrn: string): void {
  if (!/^\d{12}$/.test(ubrn)) throw badRequest('INVALID_VALUE', `${ubrn} is not a UBRN: a UBRN is 12 digits.`);
}

function serviceOds(serviceId: string | null): string | undefined {
  return serviceId === null ? undefined : findService(serviceId)?.ods;
}

export function referralVisibleTo(referral: Referral, caller: Caller): boolean {
  if (!caller.ods) return false;
  if (!isProviderRole(caller)) return referral.referrer.ods === caller.ods;
  if (serviceOds(referral.serviceId) === caller.ods || referral.commissioningRuleOrg === caller.ods) return true;
  return referral.shortlist.some((id) => serviceOds(id) === caller.ods);
}

export function adviceVisibleTo(advice: AdviceRequest, caller: Caller): boolean {
  if (!caller.ods) return false;
  if (!isProviderRole(caller)) return advice.requester.ods === caller.ods;
  return serviceOds(advice.serviceId) === caller.ods;
}

/** The referral a UBRN names, if this caller may see it (404 unknown, 422 NO_RELATIONSHIP). */
export function requireReferral(context: OperationContext, ubrn: string): Referral {
  checkUbrn(ubrn);
  const referral = context.store.referral(ubrn);
  if (!referral) {
    if (context.store.adviceRequest(ubrn))
      throw unprocessable(
        'INVALID_REQUEST_TYPE',
        `${ubrn} is an advice and guidance request, not a referral: use the advice and guidance operations.`,
      );
    throw notFound('REFERENCE_NOT_FOUND', `No referral has the UBRN ${ubrn}: check the UBRN.`);
  }
  if (!referralVisibleTo(referral, context.caller))
    throw unprocessable(
      'NO_RELATIONSHIP',
      `Your organisation has no relationship with referral ${ubrn}: switch to the organisation it was sent to.`,
    );
  return referral;
}

export function requireAdvice(context: OperationContext, ubrn: string): AdviceRequest {
  checkUbrn(ubrn);
  const advice = context.store.adviceRequest(ubrn);
  if (!advice) {
    if (context.store.referral(ubrn))
      throw unprocessable(
        'INVALID_REQUEST_TYPE',
        `${ubrn} is a referral, not an advice and guidance request: use the referral operations.`,
      );
    throw notFound('REFERENCE_NOT_FOUND', `No advice and guidance request has the UBRN ${ubrn}: check the UBRN.`);
  }
  if (!adviceVisibleTo(advice, context.caller))
    throw unprocessable(
      'NO_RELATIONSHIP',
      `Your organisation has no relationship with advice and guidance request ${ubrn}: switch to the organisation it was sent to.`,
    );
  return advice;
}

/** Is the binary on something the caller may see (or an unattached upload from their organisation)? */
export function binaryVisibleTo(store: ErsStore, binary: BinaryRecord, caller: Caller): boolean {
  for (const referral of store.referrals.values()) {
    if (referral.attachments.some((a) => a.binaryId === binary.id)) return referralVisibleTo(referral, caller);
  }
  for (const advice of store.advice.values()) {
    const inRequest = advice.attachments.some((a) => a.binaryId === binary.id);
    const inMessages = advice.messages.some((m) => m.attachments.some((a) => a.binaryId === binary.id));
    if (inRequest || inMessages) return adviceVisibleTo(advice, caller);
  }
  return binary.uploadedBy?.ods === caller.ods;
}

/**
 * Attaches uploaded files to `ubrn`. e-RS only lets a file be attached where it was uploaded
 * for that request (NHSD-eRS-Referral-ID) and only once.
 */
export function attachUploads(
  context: OperationContext,
  ubrn: string,
  requests: readonly AttachmentRequest[],
  type: AttachmentType,
): Attachment[] {
  const seen = new Set<string>();
  const now = context.now().toISOString();
  const checked = requests.map((request) => {
    const binary = context.store.binary(request.binaryId);
    if (!binary) throw unprocessable('REFERENCE_NOT_FOUND', `No uploaded file has the id ${request.binaryId}: upload it first (A020).`);
    if (binary.referralId !== ubrn) {
      throw unprocessable(
        'INAPPROPRIATE_VALUE',
        `File ${request.binaryId} was not uploaded for ${ubrn}: upload it again with NHSD-eRS-Referral-ID ${ubrn}.`,
      );
    }
    if (binary.attachedAs !== undefined || seen.has(binary.id))
      throw unprocessable('DUPLICATE_FILENAME', `File ${binary.fileName} is already attached: attach each upload once.`);
    seen.add(binary.id);
    return { request, binary };
  });
  return checked.map(({ request, binary }) => {
    const attachment: Attachment = {
      id: context.store.nextId(),
      binaryId: binary.id,
      type,
      title: binary.fileName,
      contentType: binary.contentType,
      indexed: now,
      attachedBy: context.caller.user.uid,
      attachedByOrg: context.caller.ods ?? '',
    };
    if (request.description !== undefined) attachment.description = request.description;
    if (context.caller.onBehalfOf) attachment.attachedOnBehalfOf = context.caller.onBehalfOf;
    context.store.saveBinary({ ...binary, attachedAs: attachment.id });
    return attachment;
  });
}
