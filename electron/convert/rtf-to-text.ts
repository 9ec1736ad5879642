/**
 * RTF to plain text with a real tokenizer: groups, control words with their numeric
 * parameters, control symbols, \'hh escapes in the document's code page, \uN with its
 * \ucN fallback skipping, and \binN binary runs. Destinations that are not body text
 * (font and colour tables, style sheets, document info, pictures, embedded objects,
 * field instructions and anything marked \*) are skipped; objects and pictures are
 * counted so the viewer can say what was left out. Nothing here recurses, so deep
 * nesting and unbalanced braces cannot overflow the stack.
 */
import { TextDecoder } from 'node:util';
import { AppError } from '../app-error';

export interface RtfText {
  text: string;
  /** Embedded objects (\object) dropped. */
  objects: number;
  /** Pictures (\pict) dropped, each leaving an "[image]" placeholder. */
  images: number;
  /** True when the text was cut at the limit. */
  truncated: boolean;
}

export interface RtfLimits {
  maxInputBytes: number;
  maxTextChars: number;
  /** Groups deeper than this share their parent's state instead of stacking more. */
  maxDepth: number;
}

export const DEFAULT_RTF_LIMITS: RtfLimits = {
  maxInputBytes: 50 * 1024 * 1024,
  maxTextChars: 2_000_000,
  maxDepth: 256,
};

/** Destinations whose content is not part of the body text. */
const SKIPPED_DESTINATIONS = new Set([
  'fonttbl',
  'colortbl',
  'stylesheet',
  'info',
  'pict',
  'object',
  'objdata',
  'objclass',
  'objname',
  'themedata',
  'colorschememapping',
  'datastore',
  'latentstyles',
  'listtable',
  'listoverridetable',
  'revtbl',
  'rsidtbl',
  'generator',
  'xmlnstbl',
  'mmathPr',
  'filetbl',
  'pgdsctbl',
  'fldinst',
  'header',
  'headerl',
  'headerr',
  'headerf',
  'footer',
  'footerl',
  'footerr',
  'footerf',
  'bkmkstart',
  'bkmkend',
  'pn',
  'nonshppict',
  'shpinst',
  'sp',
  'sn',
  'sv',
  'xe',
  'tc',
  'template',
  'userprops',
  'docvar',
  'private',
  'result',
  'blipuid',
  'falt',
  'panose',
  'listpicture',
  'atnid',
  'atnauthor',
  'annotation',
  'atrfstart',
  'atrfend',
  'protusertbl',
  'wgrffmtfilter',
  'fchars',
  'lchars',
]);

const SYMBOLS: Readonly<Record<string, string>> = {
  par: '\n',
  line: '\n',
  sect: '\n\n',
  page: '\n\n',
  tab: '\t',
  cell: '\t',
  row: '\n',
  nestcell: '\t',
  nestrow: '\n',
  emdash: '\u2014',
  endash: '\u2013',
  emspace: '\u2003',
  enspace: '\u2002',
  qmspace: '\u2005',
  bullet: '\u2022',
  lquote: '\u2018',
  rquote: '\u2019',
  ldblquote: '\u201c',
  rdblquote: '\u201d',
};

interface GroupState {
  /** Text in this group is not body text. */
  skip: boolean;
  /** How many fallback characters follow each \uN. */
  uc: number;
}

const BACKSLASH = 0x5c;
const OPEN = 0x7b;
const CLOSE = 0x7d;

const latin1 = new TextDecoder('latin1');

/** Ordinary 7-bit text: not a brace, backslash or line break, which the loop handles. */
function isPlain(byte: number): boolean {
  return byte < 0x80 && byte !== BACKSLASH && byte !== OPEN && byte !== CLOSE && byte !== 0x0d && byte !== 0x0a;
}

function isLetter(byte: number): boolean {
  return (byte >= 0x61 && byte <= 0x7a) || (byte >= 0x41 && byte <= 0x5a);
}

function isDigit(byte: number): boolean {
  return byte >= 0x30 && byte <= 0x39;
}

function hexValue(byte: number | undefined): number {
  if (byte === undefined) return -1;
  if (isDigit(byte)) return byte - 0x30;
  if (byte >= 0x61 && byte <= 0x66) return byte - 0x57;
  if (byte >= 0x41 && byte <= 0x46) return byte - 0x37;
  return -1;
}

/** What the reader needs of a decoder; TextDecoder is one. */
interface ByteDecoder {
  decode(bytes: Uint8Array): string;
}

