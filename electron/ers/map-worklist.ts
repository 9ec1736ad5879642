/**
 * A008 / A023 worklists to rows. Each entry's patient must resolve to exactly one NHS
 * number, from the List's `contained` Patient it points to or from an identifier it
 * carries; an entry that points at a patient the List does not contain fails the whole
 * list rather than showing a row that could belong to someone else.
 */
import { PRIORITIES, UBRN_PATTERN, type Priority, type WorklistKind, type WorklistRow } from '../../contract';
import { malformedError, type ErsErrorContext } from './ers-error';
import { codeOf, firstCoding, identifierIn, referencedId, ResourceIndex } from './fhir-access';
import { ID } from './fhir-names';
import { Patient, Practitioner, WorklistList, type Extension, type WorklistEntry } from './fhir-types';
import { daysSince, formatNhsNumber, humaniseCode, isNhsNumber, personName, ukDate } from './format';
import { parseResource } from './parse-fhir';
import type { WorklistItem } from './view-models';

export interface WorklistMapOptions {
  now: Date;
  /** Display names for specialty codes (from A004 SPECIALTY); codes are humanised otherwise. */
  specialtyName?: (code: string) => string | undefined;
}

const ITEM_EXTENSION = /\/Extension-eRS-[A-Za-z]+-Work[Ll]istItem-1$/;
/** Where a row's referral date comes from, best first, across the list types. */
const DATE_PARTS = ['eReferralPathwayStart', 'referralCreated', 'adviceFirstRequested', 'ubrnReceived', 'clinicalInfoFirstSubmitted'];
const STATUS_PARTS = ['requestContextStatus', 'category', 'status', 'reason'];

function part(parts: readonly Extension[], name: string): Extension | undefined {
  return parts.find((item) => item.url === name);
}

function dateOf(extension: Extension | undefined): string | null {
  return extension?.valueDateTime ?? extension?.valueInstant ?? extension?.valueDate ?? null;
}

export function isPriority(code: string | null | undefined): code is Priority {
  return typeof code === 'string' && (PRIORITIES as readonly string[]).includes(code);
}

