/**
 * One referral letter, as structure rather than layout: the letterhead, the identifiers,
 * the sections of the clinical story and the sign-off. The PDF, Word, RTF, text and XML
 * renderers all print this, so a letter reads the same in every format.
 */
import { composeCase, pronouns, type CaseNotes } from './clinical-text';
import { formatNhsNumber, formatUbrn, longDate, shortDate, type DocumentContext } from './document-context';
import type { Rng } from './prng';

export interface OutlineTable {
  header: string[];
  rows: string[][];
  /** Per row: whether the result is outside its range (printed in bold, marked "*"). */
  flagged: boolean[];
}

export interface OutlineSection {
  heading: string;
  paragraphs: string[];
  bullets?: string[];
  table?: OutlineTable;
}

export interface LetterOutline {
  ctx: DocumentContext;
  notes: CaseNotes;
  priority: string;
  /** Label and value lines under the letterhead: sender, date, UBRN, priority. */
  meta: [string, string][];
  recipient: string[];
  salutation: string;
  re: string;
  opening: string;
  sections: OutlineSection[];
  closing: string;
  signature: { valediction: string; name: string; role: string };
}

export const PRIORITY_LABEL: Record<CaseNotes['urgency'], string> = {
  routine: 'Routine',
  urgent: 'Urgent',
  'two-week-wait': 'Two week wait (suspected cancer)',
};

export function letterOutline(ctx: DocumentContext, rng: Rng): LetterOutline {
  const notes = composeCase(ctx, rng.fork('case'));
  const p = pronouns(ctx.sex);
  const priority = PRIORITY_LABEL[notes.urgency];
  const sections: OutlineSection[] = [
    { heading: 'History of presenting complaint', paragraphs: notes.history },
    { heading: 'Past medical history', paragraphs: [], bullets: notes.pastHistory },
    { heading: 'Current medication', paragraphs: [], bullets: notes.medication },
    { heading: 'Allergies', paragraphs: [notes.allergies.join('; ')] },
    { heading: 'Social history', paragraphs: [notes.social] },
    { heading: 'Examination', paragraphs: [notes.examination] },
    {
      heading: 'Investigations',
      paragraphs: [notes.investigations],
      ...(notes.results.length > 0
        ? {
            table: {
              header: ['Test', 'Result', 'Units', 'Reference range', 'Date'],
              rows: notes.results.map((r) => [r.test, r.abnormal ? `${r.value} *` : r.value, r.unit, r.range, r.date]),
              flagged: notes.results.map((r) => r.abnormal),
            },
          }
        : {}),
    },
    { heading: 'Impression', paragraphs: [notes.impression] },
    { heading: 'What I am asking', paragraphs: [notes.request] },
  ];
  const he = p.he.charAt(0).toUpperCase() + p.he.slice(1);
  return {
    ctx,
    notes,
    priority,
    meta: [
      ['From', `${ctx.referrer}, General Practitioner`],
      ['Date', longDate(ctx.date)],
      ['UBRN', formatUbrn(ctx.ubrn)],
      ['Priority', priority],
    ],
    recipient: ['The Consultant', `${ctx.specialty} service, via the NHS e-Referral Service`],
    salutation: 'Dear Colleague,',
    re: `Re: ${ctx.patientName}, date of birth ${shortDate(ctx.dateOfBirth)}, NHS No ${formatNhsNumber(ctx.nhsNumber)}`,
    opening: notes.reason,
    sections,
    closing:
      notes.urgency === 'two-week-wait'
        ? `I have explained that this is an urgent referral to rule out cancer. ${he} understands the importance of attending. Thank you for your help.`
        : `I have discussed this referral with ${p.him} and ${p.he} is happy to be seen. Thank you for your help with ${p.his} care.`,
    signature: { valediction: 'Yours sincerely,', name: ctx.referrer, role: `General Practitioner, ${ctx.organisation}` },
  };
}