/**
 * Bytes 0x80 to 0xFF of the DOS code pages \pc (437) and \pca (850), which TextDecoder
 * does not have (the WHATWG Encoding Standard lists neither; IBM866 is Cyrillic, and
 * windows-1252 puts other letters there). The lower half is ASCII.
 */
const DOS_UPPER_HALVES: Record<number, string> = {
  437:
    'ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒ' +
    'áíóúñÑªº¿⌐¬½¼¡«»░▒▓│┤╡╢╖╕╣║╗╝╜╛┐' +
    '└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀' +
    'αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u00a0',
  850:
    'ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜø£Ø×ƒ' +
    'áíóúñÑªº¿®¬½¼¡«»░▒▓│┤ÁÂÀ©╣║╗╝¢¥┐' +
    '└┴┬├─┼ãÃ╚╔╩╦╠═╬¤ðÐÊËÈıÍÎÏ┘┌█▄¦Ì▀' +
    'ÓßÔÒõÕµþÞÚÛÙýÝ¯´\u00ad±‗¾¶§÷¸°¨·¹³²■\u00a0',
};

function tableDecoder(upperHalf: string): ByteDecoder {
  const table = [...upperHalf];
  return {
    decode(bytes) {
      let out = '';
      for (const byte of bytes) out += byte < 0x80 ? String.fromCharCode(byte) : (table[byte - 0x80] ?? '\ufffd');
      return out;
    },
  };
}

function decoderFor(codePage: number): ByteDecoder {
  const dos = DOS_UPPER_HALVES[codePage];
  if (dos !== undefined) return tableDecoder(dos);
  const labels: Record<number, string> = {
    708: 'iso-8859-6',
    819: 'iso-8859-1',
    874: 'windows-874',
    932: 'shift_jis',
    936: 'gbk',
    949: 'euc-kr',
    950: 'big5',
    10000: 'macintosh',
    65001: 'utf-8',
  };
  const label = labels[codePage] ?? (codePage >= 1250 && codePage <= 1258 ? `windows-${codePage}` : 'windows-1252');
  try {
    return new TextDecoder(label);
  } catch {
    return new TextDecoder('windows-1252');
  }
}

