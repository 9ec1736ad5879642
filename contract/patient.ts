/**
 * What the screens are shown of a patient from the Personal Demographics Service (PDS):
 * plain JSON-able view models, never raw FHIR. The contract (electron/api.ts) re-exports
 * them for the `patient.*` channels.
 *
 * e-RS gives a referral's NHS number and nothing else about the patient; PDS gives the
 * name, date of birth, gender, death, and whether the record is restricted. When PDS
 * cannot give them, the lookup says so and why, so the banner never looks checked when it
 * was not.
 */

/** PDS's administrative gender. */
export type PatientGender = 'female' | 'male' | 'other' | 'unknown';

export interface PatientName {
  /** Prefixes as PDS gives them, e.g. ["Mrs"]. */
  titles: string[];
  /** Given names in order; the first may hold several ("John Paul"). */
  given: string[];
  family: string | null;
}

export interface PatientDetails {
  /** The NHS number PDS holds this record under, 3 3 4. */
  nhsNumber: string;
  /** The usual name; null when PDS records none (poor data quality). */
  name: PatientName | null;
  /** yyyy-mm-dd; PDS may give only yyyy-mm or yyyy for a few poor-quality records. */
  birthDate: string | null;
  gender: PatientGender | null;
  /** Set when PDS records a death; `date` (yyyy-mm-dd, UK) when it gives one. */
  deceased: { date: string | null } | null;
  /** meta.security R or V: PDS withholds the address, telephone and GP of this patient. */
  restricted: boolean;
  /** The home address on one line with its postcode; null when restricted or not recorded. */
  address: string | null;
  /** The first current telephone number; null when restricted or not recorded. */
  telephone: string | null;
  /** The registered GP practice's ODS code; null when restricted or not recorded. */
  gpPracticeOds: string | null;
}

/** Why the details could not be checked. */
export type PatientProblem =
  /** PDS knows no patient by this number (or the record was invalidated). */
  | 'not-found'
  /** PDS refused the number as invalid. */
  | 'invalid'
  /** The number fails its modulus 11 check digit: PDS was not asked. */
  | 'check-digit'
  /** PDS could not be reached, refused the app, or answered with something unreadable. */
  | 'unavailable'
  /** This environment has no PDS to ask. */
  | 'not-configured';

export type PatientLookup =
  | {
      /** `superseded`: PDS answered with another NHS number, so the record was merged into it. */
      status: 'found' | 'superseded';
      /** The NHS number the item carries (from e-RS), 3 3 4. */
      requestedNhsNumber: string;
      patient: PatientDetails;
      /** ISO time PDS gave these details. */
      fetchedAt: string;
      /** True when PDS could not be asked just now and this is the copy kept at `fetchedAt`. */
      stale: boolean;
    }
  | {
      status: 'unchecked';
      requestedNhsNumber: string;
      problem: PatientProblem;
      /** One sentence for the banner: what happened and what to do. */
      message: string;
      /** The X-Correlation-ID of the PDS call, where there was one, for the service desk. */
      correlationId: string | null;
    };

/** What a worklist row shows of its patient: no address, telephone or GP leaves the main process. */
export interface PatientSummary {
  /** As asked: ten digits. */
  nhsNumber: string;
  status: PatientLookup['status'];
  name: PatientName | null;
  birthDate: string | null;
  gender: PatientGender | null;
  deceased: boolean;
  restricted: boolean;
  /** Set when status is unchecked. */
  problem: PatientProblem | null;
}
