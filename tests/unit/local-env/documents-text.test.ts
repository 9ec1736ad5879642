import { strFromU8, unzipSync } from 'fflate';
import mammoth from 'mammoth';
import { describe, expect, it } from 'vitest';
import { renderDocument } from '../../../local-env/src/documents/render';
import type { DocumentKind } from '../../../local-env/src/documents/spec';

const CONTEXT = {
  ubrn: '000000070000',
  nhsNumber: '9990001234',
  patientName: 'Margaret Hartley',
  specialty: 'Rheumatology',
  referrer: 'Dr Sunita Fletcher',
  organisation: 'Meadow Lane Surgery (synthetic)',
};
const FORMATTED = [
  'Margaret Hartley',
  '999 000 1234',
  '0000 0007 0000',
  'Rheumatology',
  'Dr Sunita Fletcher',
  'Meadow Lane Surgery (synthetic)',
];

const render = (kind: DocumentKind, seed = 21, context: Record<string, string> = CONTEXT) =>
  renderDocument({ kind, seed, title: 'Referral to rheumatology', context });

/**
 * A small RTF reader for the test: drops destination groups (font and colour tables, info,
 * "\*" groups), turns \par, \line, \cell and \tab into whitespace, and decodes \'hh and \uN
 * escapes (skipping the one fallback character each carries).
 */
function rtfToText(rtf: string): string {
  let out = '';
  const skipDepths: number[] = [];
  let depth = 0;
  let pendingHigh: number | undefined;
  for (let i = 0; i < rtf.length; i++) {
    const char = rtf[i] ?? '';
    const skipping = skipDepths.length > 0;
    if (char === '{') {
      depth++;
      const ahead = rtf.slice(i + 1, i + 12);
      if (/^\\(fonttbl|colortbl|info|\*)/.test(ahead)) skipDepths.push(depth);
      continue;
    }
    if (char === '}') {
      if (skipDepths.at(-1) === depth) skipDepths.pop();
      depth--;
      continue;
    }
    if (char === '\\') {
      const next = rtf[i + 1] ?? '';
      if ('\\{}'.includes(next)) {
        if (!skipping) out += next;
        i++;
        continue;
      }
      if (next === "'") {
        if (!skipping) out += String.fromCharCode(parseInt(rtf.slice(i + 2, i + 4), 16));
        i += 3;
        continue;
      }
      const match = /^\\([a-z]+)(-?\d+)? ?/.exec(rtf.slice(i));
      if (!match) continue;
      i += match[0].length - 1;
      const [, word, param] = match;
      if (skipping) continue;
      if (word === 'par' || word === 'line' || word === 'row') out += '\n';
      else if (word === 'tab' || word === 'cell') out += '\t';
      else if (word === 'u' && param !== undefined) {
        let code = Number(param);
        if (code < 0) code += 65536;
        if (code >= 0xd800 && code < 0xdc00) pendingHigh = code;
        else if (code >= 0xdc00 && code < 0xe000 && pendingHigh !== undefined) {
          out += String.fromCharCode(pendingHigh, code);
          pendingHigh = undefined;
        } else out += String.fromCharCode(code);
        i += 1; // the fallback character
      }
      continue;
    }
    if (char === '\n' || char === '\r') continue;
    if (!skipping) out += char;
  }
  expect(depth).toBe(0);
  return out;
}

