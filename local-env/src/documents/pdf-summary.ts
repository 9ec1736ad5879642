/**
 * The two PDFs e-RS itself produces: the clinical information summary of a referral
 * (A007) and the advice and guidance overview (A043). One or two pages in e-RS's printout
 * layout: shaded section bars over label and value pairs, then the clinical text or the
 * conversation, then earlier notes the referrer shared, filling the last page part-way.
 */
import { StandardFonts } from 'pdf-lib';
import { adviceConversation, composeCase, consultationHistory, type CaseNotes } from './clinical-text';
import { formatNhsNumber, formatUbrn, longDate, resolveContext, shortDate, type DocumentContext } from './document-context';
import { type Block, BlockBuilder, createDocument, fitLine, flowPages, type Fonts, INK, makeSanitiser, MUTED, RULE } from './pdf-layout';
import type { Rng } from './prng';
import type { DocumentSpec } from './spec';

const A4 = { width: 595.28, height: 841.89 };
const MARGIN = 48;
const CLINIC_TYPES = ['General', 'Consultant-led', 'Rapid access', 'Nurse-led', 'One-stop'] as const;
const PRIORITY: Record<CaseNotes['urgency'], string> = { routine: 'Routine', urgent: 'Urgent', 'two-week-wait': '2 Week Wait' };

type SummaryKind = 'clinical-info' | 'advice-overview';
const ROLE_TEXT = { requester: 'Requester', provider: 'Specialist', note: 'e-RS note' } as const;

function patientFields(ctx: DocumentContext): [string, string][] {
  return [
    ['Name', ctx.patientName],
    ['NHS number', formatNhsNumber(ctx.nhsNumber)],
    ['Date of birth', shortDate(ctx.dateOfBirth)],
    ['Gender', ctx.sex === 'female' ? 'Female' : ctx.sex === 'male' ? 'Male' : 'Not known'],
    ['Address', ctx.patientAddress.join(', ')],
  ];
}

function serviceName(ctx: DocumentContext, rng: Rng): string {
  return `${ctx.specialty} - ${rng.pick(CLINIC_TYPES)} - ${rng.pick(['Riverside University Hospitals', 'Northgate Community Healthcare'])} (synthetic)`;
}

function clinicalInfoBlocks(b: BlockBuilder, ctx: DocumentContext, notes: CaseNotes, rng: Rng): Block[] {
  return [
    { rows: [...b.banner('Patient details'), ...b.fields(patientFields(ctx))] },
    {
      rows: [
        ...b.banner('Referral details'),
        ...b.fields([
          ['UBRN', formatUbrn(ctx.ubrn)],
          ['Priority', PRIORITY[notes.urgency]],
          ['Specialty', ctx.specialty],
          ['Clinic type', rng.pick(CLINIC_TYPES)],
          ['Service', serviceName(ctx, rng)],
          ['Referring clinician', ctx.referrer],
          ['Referring organisation', ctx.organisation],
          ['Date of referral', shortDate(ctx.referralDate)],
        ]),
      ],
    },
    {
      rows: [
        ...b.banner('Clinical information'),
        ...b.paragraph(notes.reason, 10).rows,
        ...notes.history.flatMap((text) => b.paragraph(text, 10).rows),
        ...b.paragraph(notes.request, 10).rows,
      ],
    },
    {
      rows: [
        ...b.banner('Examination and investigations'),
        ...b.paragraph(notes.examination, 10).rows,
        ...b.paragraph(notes.investigations, 10).rows,
      ],
    },
    {
      rows: [
        ...b.banner('Medication and allergies'),
        ...b.fields([
          ['Current medication', notes.medication.join('; ')],
          ['Allergies', notes.allergies.join('; ')],
          ['Past medical history', notes.pastHistory.join('; ')],
        ]),
      ],
    },
  ];
}

function adviceBlocks(b: BlockBuilder, fonts: Fonts, ctx: DocumentContext, notes: CaseNotes, rng: Rng): Block[] {
  // The request's own conversation and status when e-RS gave them; a made-up one only for a bare spec.
  const invented = adviceConversation(ctx, notes, rng.fork('conversation'));
  const messages = ctx.messages
    ? ctx.messages.map((m) => ({ author: m.author, role: m.role, date: new Date(m.sent), text: m.text }))
    : invented;
  const answered = messages.some((message) => message.role === 'provider');
  const status = ctx.status ?? (answered ? (messages.length > 2 ? 'Provider responded' : 'Awaiting requester') : 'Awaiting provider');
  return [
    { rows: [...b.banner('Patient details'), ...b.fields(patientFields(ctx))] },
    {
      rows: [
        ...b.banner('Advice request details'),
        ...b.fields([
          ['UBRN', formatUbrn(ctx.ubrn)],
          ['Priority', PRIORITY[notes.urgency]],
          ['Specialty', ctx.specialty],
          ['Service', serviceName(ctx, rng)],
          ['Requested by', `${ctx.referrer}, ${ctx.organisation}`],
          ['Date requested', shortDate(ctx.referralDate)],
          ['Status', status],
        ]),
      ],
    },
    { rows: b.banner('Conversation') },
    ...messages.map((message) => ({
      rows: [
        ...b.lines(`${shortDate(message.date)} - ${message.author} (${ROLE_TEXT[message.role]})`, { font: fonts.bold, size: 10 }, 0, true),
        ...b.lines(message.text, { font: fonts.regular, size: 10 }, 10),
        b.gap(8),
      ],
    })),
  ];
}

