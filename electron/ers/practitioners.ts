/**
 * A040: the clinicians a SERVICE_PROVIDER_CLINICIAN_ADMIN may work on behalf of, at one
 * organisation. Asked while the role is being chosen, so the role headers are the ones of
 * the role on offer (the clinician admin function at that organisation) and carry no
 * on-behalf-of user: finding that user is what this is for.
 */
import * as v from 'valibot';
import { callContext, type ErsContext } from './client-context';
import type { ErsErrorContext } from './ers-error';
import { identifierIn } from './fhir-access';
import { ID } from './fhir-names';
import { Bundle, HumanName, Identifier } from './fhir-types';
import { personName } from './format';
import type { ErsRequest } from './http';
import { parseResource, parseShape } from './parse-fhir';

export interface OnBehalfOfPractitioner {
  /** The SDS user id, sent as NHSD-eRS-On-Behalf-Of-User-ID. */
  userId: string;
  /** As e-RS names them; null when it gives no name (the NHS example gives none). */
  name: string | null;
}

export function onBehalfOfRequest(organisationOds: string): ErsRequest {
  return {
    operation: 'A040',
    method: 'GET',
    path: '/FHIR/R4/Practitioner',
    query: [['_query', 'onBehalfOf']],
    role: { businessFunction: 'SERVICE_PROVIDER_CLINICIAN_ADMIN', organisationOds },
  };
}

// e-RS's example writes the identifier as one object where R4 has a list: read both.
const PractitionerEntry = v.looseObject({
  resourceType: v.literal('Practitioner'),
  id: v.optional(v.string()),
  identifier: v.optional(v.union([Identifier, v.array(Identifier)])),
  name: v.optional(v.array(HumanName)),
});

export function mapOnBehalfOfPractitioners(body: unknown, context: ErsErrorContext): OnBehalfOfPractitioner[] {
  const bundle = parseResource(Bundle, 'Bundle', body, context);
  const seen = new Set<string>();
  return (bundle.entry ?? []).flatMap((entry) => {
    if (entry.resource.resourceType !== 'Practitioner') return [];
    const practitioner = parseShape(PractitionerEntry, entry.resource, context, 'a practitioner');
    const userId = identifierIn(practitioner.identifier, ID.sdsUser) ?? practitioner.id ?? null;
    // Only a 12-digit SDS user id can be sent in the on-behalf-of header.
    if (userId === null || !/^\d{12}$/.test(userId) || seen.has(userId)) return [];
    seen.add(userId);
    return [{ userId, name: personName(practitioner.name) }];
  });
}

export async function getOnBehalfOfPractitioners(
  ctx: ErsContext,
  organisationOds: string,
  signal?: AbortSignal,
): Promise<OnBehalfOfPractitioner[]> {
  const result = await ctx.transport.json({ ...onBehalfOfRequest(organisationOds), signal });
  return mapOnBehalfOfPractitioners(result.body, callContext('A040', result.correlationId));
}
