/**
 * Every document of a seeded referral tells the same story as the referral: for every
 * referral of the default seed, the text read back out of each of its letters (PDF through
 * pdf.js, Word and RTF through the app's own converters, text and XML as they are) gives the
 * patient's own date of birth and NHS number, the referral's own priority, and the day the
 * letter was attached as its date; scans and images are checked through the generator's own
 * model of what it prints. The e-RS summaries (A007, and the A&G overview A043) printed by
 * the local e-RS show their own referral's or request's patient, priority, status and
 * conversation.
 */
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { docxToSafeDocument } from '../../../electron/convert/docx-to-safe-document';
import { rtfToText } from '../../../electron/convert/rtf-to-text';
import type { SafeBlock } from '../../../contract';
import { formatNhsNumber, longDate, resolveContext, shortDate } from '../../../local-env/src/documents/document-context';
import { createRng } from '../../../local-env/src/documents/prng';
import { renderDocument } from '../../../local-env/src/documents/render';
import type { DocumentSpec } from '../../../local-env/src/documents/spec';
import { generateSeed } from '../../../local-env/src/seed/generate';
import type { AdviceRequest, BinaryRecord, Patient, Priority, Referral, SeedData } from '../../../local-env/src/seed/model';
import { findService } from '../../../local-env/src/seed/catalogue';
import { CONSULTANT_UID } from '../../../local-env/src/users';
import { startTestEmulator, TEST_REFERENCE_DATE, type TestEmulator } from '../../helpers/ers-emulator';

const REFERENCE_DATE = '2026-03-02';
const LETTER_PRIORITY: Record<Priority, string> = {
  ROUTINE: 'Routine',
  URGENT: 'Urgent',
  TWO_WEEK_WAIT: 'Two week wait (suspected cancer)',
};
const SUMMARY_PRIORITY: Record<Priority, string> = { ROUTINE: 'Routine', URGENT: 'Urgent', TWO_WEEK_WAIT: '2 Week Wait' };

async function pdfText(bytes: Uint8Array): Promise<string> {
  const doc = await getDocument({ data: bytes.slice(), verbosity: 0 }).promise;
  try {
    const pages: string[] = [];
    for (let n = 1; n <= doc.numPages; n++) {
      const content = await (await doc.getPage(n)).getTextContent();
      pages.push(content.items.map((item) => ('str' in item ? item.str : '')).join(' '));
    }
    return pages.join('\n');
  } finally {
    await doc.destroy();
  }
}

function blocksText(blocks: SafeBlock[]): string {
  return blocks
    .map((block) => {
      switch (block.type) {
        case 'heading':
        case 'paragraph':
          return block.runs.map((r) => r.text).join('');
        case 'list':
          return block.items.map((item) => blocksText(item.blocks)).join('\n');
        case 'table':
          return block.rows.map((row) => row.cells.map((cell) => blocksText(cell.blocks)).join(' ')).join('\n');
      }
    })
    .join('\n');
}

/** The text of a letter as a reader of that format gets it. */
async function letterText(spec: DocumentSpec, bytes: Uint8Array): Promise<string> {
  switch (spec.kind) {
    case 'pdf-letter':
      return pdfText(bytes);
    case 'docx':
      return blocksText((await docxToSafeDocument(bytes)).blocks);
    case 'rtf':
      return rtfToText(bytes).text;
    default:
      return new TextDecoder().decode(bytes);
  }
}

const squash = (text: string): string => text.replace(/\s+/g, ' ');
const LETTERS = new Set(['pdf-letter', 'docx', 'rtf', 'txt', 'xml']);

let seed: SeedData;
let patients: Map<string, Patient>;
let binaries: Map<string, BinaryRecord>;

beforeAll(() => {
  seed = generateSeed({ referenceDate: REFERENCE_DATE });
  patients = new Map(seed.patients.map((p) => [p.nhsNumber, p]));
  binaries = new Map(seed.binaries.map((b) => [b.id, b]));
});

function documentsOf(item: Referral | AdviceRequest): { spec: DocumentSpec; indexed: string; title: string }[] {
  const attachments = 'messages' in item ? [...item.attachments, ...item.messages.flatMap((m) => m.attachments)] : item.attachments;
  return attachments.flatMap((a) => {
    const binary = binaries.get(a.binaryId);
    return binary?.content.source === 'document' ? [{ spec: binary.content.spec, indexed: a.indexed, title: a.title }] : [];
  });
}

function expectSameFacts(text: string, item: Referral | AdviceRequest, indexed: string, where: string): void {
  const patient = patients.get(item.patientNhsNumber);
  if (!patient) throw new Error(`${where}: no patient`);
  const flat = squash(text);
  const dob = new Date(`${patient.birthDate}T00:00:00Z`);
  expect(
    flat.includes(formatNhsNumber(patient.nhsNumber)) || flat.includes(patient.nhsNumber),
    `${where}: NHS number ${patient.nhsNumber}`,
  ).toBe(true);
  expect(flat.includes(shortDate(dob)) || flat.includes(patient.birthDate), `${where}: date of birth ${patient.birthDate}`).toBe(true);
  expect(flat, `${where}: patient name`).toContain(`${patient.givenName} ${patient.familyName}`);
  // The priority line states the item's priority, and no other priority is claimed.
  const stated = (label: string) => flat.includes(`Priority: ${label}`) || flat.includes(`<Priority>${label}</Priority>`);
  for (const [code, label] of Object.entries(LETTER_PRIORITY))
    expect(stated(label), `${where}: priority ${label}`).toBe(code === item.priority);
  // Dated the day it was attached: not before the referral (or request) was made, nor after today.
  const day = new Date(indexed);
  const made = 'created' in item ? item.created : item.firstRequested;
  expect(day.toISOString().slice(0, 10) >= made.slice(0, 10), `${where}: dated ${indexed}, before ${made}`).toBe(true);
  expect(day.toISOString().slice(0, 10) <= REFERENCE_DATE, `${where}: dated ${indexed}, after ${REFERENCE_DATE}`).toBe(true);
  const dated = flat.includes(longDate(day)) || flat.includes(day.toISOString().slice(0, 10));
  expect(dated, `${where}: dated ${longDate(day)}`).toBe(true);
}

