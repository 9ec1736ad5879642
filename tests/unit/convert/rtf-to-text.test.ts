import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../electron/app-error';
import { rtfToText } from '../../../electron/convert/rtf-to-text';
import { textToSafeDocument } from '../../../electron/convert/safe-document';

const rtf = (source: string) => new TextEncoder().encode(source);

describe('rtfToText', () => {
  it("decodes \\'hh in the document's code page and \\uN with its fallback skipped", () => {
    const result = rtfToText(
      rtf(
        String.raw`{\rtf1\ansi\ansicpg1252\deff0{\fonttbl{\f0\fswiss Arial;}{\f1 Times New Roman;}}{\colortbl;\red255\green0\blue0;}` +
          String.raw`{\stylesheet{\s0 Normal;}}{\info{\title Hidden title}{\author Dr Hidden}}{\*\generator Riched20;}` +
          String.raw`\f0 Caf\'e9 au lait\par Na\u239?ve price \u8364? 5\par {\uc2 two\u8212\'97\'97 fallbacks}\par smile \u-10179?\u-8704?\par}`,
      ),
    );
    expect(result.text).toBe('Café au lait\nNaïve price € 5\ntwo— fallbacks\nsmile \u{1F600}');
    expect(result.text).not.toMatch(/Arial|Times|Normal|Hidden|Riched/);
    expect(result).toMatchObject({ objects: 0, images: 0, truncated: false });
  });

  it('uses \\ansicpg for other code pages', () => {
    expect(rtfToText(rtf(String.raw`{\rtf1\ansi\ansicpg1251 \'cf\'f0\'e8\'e2\'e5\'f2}`)).text).toBe('Привет');
    expect(rtfToText(rtf(String.raw`{\rtf1\ansi\ansicpg1253 \'e1}`)).text).toBe('α');
  });

  it('decodes the DOS code pages 437 (\\pc) and 850 (\\pca) as themselves, not as IBM866 or windows-1252', () => {
    // é ö ß £ in 437; é Ø Ó ı ã in 850: bytes where IBM866 has Cyrillic and windows-1252 other letters.
    expect(rtfToText(rtf(String.raw`{\rtf1\pc Caf\'82, gr\'94\'e1e, \'9c5}`)).text).toBe('Café, größe, £5');
    expect(rtfToText(rtf(String.raw`{\rtf1\ansi\ansicpg437 \'82\'e0\'e3\'f8\'fd}`)).text).toBe('éαπ°²');
    expect(rtfToText(rtf(String.raw`{\rtf1\pca Caf\'82 \'9d \'e0 \'d5 \'c6}`)).text).toBe('Café Ø Ó ı ã');
    expect(rtfToText(rtf(String.raw`{\rtf1\ansi\ansicpg850 S\'c6o Jos\'82 \'b8 Espa\'a4a}`)).text).toBe('São José © España');
    // Every upper-half byte is one character of its own, none of them a replacement character.
    const all = Array.from({ length: 128 }, (_, i) => `\\'${(0x80 + i).toString(16)}`).join('');
    for (const page of ['\\pc', '\\pca']) {
      const text = rtfToText(rtf(`{\\rtf1${page} |${all}|}`)).text;
      expect([...text]).toHaveLength(130);
      expect(text).not.toContain('\ufffd');
    }
  });

  it('drops an embedded object with its data and its rendered result, and counts it', () => {
    const objectGroup =
      String.raw`{\object\objemb\objw1000\objh500{\*\objclass Package}{\*\objdata 0105000002000000080000005061636b616765000000000000000000` +
      String.raw`4d5a90000300000004000000ffff0000}{\result{\pict\wmetafile8\picw100\pich100 0100090000}}}`;
    const result = rtfToText(rtf(String.raw`{\rtf1\ansi Before the object.\par ${objectGroup}\par After the object.\par}`));
    expect(result.text).toBe('Before the object.\n\nAfter the object.');
    expect(result.objects).toBe(1);
    expect(result.text).not.toMatch(/Package|4d5a|0105/);
  });

  it('replaces a picture with a placeholder, counting the one Word shows and not its fallback copy', () => {
    const result = rtfToText(
      rtf(String.raw`{\rtf1 Scan:{\*\shppict{\pict{\*\picprop}\pngblip 89504e47}}{\nonshppict{\pict\wmetafile8 0100}}\par End.}`),
    );
    expect(result.text).toBe('Scan:[image]\nEnd.');
    expect(result.images).toBe(1);
  });

  it('skips \\binN data even when it holds braces and backslashes', () => {
    const result = rtfToText(rtf(String.raw`{\rtf1 A{\pict\bin4 {}\x}B}`));
    expect(result.text).toBe('A[image]B');
  });

  it('keeps a field result and drops its instruction, and skips unknown \\* destinations', () => {
    const result = rtfToText(
      rtf(
        String.raw`{\rtf1 See {\field{\*\fldinst HYPERLINK "javascript:alert(1)"}{\fldrslt the portal}} now.{\*\unknowndest secret words}\par}`,
      ),
    );
    expect(result.text).toBe('See the portal now.');
  });

  it('turns symbols and escapes into characters', () => {
    const result = rtfToText(rtf(String.raw`{\rtf1 a\tab b\line c\emdash d\~e \{f\} g\\h \ldblquote q\rdblquote\bullet}`));
    expect(result.text).toBe('a\tb\nc—d\u00a0e {f} g\\h “q”•');
  });

  it('survives unbalanced braces, absurd nesting and a truncated escape', () => {
    expect(rtfToText(rtf(String.raw`{\rtf1 Hello}}}}} world {{{`)).text).toBe('Hello world');
    const deep = rtf(`{\\rtf1 ${'{'.repeat(200_000)}deep${'}'.repeat(200_000)} end}`);
    const started = performance.now();
    expect(rtfToText(deep).text).toBe('deep end');
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(rtfToText(rtf(String.raw`{\rtf1 abc \'`)).text).toBe('abc');
    expect(rtfToText(rtf(String.raw`{\rtf1 abc \u`)).text).toBe('abc');
    expect(rtfToText(rtf(String.raw`{\rtf1 x\bin999999999`)).text).toBe('x');
  });

  it('never throws on arbitrary bytes after a valid header (fast-check)', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 2_000 }),
        fc.array(fc.constantFrom('{', '}', '\\', "\\'", '\\u', '\\*', '\\bin', '\\object', '\\par', '-12', '9'), { maxLength: 200 }),
        (noise, tokens) => {
          const head = rtf(`{\\rtf1 ${tokens.join('')}`);
          const bytes = new Uint8Array(head.length + noise.length);
          bytes.set(head);
          bytes.set(noise, head.length);
          const result = rtfToText(bytes);
          return typeof result.text === 'string' && result.objects >= 0;
        },
      ),
      { numRuns: 500 },
    );
  });

  it('refuses a file that is not RTF, or is too large, with a clear message', () => {
    const notRtf = (() => {
      try {
        rtfToText(rtf('PK\u0003\u0004 this is a zip'));
      } catch (error) {
        return error;
      }
    })();
    expect(notRtf).toBeInstanceOf(AppError);
    expect((notRtf as AppError).code).toBe('DOCUMENT_CORRUPT');
    expect((notRtf as AppError).message).toBe(
      'This document could not be opened because it is not a valid RTF file. Ask the referrer to send it again.',
    );
    expect(() => rtfToText(rtf(`{\\rtf1 ${'x'.repeat(2048)}}`), { maxInputBytes: 1024, maxTextChars: 100, maxDepth: 10 })).toThrowError(
      /larger than/,
    );
  });

  it('cuts text at the limit and says so', () => {
    const result = rtfToText(rtf(`{\\rtf1 ${'word '.repeat(100)}}`), { maxInputBytes: 10_000, maxTextChars: 50, maxDepth: 10 });
    expect(result.truncated).toBe(true);
    expect(result.text.length).toBeLessThanOrEqual(50);
  });

  it('becomes a SafeDocument of paragraphs, one per line', () => {
    const { text, objects, images } = rtfToText(rtf(String.raw`{\rtf1 First line\par\par Second line\par}`));
    const doc = textToSafeDocument(text, { images, links: 0, objects, truncated: false });
    expect(doc.blocks).toEqual([
      { type: 'paragraph', runs: [{ text: 'First line', bold: false, italic: false }] },
      { type: 'paragraph', runs: [{ text: 'Second line', bold: false, italic: false }] },
    ]);
  });
});
