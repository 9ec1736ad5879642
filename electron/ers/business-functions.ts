/** A030: the signed-in user's e-RS roles, asked before a role is chosen (so with no role headers). */
import { callContext, type ErsContext } from './client-context';
import type { ErsRequest } from './http';
import { mapBusinessFunctions } from './map-business-functions';
import type { ErsRoleChoice } from './view-models';

export function businessFunctionsRequest(): ErsRequest {
  return { operation: 'A030', method: 'GET', path: '/FHIR/R4/PractitionerRole' };
}

export async function getBusinessFunctions(ctx: ErsContext, signal?: AbortSignal): Promise<ErsRoleChoice[]> {
  const result = await ctx.transport.json({ ...businessFunctionsRequest(), signal });
  return mapBusinessFunctions(result.body, callContext('A030', result.correlationId));
}
