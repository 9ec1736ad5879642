import { getDocument, OPS } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { describe, expect, it } from 'vitest';
import { renderDocument } from '../../../local-env/src/documents/render';
import type { DocumentKind, DocumentSpec } from '../../../local-env/src/documents/spec';

const CONTEXT = {
  ubrn: '000000070000',
  nhsNumber: '9990001234',
  patientName: 'Margaret Hartley',
  specialty: 'Gastroenterology',
  referrer: 'Dr Sunita Fletcher',
  organisation: 'Meadow Lane Surgery (synthetic)',
};

interface TextItem {
  str: string;
  x: number;
  y: number;
  width: number;
}

interface ReadPdf {
  numPages: number;
  title: unknown;
  pages: { width: number; height: number; items: TextItem[]; text: string }[];
}

/** Opens a PDF with pdf.js, as the app's viewer will, and pulls out each page's text with positions. */
async function readPdf(bytes: Uint8Array, pageNumbers?: number[]): Promise<ReadPdf> {
  // pdf.js takes ownership of the buffer it is given: hand it a copy.
  const doc = await getDocument({ data: bytes.slice(), verbosity: 0 }).promise;
  try {
    const metadata = await doc.getMetadata();
    const pages: ReadPdf['pages'] = [];
    for (const number of pageNumbers ?? Array.from({ length: doc.numPages }, (_, i) => i + 1)) {
      const page = await doc.getPage(number);
      const [, , width = 0, height = 0] = page.view;
      const content = await page.getTextContent();
      const items: TextItem[] = [];
      for (const item of content.items) {
        if (!('str' in item) || item.str.trim() === '') continue;
        items.push({ str: item.str, x: item.transform[4] ?? 0, y: item.transform[5] ?? 0, width: item.width });
      }
      pages.push({ width, height, items, text: items.map((item) => item.str).join(' ') });
    }
    const info = metadata.info as Record<string, unknown>;
    return { numPages: doc.numPages, title: info.Title, pages };
  } finally {
    await doc.destroy();
  }
}

const squash = (text: string) => text.replace(/\s+/g, '');

function expectContext(text: string): void {
  for (const value of Object.values(CONTEXT)) expect(squash(text), value).toContain(squash(value));
}

function expectInsidePage(pdf: ReadPdf): void {
  for (const page of pdf.pages) {
    for (const item of page.items) {
      expect(item.x, item.str).toBeGreaterThanOrEqual(40);
      expect(item.x + item.width, item.str).toBeLessThanOrEqual(page.width - 40);
      expect(item.y, item.str).toBeGreaterThanOrEqual(24);
      expect(item.y, item.str).toBeLessThanOrEqual(page.height - 24);
    }
  }
}

const letter = (seed: number, extra: Partial<DocumentSpec> = {}): DocumentSpec => ({
  kind: 'pdf-letter',
  seed,
  title: 'GP referral letter',
  context: CONTEXT,
  ...extra,
});

