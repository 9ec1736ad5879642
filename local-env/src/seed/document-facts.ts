/**
 * Gives every seeded document the facts of the referral or A&G request it belongs to: the
 * patient (name, NHS number, date of birth, sex, postcode), the priority, and the day it
 * was attached as the day it was written. The document generator invents only what it is
 * not given, so without this one patient had four dates of birth across four letters, a
 * two-week-wait referral's letter could say "Priority: Routine", and letters were dated
 * in 2024 for referrals made in 2026.
 *
 * Done as one pass over the finished seed, so the random draws that decide everything
 * else (which referral is which, its UBRN, its files) are exactly as they were.
 */
import type { DocumentSpec } from '../documents/spec';
import type { AdviceRequest, Attachment, BinaryRecord, Patient, Priority, Referral } from './model';

type Context = NonNullable<DocumentSpec['context']>;

export function patientFacts(patient: Patient): Pick<Context, 'patientName' | 'nhsNumber' | 'dateOfBirth' | 'sex' | 'postcode'> {
  return {
    patientName: `${patient.givenName} ${patient.familyName}`,
    nhsNumber: patient.nhsNumber,
    dateOfBirth: patient.birthDate,
    sex: patient.gender,
    postcode: patient.postcode,
  };
}

export function stampDocumentFacts(seed: {
  patients: readonly Patient[];
  referrals: readonly Referral[];
  advice: readonly AdviceRequest[];
  binaries: readonly BinaryRecord[];
}): void {
  const patients = new Map(seed.patients.map((p) => [p.nhsNumber, p]));
  const binaries = new Map(seed.binaries.map((b) => [b.id, b]));
  const items = new Map<string, { nhsNumber: string; priority: Priority }>();

  const stamp = (binary: BinaryRecord | undefined, item: { nhsNumber: string; priority: Priority }, date: string): void => {
    if (!binary || binary.content.source !== 'document') return;
    const patient = patients.get(item.nhsNumber);
    const spec = binary.content.spec;
    spec.context = { ...spec.context, ...(patient ? patientFacts(patient) : { nhsNumber: item.nhsNumber }), priority: item.priority, date };
  };
  const stampAll = (attachments: readonly Attachment[], item: { nhsNumber: string; priority: Priority }): void => {
    for (const attachment of attachments) stamp(binaries.get(attachment.binaryId), item, attachment.indexed);
  };

  for (const referral of seed.referrals) {
    const item = { nhsNumber: referral.patientNhsNumber, priority: referral.priority };
    items.set(referral.ubrn, item);
    stampAll(referral.attachments, item);
  }
  for (const advice of seed.advice) {
    const item = { nhsNumber: advice.patientNhsNumber, priority: advice.priority };
    if (!items.has(advice.ubrn)) items.set(advice.ubrn, item);
    stampAll(advice.attachments, item);
    for (const message of advice.messages) stampAll(message.attachments, item);
  }
  // Files uploaded for an item and not attached yet are written when they were uploaded.
  for (const binary of seed.binaries) {
    if (binary.attachedAs !== undefined || binary.referralId === undefined) continue;
    const item = items.get(binary.referralId);
    if (item) stamp(binary, item, binary.uploadedAt);
  }
}
