/** A030 (R4) PractitionerRole bundle: where the signed-in user works and in which e-RS roles. */
import { codeOf, identifierIn } from './fhir-access';
import { ID } from './fhir-names';
import { Bundle, PractitionerRole } from './fhir-types';
import type { ErsErrorContext } from './ers-error';
import { parseResource, parseShape } from './parse-fhir';
import type { ErsRoleChoice } from './view-models';

export function mapBusinessFunctions(body: unknown, context: ErsErrorContext): ErsRoleChoice[] {
  const bundle = parseResource(Bundle, 'Bundle', body, context);
  return (bundle.entry ?? []).flatMap((entry) => {
    if (entry.resource.resourceType !== 'PractitionerRole') return [];
    const role = parseShape(PractitionerRole, entry.resource, context, 'a role');
    const organisationOds = identifierIn(role.organization?.identifier, ID.ods);
    // A role without an organisation cannot be sent as NHSD-End-User-Organisation-ODS.
    if (organisationOds === null) return [];
    const businessFunctions = (role.code ?? []).map((concept) => codeOf(concept)).filter((code): code is string => code !== null);
    return [
      {
        id: role.id ?? `${organisationOds}`,
        userId: identifierIn(role.practitioner?.identifier, ID.sdsUser),
        organisationOds,
        businessFunctions,
      },
    ];
  });
}
