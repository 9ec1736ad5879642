import { describe, expect, it } from 'vitest';
import { AppError } from '../../../electron/app-error';
import { resolveContext, syntheticNhsNumber } from '../../../local-env/src/documents/document-context';
import { createRng } from '../../../local-env/src/documents/prng';
import { renderDocument } from '../../../local-env/src/documents/render';
import { CONTENT_TYPES, type DocumentKind, type DocumentSpec } from '../../../local-env/src/documents/spec';

const KINDS = Object.keys(CONTENT_TYPES) as DocumentKind[];

const CONTEXT = {
  ubrn: '000000070000',
  nhsNumber: '9990001234',
  patientName: 'Margaret Hartley',
  specialty: 'Cardiology',
  referrer: 'Dr Sunita Fletcher',
  organisation: 'Meadow Lane Surgery (synthetic)',
};

const spec = (kind: DocumentKind, seed = 42, extra: Partial<DocumentSpec> = {}): DocumentSpec => ({
  kind,
  seed,
  title: 'Referral letter',
  context: CONTEXT,
  ...extra,
});

const ascii = (bytes: Uint8Array, length: number) => String.fromCharCode(...bytes.subarray(0, length));

/** What each format's own specification says its first bytes are. */
const SIGNATURES: Record<DocumentKind, (bytes: Uint8Array) => boolean> = {
  'pdf-letter': (b) => ascii(b, 5) === '%PDF-',
  'pdf-clinical-info': (b) => ascii(b, 5) === '%PDF-',
  'pdf-advice-overview': (b) => ascii(b, 5) === '%PDF-',
  png: (b) => [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a].every((byte, i) => b[i] === byte),
  jpeg: (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff && b[b.length - 2] === 0xff && b[b.length - 1] === 0xd9,
  gif: (b) => ascii(b, 6) === 'GIF89a' && b[b.length - 1] === 0x3b,
  tiff: (b) => b[0] === 0x49 && b[1] === 0x49 && b[2] === 42 && b[3] === 0,
  docx: (b) => b[0] === 0x50 && b[1] === 0x4b && b[2] === 3 && b[3] === 4,
  rtf: (b) => ascii(b, 6) === '{\\rtf1',
  txt: (b) => !b.includes(0) && new TextDecoder('utf-8', { fatal: true }).decode(b).length > 500,
  xml: (b) => ascii(b, 5) === '<?xml',
};

describe('renderDocument', () => {
  for (const kind of KINDS) {
    it(`gives ${kind} bytes with the format's signature, the same for the same spec and different for another seed`, async () => {
      const first = await renderDocument(spec(kind));
      const again = await renderDocument(spec(kind));
      const otherSeed = await renderDocument(spec(kind, 43));
      expect(SIGNATURES[kind](first)).toBe(true);
      expect(Buffer.from(again).equals(Buffer.from(first))).toBe(true);
      expect(Buffer.from(otherSeed).equals(Buffer.from(first))).toBe(false);
    });
  }

  it('gives the same bytes in any time zone (zip entries carry local times)', async () => {
    const original = process.env.TZ;
    try {
      const byZone = new Map<string, string>();
      for (const zone of ['UTC', 'America/New_York', 'Asia/Kolkata']) {
        process.env.TZ = zone;
        for (const kind of ['docx', 'pdf-letter', 'tiff', 'rtf'] as const) {
          const bytes = Buffer.from(await renderDocument(spec(kind, 5))).toString('base64');
          const previous = byZone.get(kind);
          if (previous !== undefined) expect(bytes === previous, `${kind} in ${zone}`).toBe(true);
          byZone.set(kind, bytes);
        }
      }
    } finally {
      if (original === undefined) delete process.env.TZ;
      else process.env.TZ = original;
    }
  });

  it('renders a document without any context, inventing a synthetic patient', async () => {
    const bytes = await renderDocument({ kind: 'txt', seed: 7, title: 'Letter' });
    const text = new TextDecoder().decode(bytes);
    expect(text).toMatch(/NHS No 999 \d{3} \d{4}/);
    expect(text).toMatch(/UBRN: \d{4} \d{4} \d{4}/);
  });

  it('renders a two-page letter well within 200 ms once warm', async () => {
    await renderDocument(spec('pdf-letter', 1));
    const timings: number[] = [];
    for (let seed = 2; seed < 7; seed++) {
      const start = performance.now();
      await renderDocument(spec('pdf-letter', seed, { pages: 2 }));
      timings.push(performance.now() - start);
    }
    timings.sort((a, b) => a - b);
    expect(timings[2]).toBeLessThan(200);
  });

  const badSpecs: [string, unknown][] = [
    ['nothing', undefined],
    ['an unknown kind', { kind: 'exe', seed: 1, title: 'x' }],
    ['a fractional seed', { kind: 'txt', seed: 1.5, title: 'x' }],
    ['a missing title', { kind: 'txt', seed: 1 }],
    ['zero pages', { kind: 'pdf-letter', seed: 1, title: 'x', pages: 0 }],
    ['too many pages', { kind: 'tiff', seed: 1, title: 'x', pages: 100_000 }],
    ['a context that is not an object', { kind: 'txt', seed: 1, title: 'x', context: 'Jane' }],
    ['a context field that is not text', { kind: 'txt', seed: 1, title: 'x', context: { nhsNumber: 9990001234 } }],
  ];
  for (const [label, bad] of badSpecs) {
    it(`rejects ${label} with one clear sentence`, async () => {
      const error: unknown = await renderDocument(bad as DocumentSpec).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AppError);
      const appError = error as AppError;
      expect(appError.code).toBe('DOCUMENT_SPEC_INVALID');
      expect(appError.message).toMatch(/^The synthetic document could not be generated because .+; correct the seed data and try again\.$/);
    });
  }

  it('copes with names and text outside the PDF fonts and ASCII', async () => {
    const context = { ...CONTEXT, patientName: 'Zoë Łukasiewicz-Ng 😀', organisation: 'Surgery {braces} \\ & <tags>' };
    for (const kind of KINDS) {
      const bytes = await renderDocument({ kind, seed: 9, title: 'Lettre d’orientation – “quoted”', context });
      expect(SIGNATURES[kind](bytes)).toBe(true);
    }
  });
});