function mapEntry(
  entry: WorklistEntry,
  index: number,
  itemType: 'ReferralRequest' | 'CommunicationRequest',
  contained: ResourceIndex,
  options: WorklistMapOptions,
  context: ErsErrorContext,
): { row: WorklistRow; referralType: string | null } {
  const where = `entry ${index + 1}`;
  const target = referencedId(entry.item.reference, itemType);
  if (!target || !UBRN_PATTERN.test(target.id)) throw malformedError(context, `${where}: the item is not a ${itemType} with a UBRN`);
  const details = (entry.extension ?? []).find((extension) => ITEM_EXTENSION.test(extension.url));
  if (!details?.extension) throw malformedError(context, `${where}: the worklist details are missing`);
  const parts = details.extension;

  const patientRef = part(parts, 'patient')?.valueReference;
  let nhsNumber: string | null = null;
  let patientName = '';
  if (patientRef?.reference !== undefined) {
    if (!patientRef.reference.startsWith('#')) throw malformedError(context, `${where}: the patient is not in the list`);
    const patient = contained.require(patientRef.reference, 'Patient', Patient, `${where} patient`);
    nhsNumber = identifierIn(patient.identifier, ID.nhsNumber);
    patientName = personName(patient.name) ?? '';
  } else if (patientRef?.identifier) {
    nhsNumber = identifierIn(patientRef.identifier, ID.nhsNumber);
  }
  if (nhsNumber === null || !isNhsNumber(nhsNumber)) throw malformedError(context, `${where}: no valid NHS number for the patient`);

  const priority = codeOf(part(parts, 'priority')?.valueCodeableConcept);
  if (!isPriority(priority)) throw malformedError(context, `${where}: the priority is missing or unknown`);

  const referralDate = DATE_PARTS.map((name) => ukDate(dateOf(part(parts, name)))).find((date) => date !== null) ?? null;
  if (referralDate === null) throw malformedError(context, `${where}: the referral date is missing`);

  const specialtyCoding = firstCoding(part(parts, 'specialty')?.valueCodeableConcept);
  const specialty = specialtyCoding?.code
    ? (options.specialtyName?.(specialtyCoding.code) ?? specialtyCoding.display ?? humaniseCode(specialtyCoding.code))
    : '';

  const serviceRef = part(parts, 'service')?.valueReference;
  const service = serviceRef?.display ?? identifierIn(serviceRef?.identifier, ID.service) ?? '';

  const statusCoding = STATUS_PARTS.map((name) => firstCoding(part(parts, name)?.valueCodeableConcept)).find((coding) => coding?.code);
  const reviewStatus = statusCoding?.code ? (statusCoding.display ?? humaniseCode(statusCoding.code)) : '';

  let assignedClinician: string | null = null;
  const clinicianRef = part(parts, 'allocatedClinician')?.valueReference;
  if (clinicianRef?.reference?.startsWith('#')) {
    const practitioner = contained.require(clinicianRef.reference, 'Practitioner', Practitioner, `${where} clinician`);
    assignedClinician = personName(practitioner.name) ?? identifierIn(practitioner.identifier, ID.sdsUser);
  } else if (clinicianRef) {
    assignedClinician = clinicianRef.display ?? identifierIn(clinicianRef.identifier, ID.sdsUser);
  }

  const versionPart = part(parts, itemType === 'ReferralRequest' ? 'referralRequestVersion' : 'communicationRequestVersion');
  const version = typeof versionPart?.valueInteger === 'number' ? String(versionPart.valueInteger) : '';

  return {
    row: {
      id: target.id,
      ubrn: target.id,
      version,
      priority,
      nhsNumber: formatNhsNumber(nhsNumber),
      patientName,
      service,
      specialty,
      referralDate,
      daysWaiting: daysSince(referralDate, options.now),
      reviewStatus,
      assignedClinician,
      // The clocks' own dates, as e-RS gave them: the renderer counts them against today (contract/waiting-clocks.ts).
      pathwayStart: itemType === 'ReferralRequest' ? dateOf(part(parts, 'eReferralPathwayStart')) : null,
      appointmentStart: itemType === 'ReferralRequest' ? dateOf(part(parts, 'appointmentStart')) : null,
      // Only while the reply is the provider's to give (eRS-AdviceAndGuidanceStatus-1), not while the referrer owes the next word.
      adviceWaitingSince:
        itemType === 'CommunicationRequest' && codeOf(part(parts, 'category')?.valueCodeableConcept) === 'PROVIDER_RESPONSE_REQUIRED'
          ? (dateOf(part(parts, 'adviceLastUpdated')) ?? dateOf(part(parts, 'adviceFirstRequested')))
          : null,
    },
    referralType: codeOf(part(parts, 'referralType')?.valueCodeableConcept),
  };
}

function mapList(
  body: unknown,
  itemType: 'ReferralRequest' | 'CommunicationRequest',
  options: WorklistMapOptions,
  context: ErsErrorContext,
) {
  const list = parseResource(WorklistList, 'List', body, context);
  const contained = new ResourceIndex(context).addContained(list.contained, 'the list');
  return (list.entry ?? []).map((entry, index) => mapEntry(entry, index, itemType, contained, options, context));
}

/**
 * A008 rows, each placed on the app's list: "Referrals for review" holds booked referrals
 * (referralType APPOINTMENT), "Triage requests" the RAS ones (TRIAGE_DEFERRAL).
 */
export function mapReferralWorklist(body: unknown, options: WorklistMapOptions, context: ErsErrorContext): WorklistItem[] {
  return mapList(body, 'ReferralRequest', options, context).map(({ row, referralType }) => ({
    kind: (referralType === 'TRIAGE_DEFERRAL' ? 'triage' : 'referrals') satisfies WorklistKind,
    row,
  }));
}

/** A023 rows: advice and guidance requests. */
export function mapAdviceWorklist(body: unknown, options: WorklistMapOptions, context: ErsErrorContext): WorklistRow[] {
  return mapList(body, 'CommunicationRequest', options, context).map(({ row }) => row);
}
