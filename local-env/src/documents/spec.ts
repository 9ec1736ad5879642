/**
 * What the local environment asks the document generator for. The seed generator
 * (electron/local/seed) decides which documents each referral carries and describes each
 * with a DocumentSpec; electron/local/documents renders the bytes, deterministically from
 * the spec (the same spec gives the same bytes), so nothing needs storing until a user
 * uploads a file.
 */
export type DocumentKind =
  | 'pdf-letter' // a referral letter, N pages of real text
  | 'pdf-clinical-info' // e-RS's clinical information summary (A007)
  | 'pdf-advice-overview' // e-RS's A&G overview (A043)
  | 'png'
  | 'jpeg'
  | 'gif'
  | 'tiff' // a multi-page scan
  | 'docx'
  | 'rtf'
  | 'txt'
  | 'xml';

export interface DocumentSpec {
  kind: DocumentKind;
  /** Drives every random choice in the document. */
  seed: number;
  /** A title shown in the document (synthetic: no real patient). */
  title: string;
  /** For paged kinds (pdf-letter, tiff): how many pages. Default 2 (letter) or 3 (tiff). */
  pages?: number;
  /**
   * Synthetic facts the text may mention. Every fact given here is the one the document
   * states; a fact left out is invented from the seed. The seed and the emulator give a
   * referral's documents its own patient, priority and dates, so they agree with its
   * structured data and with each other.
   */
  context?: {
    ubrn?: string;
    nhsNumber?: string;
    patientName?: string;
    specialty?: string;
    referrer?: string;
    organisation?: string;
    /** yyyy-mm-dd */
    dateOfBirth?: string;
    sex?: 'female' | 'male';
    postcode?: string;
    priority?: 'ROUTINE' | 'URGENT' | 'TWO_WEEK_WAIT';
    /** When the document was written (ISO date or time). */
    date?: string;
    /** A summary's date of the referral or request (ISO). */
    referralDate?: string;
    /** An A&G overview's status, in words. */
    status?: string;
    /** An A&G overview's conversation, oldest first. */
    messages?: DocumentMessage[];
  };
  /** Ask for a bigger document (benchmarks: a 50-page, ~10 MB letter). */
  large?: boolean;
}

/** One message of an A&G conversation as the overview prints it. */
export interface DocumentMessage {
  author: string;
  /** 'note': e-RS's own line in the conversation (e.g. the referrer updated the clinical information). */
  role: 'requester' | 'provider' | 'note';
  /** ISO time sent. */
  sent: string;
  text: string;
}

export const CONTENT_TYPES: Record<DocumentKind, string> = {
  'pdf-letter': 'application/pdf',
  'pdf-clinical-info': 'application/pdf',
  'pdf-advice-overview': 'application/pdf',
  png: 'image/png',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  tiff: 'image/tiff',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  rtf: 'application/rtf',
  txt: 'text/plain',
  xml: 'text/xml',
};

/** Renders one document. Implemented in ./render.ts. */
export type RenderDocument = (spec: DocumentSpec) => Promise<Uint8Array>;
