/**
 * Checks an e-RS answer against the shape the mappers need before anything reads it. A
 * wrong resourceType or a missing required element becomes an ErsError naming the place
 * (never the value: values can be patient data).
 */
import * as v from 'valibot';
import { malformedError, type ErsErrorContext } from './ers-error';

function describeType(value: unknown): string {
  if (typeof value === 'string' && /^[A-Za-z]{1,64}$/.test(value)) return `a ${value}`;
  return 'something that is not a FHIR resource';
}

export function parseResource<S extends v.GenericSchema>(
  schema: S,
  expectedType: string,
  body: unknown,
  context: ErsErrorContext,
): v.InferOutput<S> {
  const resourceType =
    typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as { resourceType?: unknown }).resourceType : undefined;
  if (resourceType !== expectedType) {
    throw malformedError(context, `${describeType(resourceType)} where a ${expectedType} was expected`);
  }
  return parseShape(schema, body, context, expectedType);
}

/** For a part already known to be of the right type (a contained resource, a Bundle entry). */
export function parseShape<S extends v.GenericSchema>(
  schema: S,
  value: unknown,
  context: ErsErrorContext,
  where: string,
): v.InferOutput<S> {
  const result = v.safeParse(schema, value);
  if (!result.success) {
    const first = result.issues[0];
    const path = first ? v.getDotPath(first) : null;
    throw malformedError(context, `${where}: missing or wrong ${path ?? 'content'}`);
  }
  return result.output;
}