describe('every seeded referral and A&G request: its documents agree with it', () => {
  it('letters in every format give the patient, NHS number, date of birth, priority and date of the item they are attached to', async () => {
    let checked = 0;
    const items: (Referral | AdviceRequest)[] = [...seed.referrals, ...seed.advice];
    for (const item of items) {
      for (const { spec, indexed, title } of documentsOf(item)) {
        if (!LETTERS.has(spec.kind) || spec.large) continue;
        const where = `${item.ubrn} ${title} (${spec.kind})`;
        expectSameFacts(await letterText(spec, await renderDocument(spec)), item, indexed, where);
        checked += 1;
      }
    }
    expect(checked).toBeGreaterThan(250);
  }, 240_000);

  it("scans and images print the same patient and date, by the generator's own model of what it prints", () => {
    for (const item of [...seed.referrals, ...seed.advice]) {
      const patient = patients.get(item.patientNhsNumber);
      for (const { spec, indexed, title } of documentsOf(item)) {
        const ctx = resolveContext(spec, createRng(spec.seed));
        const where = `${item.ubrn} ${title} (${spec.kind})`;
        expect(ctx.nhsNumber, where).toBe(item.patientNhsNumber);
        expect(ctx.dateOfBirth.toISOString().slice(0, 10), where).toBe(patient?.birthDate);
        expect(ctx.patientName, where).toBe(`${patient?.givenName} ${patient?.familyName}`);
        expect(ctx.sex, where).toBe(patient?.gender);
        expect(ctx.date.toISOString(), where).toBe(new Date(indexed).toISOString());
        expect(ctx.urgency, where).toBe({ ROUTINE: 'routine', URGENT: 'urgent', TWO_WEEK_WAIT: 'two-week-wait' }[item.priority]);
      }
    }
  });
});

describe('the summaries e-RS prints (local e-RS)', () => {
  let t: TestEmulator;
  let served: SeedData;
  beforeAll(async () => {
    t = await startTestEmulator({ renderDocument });
    // The emulator's own seed, to know what each item holds.
    served = generateSeed({ referenceDate: TEST_REFERENCE_DATE });
  });
  afterAll(async () => {
    await t.close();
  });

  async function summary(path: string, ods: string): Promise<string> {
    const headers = await t.headers({ uid: CONSULTANT_UID, ods });
    const response = await t.fhir(path, { method: 'POST', headers: { ...headers, Accept: 'application/pdf' } });
    expect(response.status, path).toBe(200);
    return squash(await pdfText(new Uint8Array(await response.arrayBuffer())));
  }
  const dobText = (nhsNumber: string): string | null => {
    const patient = served.patients.find((p) => p.nhsNumber === nhsNumber);
    return patient ? shortDate(new Date(`${patient.birthDate}T00:00:00Z`)) : null;
  };

  it("A043: each A&G overview shows its own conversation, status, patient and priority, and no other request's", async () => {
    const all = served.advice.filter((a) => ['R69', 'R68'].includes(findService(a.serviceId)?.ods ?? ''));
    const chosen = all.filter((a) => a.messages.length > 1).slice(0, 8);
    expect(chosen.length).toBeGreaterThan(3);
    for (const advice of chosen) {
      const text = await summary(`/STU3/CommunicationRequest/${advice.ubrn}/$ers.generateCRI`, findService(advice.serviceId)?.ods ?? '');
      expect(text, advice.ubrn).toContain(formatNhsNumber(advice.patientNhsNumber));
      expect(text, advice.ubrn).toContain(dobText(advice.patientNhsNumber) ?? 'no patient');
      expect(text, advice.ubrn).toContain(`Priority ${SUMMARY_PRIORITY[advice.priority]}`);
      expect(text.toLowerCase(), advice.ubrn).toContain(`status ${advice.status.toLowerCase().replace(/_/g, ' ')}`);
      for (const message of advice.messages)
        expect(text, `${advice.ubrn} message ${message.id}`).toContain(squash(message.text).slice(0, 40));
      // Nothing of another request's conversation.
      const own = new Set(advice.messages.map((m) => m.text));
      for (const other of all) {
        if (other.ubrn === advice.ubrn) continue;
        for (const message of other.messages) {
          if (!own.has(message.text))
            expect(text.includes(squash(message.text)), `${advice.ubrn} shows ${other.ubrn}'s message`).toBe(false);
        }
      }
    }
  }, 120_000);

  it("A007: a referral's clinical information summary gives its own patient and priority", async () => {
    const chosen = served.referrals.filter((r) => r.ubrn.startsWith('0005') && r.serviceId !== null).slice(0, 8);
    for (const referral of chosen) {
      const text = await summary(
        `/STU3/ReferralRequest/${referral.ubrn}/$ers.generateCRI`,
        findService(referral.serviceId ?? '')?.ods ?? '',
      );
      expect(text, referral.ubrn).toContain(formatNhsNumber(referral.patientNhsNumber));
      expect(text, referral.ubrn).toContain(dobText(referral.patientNhsNumber) ?? 'no patient');
      expect(text, referral.ubrn).toContain(`Priority ${SUMMARY_PRIORITY[referral.priority]}`);
    }
  }, 120_000);
});
