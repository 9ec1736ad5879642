/**
 * Redaction for everything that goes into a log. Logs must never hold tokens, NHS numbers,
 * names or clinical text, so fields are allow-listed by shape: anything that looks like a
 * secret or an identifier is masked, and keys that carry people or clinical content are
 * dropped whatever their value.
 */
const SECRET_KEYS = /token|secret|password|authorization|assertion|cookie|key|code_verifier|^code$/i;
const PERSONAL_KEYS = /name|nhs|patient|comment|text|note|content|body|guidance|address|birth|email|phone/i;
const JWT = /eyJ[\w-]{5,}\.[\w-]{5,}\.[\w-]*/g;
const BEARER = /Bearer\s+[\w.~+/=-]+/gi;
/** Ten digits, optionally spaced 3 3 4: an NHS number. */
const NHS_NUMBER = /\b\d{3}[ -]?\d{3}[ -]?\d{4}\b/g;

export const REDACTED = '[redacted]';

export function redactString(text: string): string {
  return text.replace(JWT, REDACTED).replace(BEARER, `Bearer ${REDACTED}`).replace(NHS_NUMBER, REDACTED);
}

export function redact(value: unknown, depth = 0): unknown {
  if (depth > 6) return '[deep]';
  if (typeof value === 'string') return redactString(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null || value === undefined) return value;
  if (value instanceof Error) {
    return { name: value.name, message: redactString(value.message), code: (value as { code?: unknown }).code };
  }
  if (value instanceof Uint8Array) return `[${value.byteLength} bytes]`;
  if (Array.isArray(value)) return value.slice(0, 50).map((item) => redact(item, depth + 1));
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      if (SECRET_KEYS.test(key) || PERSONAL_KEYS.test(key)) out[key] = REDACTED;
      else out[key] = redact(item, depth + 1);
    }
    return out;
  }
  return String(value);
}
