/**
 * A040: the clinicians a SERVICE_PROVIDER_CLINICIAN_ADMIN may work on behalf of at the
 * organisation in NHSD-End-User-Organisation-ODS, as an R4 Practitioner bundle shaped like
 * e-RS's example (retrieveOboUsers/PractitionerBundle.json). The example carries no names;
 * the UKCore-Practitioner profile allows them, and the emulator gives the synthetic
 * clinicians' names so the app's use of a name, where e-RS gives one, can be seen.
 */
import { randomUUID } from 'node:crypto';
import { findUser } from '../../users';
import { ID, type Json } from '../fhir/vocabulary';
import { jsonReply, type Reply } from '../http-io';
import { type OperationContext } from '../operation-context';
import { badRequest } from '../outcome';

export async function retrieveOnBehalfOfPractitioners(context: OperationContext): Promise<Reply> {
  const query = context.url.searchParams.get('_query');
  if (query !== 'onBehalfOf')
    throw badRequest('REC_BAD_REQUEST', 'The query parameter _query is missing or has an invalid value: send _query=onBehalfOf.');
  const now = context.now().toISOString();
  const entry: Json[] = (context.caller.role?.actsFor ?? []).map((uid) => {
    const person = findUser(uid);
    const resource: Json = {
      id: uid,
      resourceType: 'Practitioner',
      meta: { lastUpdated: now },
      identifier: { system: ID.r4SdsUser, value: uid },
    };
    if (person) resource.name = [{ family: person.familyName, given: [person.givenName], prefix: [person.title] }];
    return { fullUrl: `Practitioner/${uid}`, resource, search: { mode: 'match' } };
  });
  return jsonReply(200, {
    id: randomUUID(),
    resourceType: 'Bundle',
    meta: { lastUpdated: now },
    type: 'searchset',
    total: entry.length,
    timestamp: now,
    link: [{ relation: 'self', url: `${context.fhirBase}/R4/Practitioner?_query=onBehalfOf` }],
    entry,
  });
}
