/**
 * Advice and guidance: A024 (the request, and its versioned form), A025 (the conversation),
 * A026 (the provider's reply, which joins the conversation and hands the request back to the
 * referrer) and A027 (conversion into a referral with the same UBRN, for the provider's
 * admin team to book, when the referrer has allowed it).
 */
import { randomUUID } from 'node:crypto';
import { findService } from '../../seed/catalogue';
import { type DocumentSpec } from '../../documents/spec';
import { type AdviceMessage, type AdviceRequest, type Attachment, type BinaryRecord, type Priority, type Referral } from '../../seed/model';
import { attachmentRequests, ParametersBody } from '../fhir-parameters';
import { communicationRequestResource, communicationResource, conversationBundle, type ConversationInclude } from '../fhir/advice';
import { etag, referralRequestResource } from '../fhir/referral-request';
import { CODE, PROFILE } from '../fhir/vocabulary';
import { jsonReply, type Reply } from '../http-io';
import { fhirContext, ifMatchVersion, readFhirJson, requireCurrentVersion, type OperationContext } from '../operation-context';
import { badRequest, notFound, unprocessable } from '../outcome';
import { adviceVisibleTo, attachUploads, checkUbrn, requireAdvice } from '../records';
import { adviceOverviewSpec } from './summaries';

const PRIORITIES = ['ROUTINE', 'URGENT', 'TWO_WEEK_WAIT'] as const;

function allBinaryIds(advice: AdviceRequest): string[] {
  return [...advice.attachments, ...advice.messages.flatMap((m) => m.attachments)].map((a) => a.binaryId);
}

function recordAdviceChange(context: OperationContext, advice: AdviceRequest, action: string): void {
  const now = context.now().toISOString();
  advice.version += 1;
  advice.lastUpdated = now;
  const entry: AdviceRequest['history'][number] = {
    version: advice.version,
    at: now,
    action,
    by: context.caller.user.uid,
    organisation: context.caller.ods ?? '',
  };
  if (context.caller.onBehalfOf) entry.onBehalfOf = context.caller.onBehalfOf;
  advice.history.push(entry);
}

export async function retrieveAdvice(context: OperationContext): Promise<Reply> {
  const advice = requireAdvice(context, context.params.ubrn ?? '');
  const raw = context.params.version;
  if (raw !== undefined) {
    if (!/^\d+$/.test(raw)) throw badRequest('INVALID_VALUE', `${raw} is not a version number.`);
    if (Number(raw) !== advice.version) {
      throw notFound(
        'HISTORY_NOT_SUPPORTED',
        `Only the current version (${advice.version}) of advice and guidance request ${advice.ubrn} can be retrieved: read it without a version.`,
      );
    }
  }
  const fhir = await fhirContext(
    context,
    advice.attachments.map((a) => a.binaryId),
  );
  return jsonReply(200, communicationRequestResource(fhir, advice), { ETag: etag(advice.version) });
}

const INCLUDES: Record<string, ConversationInclude> = {
  'Communication:requester-practitionerrole:PractitionerRole': 'requester',
  'Communication:sender-practitionerrole:PractionerRole': 'sender',
  'Communication:sender-practitionerrole:PractitionerRole': 'sender',
  'Communication:content-reference:DocumentReference': 'documents',
};

const DEFAULT_INCLUDES = [
  'Communication:requester-practitionerrole:PractitionerRole',
  'Communication:sender-practitionerrole:PractionerRole',
  'Communication:content-reference:DocumentReference',
];

