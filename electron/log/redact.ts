/**
 * Redaction for everything that goes into a log. Logs must never hold tokens, NHS numbers,
 * names or clinical text, and a support engineer must still be able to follow a referral
 * (by UBRN) and an e-RS call (by correlation id).
 *
 * Two layers, because neither is enough alone:
 *  - by key: secrets and person or clinical fields are dropped whatever their value, and a
 *    value that reads as prose under a key nobody vouched for is dropped too (free text is
 *    where names and clinical detail hide);
 *  - by shape, in every string that is kept: JWTs, bearer and basic credentials, secrets in
 *    URLs, forms or JSON, high-entropy opaque tokens (down to the 28 characters of an NHS
 *    API platform token), NHS numbers in any grouping (also inside longer strings), e-mail
 *    addresses, dates without a time (a date of birth looks like any other), postcodes in
 *    any case and spacing, surname-first names ("SMITH, John (Mr)") and home-directory
 *    user names.
 */
import os from 'node:os';

export const REDACTED = '[redacted]';

const MAX_DEPTH = 6;
const MAX_ARRAY_ITEMS = 50;
const MAX_KEYS = 100;
const MAX_STRING = 4000;
const MAX_STACK_FRAMES = 20;

// ---------------------------------------------------------------------------------------
// By key

/** Kept as they are (after string scrubbing) although a rule below would match them. */
const ALLOWED_KEYS = new Set(['ubrn', 'correlationid', 'xcorrelationid', 'requestid', 'xrequestid', 'contenttype', 'mimetype']);

/** Keys whose value is a diagnostic sentence: kept, with quoted fragments removed. */
const MESSAGE_KEYS = new Set(['message', 'errormessage', 'error', 'stack', 'cause']);

/** Secret-bearing names, matched anywhere in the lower-cased key without separators. */
const SECRET_PARTS = [
  'token',
  'secret',
  'passw',
  'authoriz',
  'authoris',
  'assertion',
  'cookie',
  'credential',
  'verifier',
  'signature',
  'apikey',
  'privatekey',
  'sessionid',
  'jwt',
  'jwk',
  'key',
];
/** Secret-bearing names matched only as whole words of the key. */
const SECRET_WORDS = new Set(['code', 'state', 'nonce', 'pin', 'otp', 'pkce', 'sig', 'salt', 'iv']);

/** Person-identifying or clinical names, matched anywhere in the normalised key. */
const PERSONAL_PARTS = [
  'nhs',
  'patient',
  'surname',
  'forename',
  'firstname',
  'lastname',
  'fullname',
  'birth',
  'email',
  'phone',
  'postcode',
  'address',
  'clinical',
  'diagnos',
  'symptom',
  'comment',
  'guidance',
  'narrative',
  'referrer',
  'clinician',
  'practitioner',
  'filename',
];
/** Person-identifying or clinical names matched only as whole words of the key. */
const PERSONAL_WORDS = new Set([
  'name',
  'names',
  'given',
  'family',
  'prefix',
  'title',
  'text',
  'note',
  'notes',
  'content',
  'contents',
  'body',
  'display',
  'description',
  'summary',
  'letter',
  'history',
  'subject',
  'data',
  'payload',
  'raw',
  'base64',
  'html',
  'dob',
  'sex',
  'gender',
  'mobile',
  'telecom',
  'author',
  'sender',
  'recipient',
  'requester',
  'person',
  'contact',
  'question',
  'advice',
  'recommendation',
  'reply',
  'conversation',
  'thread',
]);
/** A count of something personal is not personal: `patientCount: 3`, `htmlChars: 900`. */
const COUNT_WORDS = new Set(['count', 'chars', 'bytes', 'length', 'size', 'pages', 'total', 'ms', 'seconds']);
/** A key naming an address on the network: kept, with its secrets scrubbed. */
const URL_WORDS = new Set(['url', 'uri', 'endpoint', 'origin', 'issuer', 'href']);

type KeyKind = 'allowed' | 'message' | 'url' | 'secret' | 'personal' | 'count' | 'plain';

function keyWords(key: string): string[] {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((word) => word.length > 0);
}

