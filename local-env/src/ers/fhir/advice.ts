/**
 * A&G as e-RS serves it (FHIR STU3): the request (eRS-CommunicationRequest-1), each message
 * of the conversation (eRS-Communication-1) with the role that sent it, and the
 * conversation as a searchset Bundle with the roles and files it mentions included.
 */
import { randomUUID } from 'node:crypto';
import { type AdviceMessage, type AdviceRequest, type Attachment, type RoleRef } from '../../seed/model';
import { specialtyDisplay } from '../../seed/reference-data';
import { documentReference, priorityExtension, searchCriteriaResource, shortlistResource, type FhirContext } from './referral-request';
import { CODE, codeable, coding, EXT, ID, identifier, PROFILE, type Json } from './vocabulary';

/** e-RS names a role `<user>.<ODS>.<BUSINESS-FUNCTION>`, or `<user>.<ODS>` for system-recorded entries. */
export function roleId(role: RoleRef): string {
  return role.businessFunction ? `${role.uid}.${role.ods}.${role.businessFunction.replace(/_/g, '-')}` : `${role.uid}.${role.ods}`;
}

export function practitionerRoleResource(role: RoleRef, id: string): Json {
  const resource: Json = {
    id,
    meta: { profile: [PROFILE.careConnectPractitionerRole] },
    resourceType: 'PractitionerRole',
    practitioner: { identifier: identifier(ID.sdsUser, role.uid) },
    organization: { identifier: identifier(ID.ods, role.ods) },
  };
  if (role.businessFunction) resource.code = [codeable(CODE.businessFunction, role.businessFunction)];
  return resource;
}

export function communicationRequestResource(ctx: FhirContext, advice: AdviceRequest): Json {
  const requesterRoleId = `PractitionerRole.${roleId(advice.requester)}`;
  const roleReference = { extension: [{ url: EXT.practitionerRoleReference, valueReference: { reference: `#${requesterRoleId}` } }] };
  const contained: Json[] = [
    searchCriteriaResource(ctx, advice),
    practitionerRoleResource(advice.requester, requesterRoleId),
    shortlistResource(advice.shortlist),
    ...advice.attachments.map((a) => documentReference(ctx, a, true)),
  ];
  const resource: Json = {
    id: advice.ubrn,
    meta: { versionId: String(advice.version), profile: [PROFILE.communicationRequest] },
    resourceType: 'CommunicationRequest',
    extension: [
      priorityExtension(advice.priority),
      {
        url: EXT.conversionAuthorisation,
        valueCoding: advice.conversionAuthorised
          ? coding(
              CODE.conversionAuthorisation,
              'AUTHORISED_TO_CONVERT',
              'Referrer has allowed the Service Provider to convert the Advice and Guidance to a Referral',
            )
          : coding(
              CODE.conversionAuthorisation,
              'NOT_AUTHORISED_TO_CONVERT',
              'Referrer has NOT allowed the Service Provider to convert the Advice and Guidance to a Referral',
            ),
      },
      { url: EXT.shortlist, valueReference: { reference: '#shortlist' } },
      {
        url: EXT.specialty,
        valueCoding: coding(`${ctx.fhirBase}/STU3/CodeSystem/SPECIALTY`, advice.specialty, specialtyDisplay(advice.specialty)),
      },
    ],
    contained,
    status: ['CONVERSATION_ENDED_CANCELLED', 'CONVERSATION_ENDED_CLOSED', 'ADVICE_CONVERTED'].includes(advice.status)
      ? 'completed'
      : 'active',
    category: [codeable(CODE.adviceStatus, advice.status)],
    subject: { identifier: identifier(ID.nhsNumber, advice.patientNhsNumber) },
    recipient: [
      { extension: [{ url: EXT.healthcareServiceReference, valueReference: { identifier: identifier(ID.service, advice.serviceId) } }] },
    ],
    sender: roleReference,
    requester: { agent: roleReference },
  };
  if (advice.attachments.length > 0)
    resource.payload = advice.attachments.map((a) => ({ contentReference: { reference: `#DocumentReference-${a.id}` } }));
  resource.identifier = [identifier(ID.request, advice.requestId)];
  return resource;
}

/**
 * One message. In a conversation Bundle it points at included resources; inside an A026
 * answer (`contained`) it carries its role and files itself.
 */
export function communicationResource(
  ctx: FhirContext,
  advice: AdviceRequest,
  message: AdviceMessage,
  basedOnVersion: number,
  contained: boolean,
): Json {
  const role = roleId(message.sender);
  const roleRef = contained ? `#PractitionerRole.${role}` : `PractitionerRole/${role}`;
  const resource: Json = {
    id: message.id,
    meta: { versionId: '0', profile: [PROFILE.communication] },
    resourceType: 'Communication',
    extension: [{ url: EXT.communicationRequester, valueReference: { reference: roleRef } }],
  };
  if (contained) {
    resource.contained = [
      practitionerRoleResource(message.sender, `PractitionerRole.${role}`),
      ...message.attachments.map((a) => documentReference(ctx, a, true)),
    ];
  }
  resource.basedOn = [{ reference: `CommunicationRequest/${advice.ubrn}/_history/${basedOnVersion}` }];
  resource.status = 'completed';
  resource.category = [codeable(CODE.communicationSentBy, message.category)];
  resource.recipient =
    message.category === 'RESPONDER'
      ? [{ identifier: identifier(ID.ods, advice.requester.ods) }]
      : [
          {
            extension: [{ url: EXT.healthcareServiceReference, valueReference: { identifier: identifier(ID.service, advice.serviceId) } }],
          },
        ];
  resource.sent = message.sent;
  resource.sender = { extension: [{ url: EXT.practitionerRoleReference, valueReference: { reference: roleRef } }] };
  if (message.attachments.length > 0) {
    resource.payload = message.attachments.map((a: Attachment) => ({
      contentReference: { reference: contained ? `#DocumentReference-${a.id}` : `DocumentReference/${a.id}` },
    }));
  }
  resource.note = [{ text: message.text }];
  return resource;
}

export type ConversationInclude = 'requester' | 'sender' | 'documents';

export function conversationBundle(
  ctx: FhirContext,
  advice: AdviceRequest,
  version: number,
  include: ReadonlySet<ConversationInclude>,
  selfUrl: string,
  now: Date,
): Json {
  const entries: Json[] = advice.messages.map((m) => ({
    fullUrl: `${ctx.fhirBase}/STU3/Communication/${m.id}`,
    resource: communicationResource(ctx, advice, m, version, false),
    search: { mode: 'match' },
  }));
  if (include.has('requester') || include.has('sender')) {
    const roles = new Map<string, RoleRef>();
    for (const m of advice.messages) roles.set(roleId(m.sender), m.sender);
    for (const [id, role] of roles) {
      entries.push({
        fullUrl: `${ctx.fhirBase}/STU3/PractitionerRole/${id}`,
        resource: practitionerRoleResource(role, id),
        search: { mode: 'include' },
      });
    }
  }
  if (include.has('documents')) {
    for (const m of advice.messages) {
      for (const a of m.attachments) {
        entries.push({
          fullUrl: `${ctx.fhirBase}/STU3/DocumentReference/${a.id}`,
          resource: documentReference(ctx, a, false),
          search: { mode: 'include' },
        });
      }
    }
  }
  return {
    id: randomUUID(),
    meta: { lastUpdated: now.toISOString(), profile: [PROFILE.bundle] },
    resourceType: 'Bundle',
    type: 'searchset',
    total: advice.messages.length,
    link: [{ relation: 'self', url: selfUrl }],
    entry: entries,
  };
}
