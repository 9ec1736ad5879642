/**
 * A030: the e-RS roles (business functions) the signed-in user holds at each organisation,
 * as an R4 PractitionerRole bundle, taken from the synthetic users of the local environment.
 */
import { randomUUID } from 'node:crypto';
import { CODE, ID, type Json } from '../fhir/vocabulary';
import { jsonReply, type Reply } from '../http-io';
import { type OperationContext } from '../operation-context';

export async function retrieveBusinessFunctions(context: OperationContext): Promise<Reply> {
  const now = context.now().toISOString();
  const user = context.caller.user;
  const entry: Json[] = user.roles.map((role) => ({
    fullUrl: `${context.fhirBase}/R4/PractitionerRole/${role.id}`,
    resource: {
      id: role.id,
      meta: { lastUpdated: now },
      resourceType: 'PractitionerRole',
      practitioner: { identifier: { system: ID.r4SdsUser, value: user.uid } },
      organization: { identifier: { system: ID.ods, value: role.organisation.ods } },
      code: role.businessFunctions.map((f) => ({ coding: [{ system: CODE.r4BusinessFunction, code: f }] })),
    },
    search: { mode: 'match' },
  }));
  return jsonReply(200, {
    id: randomUUID(),
    meta: { lastUpdated: now },
    resourceType: 'Bundle',
    type: 'searchset',
    total: entry.length,
    timestamp: now,
    link: [{ relation: 'self', url: `${context.fhirBase}/R4/PractitionerRole` }],
    entry,
  });
}
