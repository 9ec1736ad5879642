/**
 * The files the seed puts on referrals and A&G requests: which kinds, how many, and which
 * ones e-RS would mark unavailable (still scanning, quarantined, failed validation). Each
 * file is a BinaryRecord whose bytes are described by a DocumentSpec and rendered on demand.
 */
import { CONTENT_TYPES, type DocumentKind, type DocumentSpec } from '../documents/spec';
import { type Attachment, type AttachmentType, type Availability, type BinaryRecord } from './model';
import { type Prng } from './prng';

/** e-RS's own content types; RTF is text/rtf on the e-RS API. */
export function ersContentType(kind: DocumentKind): string {
  return kind === 'rtf' ? 'text/rtf' : CONTENT_TYPES[kind];
}

const FILE_NAMES: Record<DocumentKind, readonly string[]> = {
  'pdf-letter': ['referral-letter.pdf', 'gp-letter.pdf', 'clinic-letter.pdf'],
  'pdf-clinical-info': ['clinical-information.pdf'],
  'pdf-advice-overview': ['advice-and-guidance.pdf'],
  png: ['ecg-trace.png', 'blood-results.png', 'spirometry.png'],
  jpeg: ['lesion-photo.jpg', 'rash-photo.jpeg', 'wound-photo.jpg'],
  gif: ['chart.gif'],
  tiff: ['scanned-results.tif', 'scanned-letter.tiff'],
  docx: ['discharge-summary.docx', 'medication-review.docx'],
  rtf: ['medication-list.rtf', 'problem-list.rtf'],
  txt: ['observations.txt', 'clinical-notes.txt'],
  xml: ['pathology-report.xml'],
};

const DESCRIPTIONS: Partial<Record<DocumentKind, string>> = {
  'pdf-letter': 'Referral letter',
  png: 'Test results image',
  jpeg: 'Clinical photograph',
  tiff: 'Scanned document',
  docx: 'Word document',
  rtf: 'Rich text document',
  txt: 'Plain text notes',
  xml: 'Pathology report',
  gif: 'Chart',
};

export interface FileContext {
  ubrn: string;
  nhsNumber: string;
  patientName: string;
  specialty: string;
  referrer: string;
  organisation: string;
}

/** Hands out ids for DocumentReferences and Communications: short numbers, as e-RS uses. */
export class IdCounter {
  constructor(private next: number) {}
  take(): string {
    const id = String(this.next);
    this.next += 1;
    return id;
  }
}

export interface NewFile {
  attachment: Attachment;
  binary: BinaryRecord;
}

export interface FileRequest {
  kind: DocumentKind;
  type: AttachmentType;
  indexed: string;
  attachedBy: string;
  attachedByOrg: string;
  attachedOnBehalfOf?: string;
  availability?: Availability;
  fileName?: string;
  description?: string | null;
  binaryId?: string;
  pages?: number;
  large?: boolean;
  title?: string;
}

export function makeFile(prng: Prng, ids: IdCounter, context: FileContext, request: FileRequest): NewFile {
  const binaryId = request.binaryId ?? prng.uuid();
  const fileName = request.fileName ?? prng.pick(FILE_NAMES[request.kind]);
  const spec: DocumentSpec = {
    kind: request.kind,
    seed: prng.int(1, 2_147_483_646),
    title: request.title ?? DESCRIPTIONS[request.kind] ?? 'Document',
    context: {
      ubrn: context.ubrn,
      nhsNumber: context.nhsNumber,
      patientName: context.patientName,
      specialty: context.specialty,
      referrer: context.referrer,
      organisation: context.organisation,
    },
  };
  if (request.pages !== undefined) spec.pages = request.pages;
  if (request.large) spec.large = true;
  const contentType = ersContentType(request.kind);
  const attachment: Attachment = {
    id: ids.take(),
    binaryId,
    type: request.type,
    title: fileName,
    contentType,
    indexed: request.indexed,
    attachedBy: request.attachedBy,
    attachedByOrg: request.attachedByOrg,
  };
  const description = request.description === null ? undefined : (request.description ?? DESCRIPTIONS[request.kind]);
  if (description !== undefined) attachment.description = description;
  if (request.attachedOnBehalfOf) attachment.attachedOnBehalfOf = request.attachedOnBehalfOf;
  const binary: BinaryRecord = {
    id: binaryId,
    fileName,
    contentType,
    availability: request.availability ?? 'AVAILABLE',
    content: { source: 'document', spec },
    uploadedAt: request.indexed,
    attachedAs: attachment.id,
  };
  return { attachment, binary };
}

/** Extra files beside the letter: mostly images and scans, now and then office documents. */
export function randomExtraKind(prng: Prng): DocumentKind {
  return prng.weighted<DocumentKind>([
    ['png', 5],
    ['jpeg', 5],
    ['tiff', 4],
    ['pdf-letter', 3],
    ['docx', 3],
    ['rtf', 2],
    ['txt', 2],
    ['xml', 1],
    ['gif', 1],
  ]);
}

/** Most files are ready; a few are still being scanned, quarantined, or failed validation. */
export function randomAvailability(prng: Prng): Availability {
  return prng.weighted<Availability>([
    ['AVAILABLE', 93],
    ['PENDING', 4],
    ['THREATS_FOUND', 1.5],
    ['VALIDATION_FAILED', 1.5],
  ]);
}