/** Well-formedness, as an XML parser would judge it: one root, tags nested and closed, attributes quoted, entities known. */
function expectWellFormedXml(xml: string): string[] {
  expect(xml).toMatch(/^<\?xml version="1\.0" encoding="UTF-8"( standalone="yes")?\?>/);
  const body = xml.replace(/^<\?xml[^?]*\?>/, '').replace(/<!--[\s\S]*?-->/g, '');
  const stack: string[] = [];
  const elements: string[] = [];
  let roots = 0;
  const tag = /<(\/?)([A-Za-z_][\w.:-]*)((?:\s+[A-Za-z_][\w.:-]*="[^"<]*")*)\s*(\/?)>/g;
  let last = 0;
  for (let match = tag.exec(body); match; match = tag.exec(body)) {
    const between = body.slice(last, match.index);
    expect(between, 'text between tags').not.toMatch(/[<>]/);
    expect(between.replace(/&(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/g, ''), 'entities').not.toContain('&');
    if (stack.length === 0 && between.trim() !== '') throw new Error('text outside the root element');
    last = match.index + match[0].length;
    const [, closing, name = '', , selfClosing] = match;
    if (closing) expect(stack.pop(), `closing </${name}>`).toBe(name);
    else {
      if (stack.length === 0) roots++;
      elements.push(name);
      if (!selfClosing) stack.push(name);
    }
  }
  expect(body.slice(last).trim()).toBe('');
  expect(stack).toEqual([]);
  expect(roots).toBe(1);
  return elements;
}

describe('DOCX', () => {
  it('is a Word package with the parts Word needs', async () => {
    const files = unzipSync(await render('docx'));
    for (const part of [
      '[Content_Types].xml',
      '_rels/.rels',
      'word/document.xml',
      'word/_rels/document.xml.rels',
      'word/styles.xml',
      'word/numbering.xml',
      'docProps/core.xml',
    ]) {
      expect(Object.keys(files)).toContain(part);
    }
    for (const data of Object.values(files)) expectWellFormedXml(strFromU8(data));
  });

  it('converts with mammoth, without warnings, to HTML with the headings, the medication list, the results table and the referral facts', async () => {
    const result = await mammoth.convertToHtml({ buffer: Buffer.from(await render('docx')) });
    expect(result.messages).toEqual([]);
    const html = result.value;
    expect(html).toContain('<h1>Referral to rheumatology</h1>');
    expect(html).toContain('<h2>History of presenting complaint</h2>');
    expect(html).toContain('<h2>Current medication</h2>');
    expect(html).toMatch(/<ul><li>[^<]+<\/li>/);
    expect(html).toMatch(/<table><thead><tr><th><p><strong>Test<\/strong><\/p><\/th>.*<\/thead><tbody>.*<td><p>CRP<\/p><\/td>.*<\/table>/s);
    for (const value of FORMATTED) expect(html).toContain(value.replace('&', '&amp;'));
  });

  it('keeps markup characters in the text as text', async () => {
    const { value } = await mammoth.extractRawText({
      buffer: Buffer.from(await render('docx', 5, { ...CONTEXT, organisation: 'A & B <Practice>' })),
    });
    expect(value).toContain('A & B <Practice>');
  });
});

describe('RTF', () => {
  it('is an RTF 1 document with a font table, bold headings and the letter as text', async () => {
    const rtf = new TextDecoder().decode(await render('rtf'));
    expect(rtf.startsWith('{\\rtf1\\ansi')).toBe(true);
    expect(rtf).toContain('{\\fonttbl{\\f0');
    expect(rtf).toMatch(/\\b History of presenting complaint\\b0/);
    expect([...rtf].every((char) => char.charCodeAt(0) < 128)).toBe(true);
    const text = rtfToText(rtf);
    for (const value of FORMATTED) expect(text).toContain(value);
    expect(text).toMatch(/Yours sincerely,\n/);
  });

  it('escapes braces, backslashes and characters beyond ASCII so they read back unchanged', async () => {
    const name = 'Zoë Łukasiewicz {x} \\ 😀';
    const text = rtfToText(new TextDecoder().decode(await render('rtf', 3, { ...CONTEXT, patientName: name })));
    expect(text).toContain(name);
  });
});

describe('plain text and XML', () => {
  it('writes the letter as plain text within 78 columns with Windows line endings', async () => {
    const text = new TextDecoder().decode(await render('txt'));
    for (const value of FORMATTED) expect(text).toContain(value);
    const lines = text.split('\r\n');
    expect(lines.length).toBeGreaterThan(30);
    expect(text.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(78);
  });

  it('writes well-formed XML holding the referral facts, escaped', async () => {
    const xml = new TextDecoder().decode(await render('xml', 4, { ...CONTEXT, organisation: 'A & B <Practice> "North"' }));
    const elements = expectWellFormedXml(xml);
    expect(elements[0]).toBe('ReferralLetter');
    expect(elements).toEqual(expect.arrayContaining(['Patient', 'NhsNumber', 'Ubrn', 'Section', 'Paragraph', 'Signature']));
    expect(xml).toContain('<NhsNumber>9990001234</NhsNumber>');
    expect(xml).toContain('<Ubrn>000000070000</Ubrn>');
    expect(xml).toContain('<Organisation>A &amp; B &lt;Practice&gt; &quot;North&quot;</Organisation>');
  });
});
