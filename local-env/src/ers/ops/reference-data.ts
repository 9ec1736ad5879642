/**
 * A004: e-RS reference data (specialties, clinic types, priorities, cancellation and
 * non-attendance reasons) as CodeSystem resources.
 */
import { CODE_SYSTEM_NAMES, codeSystemResource } from '../fhir/code-systems';
import { type LocalCodeSystem } from '../fhir/vocabulary';
import { jsonReply, type Reply } from '../http-io';
import { type OperationContext } from '../operation-context';
import { notFound } from '../outcome';

/** When the local reference data was last changed; e-RS dates each code system. */
const REFERENCE_DATA_DATE = '2024-01-15T09:00:00.000Z';

function isCodeSystemName(name: string): name is LocalCodeSystem {
  return (CODE_SYSTEM_NAMES as readonly string[]).includes(name);
}

export async function retrieveCodeSystem(context: OperationContext): Promise<Reply> {
  const name = context.params.codeSystemType ?? '';
  if (!isCodeSystemName(name)) {
    throw notFound('REFERENCE_NOT_FOUND', `e-RS has no code system called ${name}: use one of ${CODE_SYSTEM_NAMES.join(', ')}.`);
  }
  return jsonReply(200, codeSystemResource(name, context.fhirBase, REFERENCE_DATA_DATE));
}