function classifyKey(key: string): KeyKind {
  const norm = key.toLowerCase().replace(/[^a-z0-9]/g, '');
  if (ALLOWED_KEYS.has(norm)) return 'allowed';
  if (MESSAGE_KEYS.has(norm)) return 'message';
  const words = keyWords(key);
  const last = words[words.length - 1] ?? '';
  if (URL_WORDS.has(last)) return 'url';
  if (COUNT_WORDS.has(last)) return 'count';
  if (SECRET_PARTS.some((part) => norm.includes(part)) || words.some((word) => SECRET_WORDS.has(word))) return 'secret';
  if (PERSONAL_PARTS.some((part) => norm.includes(part)) || words.some((word) => PERSONAL_WORDS.has(word))) return 'personal';
  return 'plain';
}

/** Error and status codes (`ERS_412`, `ENOENT`, `invalid_grant`) are safe; an OAuth code is not. */
function isErrorCode(value: unknown): boolean {
  if (typeof value === 'number') return Number.isInteger(value) && Math.abs(value) < 100_000;
  return typeof value === 'string' && /^(?:[A-Z][A-Z0-9_.:-]{0,59}|[a-z]+(?:_[a-z]+)+)$/.test(value);
}

// ---------------------------------------------------------------------------------------
// By shape

