/**
 * Who the review screen is about, as one line for every confirmation on it: every decision
 * on the screen concerns the same patient, so the screen provides the line once and the
 * confirmation dialog takes it, rather than threading it through each decision panel.
 */
import type { InjectionKey, Ref } from 'vue';
import type { PatientLookup } from '../../contract';
import { formatNhsNumber, isValidNhsNumber, patientNameText } from '../worklist/patient-text';

export interface PatientLine {
  /** "SMITH, Jane (Mrs)", or what stands in for a name that could not be checked. */
  name: string;
  /** "NHS number 943 476 5919", with what is wrong with it, if anything. */
  nhsNumber: string;
}

export const PATIENT_LINE: InjectionKey<Readonly<Ref<PatientLine | null>>> = Symbol('patient-line');

export function patientLine(nhsNumber: string, lookup: PatientLookup | null): PatientLine {
  const number = formatNhsNumber(nhsNumber);
  const flagged = isValidNhsNumber(nhsNumber) ? `NHS number ${number}` : `NHS number ${number} (fails its check digit)`;
  if (lookup === null) return { name: 'Not yet checked with PDS', nhsNumber: flagged };
  if (lookup.status === 'unchecked') return { name: 'Not checked with PDS', nhsNumber: flagged };
  const name = patientNameText(lookup.patient.name) ?? 'Name not recorded in PDS';
  const deceased = lookup.patient.deceased ? ', deceased' : '';
  if (lookup.status === 'superseded')
    return { name: `${name}${deceased}`, nhsNumber: `${flagged} on this item; PDS holds the record under ${lookup.patient.nhsNumber}` };
  return { name: `${name}${deceased}`, nhsNumber: flagged };
}
