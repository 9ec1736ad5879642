/**
 * Builds small but real DOCX files in memory with fflate: the parts Word itself writes
 * for a document with headings, tables and hyperlinks, so mammoth reads them as it
 * would a referral letter.
 */
import { zipSync, type Zippable } from 'fflate';

const W = 'http://schemas.openxmlformats.org/wordprocessingml/2006/main';
const R = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';

const CONTENT_TYPES = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
  <Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
  <Default Extension="xml" ContentType="application/xml"/>
  <Default Extension="png" ContentType="image/png"/>
  <Default Extension="bin" ContentType="application/vnd.openxmlformats-officedocument.oleObject"/>
  <Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>
  <Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>
</Types>`;

const ROOT_RELS = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
  <Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>
</Relationships>`;

const STYLES = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles xmlns:w="${W}">
  <w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/></w:style>
  <w:style w:type="paragraph" w:styleId="Heading2"><w:name w:val="heading 2"/></w:style>
</w:styles>`;

export interface DocxRelationship {
  id: string;
  type: 'hyperlink' | 'image' | 'oleObject';
  target: string;
  external?: boolean;
}

const REL_TYPES: Record<DocxRelationship['type'], string> = {
  hyperlink: `${R}/hyperlink`,
  image: `${R}/image`,
  oleObject: `${R}/oleObject`,
};

export function makeDocx(
  body: string,
  options: { relationships?: DocxRelationship[]; extraParts?: Record<string, Uint8Array> } = {},
): Uint8Array {
  const rels = (options.relationships ?? [])
    .map(
      (rel) =>
        `<Relationship Id="${rel.id}" Type="${REL_TYPES[rel.type]}" Target="${rel.target}"${rel.external ? ' TargetMode="External"' : ''}/>`,
    )
    .join('');
  const files: Zippable = {
    '[Content_Types].xml': new TextEncoder().encode(CONTENT_TYPES),
    '_rels/.rels': new TextEncoder().encode(ROOT_RELS),
    'word/document.xml': new TextEncoder().encode(
      `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="${W}" xmlns:r="${R}" xmlns:o="urn:schemas-microsoft-com:office:office" xmlns:v="urn:schemas-microsoft-com:vml"><w:body>${body}</w:body></w:document>`,
    ),
    'word/_rels/document.xml.rels': new TextEncoder().encode(
      `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">${rels}</Relationships>`,
    ),
    'word/styles.xml': new TextEncoder().encode(STYLES),
    ...(options.extraParts ?? {}),
  };
  return zipSync(files);
}

function xmlText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Word's XML helpers, so tests read like the document they describe. */
export const w = {
  heading: (level: 1 | 2, text: string) =>
    `<w:p><w:pPr><w:pStyle w:val="Heading${level}"/></w:pPr><w:r><w:t>${xmlText(text)}</w:t></w:r></w:p>`,
  para: (...runs: string[]) => `<w:p>${runs.join('')}</w:p>`,
  run: (text: string, style: { bold?: boolean; italic?: boolean } = {}) =>
    `<w:r>${style.bold || style.italic ? `<w:rPr>${style.bold ? '<w:b/>' : ''}${style.italic ? '<w:i/>' : ''}</w:rPr>` : ''}<w:t xml:space="preserve">${xmlText(text)}</w:t></w:r>`,
  table: (rows: string[][]) =>
    `<w:tbl>${rows.map((row) => `<w:tr>${row.map((cell) => `<w:tc><w:p><w:r><w:t>${xmlText(cell)}</w:t></w:r></w:p></w:tc>`).join('')}</w:tr>`).join('')}</w:tbl>`,
  hyperlink: (relId: string, text: string) => `<w:hyperlink r:id="${relId}"><w:r><w:t>${xmlText(text)}</w:t></w:r></w:hyperlink>`,
  /** A complex field: instruction text Word would run, and the result text it shows. */
  field: (instruction: string, result: string) =>
    `<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve">${xmlText(instruction)}</w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>${xmlText(result)}</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>`,
};