export async function retrieveConversation(context: OperationContext): Promise<Reply> {
  const basedOn = context.url.searchParams.get('based-on');
  if (!basedOn)
    throw badRequest(
      'MISSING_PARAMETER',
      'The based-on search parameter is missing: send based-on=CommunicationRequest/<UBRN>/_history/<version>.',
    );
  const match = /^CommunicationRequest\/([^/]+)\/_history\/(\d+)$/.exec(basedOn);
  if (!match?.[1] || !match[2])
    throw badRequest('INVALID_VALUE', `based-on must look like CommunicationRequest/<UBRN>/_history/<version>, not ${basedOn}.`);
  const ubrn = match[1];
  checkUbrn(ubrn);
  const advice = context.store.adviceRequest(ubrn);
  if (!advice) {
    if (context.store.referral(ubrn))
      throw badRequest('INVALID_REQUEST_TYPE', `${ubrn} is a referral, not an advice and guidance request.`);
    throw notFound('REFERENCE_NOT_FOUND', `No advice and guidance request has the UBRN ${ubrn}: check the UBRN.`);
  }
  if (!adviceVisibleTo(advice, context.caller))
    throw badRequest('NO_RELATIONSHIP', `Your organisation has no relationship with advice and guidance request ${ubrn}.`);
  const version = Number(match[2]);
  if (version !== advice.version) {
    throw notFound(
      'HISTORY_NOT_SUPPORTED',
      `Only the current version (${advice.version}) of the conversation can be retrieved: read the request again and use its version.`,
    );
  }
  const requested = context.url.searchParams.getAll('_include');
  for (const include of requested) {
    if (!INCLUDES[include]) throw badRequest('INVALID_VALUE', `_include=${include} is not supported: use ${DEFAULT_INCLUDES.join(', ')}.`);
  }
  const applied = requested.length > 0 ? requested : DEFAULT_INCLUDES;
  const include = new Set(applied.map((i) => INCLUDES[i]).filter((i): i is ConversationInclude => i !== undefined));
  const self = `${context.fhirBase}/STU3/Communication?based-on=${basedOn}${applied.map((i) => `&_include=${i}`).join('')}`;
  const fhir = await fhirContext(
    context,
    advice.messages.flatMap((m) => m.attachments.map((a) => a.binaryId)),
  );
  return jsonReply(200, conversationBundle(fhir, advice, version, include, self, context.now()));
}

function providerRole(context: OperationContext): AdviceMessage['sender'] {
  return { uid: context.caller.actingUid, ods: context.caller.ods ?? '', businessFunction: 'SERVICE_PROVIDER_CLINICIAN' };
}

const SEND_PROFILE = 'https://fhir.nhs.uk/STU3/StructureDefinition/eRS-SendCommunicationToRequester-Request-Parameters-1';

export async function sendAdviceResponse(context: OperationContext): Promise<Reply> {
  const sent = ifMatchVersion(context);
  const advice = requireAdvice(context, context.params.ubrn ?? '');
  const body = ParametersBody.parse(await readFhirJson(context), SEND_PROFILE, [
    'guidanceOutcome',
    'guidanceIntendedRecommendation',
    'guidance',
    'updatedPriority',
    'guidanceAttachmentFile',
  ]);
  const outcome = body.code(
    'guidanceOutcome',
    CODE.guidanceOutcome,
    ['RETURN_TO_REFERRER_WITH_ADVICE', 'REQUIRE_FURTHER_INFORMATION', 'PROVIDER_CONVERTED'],
    true,
  );
  if (outcome === 'PROVIDER_CONVERTED')
    throw unprocessable('INAPPROPRIATE_VALUE', 'To convert the request into a referral use the conversion operation (A027), not a reply.');
  const recommendation = body.code(
    'guidanceIntendedRecommendation',
    CODE.guidanceRecommendation,
    ['ADVICE_ONLY_NO_REFERRAL_RECOMMENDED', 'ADVICE_FOLLOWED_BY_REFERRAL_IF_REQUIRED', 'REFERRAL_RECOMMENDED', 'OTHER'],
    false,
  );
  if (outcome === 'RETURN_TO_REFERRER_WITH_ADVICE' && recommendation === undefined) {
    throw unprocessable('VALUE_IS_REQUIRED', 'Returning advice needs an intended recommendation: add guidanceIntendedRecommendation.');
  }
  if (outcome === 'REQUIRE_FURTHER_INFORMATION' && recommendation !== undefined) {
    throw unprocessable(
      'FIELD_NOT_PERMITTED',
      'An intended recommendation is given only when returning advice: remove guidanceIntendedRecommendation.',
    );
  }
  const guidance = body.string('guidance', true, 8000);
  const priority = body.code('updatedPriority', CODE.priority, PRIORITIES, true) as Priority;
  const files = attachmentRequests(body, 'guidanceAttachmentFile', 'GUIDANCE_RESPONSE', CODE.attachmentType);
  if (sent !== null) requireCurrentVersion(sent, advice.version, `Advice and guidance request ${advice.ubrn}`);
  if (advice.status !== 'PROVIDER_RESPONSE_REQUIRED') {
    throw unprocessable(
      'INVALID_REQUEST_STATE',
      `Advice and guidance request ${advice.ubrn} is not waiting for the provider (it is ${advice.status}): reload it to see the conversation.`,
    );
  }
  const attachments = attachUploads(context, advice.ubrn, files, 'GUIDANCE_RESPONSE');
  const message: AdviceMessage = {
    id: context.store.nextId(),
    sent: context.now().toISOString(),
    category: 'RESPONDER',
    sender: providerRole(context),
    text: guidance,
    attachments,
  };
  advice.messages.push(message);
  advice.priority = priority;
  advice.status = outcome === 'RETURN_TO_REFERRER_WITH_ADVICE' ? 'REFERRER_TO_REVIEW_RESPONSE' : 'REFERRER_TO_SUBMIT_FURTHER_INFORMATION';
  recordAdviceChange(context, advice, outcome);
  context.store.saveAdvice(advice);
  await context.store.persist();
  const fhir = await fhirContext(context, allBinaryIds(advice));
  return jsonReply(200, {
    meta: { profile: [PROFILE.sendCommunicationResponse] },
    resourceType: 'Parameters',
    parameter: [
      { name: 'updatedCommunicationRequest', resource: communicationRequestResource(fhir, advice) },
      { name: 'createdCommunication', resource: communicationResource(fhir, advice, message, advice.version, true) },
    ],
  });
}

