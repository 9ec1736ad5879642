/**
 * The FHIR STU3 and R4 shapes this client reads or writes, and only those.
 *
 * Read shapes are runtime schemas (valibot loose objects): a field the mappers rely on
 * must be there and have the right type, while anything else e-RS adds (new extensions,
 * new elements) passes through untouched. Write shapes are plain types: the client builds
 * them itself.
 */
import * as v from 'valibot';

// ---------------------------------------------------------------------------------------
// Data types

export const Coding = v.looseObject({
  system: v.optional(v.string()),
  code: v.optional(v.string()),
  display: v.optional(v.string()),
});
export type Coding = v.InferOutput<typeof Coding>;

export const CodeableConcept = v.looseObject({
  coding: v.optional(v.array(Coding)),
  text: v.optional(v.string()),
});
export type CodeableConcept = v.InferOutput<typeof CodeableConcept>;

export const Identifier = v.looseObject({
  system: v.optional(v.string()),
  value: v.optional(v.string()),
});
export type Identifier = v.InferOutput<typeof Identifier>;

export interface Extension {
  url: string;
  extension?: Extension[] | undefined;
  valueCoding?: Coding | undefined;
  valueCodeableConcept?: CodeableConcept | undefined;
  valueReference?: Reference | undefined;
  valueIdentifier?: Identifier | undefined;
  valueString?: string | undefined;
  valueDateTime?: string | undefined;
  valueDate?: string | undefined;
  valueInstant?: string | undefined;
  valueBoolean?: boolean | undefined;
  valueInteger?: number | undefined;
  [key: string]: unknown;
}

export interface Reference {
  reference?: string | undefined;
  identifier?: Identifier | undefined;
  display?: string | undefined;
  extension?: Extension[] | undefined;
  [key: string]: unknown;
}

export const Extension: v.GenericSchema<Extension> = v.looseObject({
  url: v.string(),
  extension: v.optional(v.array(v.lazy(() => Extension))),
  valueCoding: v.optional(Coding),
  valueCodeableConcept: v.optional(CodeableConcept),
  valueReference: v.optional(v.lazy(() => Reference)),
  valueIdentifier: v.optional(Identifier),
  valueString: v.optional(v.string()),
  valueDateTime: v.optional(v.string()),
  valueDate: v.optional(v.string()),
  valueInstant: v.optional(v.string()),
  valueBoolean: v.optional(v.boolean()),
  valueInteger: v.optional(v.number()),
});

export const Reference: v.GenericSchema<Reference> = v.looseObject({
  reference: v.optional(v.string()),
  identifier: v.optional(Identifier),
  display: v.optional(v.string()),
  extension: v.optional(v.array(Extension)),
});

const Extensions = v.optional(v.array(Extension));

export const Meta = v.looseObject({
  versionId: v.optional(v.string()),
  lastUpdated: v.optional(v.string()),
  profile: v.optional(v.array(v.string())),
});

const VersionedMeta = v.looseObject({
  versionId: v.string(),
  lastUpdated: v.optional(v.string()),
  profile: v.optional(v.array(v.string())),
});

export const HumanName = v.looseObject({
  text: v.optional(v.string()),
  family: v.optional(v.string()),
  given: v.optional(v.array(v.string())),
  prefix: v.optional(v.array(v.string())),
});
export type HumanName = v.InferOutput<typeof HumanName>;

/** A resource of any kind, as found in `contained` or a Bundle entry: read further once its type is known. */
export const AnyResource = v.looseObject({
  resourceType: v.string(),
  id: v.optional(v.string()),
});
export type AnyResource = v.InferOutput<typeof AnyResource>;

// ---------------------------------------------------------------------------------------
// Resources

export const Patient = v.looseObject({
  resourceType: v.literal('Patient'),
  id: v.optional(v.string()),
  identifier: v.optional(v.array(Identifier)),
  name: v.optional(v.array(HumanName)),
});
export type Patient = v.InferOutput<typeof Patient>;