const JWT = /eyJ[\w-]{5,}\.[\w-]{5,}(?:\.[\w-]*){0,3}/g;
const AUTH_SCHEME = /\b(Bearer|DPoP|Negotiate)\s+[\w.~+/=-]+/gi;
/** Basic credentials are base64; the lookahead keeps "Basic information" readable. */
const BASIC_AUTH = /\bBasic\s+(?=[A-Za-z0-9+/]*(?:[0-9+/=]|[a-z][A-Z]))[A-Za-z0-9+/]{4,}=*/g;
/** A secret named in a URL query, a form body, a JSON text or a header-like `name: value`. */
const NAMED_SECRET =
  /(^|[?&#;,\s{"'])((?:access|refresh|id|subject|actor|registration)_?token|id_token_hint|client_?secret|client_?assertion|code_?verifier|code|token|password|passwd|secret|assertion|api_?key|apikey|session_?id|state|nonce|x-api-key|cookie|set-cookie)(["']?\s*[=:]\s*["']?)([^&#\s"',;}]+)/gi;
const EMAIL = /[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+/g;
/** Ten digits grouped 3 3 4 with one kind of separator, or none: always an NHS number here. */
const NHS_NUMBER_STRICT = /(?<!\d)\d{3}([ \u00a0\u2009\u202f-]?)\d{3}\1\d{4}(?!\d)/g;
/** Ten digits in any other grouping: redacted when the check digit says it is one. */
const NHS_NUMBER_LOOSE = /(?<!\d)\d(?:[ \u00a0\u2009\u202f.-]?\d){9}(?!\d)/g;
const POSTCODE = /\b(?:[A-Z]{1,2}\d[A-Z\d]?|GIR)[ \u00a0]{0,2}\d[A-Z]{2}\b/g;
/** Any case once spaced (`ls1 4ap`); the inward code's letters never include C I K M O V. */
const POSTCODE_SPACED = /\b[a-z]{1,2}\d[a-z\d]?[ \u00a0]{1,2}\d[abd-hjlnp-uw-z]{2}\b/gi;
const OPAQUE = /[A-Za-z0-9_\-+=~]{32,}/g;
/** NHS API platform access and refresh tokens are 28 characters: too short for OPAQUE's entropy test. */
const SHORT_OPAQUE = /(?<![A-Za-z0-9_\-+=~])[A-Za-z0-9_\-+=~]{20,31}(?![A-Za-z0-9_\-+=~])/g;
/** Dates without a time: 01/02/1980, 1-2-80, 01.02.1980, 1980-02-01, 1 February 1980, 1-Feb-1980. */
const DATE_DMY = /(?<![\d/-])(?:0?[1-9]|[12]\d|3[01])([/-])(?:0?[1-9]|1[0-2])\1(?:(?:19|20)\d\d|\d\d)(?![\d/-])/g;
const DATE_DMY_DOTTED = /(?<![\d.])(?:0?[1-9]|[12]\d|3[01])\.(?:0?[1-9]|1[0-2])\.(?:19|20)\d\d(?![\d.])/g;
const DATE_ISO = /(?<![\d-])(?:1[89]|20)\d\d-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])(?![\d:]|T\d)/g;
const MONTH =
  '(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)';
const DATE_WORDS = new RegExp(
  `\\b(?:0?[1-9]|[12]\\d|3[01])(?:st|nd|rd|th)?[ \\u00a0-]${MONTH}\\.?[ \\u00a0,-]{1,2}(?:(?:18|19|20)\\d\\d|\\d\\d)\\b`,
  'gi',
);
/** e-RS and PDS write a person as "SMITH, John" or "SMITH, John (Mr)": capitals, a comma, a given name. */
const TITLE = '(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Rev|Sir|Dame)\\.?';
const SURNAME_FIRST = new RegExp(
  `(?<![\\p{L}\\p{N}_])\\p{Lu}[\\p{Lu}'’]*\\p{Lu}(?:[ -]\\p{Lu}[\\p{Lu}'’]*\\p{Lu})*,[ \\u00a0]*(?:\\(?${TITLE}\\)?[ \\u00a0]+)?\\p{Lu}(?:[\\p{Ll}'’-]+|\\.|(?![\\p{L}\\p{N}]))(?:[ \\u00a0]\\p{Lu}[\\p{Ll}'’-]+)*(?:[ \\u00a0]*\\(${TITLE}\\))?`,
  'gu',
);
/** Home directories name the person signed in to the computer. */
const HOME_PATH = /(?:[A-Za-z]:)?[\\/](?:Users|home)[\\/][^\\/\s'"`:]+/gi;
const QUOTED = /(?<![\p{L}\p{N}])(["'`\u2018\u201c])([^"'`\u2018\u2019\u201c\u201d]{0,2000}?)(["'`\u2019\u201d])(?![\p{L}\p{N}])/gu;

/** The NHS number check digit (modulus 11), as the NHS Data Dictionary defines it. */
export function isValidNhsNumber(digits: string): boolean {
  if (!/^\d{10}$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += Number(digits[i]) * (10 - i);
  const check = 11 - (sum % 11);
  if (check === 10) return false;
  return (check === 11 ? 0 : check) === Number(digits[9]);
}

/** camelCase, PascalCase, kebab or snake case words: `refreshAfterUnauthorised`, `HTMLDocument`. */
const CAMEL_CASE = /^(?:[A-Z]?[a-z]{2,}|[A-Z]{2,4}(?=[A-Z][a-z]|[_-]|$)|[_-])+$/;
const CAMEL_WORD = /[A-Z]?[a-z]{2,}/g;

/** Reads as words: camel case, few capitals, and every longer word with a vowel and no long consonant run. */
function looksLikeWords(text: string): boolean {
  if (!CAMEL_CASE.test(text)) return false;
  if ((text.match(/[A-Z]/g) ?? []).length / text.length > 0.35) return false;
  return (text.match(CAMEL_WORD) ?? []).every(
    (word) => word.length < 4 || (/[aeiouy]/i.test(word) && !/[b-df-hj-np-tv-xz]{5}/i.test(word)),
  );
}

/**
 * A 20 to 31 character run that reads as random rather than as an identifier: lower case
 * with digits, or mixed case that does not read as words. Upper-case codes
 * (`OAUTH_JWT_TIMESTAMP_CHECK_FAILED`, `ERS_412`) and camelCase names stay. A random
 * 28-character token slips through only when it has no digit and happens to read as
 * camelCase words, about 2 in 100,000.
 */
function looksRandom(text: string): boolean {
  if (!/[a-z]/.test(text) || entropy(text) < 3) return false;
  return /\d/.test(text) || (/[A-Z]/.test(text) && !looksLikeWords(text));
}

/** Shannon entropy per character: random tokens score high, words and UUIDs do not. */
function entropy(text: string): number {
  const counts = new Map<string, number>();
  for (const char of text) counts.set(char, (counts.get(char) ?? 0) + 1);
  let bits = 0;
  for (const count of counts.values()) {
    const p = count / text.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

const homeDir = (() => {
  try {
    return os.homedir();
  } catch {
    return '';
  }
})();

/** Scrubs every secret or identifying shape out of one string. */
export function redactString(text: string): string {
  let out = text;
  if (homeDir.length > 3) out = out.split(homeDir).join('~');
  out = out
    .replace(HOME_PATH, '~')
    .replace(JWT, REDACTED)
    .replace(AUTH_SCHEME, (_match, scheme: string) => `${scheme} ${REDACTED}`)
    .replace(BASIC_AUTH, `Basic ${REDACTED}`)
    .replace(NAMED_SECRET, (_match, lead: string, name: string, sep: string) => `${lead}${name}${sep}${REDACTED}`)
    // Before the digit rules: a token's digits must not be taken for an NHS number and
    // leave the rest of the token behind.
    .replace(OPAQUE, (match) => (entropy(match) >= 4.2 ? REDACTED : match))
    .replace(SHORT_OPAQUE, (match) => (looksRandom(match) ? REDACTED : match))
    .replace(EMAIL, REDACTED)
    // Dates before NHS numbers, so a date's digits never join a ten-digit run.
    .replace(DATE_WORDS, REDACTED)
    .replace(DATE_ISO, REDACTED)
    .replace(DATE_DMY, REDACTED)
    .replace(DATE_DMY_DOTTED, REDACTED)
    .replace(NHS_NUMBER_STRICT, REDACTED)
    .replace(NHS_NUMBER_LOOSE, (match) => (isValidNhsNumber(match.replace(/\D/g, '')) ? REDACTED : match))
    .replace(POSTCODE, REDACTED)
    .replace(POSTCODE_SPACED, REDACTED)
    .replace(SURNAME_FIRST, REDACTED);
  return truncate(out);
}

/**
 * A diagnostic sentence: scrubbed, and quoted fragments removed, because that is where
 * parsers and file systems echo data back (`Unexpected token 'P', "Patient ha"...`).
 * Short fragments and code identifiers stay, so `reading 'length'` still reads.
 */
export function redactMessage(text: string): string {
  return redactString(text).replace(QUOTED, (match, _open: string, inner: string) =>
    inner.length <= 2 || /^[a-z_$][\w$]*$/.test(inner) ? match : REDACTED,
  );
}

function truncate(text: string): string {
  return text.length > MAX_STRING ? `${text.slice(0, MAX_STRING)}…[${text.length - MAX_STRING} more chars]` : text;
}

/** Two or more words: a sentence, a name, a clinical phrase. */
function looksLikeProse(text: string): boolean {
  return /\p{L}{2,}[\s\u00a0]+\p{L}{2,}/u.test(text);
}

function looksLikePathOrUrl(text: string): boolean {
  return /^(?:[a-z][a-z0-9+.-]*:\/\/|[/~\\]|[A-Za-z]:[\\/])/.test(text);
}

/** A path or URL keeps its shape; any part of it that reads as prose (a file title) goes. */
function redactPathOrUrl(text: string): string {
  return redactString(text)
    .split(/([\\/?&=#])/)
    .map((part) => (looksLikeProse(safeDecode(part)) ? REDACTED : part))
    .join('');
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function redactNumber(value: number): number | string {
  if (Number.isInteger(value) && value >= 1_000_000_000 && value < 10_000_000_000 && isValidNhsNumber(String(value))) return REDACTED;
  return value;
}

// ---------------------------------------------------------------------------------------
// Values

interface ErrorLike {
  name?: unknown;
  message?: unknown;
  code?: unknown;
  status?: unknown;
  correlationId?: unknown;
  operation?: unknown;
  stack?: unknown;
  cause?: unknown;
}

function redactStack(stack: string): string[] {
  const frames = stack.split('\n').filter((line) => /^\s+at\s/.test(line));
  return frames.slice(0, MAX_STACK_FRAMES).map((frame) => redactMessage(frame.trim()));
}

function redactError(error: Error, depth: number, seen: WeakSet<object>): Record<string, unknown> {
  const e = error as ErrorLike;
  const out: Record<string, unknown> = {
    name: typeof e.name === 'string' ? redactString(e.name) : 'Error',
    message: typeof e.message === 'string' ? redactMessage(e.message) : '',
  };
  if (e.code !== undefined) out.code = isErrorCode(e.code) ? e.code : REDACTED;
  if (typeof e.status === 'number') out.status = e.status;
  if (typeof e.correlationId === 'string') out.correlationId = redactString(e.correlationId);
  if (typeof e.operation === 'string') out.operation = redactString(e.operation);
  if (typeof e.stack === 'string') out.stack = redactStack(e.stack);
  if (e.cause !== undefined && depth < MAX_DEPTH) out.cause = redactValue(e.cause, 'message', depth + 1, seen);
  return out;
}

function redactStringFor(kind: KeyKind, text: string): string {
  switch (kind) {
    case 'message':
      return redactMessage(text);
    case 'url':
      return redactPathOrUrl(text);
    case 'allowed':
      return redactString(text);
    default:
      if (looksLikePathOrUrl(text)) return redactPathOrUrl(text);
      return looksLikeProse(text) ? REDACTED : redactString(text);
  }
}

function redactValue(value: unknown, kind: KeyKind, depth: number, seen: WeakSet<object>): unknown {
  if (value === null || value === undefined) return value;
  if (kind === 'secret' || kind === 'personal') return REDACTED;
  if (typeof value === 'string') return redactStringFor(kind, value);
  if (typeof value === 'number') return redactNumber(value);
  if (typeof value === 'boolean') return value;
  if (typeof value === 'bigint') return redactString(value.toString());
  if (typeof value === 'symbol' || typeof value === 'function') return `[${typeof value}]`;
  if (value instanceof Error) {
    if (seen.has(value)) return '[circular]';
    seen.add(value);
    return redactError(value, depth, seen);
  }
  if (value instanceof Uint8Array || value instanceof ArrayBuffer) return `[${value.byteLength} bytes]`;
  if (ArrayBuffer.isView(value)) return `[${value.byteLength} bytes]`;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
  if (value instanceof Map || value instanceof Set) return `[${value.constructor.name} of ${value.size}]`;
  if (depth >= MAX_DEPTH) return '[deep]';
  if (seen.has(value)) return '[circular]';
  seen.add(value);
  if (Array.isArray(value)) {
    const items = value.slice(0, MAX_ARRAY_ITEMS).map((item: unknown) => redactValue(item, kind, depth + 1, seen));
    if (value.length > MAX_ARRAY_ITEMS) items.push(`[${value.length - MAX_ARRAY_ITEMS} more]`);
    return items;
  }
  return redactObject(value, depth, seen);
}

function redactObject(value: object, depth: number, seen: WeakSet<object>): Record<string, unknown> {
  // Own data only: getters and proxies must not run, and a key named __proto__ must stay a key.
  const out: Record<string, unknown> = {};
  let keys: string[];
  try {
    keys = Object.keys(value);
  } catch {
    return { value: '[unreadable]' };
  }
  for (const key of keys.slice(0, MAX_KEYS)) {
    let item: unknown;
    try {
      const descriptor = Object.getOwnPropertyDescriptor(value, key);
      item = descriptor && 'value' in descriptor ? descriptor.value : '[accessor]';
    } catch {
      item = '[unreadable]';
    }
    let kind = classifyKey(key);
    if (kind === 'secret' && keyWords(key).includes('code') && isErrorCode(item)) kind = 'allowed';
    if (kind === 'count' && typeof item !== 'number')
      kind = classifyKey(key.replace(/(count|chars|bytes|length|size|pages|total|ms|seconds)$/i, ''));
    Object.defineProperty(out, redactString(key), {
      value: redactValue(item, kind, depth + 1, seen),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  if (keys.length > MAX_KEYS) out['[more keys]'] = keys.length - MAX_KEYS;
  return out;
}

/**
 * Redacts any value for a log line. Top-level fields are judged by their keys; a bare
 * string is treated as a diagnostic message.
 */
export function redact(value: unknown): unknown {
  return redactValue(value, 'message', 0, new WeakSet());
}

/** Redacts a log call's fields object (the shape the logger writes). */
export function redactFields(fields: Record<string, unknown>): Record<string, unknown> {
  const seen = new WeakSet<object>();
  if (fields === null || typeof fields !== 'object') return { value: redactValue(fields, 'message', 0, seen) };
  return redactObject(fields, 0, seen);
}