const CONVERT_PROFILE = 'https://fhir.nhs.uk/STU3/StructureDefinition/eRS-CreateFromCommunicationRequestActionLater-Request-Parameters-1';

/** e-RS files the A&G conversation itself on the new referral, as a generated PDF. */
function conversationFile(context: OperationContext, advice: AdviceRequest): { attachment: Attachment; binary: BinaryRecord } {
  const now = context.now().toISOString();
  // The request's own conversation and status, as its overview (A043) shows them.
  const spec: DocumentSpec = {
    ...adviceOverviewSpec(context, advice, 'Advice and guidance conversation'),
    seed: Number(context.store.nextId()) % 2_147_483_647,
  };
  const fileName = `Advice and guidance conversation - ${advice.ubrn}.pdf`;
  const binaryId = randomUUID();
  const attachment: Attachment = {
    id: context.store.nextId(),
    binaryId,
    type: 'REFERRER',
    title: fileName,
    contentType: 'application/pdf',
    indexed: now,
    attachedBy: context.caller.user.uid,
    attachedByOrg: context.caller.ods ?? '',
  };
  if (context.caller.onBehalfOf) attachment.attachedOnBehalfOf = context.caller.onBehalfOf;
  const binary: BinaryRecord = {
    id: binaryId,
    fileName,
    contentType: 'application/pdf',
    availability: 'AVAILABLE',
    content: { source: 'document', spec },
    uploadedAt: now,
    attachedAs: attachment.id,
  };
  return { attachment, binary };
}