export function rtfToText(bytes: Uint8Array, limits: RtfLimits = DEFAULT_RTF_LIMITS): RtfText {
  if (bytes.byteLength > limits.maxInputBytes) {
    throw new AppError(
      'DOCUMENT_TOO_LARGE',
      `This document is larger than the ${Math.round(limits.maxInputBytes / 1048576)} MB the viewer opens. Ask the referrer to send a smaller copy.`,
    );
  }
  const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  const head = latin1.decode(bytes.subarray(bom, bom + 64)).trimStart();
  if (!head.startsWith('{\\rtf')) {
    throw new AppError(
      'DOCUMENT_CORRUPT',
      'This document could not be opened because it is not a valid RTF file. Ask the referrer to send it again.',
    );
  }

  const result: RtfText = { text: '', objects: 0, images: 0, truncated: false };
  const parts: string[] = [];
  let chars = 0;
  let decoder = decoderFor(1252);
  // Bytes from consecutive \'hh escapes, decoded together so multi-byte code pages work.
  let pendingBytes: number[] = [];

  const stack: GroupState[] = [];
  let state: GroupState = { skip: false, uc: 1 };
  /** Groups opened beyond maxDepth, which share `state` rather than pushing. */
  let overflow = 0;
  /** Set right after `{`: the next control word may name the group's destination. */
  let groupStart = false;
  /** Set after `\*`: the group is an optional destination the reader may skip. */
  let starred = false;
  /** Fallback characters still to skip after a \uN. */
  let ucSkip = 0;

  const emit = (text: string) => {
    if (state.skip || result.truncated || text === '') return;
    const room = limits.maxTextChars - chars;
    if (text.length > room) {
      parts.push(text.slice(0, room));
      chars = limits.maxTextChars;
      result.truncated = true;
      return;
    }
    parts.push(text);
    chars += text.length;
  };
  const flushBytes = () => {
    if (pendingBytes.length === 0) return;
    emit(decoder.decode(Uint8Array.from(pendingBytes)));
    pendingBytes = [];
  };

  let i = 0;
  const n = bytes.length;
  while (i < n && !result.truncated) {
    const byte = bytes[i] as number;
    if (byte === OPEN) {
      flushBytes();
      ucSkip = 0;
      if (stack.length >= limits.maxDepth) overflow += 1;
      else {
        stack.push(state);
        state = { ...state };
      }
      groupStart = true;
      starred = false;
      i += 1;
      continue;
    }
    if (byte === CLOSE) {
      flushBytes();
      ucSkip = 0;
      if (overflow > 0) overflow -= 1;
      else {
        // An unbalanced close brace has nothing to pop: ignore it.
        const parent = stack.pop();
        if (parent) state = parent;
      }
      groupStart = false;
      starred = false;
      i += 1;
      continue;
    }
    if (byte === 0x0d || byte === 0x0a) {
      i += 1;
      continue;
    }
    if (byte !== BACKSLASH) {
      groupStart = false;
      if (ucSkip > 0) {
        ucSkip -= 1;
        i += 1;
        continue;
      }
      if (byte >= 0x80) {
        // Raw 8-bit text is in the document's code page, like \'hh.
        pendingBytes.push(byte);
        i += 1;
        continue;
      }
      flushBytes();
      let j = i + 1;
      while (j < n && isPlain(bytes[j] as number)) j += 1;
      emit(latin1.decode(bytes.subarray(i, j)));
      i = j;
      continue;
    }

    // A control word or symbol.
    const next = bytes[i + 1];
    if (next === undefined) break;
    if (!isLetter(next)) {
      i += 2;
      if (next === 0x27) {
        // \'hh: one byte in the document's code page.
        const hi = hexValue(bytes[i]);
        const lo = hexValue(bytes[i + 1]);
        if (hi >= 0 && lo >= 0) {
          i += 2;
          if (ucSkip > 0) ucSkip -= 1;
          else pendingBytes.push(hi * 16 + lo);
        }
        groupStart = false;
        continue;
      }
      flushBytes();
      if (next === 0x2a) {
        starred = true;
        continue;
      }
      groupStart = false;
      if (ucSkip > 0) {
        ucSkip -= 1;
        continue;
      }
      if (next === BACKSLASH || next === OPEN || next === CLOSE) emit(String.fromCharCode(next));
      else if (next === 0x7e) emit('\u00a0');
      else if (next === 0x5f) emit('\u2011');
      else if (next === 0x0a || next === 0x0d) emit('\n');
      // \- (optional hyphen), \| and \: (index/formula marks) show nothing.
      continue;
    }

    let j = i + 1;
    while (j < n && j - i <= 32 && isLetter(bytes[j] as number)) j += 1;
    const word = latin1.decode(bytes.subarray(i + 1, j));
    let param: number | undefined;
    let negative = false;
    if (bytes[j] === 0x2d && isDigit(bytes[j + 1] ?? 0)) {
      negative = true;
      j += 1;
    }
    if (j < n && isDigit(bytes[j] as number)) {
      let value = 0;
      let digits = 0;
      while (j < n && isDigit(bytes[j] as number)) {
        if (digits < 10) value = value * 10 + ((bytes[j] as number) - 0x30);
        digits += 1;
        j += 1;
      }
      param = negative ? -value : value;
    }
    if (bytes[j] === 0x20) j += 1;
    i = j;

    if (word === 'bin') {
      // \binN: N raw bytes follow that are data, not RTF.
      flushBytes();
      i += Math.max(0, Math.min(param ?? 0, n - i));
      groupStart = false;
      continue;
    }
    if (word === 'u' && param !== undefined) {
      flushBytes();
      emit(String.fromCharCode(param < 0 ? param + 65536 : param & 0xffff));
      ucSkip = state.uc;
      groupStart = false;
      continue;
    }
    // Any other control word ends a run of fallback characters.
    ucSkip = 0;
    flushBytes();

    if (groupStart || starred) {
      if (word === 'object') result.objects += 1;
      if (word === 'pict' && !state.skip) {
        result.images += 1;
        emit('[image]');
      }
      // \shppict holds the picture Word shows (counted above); \nonshppict its fallback copy.
      if (SKIPPED_DESTINATIONS.has(word) || (starred && word !== 'shppict')) state.skip = true;
    }
    groupStart = false;
    starred = false;

    if (word === 'uc' && param !== undefined) state.uc = Math.max(0, Math.min(param, 10));
    else if (word === 'ansicpg' && param !== undefined) decoder = decoderFor(param);
    else if (word === 'mac') decoder = decoderFor(10000);
    else if (word === 'pc') decoder = decoderFor(437);
    else if (word === 'pca') decoder = decoderFor(850);
    else {
      const symbol = SYMBOLS[word];
      if (symbol !== undefined) emit(symbol);
    }
  }
  flushBytes();

  result.text = tidy(parts.join(''));
  return result;
}

/** Trailing spaces off each line, and no more than one blank line in a row. */
function tidy(text: string): string {
  return text
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