function* sharedNotes(b: BlockBuilder, fonts: Fonts, ctx: DocumentContext, notes: CaseNotes, rng: Rng): Generator<Block> {
  yield { rows: b.banner('Earlier notes shared by the referrer') };
  for (const note of consultationHistory(ctx, notes, rng)) {
    yield {
      rows: [
        ...b.lines(note.heading, { font: fonts.bold, size: 9.5 }, 0, true),
        ...b.lines(note.text, { font: fonts.regular, size: 9.5 }, 10),
        b.gap(5),
      ],
    };
  }
}

async function renderSummary(kind: SummaryKind, spec: DocumentSpec, rng: Rng): Promise<Uint8Array> {
  const ctx = resolveContext(spec, rng);
  const notes = composeCase(ctx, rng.fork('case'));
  const heading = kind === 'clinical-info' ? 'Referral clinical information' : 'Advice and Guidance overview';
  const pages = spec.pages ?? (rng.fork('pages').chance(0.35) ? 2 : 1);
  const doc = await createDocument({ title: spec.title, author: 'e-Referral Service (local emulator)', subject: heading, date: ctx.date });
  const fonts: Fonts = {
    regular: await doc.embedFont(StandardFonts.Helvetica),
    bold: await doc.embedFont(StandardFonts.HelveticaBold),
    italic: await doc.embedFont(StandardFonts.HelveticaOblique),
  };
  const clean = makeSanitiser(fonts.regular);
  const b = new BlockBuilder(fonts, A4.width - MARGIN * 2, clean);
  const layout = rng.fork('layout');
  const core = kind === 'clinical-info' ? clinicalInfoBlocks(b, ctx, notes, layout) : adviceBlocks(b, fonts, ctx, notes, layout);

  flowPages(core, sharedNotes(b, fonts, ctx, notes, rng.fork('notes')), {
    pages,
    left: MARGIN,
    finalFill: rng.fork('fill').float(0.3, 0.75),
    newPage: (index) => {
      const page = doc.addPage([A4.width, A4.height]);
      page.drawText('e-Referral Service', { x: MARGIN, y: A4.height - 44, size: 9, font: fonts.bold, color: MUTED });
      const printed = clean(`Printed ${longDate(ctx.date)} - local emulator, synthetic data`);
      page.drawText(printed, {
        x: A4.width - MARGIN - fonts.regular.widthOfTextAtSize(printed, 8),
        y: A4.height - 44,
        size: 8,
        font: fonts.regular,
        color: MUTED,
      });
      let top: number;
      if (index === 0) {
        page.drawText(clean(heading), { x: MARGIN, y: A4.height - 76, size: 17, font: fonts.bold, color: INK });
        page.drawText(fitLine(clean(spec.title), fonts.regular, 10.5, A4.width - MARGIN * 2), {
          x: MARGIN,
          y: A4.height - 94,
          size: 10.5,
          font: fonts.regular,
          color: MUTED,
        });
        top = A4.height - 104;
      } else {
        const continued = `${ctx.patientName} - NHS number ${formatNhsNumber(ctx.nhsNumber)} - UBRN ${formatUbrn(ctx.ubrn)} (continued)`;
        page.drawText(fitLine(clean(continued), fonts.regular, 9, A4.width - MARGIN * 2), {
          x: MARGIN,
          y: A4.height - 64,
          size: 9,
          font: fonts.regular,
          color: INK,
        });
        top = A4.height - 74;
      }
      page.drawLine({ start: { x: MARGIN, y: 42 }, end: { x: A4.width - MARGIN, y: 42 }, thickness: 0.5, color: RULE });
      const label = `Page ${index + 1} of ${pages}`;
      page.drawText(label, {
        x: A4.width - MARGIN - fonts.regular.widthOfTextAtSize(label, 8),
        y: 30,
        size: 8,
        font: fonts.regular,
        color: MUTED,
      });
      page.drawText(fitLine(clean(`UBRN ${formatUbrn(ctx.ubrn)}`), fonts.regular, 8, A4.width - MARGIN * 2 - 70), {
        x: MARGIN,
        y: 30,
        size: 8,
        font: fonts.regular,
        color: MUTED,
      });
      return { page, top, bottom: 56 };
    },
  });
  return doc.save({ objectsPerTick: Number.POSITIVE_INFINITY });
}

export const renderClinicalInfoPdf = (spec: DocumentSpec, rng: Rng): Promise<Uint8Array> => renderSummary('clinical-info', spec, rng);
export const renderAdviceOverviewPdf = (spec: DocumentSpec, rng: Rng): Promise<Uint8Array> => renderSummary('advice-overview', spec, rng);