export async function convertAdviceToReferral(context: OperationContext): Promise<Reply> {
  const body = ParametersBody.parse(await readFhirJson(context), CONVERT_PROFILE, [
    'createFrom',
    'guidance',
    'newReferralPriority',
    'reviewComments',
    'guidanceAttachmentFile',
    'reviewAttachmentFile',
  ]);
  const createFrom = body.reference('createFrom', true);
  const match = /^CommunicationRequest\/([^/]+)\/_history\/(\d+)$/.exec(createFrom);
  if (!match?.[1] || !match[2])
    throw unprocessable('INVALID_VALUE', `createFrom must look like CommunicationRequest/<UBRN>/_history/<version>, not ${createFrom}.`);
  const guidance = body.string('guidance', true, 8000);
  const priority = body.code('newReferralPriority', CODE.priority, PRIORITIES, true) as Priority;
  const reviewComments = body.string('reviewComments', true);
  const guidanceFiles = attachmentRequests(body, 'guidanceAttachmentFile', 'GUIDANCE_RESPONSE', CODE.attachmentType);
  const reviewFiles = attachmentRequests(body, 'reviewAttachmentFile', 'PROVIDER', CODE.attachmentType);
  const advice = requireAdvice(context, match[1]);
  requireCurrentVersion(Number(match[2]), advice.version, `Advice and guidance request ${advice.ubrn}`);
  if (!advice.conversionAuthorised) {
    throw unprocessable(
      'INVALID_REQUEST_STATE',
      `The referrer has not allowed ${advice.ubrn} to be converted into a referral: reply with advice instead.`,
    );
  }
  if (
    !['PROVIDER_RESPONSE_REQUIRED', 'REFERRER_TO_SUBMIT_FURTHER_INFORMATION', 'REFERRER_TO_REVIEW_RESPONSE'].includes(advice.status) ||
    context.store.referral(advice.ubrn)
  ) {
    throw unprocessable(
      'INVALID_REQUEST_STATE',
      `Advice and guidance request ${advice.ubrn} is closed or already converted: reload it to see its state.`,
    );
  }
  const guidanceAttachments = attachUploads(context, advice.ubrn, guidanceFiles, 'GUIDANCE_RESPONSE');
  const reviewAttachments = attachUploads(context, advice.ubrn, reviewFiles, 'PROVIDER');
  const now = context.now().toISOString();
  const conversation = conversationFile(context, advice);
  context.store.saveBinary(conversation.binary);

  // The A&G request is answered and closed: the guidance joins the conversation.
  advice.messages.push({
    id: context.store.nextId(),
    sent: now,
    category: 'RESPONDER',
    sender: providerRole(context),
    text: guidance,
    attachments: guidanceAttachments,
  });
  advice.status = 'ADVICE_CONVERTED';
  recordAdviceChange(context, advice, 'CONVERTED_TO_REFERRAL');
  context.store.saveAdvice(advice);

  const reason = { system: 'REVIEW_OUTCOME' as const, code: 'PROVIDER_CONVERTED_ADVICE_AND_GUIDANCE_ADMIN_TO_REFER' };
  const carried = [...advice.attachments, ...advice.messages.flatMap((m) => m.attachments.filter((a) => !guidanceAttachments.includes(a)))];
  const referral: Referral = {
    ubrn: advice.ubrn,
    version: advice.version,
    requestId: `r.${randomUUID()}`,
    patientNhsNumber: advice.patientNhsNumber,
    referrer: advice.requester,
    created: now,
    lastUpdated: now,
    priority,
    specialty: advice.specialty,
    clinicType: advice.clinicType,
    searchCriteria: { ...advice.searchCriteria },
    shortlist: [...advice.shortlist],
    serviceId: advice.serviceId,
    commissioningRuleOrg: findService(advice.serviceId)?.ods ?? context.caller.ods ?? '',
    clinicalInfoFirstSubmitted: advice.firstRequested,
    status: { code: 'TRIAGED_PROVIDER_TO_ACTION', reason, comments: reviewComments },
    appointment: {
      id: context.store.nextId(),
      version: 1,
      kind: 'TRIAGE',
      status: 'proposed',
      serviceId: advice.serviceId,
      created: now,
      reason,
      comment: reviewComments,
    },
    review: { outcome: 'PROVIDER_CONVERTED_ADVICE_AND_GUIDANCE_ADMIN_TO_REFER', at: now, by: context.caller.actingUid },
    attachments: [...reviewAttachments, ...carried, ...guidanceAttachments, conversation.attachment],
    relatedUbrns: [],
    convertedFromAdvice: advice.ubrn,
    additionalRequirements: [],
    requestContextStatus: 'NEVER_REVIEWED',
    clinicalInfoPrinted: false,
    history: [
      {
        version: advice.version,
        at: now,
        action: 'CREATED_FROM_ADVICE',
        by: context.caller.user.uid,
        organisation: context.caller.ods ?? '',
      },
    ],
  };
  if (advice.allocatedClinician) referral.allocatedClinician = advice.allocatedClinician;
  if (guidanceAttachments.length > 0 || reviewAttachments.length > 0) referral.clinicalInfoLastUpdated = now;
  context.store.saveReferral(referral);
  await context.store.persist();
  const fhir = await fhirContext(
    context,
    referral.attachments.map((a) => a.binaryId),
  );
  return jsonReply(201, referralRequestResource(fhir, referral), { ETag: etag(referral.version) });
}