export const Practitioner = v.looseObject({
  resourceType: v.literal('Practitioner'),
  id: v.optional(v.string()),
  identifier: v.optional(v.array(Identifier)),
  name: v.optional(v.array(HumanName)),
});
export type Practitioner = v.InferOutput<typeof Practitioner>;

export const PractitionerRole = v.looseObject({
  resourceType: v.literal('PractitionerRole'),
  id: v.optional(v.string()),
  practitioner: v.optional(Reference),
  organization: v.optional(Reference),
  code: v.optional(v.array(CodeableConcept)),
});
export type PractitionerRole = v.InferOutput<typeof PractitionerRole>;

export const Attachment = v.looseObject({
  id: v.optional(v.string()),
  extension: Extensions,
  contentType: v.optional(v.string()),
  url: v.optional(v.string()),
  size: v.optional(v.number()),
  title: v.optional(v.string()),
  creation: v.optional(v.string()),
});
export type Attachment = v.InferOutput<typeof Attachment>;

export const DocumentReference = v.looseObject({
  resourceType: v.literal('DocumentReference'),
  id: v.optional(v.string()),
  type: v.optional(CodeableConcept),
  status: v.optional(v.string()),
  indexed: v.optional(v.string()),
  description: v.optional(v.nullable(v.string())),
  content: v.array(v.looseObject({ attachment: Attachment })),
});
export type DocumentReference = v.InferOutput<typeof DocumentReference>;

export const Appointment = v.looseObject({
  resourceType: v.literal('Appointment'),
  id: v.optional(v.string()),
  meta: v.optional(Meta),
  status: v.string(),
  description: v.optional(v.string()),
  start: v.optional(v.string()),
  end: v.optional(v.string()),
  created: v.optional(v.string()),
  /** A directly bookable service's booking names its slot; an indirectly bookable one has none. */
  slot: v.optional(v.array(Reference)),
  // e-RS documents a known issue: participant.type is sometimes one object, not a list.
  participant: v.optional(
    v.array(v.looseObject({ actor: v.optional(Reference), status: v.optional(v.string()), type: v.optional(v.unknown()) })),
  ),
});
export type Appointment = v.InferOutput<typeof Appointment>;

export const ReferralRequest = v.looseObject({
  resourceType: v.literal('ReferralRequest'),
  id: v.string(),
  meta: VersionedMeta,
  extension: Extensions,
  contained: v.optional(v.array(AnyResource)),
  status: v.string(),
  specialty: v.optional(CodeableConcept),
  subject: v.looseObject({ identifier: v.looseObject({ system: v.optional(v.string()), value: v.string() }) }),
  supportingInfo: v.optional(v.array(Reference)),
  // Not in e-RS's published STU3 profile, but standard FHIR: read when present.
  requester: v.optional(v.looseObject({ agent: v.optional(Reference), onBehalfOf: v.optional(Reference) })),
  authoredOn: v.optional(v.string()),
  description: v.optional(v.string()),
});
export type ReferralRequest = v.InferOutput<typeof ReferralRequest>;

const WorklistEntry = v.looseObject({
  item: v.looseObject({ reference: v.string() }),
  extension: Extensions,
});

/** A008 / A023 answer: an eRS-FetchWorklist-List. */
export const WorklistList = v.looseObject({
  resourceType: v.literal('List'),
  contained: v.optional(v.array(AnyResource)),
  entry: v.optional(v.array(WorklistEntry)),
});
export type WorklistList = v.InferOutput<typeof WorklistList>;
export type WorklistEntry = v.InferOutput<typeof WorklistEntry>;

export const Bundle = v.looseObject({
  resourceType: v.literal('Bundle'),
  total: v.optional(v.number()),
  entry: v.optional(
    v.array(
      v.looseObject({
        fullUrl: v.optional(v.string()),
        resource: AnyResource,
        search: v.optional(v.looseObject({ mode: v.optional(v.string()) })),
      }),
    ),
  ),
});
export type Bundle = v.InferOutput<typeof Bundle>;

