/**
 * A004 CodeSystems to a list of concepts with their effective dates and properties, and
 * the selections the forms need: concepts in force today, and A014's rejection reasons
 * (APPOINTMENT-CANCELLATION-REASON filtered as e-RS's A014 guidance says).
 */
import { REJECTION_REASON_TYPE } from '../../contract';
import { malformedError, type ErsErrorContext } from './ers-error';
import { extensionOf } from './fhir-access';
import { EXT } from './fhir-names';
import { CodeSystem, type CodeSystemConcept } from './fhir-types';
import { humaniseCode } from './format';
import { parseResource } from './parse-fhir';
import type { CodeConceptView, CodeSystemView } from './view-models';

function mapConcept(concept: CodeSystemConcept): CodeConceptView {
  const properties: Record<string, string | number | boolean> = {};
  for (const property of concept.property ?? []) {
    const value =
      property.valueCoding?.code ??
      property.valueCode ??
      property.valueString ??
      property.valueDateTime ??
      property.valueInteger ??
      property.valueBoolean;
    if (value !== undefined) properties[property.code] = value;
  }
  // SPECIALTY carries its dates as extensions, the other code systems as properties.
  const from = extensionOf(concept.extension, EXT.effectiveFrom)?.valueDate ?? properties.effectiveFrom;
  const to = extensionOf(concept.extension, EXT.effectiveTo)?.valueDate ?? properties.effectiveTo;
  delete properties.effectiveFrom;
  delete properties.effectiveTo;
  return {
    code: concept.code,
    display: concept.display ?? humaniseCode(concept.code),
    effectiveFrom: typeof from === 'string' ? from : null,
    effectiveTo: typeof to === 'string' ? to : null,
    properties,
  };
}

export function mapCodeSystem(body: unknown, expectedId: string, context: ErsErrorContext): CodeSystemView {
  const codeSystem = parseResource(CodeSystem, 'CodeSystem', body, context);
  const id = codeSystem.id ?? codeSystem.url?.split('/').pop();
  if (id !== expectedId) throw malformedError(context, 'the code system is not the one asked for');
  return {
    id,
    name: codeSystem.name ?? humaniseCode(id),
    version: codeSystem.version ?? null,
    concepts: (codeSystem.concept ?? []).map(mapConcept),
  };
}

/** In force at `now`: started, and not ended. */
export function isInForce(concept: CodeConceptView, now: Date): boolean {
  const at = now.getTime();
  if (concept.effectiveFrom !== null && Date.parse(concept.effectiveFrom) > at) return false;
  if (concept.effectiveTo !== null && Date.parse(concept.effectiveTo) <= at) return false;
  return true;
}

export function conceptsInForce(codeSystem: CodeSystemView, now: Date): CodeConceptView[] {
  return codeSystem.concepts.filter((concept) => isInForce(concept, now));
}

/** A014's reasons: APPOINTMENT-CANCELLATION-REASON concepts of type PROVIDER_REJECT, in force. */
export function rejectionReasons(codeSystem: CodeSystemView, now: Date): CodeConceptView[] {
  return conceptsInForce(codeSystem, now).filter(
    (concept) => concept.properties.appointmentBookingCancellationReasonType === REJECTION_REASON_TYPE,
  );
}
