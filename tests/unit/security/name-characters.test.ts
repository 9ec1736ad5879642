/**
 * Attachment names with bidirectional and control characters ("results<U+202E>fdp.doc"
 * reads as "resultscod.pdf"): the one sanitiser, by property, and every place a name from
 * outside reaches the screen or the disk.
 */
import fc from 'fast-check';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createDocumentConverter } from '../../../electron/convert/document-converter';
import { mapDocumentReference } from '../../../electron/ers/map-attachments';
import { createExternalOpener } from '../../../electron/files/open-externally';
import { REPLACEMENT, hasUnsafeNameCharacters, strippedName, visibleName } from '../../../electron/files/name-characters';
import { toAttachmentContent } from '../../../electron/review/attachment-content';

/** Every character the sanitiser must never let through. */
const UNSAFE: string[] = [
  ...Array.from({ length: 0x20 }, (_, i) => String.fromCharCode(i)),
  ...Array.from({ length: 0x21 }, (_, i) => String.fromCharCode(0x7f + i)),
  '\u061C',
  '\u200E',
  '\u200F',
  '\u2028',
  '\u2029',
  '\u202A',
  '\u202B',
  '\u202C',
  '\u202D',
  '\u202E',
  '\u2066',
  '\u2067',
  '\u2068',
  '\u2069',
];
const UNSAFE_SET = new Set(UNSAFE);
const containsUnsafe = (text: string) => [...text].some((c) => UNSAFE_SET.has(c));

/** Any text, with the unsafe characters mixed in often. */
const hostileText = fc
  .array(fc.oneof(fc.string({ unit: 'grapheme', maxLength: 6 }), fc.constantFrom(...UNSAFE)), { maxLength: 30 })
  .map((parts) => parts.join(''));
/** Printable names: anything without an unsafe character (accents, CJK, emoji, RTL letters). */
const printableText = fc.string({ unit: 'grapheme', maxLength: 60 }).filter((text) => !containsUnsafe(text));

const RLO = '\u202E';
const hostileName = `results${RLO}fdp.doc`;

describe('the name sanitiser', () => {
  it('leaves no bidirectional or control character in what it returns, for any input (fast-check)', () => {
    fc.assert(
      fc.property(hostileText, (text) => {
        expect(containsUnsafe(visibleName(text))).toBe(false);
        expect(containsUnsafe(strippedName(text))).toBe(false);
        expect(hasUnsafeNameCharacters(visibleName(text))).toBe(false);
        expect(hasUnsafeNameCharacters(text)).toBe(containsUnsafe(text));
      }),
      { numRuns: 2000 },
    );
  });

  it('returns printable names unchanged (fast-check)', () => {
    fc.assert(
      fc.property(printableText, (text) => {
        expect(visibleName(text)).toBe(text);
        expect(strippedName(text)).toBe(text);
      }),
      { numRuns: 2000 },
    );
    for (const name of [
      'Referral letter.pdf',
      'Lettre d’orientation – Zoë.pdf',
      'رسالة الإحالة.pdf',
      'שלום.pdf',
      '紹介状.pdf',
      'scan 👍🏽.png',
    ]) {
      expect(visibleName(name)).toBe(name);
    }
  });

  it('shows each removed character as one visible mark, so the name reads in its real order', () => {
    expect(visibleName(hostileName)).toBe(`results${REPLACEMENT}fdp.doc`);
    expect(strippedName(hostileName)).toBe('resultsfdp.doc');
    expect(visibleName('a\u2066b\u2069c\u200Fd\u061Ce\u0085f\u009Bg')).toBe(
      `a${REPLACEMENT}b${REPLACEMENT}c${REPLACEMENT}d${REPLACEMENT}e${REPLACEMENT}f${REPLACEMENT}g`,
    );
    expect(visibleName('two\nlines\ttab')).toBe('two lines tab');
    fc.assert(
      fc.property(hostileText, (text) => {
        expect([...visibleName(text)].length).toBe([...text].length);
      }),
    );
  });
});

describe('names from e-RS on their way to the screen and the disk', () => {
  it('the attachment view model carries titles and descriptions without them', () => {
    const [view] = mapDocumentReference({
      resourceType: 'DocumentReference',
      description: `Blood ${RLO}stluser`,
      content: [{ attachment: { url: 'Binary/abc-123', title: hostileName, contentType: 'application/pdf' } }],
    });
    expect(view?.title).toBe(`results${REPLACEMENT}fdp.doc`);
    expect(view?.description).toBe(`Blood ${REPLACEMENT}stluser`);
    const untitled = mapDocumentReference({
      resourceType: 'DocumentReference',
      description: `x${RLO}`,
      content: [{ attachment: { url: 'Binary/abc-124' } }],
    });
    expect(untitled[0]?.title).toBe(`x${REPLACEMENT}`);
  });

  it('a file handed to the viewer carries its Content-Disposition name without them', async () => {
    const bytes = new TextEncoder().encode('%PDF-1.7\n');
    const converter = createDocumentConverter(); // PDFs go to the viewer as they are: never used
    const content = await toAttachmentContent(
      { bytes, contentType: 'application/pdf', fileName: `scan${RLO}gpj.pdf` },
      'fallback.pdf',
      converter,
    );
    expect(content.fileName).toBe(`scan${REPLACEMENT}gpj.pdf`);
    const fallback = await toAttachmentContent({ bytes, contentType: 'application/pdf', fileName: null }, `title${RLO}.pdf`, converter);
    expect(converter.stats().converted).toBe(0);
    expect(fallback.fileName).toBe(`title${REPLACEMENT}.pdf`);
  });

  it('a file written for another application is named without them', async () => {
    const base = mkdtempSync(path.join(os.tmpdir(), 'ers-names-'));
    try {
      const opener = createExternalOpener({ baseDir: base, openPath: async () => '' });
      for (const given of [`results${RLO}fdp.png`, `a\u2067b\u2069.png`, `c\u200Ed\u061C.png`, `e\u0085f\u009B.png`]) {
        const opened = await opener.open({ bytes: new Uint8Array([0x89, 0x50, 0x4e, 0x47]), fileName: given, contentType: 'image/png' });
        expect(containsUnsafe(opened.fileName)).toBe(false);
        expect(readdirSync(path.dirname(opened.path))).toEqual([opened.fileName]);
      }
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
  });
});
