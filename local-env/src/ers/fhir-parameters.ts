/**
 * Reading a FHIR Parameters request body the way e-RS validates it: the resource type and
 * profile, no unknown parameters (UNEXPECTED_FIELD), cardinality, and typed values whose
 * codes must come from the expected code system (INVALID_CODE). Every failure is a 422
 * with an OperationOutcome that names the parameter, so the caller can fix the request.
 */
import { unprocessable } from './outcome';

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export class ParametersBody {
  private constructor(private readonly byName: Map<string, Json[]>) {}

  static parse(body: unknown, profile: string, allowed: readonly string[]): ParametersBody {
    if (!isObject(body) || body.resourceType !== 'Parameters') {
      throw unprocessable('INVALID_FHIR_STRUCTURE', 'The request body must be a FHIR Parameters resource: send resourceType "Parameters".');
    }
    const meta = body.meta;
    const profiles = isObject(meta) && Array.isArray(meta.profile) ? meta.profile : null;
    if (!profiles) throw unprocessable('MISSING_VALUE', `meta.profile is missing: send the profile ${profile}.`);
    if (!profiles.includes(profile)) throw unprocessable('INVALID_VALUE', `meta.profile must be ${profile} for this operation.`);
    if (!Array.isArray(body.parameter)) throw unprocessable('INVALID_FHIR_STRUCTURE', 'Parameters.parameter must be a list of parameters.');
    const byName = new Map<string, Json[]>();
    body.parameter.forEach((item: unknown, index: number) => {
      if (!isObject(item) || typeof item.name !== 'string') {
        throw unprocessable('INVALID_FHIR_STRUCTURE', `parameter[${index}] must be an object with a name.`);
      }
      if (!allowed.includes(item.name))
        throw unprocessable('UNEXPECTED_FIELD', `'parameter[${index}]' (${item.name}) unknown parameter name.`);
      byName.set(item.name, [...(byName.get(item.name) ?? []), item]);
    });
    return new ParametersBody(byName);
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  all(name: string): Json[] {
    return this.byName.get(name) ?? [];
  }

  private single(name: string, required: boolean): Json | undefined {
    const found = this.all(name);
    if (found.length > 1) throw unprocessable('INVALID_FHIR_STRUCTURE', `The ${name} parameter may appear only once.`);
    if (found.length === 0 && required) throw unprocessable('MISSING_VALUE', `The ${name} parameter is missing: it is required.`);
    return found[0];
  }

  string(name: string, required: true, maxLength?: number): string;
  string(name: string, required: false, maxLength?: number): string | undefined;
  string(name: string, required: boolean, maxLength?: number): string | undefined {
    const item = this.single(name, required);
    if (!item) return undefined;
    if (typeof item.valueString !== 'string') throw unprocessable('INVALID_VALUE', `The ${name} parameter needs a valueString.`);
    if (required && item.valueString.trim() === '') throw unprocessable('MISSING_VALUE', `The ${name} parameter is empty: it is required.`);
    if (maxLength !== undefined && item.valueString.length > maxLength)
      throw unprocessable('INVALID_VALUE', `The ${name} parameter is longer than ${maxLength} characters.`);
    return item.valueString;
  }

  boolean(name: string): boolean | undefined {
    const item = this.single(name, false);
    if (!item) return undefined;
    if (typeof item.valueBoolean !== 'boolean') throw unprocessable('INVALID_VALUE', `The ${name} parameter needs a valueBoolean.`);
    return item.valueBoolean;
  }

  /** A code from `system` (valueCoding, or valueCodeableConcept with one coding). */
  code(name: string, system: string, allowed: readonly string[] | null, required: true): string;
  code(name: string, system: string, allowed: readonly string[] | null, required: false): string | undefined;
  code(name: string, system: string, allowed: readonly string[] | null, required: boolean): string | undefined {
    const item = this.single(name, required);
    if (!item) return undefined;
    let codingValue: unknown = item.valueCoding;
    if (codingValue === undefined && isObject(item.valueCodeableConcept)) {
      const codings = item.valueCodeableConcept.coding;
      if (!Array.isArray(codings) || codings.length !== 1)
        throw unprocessable('INVALID_FHIR_STRUCTURE', `The ${name} parameter needs exactly one coding.`);
      codingValue = codings[0];
    }
    if (!isObject(codingValue) || typeof codingValue.code !== 'string' || typeof codingValue.system !== 'string') {
      throw unprocessable('INVALID_VALUE', `The ${name} parameter needs a coding with a system and a code.`);
    }
    if (codingValue.system !== system) throw unprocessable('INVALID_CODE', `The ${name} parameter's coding must come from ${system}.`);
    if (allowed && !allowed.includes(codingValue.code)) throw unprocessable('INVALID_CODE', `${codingValue.code} is not a valid ${name}.`);
    return codingValue.code;
  }

  identifier(name: string, system: string): string | undefined {
    const item = this.single(name, false);
    if (!item) return undefined;
    const value = item.valueIdentifier;
    if (!isObject(value) || typeof value.value !== 'string' || value.value === '')
      throw unprocessable('INVALID_VALUE', `The ${name} parameter needs a valueIdentifier with a value.`);
    if (value.system !== system) throw unprocessable('INVALID_VALUE', `The ${name} parameter's identifier must use the system ${system}.`);
    return value.value;
  }

  reference(name: string, required: true): string;
  reference(name: string, required: boolean): string | undefined {
    const item = this.single(name, required);
    if (!item) return undefined;
    const value = item.valueReference;
    if (!isObject(value) || typeof value.reference !== 'string')
      throw unprocessable('INVALID_VALUE', `The ${name} parameter needs a valueReference with a reference.`);
    return value.reference;
  }
}

export interface AttachmentRequest {
  binaryId: string;
  description?: string;
}

/**
 * A DocumentReference naming an uploaded file (guidanceAttachmentFile, reviewAttachmentFile):
 * the type e-RS expects for that parameter and a `Binary/<id>` URL.
 */
export function attachmentRequests(
  body: ParametersBody,
  name: string,
  expectedType: string,
  attachmentTypeSystem: string,
): AttachmentRequest[] {
  return body.all(name).map((item, index) => {
    const resource = item.resource;
    const where = `${name}[${index}]`;
    if (!isObject(resource) || resource.resourceType !== 'DocumentReference')
      throw unprocessable('INVALID_FHIR_STRUCTURE', `${where} must hold a DocumentReference resource.`);
    const type = isObject(resource.type) && Array.isArray(resource.type.coding) ? resource.type.coding[0] : undefined;
    if (!isObject(type) || type.system !== attachmentTypeSystem || type.code !== expectedType) {
      throw unprocessable('INVALID_CODE', `${where} must have the attachment type ${expectedType}.`);
    }
    const content = Array.isArray(resource.content) ? resource.content[0] : undefined;
    const attachment = isObject(content) ? content.attachment : undefined;
    const url = isObject(attachment) ? attachment.url : undefined;
    const match = typeof url === 'string' ? /^Binary\/([A-Za-z0-9-]+)$/.exec(url) : null;
    if (!match?.[1]) throw unprocessable('INVALID_VALUE', `${where} must point at an uploaded file as Binary/<id>.`);
    const request: AttachmentRequest = { binaryId: match[1] };
    if (typeof resource.description === 'string') request.description = resource.description;
    return request;
  });
}
