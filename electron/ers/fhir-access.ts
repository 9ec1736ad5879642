/**
 * Small readers over parsed FHIR: extensions by url, codes, identifiers by system, and
 * resolution of references inside `contained` or a Bundle. Resolution is strict: a
 * reference that does not resolve, or resolves to two resources, is an error, because
 * guessing here is how a screen ends up showing another patient.
 */
import type * as v from 'valibot';
import { malformedError, type ErsErrorContext } from './ers-error';
import type { AnyResource, CodeableConcept, Coding, Extension, Identifier, Reference } from './fhir-types';
import { parseShape } from './parse-fhir';

export function extensionsOf(extensions: readonly Extension[] | undefined, url: string): Extension[] {
  return (extensions ?? []).filter((extension) => extension.url === url);
}

export function extensionOf(extensions: readonly Extension[] | undefined, url: string): Extension | undefined {
  return (extensions ?? []).find((extension) => extension.url === url);
}

export function firstCoding(concept: CodeableConcept | undefined): Coding | undefined {
  return concept?.coding?.find((coding) => typeof coding.code === 'string');
}

export function codeOf(concept: CodeableConcept | undefined): string | null {
  return firstCoding(concept)?.code ?? null;
}

export function identifierIn(identifiers: readonly Identifier[] | Identifier | undefined, systems: readonly string[]): string | null {
  const list = identifiers === undefined ? [] : Array.isArray(identifiers) ? identifiers : [identifiers];
  for (const identifier of list as Identifier[]) {
    if (identifier.system !== undefined && systems.includes(identifier.system) && identifier.value) return identifier.value;
  }
  return null;
}

/** The id in a literal reference "Type/id" or "Type/id/_history/n"; null if it names another type. */
export function referencedId(reference: string | undefined, type: string): { id: string; version: string | null } | null {
  if (!reference) return null;
  const match = /^(?:.*\/)?([A-Za-z]+)\/([A-Za-z0-9.\-_]{1,64})(?:\/_history\/([A-Za-z0-9.\-_]{1,64}))?$/.exec(reference);
  if (!match || match[1] !== type || match[2] === undefined) return null;
  return { id: match[2], version: match[3] ?? null };
}

/**
 * Resources a resource carries in `contained` (referenced as "#id") and, for Bundles, the
 * resources beside it (referenced as "Type/id").
 */
export class ResourceIndex {
  private readonly local = new Map<string, AnyResource>();

  constructor(
    private readonly context: ErsErrorContext,
    private readonly global = new Map<string, AnyResource>(),
  ) {}

  /** A view for one resource of a Bundle: its own `contained`, plus everything bundled. */
  forResource(contained: readonly AnyResource[] | undefined, where: string): ResourceIndex {
    return new ResourceIndex(this.context, this.global).addContained(contained, where);
  }

  addContained(resources: readonly AnyResource[] | undefined, where: string): this {
    for (const resource of resources ?? []) {
      if (!resource.id) continue;
      if (this.local.has(resource.id)) throw malformedError(this.context, `${where}: two contained resources share one id`);
      this.local.set(resource.id, resource);
    }
    return this;
  }

  addBundled(resource: AnyResource, where: string): this {
    if (!resource.id) return this;
    const key = `${resource.resourceType}/${resource.id}`;
    if (this.global.has(key)) throw malformedError(this.context, `${where}: two ${resource.resourceType} resources share one id`);
    this.global.set(key, resource);
    return this;
  }

  /** Resolves a reference that must resolve; the resource must be of `type` and match `schema`. */
  require<S extends v.GenericSchema>(reference: string | undefined, type: string, schema: S, where: string): v.InferOutput<S> {
    const found = this.find(reference, type, schema, where);
    if (found === null) throw malformedError(this.context, `${where}: a ${type} it refers to is missing`);
    return found;
  }

  /** Resolves a reference if it can; null when there is no reference or it points elsewhere. */
  find<S extends v.GenericSchema>(reference: string | undefined, type: string, schema: S, where: string): v.InferOutput<S> | null {
    if (!reference) return null;
    let resource: AnyResource | undefined;
    if (reference.startsWith('#')) resource = this.local.get(reference.slice(1));
    else {
      const target = referencedId(reference, type);
      resource = target ? this.global.get(`${type}/${target.id}`) : undefined;
    }
    if (!resource) return null;
    if (resource.resourceType !== type)
      throw malformedError(this.context, `${where}: a reference points to a ${resource.resourceType}, not a ${type}`);
    return parseShape(schema, resource, this.context, where);
  }

  containedOfType(type: string): AnyResource[] {
    return [...this.local.values()].filter((resource) => resource.resourceType === type);
  }
}

/** The reference carried by e-RS's Extension-*-Reference wrappers, or the plain reference. */
export function wrappedReference(reference: Reference | undefined, extensionUrl: string): string | undefined {
  if (!reference) return undefined;
  return extensionOf(reference.extension, extensionUrl)?.valueReference?.reference ?? reference.reference;
}