describe('PDF referral letter', () => {
  it('has two pages by default, with the referral facts, the clinical story and the signature', async () => {
    const pdf = await readPdf(await renderDocument(letter(1)));
    expect(pdf.numPages).toBe(2);
    expect(pdf.title).toBe('GP referral letter');
    expectContext(pdf.pages[0]?.text ?? '');
    const all = pdf.pages.map((page) => page.text).join(' ');
    for (const heading of ['History of presenting complaint', 'Current medication', 'Examination', 'What I am asking', 'Yours sincerely']) {
      expect(all).toContain(heading);
    }
    pdf.pages.forEach((page, i) => expect(page.text).toContain(`Page ${i + 1} of 2`));
    expectInsidePage(pdf);
  });

  for (const pages of [1, 3, 6]) {
    it(`fills exactly ${pages} page${pages === 1 ? '' : 's'} when asked, every line inside the page`, async () => {
      for (const seed of [2, 3]) {
        const pdf = await readPdf(await renderDocument(letter(seed, { pages })));
        expect(pdf.numPages).toBe(pages);
        expect(pdf.pages.map((page) => page.text).join(' ')).toContain('Yours sincerely');
        for (const page of pdf.pages) expect(page.items.length).toBeGreaterThan(10);
        expectInsidePage(pdf);
      }
    });
  }

  it('keeps very long titles, names and organisations inside the page', async () => {
    const long = { ...CONTEXT, patientName: 'Margaret '.repeat(12) + 'Hartley', organisation: 'The Very Long Named Surgery '.repeat(6) };
    for (const kind of ['pdf-letter', 'pdf-clinical-info', 'pdf-advice-overview'] as const) {
      const pdf = await readPdf(
        await renderDocument({ kind, seed: 8, title: 'A title that goes on '.repeat(15), context: long, pages: 2 }),
      );
      expect(pdf.numPages).toBe(2);
      expectInsidePage(pdf);
    }
  });

  it('writes different letters for different seeds', async () => {
    const texts = new Set<string>();
    for (let seed = 10; seed < 16; seed++)
      texts.add((await readPdf(await renderDocument({ kind: 'pdf-letter', seed, title: 'Letter' }), [1])).pages[0]?.text ?? '');
    expect(texts.size).toBe(6);
  });

  it('renders a large letter of 50 pages and about 10 MB, its enclosures as images pdf.js can paint', async () => {
    const bytes = await renderDocument(letter(4, { large: true }));
    expect(bytes.length).toBeGreaterThan(8_000_000);
    expect(bytes.length).toBeLessThan(13_000_000);
    const pdf = await readPdf(bytes, [1, 50]);
    expect(pdf.numPages).toBe(50);
    expectContext(pdf.pages[0]?.text ?? '');
    expect(pdf.pages[1]?.text).toContain('Enclosure 46 of 46');
    const doc = await getDocument({ data: bytes.slice(), verbosity: 0 }).promise;
    try {
      const operators = await (await doc.getPage(50)).getOperatorList();
      expect(operators.fnArray).toContain(OPS.paintImageXObject);
    } finally {
      await doc.destroy();
    }
  });
});

describe('e-RS summary PDFs', () => {
  const cases: [DocumentKind, string, string][] = [
    ['pdf-clinical-info', 'Referral clinical information', 'Referral details'],
    ['pdf-advice-overview', 'Advice and Guidance overview', 'Conversation'],
  ];
  for (const [kind, heading, section] of cases) {
    it(`${kind}: one or two pages in the summary layout, holding the referral facts`, async () => {
      const counts = new Set<number>();
      for (let seed = 1; seed <= 8; seed++) {
        const pdf = await readPdf(await renderDocument({ kind, seed, title: 'Summary', context: CONTEXT }));
        counts.add(pdf.numPages);
        expect(pdf.numPages).toBeGreaterThanOrEqual(1);
        expect(pdf.numPages).toBeLessThanOrEqual(2);
        const all = pdf.pages.map((page) => page.text).join(' ');
        expect(all).toContain(heading);
        expect(all).toContain(section);
        expectContext(all);
        expectInsidePage(pdf);
      }
      expect(counts.size).toBe(2);
    });

    it(`${kind}: honours an explicit page count`, async () => {
      expect((await readPdf(await renderDocument({ kind, seed: 3, title: 'Summary', pages: 2 }))).numPages).toBe(2);
      expect((await readPdf(await renderDocument({ kind, seed: 3, title: 'Summary', pages: 1 }))).numPages).toBe(1);
    });
  }

  it('the advice overview carries a conversation between the requester and the specialist', async () => {
    const pdf = await readPdf(await renderDocument({ kind: 'pdf-advice-overview', seed: 12, title: 'A&G', context: CONTEXT }));
    const all = pdf.pages.map((page) => page.text).join(' ');
    expect(all).toContain(`${CONTEXT.referrer} (Requester)`);
    expect(all).toMatch(/\(Specialist\)/);
  });
});
