/**
 * The document generator's entry point: checks a DocumentSpec and renders its bytes.
 * The same spec always gives the same bytes, so the emulator can regenerate a document
 * whenever it is asked for instead of storing it.
 */
import { AppError } from '../../../electron/app-error';
import { renderDocx } from './docx';
import { renderGif, renderJpeg, renderPng } from './images';
import { renderPdfLetter } from './pdf-letter';
import { renderAdviceOverviewPdf, renderClinicalInfoPdf } from './pdf-summary';
import { createRng, type Rng } from './prng';
import { renderRtf } from './rtf';
import { CONTENT_TYPES, type DocumentKind, type DocumentSpec, type RenderDocument } from './spec';
import { renderTxt, renderXml } from './text';
import { renderTiff } from './tiff';

/** Beyond this a "document" is a mistake in the seed data, and would take minutes to draw. */
export const MAX_PAGES = 200;

const RENDERERS: Record<DocumentKind, (spec: DocumentSpec, rng: Rng) => Uint8Array | Promise<Uint8Array>> = {
  'pdf-letter': renderPdfLetter,
  'pdf-clinical-info': renderClinicalInfoPdf,
  'pdf-advice-overview': renderAdviceOverviewPdf,
  png: renderPng,
  jpeg: renderJpeg,
  gif: renderGif,
  tiff: renderTiff,
  docx: renderDocx,
  rtf: renderRtf,
  txt: renderTxt,
  xml: renderXml,
};

const CONTEXT_FIELDS = [
  'ubrn',
  'nhsNumber',
  'patientName',
  'specialty',
  'referrer',
  'organisation',
  'dateOfBirth',
  'postcode',
  'date',
  'referralDate',
  'status',
] as const;
const PRIORITIES = ['ROUTINE', 'URGENT', 'TWO_WEEK_WAIT'];

function invalid(detail: string): AppError {
  return new AppError(
    'DOCUMENT_SPEC_INVALID',
    `The synthetic document could not be generated because ${detail}; correct the seed data and try again.`,
  );
}

/** Checks a spec that may have come from a file or another module; throws AppError when it is unusable. */
export function checkDocumentSpec(value: unknown): DocumentSpec {
  if (typeof value !== 'object' || value === null) throw invalid('no document description was given');
  const spec = value as Record<string, unknown>;
  if (typeof spec.kind !== 'string' || !Object.hasOwn(CONTENT_TYPES, spec.kind)) {
    throw invalid(`its kind must be one of ${Object.keys(CONTENT_TYPES).join(', ')}`);
  }
  if (typeof spec.seed !== 'number' || !Number.isSafeInteger(spec.seed)) throw invalid('its seed must be a whole number');
  if (typeof spec.title !== 'string') throw invalid('its title must be text');
  if (
    spec.pages !== undefined &&
    (typeof spec.pages !== 'number' || !Number.isInteger(spec.pages) || spec.pages < 1 || spec.pages > MAX_PAGES)
  ) {
    throw invalid(`its page count must be a whole number from 1 to ${MAX_PAGES}`);
  }
  if (spec.large !== undefined && typeof spec.large !== 'boolean') throw invalid('its "large" flag must be true or false');
  if (spec.context !== undefined) {
    if (typeof spec.context !== 'object' || spec.context === null) throw invalid('its context must be a set of named facts');
    const context = spec.context as Record<string, unknown>;
    for (const field of CONTEXT_FIELDS) {
      if (context[field] !== undefined && typeof context[field] !== 'string') throw invalid(`its context field "${field}" must be text`);
    }
    for (const field of ['dateOfBirth', 'date', 'referralDate'] as const) {
      if (context[field] !== undefined && Number.isNaN(Date.parse(String(context[field]))))
        throw invalid(`its context field "${field}" must be a date`);
    }
    if (context.sex !== undefined && context.sex !== 'female' && context.sex !== 'male')
      throw invalid('its context field "sex" must be female or male');
    if (context.priority !== undefined && !PRIORITIES.includes(String(context.priority)))
      throw invalid(`its context field "priority" must be one of ${PRIORITIES.join(', ')}`);
    if (context.messages !== undefined) {
      const ok =
        Array.isArray(context.messages) &&
        context.messages.every((m: unknown) => {
          const message = m as Record<string, unknown> | null;
          return (
            typeof message === 'object' &&
            message !== null &&
            typeof message.author === 'string' &&
            (message.role === 'requester' || message.role === 'provider' || message.role === 'note') &&
            typeof message.sent === 'string' &&
            !Number.isNaN(Date.parse(message.sent)) &&
            typeof message.text === 'string'
          );
        });
      if (!ok) throw invalid('its context field "messages" must list messages, each with an author, a role, a time and text');
    }
  }
  return value as DocumentSpec;
}

export const renderDocument: RenderDocument = async (spec) => {
  const checked = checkDocumentSpec(spec);
  return RENDERERS[checked.kind](checked, createRng(checked.seed));
};