export const Task = v.looseObject({
  resourceType: v.literal('Task'),
  id: v.optional(v.string()),
  status: v.optional(v.string()),
  intent: v.optional(v.string()),
  focus: v.optional(Reference),
  code: v.optional(CodeableConcept),
});
export type Task = v.InferOutput<typeof Task>;

const Payload = v.looseObject({ contentReference: v.optional(Reference), contentString: v.optional(v.string()) });

export const CommunicationRequest = v.looseObject({
  resourceType: v.literal('CommunicationRequest'),
  id: v.string(),
  meta: VersionedMeta,
  extension: Extensions,
  contained: v.optional(v.array(AnyResource)),
  status: v.string(),
  category: v.optional(v.array(CodeableConcept)),
  subject: v.looseObject({ identifier: v.looseObject({ system: v.optional(v.string()), value: v.string() }) }),
  recipient: v.optional(v.array(Reference)),
  sender: v.optional(Reference),
  requester: v.optional(v.looseObject({ agent: v.optional(Reference) })),
  payload: v.optional(v.array(Payload)),
  authoredOn: v.optional(v.string()),
});
export type CommunicationRequest = v.InferOutput<typeof CommunicationRequest>;

export const Communication = v.looseObject({
  resourceType: v.literal('Communication'),
  id: v.string(),
  meta: v.optional(Meta),
  extension: Extensions,
  contained: v.optional(v.array(AnyResource)),
  basedOn: v.optional(v.array(Reference)),
  status: v.optional(v.string()),
  category: v.optional(v.array(CodeableConcept)),
  sent: v.optional(v.string()),
  sender: v.optional(Reference),
  payload: v.optional(v.array(Payload)),
  note: v.optional(v.array(v.looseObject({ text: v.optional(v.string()) }))),
});
export type Communication = v.InferOutput<typeof Communication>;

const ConceptProperty = v.looseObject({
  code: v.string(),
  valueString: v.optional(v.string()),
  valueCode: v.optional(v.string()),
  valueInteger: v.optional(v.number()),
  valueBoolean: v.optional(v.boolean()),
  valueDateTime: v.optional(v.string()),
  valueCoding: v.optional(Coding),
});

export const CodeSystemConcept = v.looseObject({
  code: v.string(),
  display: v.optional(v.string()),
  extension: Extensions,
  property: v.optional(v.array(ConceptProperty)),
});
export type CodeSystemConcept = v.InferOutput<typeof CodeSystemConcept>;

export const CodeSystem = v.looseObject({
  resourceType: v.literal('CodeSystem'),
  id: v.optional(v.string()),
  url: v.optional(v.string()),
  name: v.optional(v.string()),
  version: v.optional(v.string()),
  concept: v.optional(v.array(CodeSystemConcept)),
});
export type CodeSystem = v.InferOutput<typeof CodeSystem>;

/** A026 answers with the updated request and the message it created. */
export const ParametersResponse = v.looseObject({
  resourceType: v.literal('Parameters'),
  parameter: v.optional(v.array(v.looseObject({ name: v.string(), resource: v.optional(AnyResource) }))),
});
export type ParametersResponse = v.InferOutput<typeof ParametersResponse>;

// ---------------------------------------------------------------------------------------
// Write shapes: what the client sends

export interface CodingOut {
  system: string;
  code: string;
}

export interface DocumentReferenceOut {
  meta: { profile: string[] };
  resourceType: 'DocumentReference';
  type: { coding: CodingOut[] };
  status: 'current';
  indexed: string;
  description?: string;
  content: { attachment: { url: string } }[];
}

export type ParameterOut =
  | { name: string; valueCoding: CodingOut }
  | { name: string; valueCodeableConcept: { coding: CodingOut[] } }
  | { name: string; valueIdentifier: { system: string; value: string } }
  | { name: string; valueReference: { reference: string } }
  | { name: string; valueString: string }
  | { name: string; valueBoolean: boolean }
  | { name: string; resource: DocumentReferenceOut };

export interface ParametersOut {
  meta: { profile: string[] };
  resourceType: 'Parameters';
  parameter: ParameterOut[];
}
