/**
 * The browser host's wire format: JSON, with file bytes (Uint8Array) carried as
 * {"$bytes": "<base64>"}. Electron IPC needs none of this (structured clone carries
 * Uint8Array as is). Both halves of the host transport use this one module: the renderer's
 * host client and electron/host/server.ts. It is plain code with no DOM and no Node.
 */
const BYTES_KEY = '$bytes';
const CHUNK = 0x8000;

export function bytesToBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += CHUNK) {
    binary += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  }
  return btoa(binary);
}

export function base64ToBytes(base64: string): Uint8Array {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** Defines an own property even for keys like "__proto__", so input can never reach a prototype. */
function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function toWireValue(value: unknown): unknown {
  if (value instanceof Uint8Array) return { [BYTES_KEY]: bytesToBase64(value) };
  if (Array.isArray(value)) return value.map(toWireValue);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) setOwn(out, key, toWireValue(item));
    return out;
  }
  return value;
}

function fromWireValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(fromWireValue);
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value);
    if (entries.length === 1 && entries[0]?.[0] === BYTES_KEY && typeof entries[0][1] === 'string') {
      return base64ToBytes(entries[0][1]);
    }
    const out: Record<string, unknown> = {};
    for (const [key, item] of entries) setOwn(out, key, fromWireValue(item));
    return out;
  }
  return value;
}

export function encodeWire(value: unknown): string {
  return JSON.stringify(toWireValue(value));
}

/** Parses wire JSON. Throws SyntaxError on malformed text; the caller turns it into a typed error. */
export function decodeWire(text: string): unknown {
  return fromWireValue(JSON.parse(text));
}