describe('synthetic facts', () => {
  it('gives valid NHS numbers (modulus 11) in the 999 test range', () => {
    const rng = createRng(1);
    for (let i = 0; i < 500; i++) {
      const nhs = syntheticNhsNumber(rng);
      expect(nhs).toMatch(/^999\d{7}$/);
      const digits = [...nhs].map(Number);
      const sum = digits.slice(0, 9).reduce((total, digit, index) => total + digit * (10 - index), 0);
      const check = (11 - (sum % 11)) % 11;
      expect(check).not.toBe(10);
      expect(digits[9]).toBe(check);
    }
  });

  it('uses the context it is given and invents the rest from the seed', () => {
    const given = resolveContext(
      { kind: 'txt', seed: 3, title: 't', context: { patientName: 'SMITH, Jane', specialty: 'Gynaecology' } },
      createRng(3),
    );
    expect(given.patientName).toBe('SMITH, Jane');
    expect(given.patientGiven).toBe('Jane');
    expect(given.patientFamily).toBe('Smith');
    const invented = resolveContext({ kind: 'txt', seed: 3, title: 't', context: { specialty: 'Gynaecology' } }, createRng(3));
    expect(invented.sex).toBe('female');
    expect(invented.nhsNumber).toMatch(/^999\d{7}$/);
  });

  it('keeps forked streams independent of how much the parent stream was used', () => {
    const a = createRng(99);
    const b = createRng(99);
    for (let i = 0; i < 10; i++) b.next();
    expect(a.fork('x').uint32()).toBe(b.fork('x').uint32());
    expect(a.fork('x').uint32()).not.toBe(a.fork('y').uint32());
    expect(createRng(2 ** 40).uint32()).not.toBe(createRng(0).uint32());
    expect(createRng(-5).uint32()).not.toBe(createRng(5).uint32());
  });

  it('draws integers within their bounds, both ends included', () => {
    const rng = createRng(5);
    const seen = new Set<number>();
    for (let i = 0; i < 2000; i++) seen.add(rng.int(3, 7));
    expect([...seen].sort()).toEqual([3, 4, 5, 6, 7]);
  });
});
