import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { base64ToBytes, bytesToBase64, decodeWire, encodeWire } from '../../../renderer/api/wire';

describe('host wire format', () => {
  it('round-trips file bytes nested anywhere', () => {
    const bytes = new Uint8Array(70_000).map((_, i) => (i * 7) % 256);
    const value = { a: [1, { file: bytes }], b: 'x' };
    const back = decodeWire(encodeWire(value)) as { a: [number, { file: Uint8Array }]; b: string };
    expect(back.a[1].file).toBeInstanceOf(Uint8Array);
    expect(Array.from(back.a[1].file)).toEqual(Array.from(bytes));
    expect(back.b).toBe('x');
  });

  it('base64 agrees with Node for any bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 3000 }), (bytes) => {
        const encoded = bytesToBase64(bytes);
        expect(encoded).toBe(Buffer.from(bytes).toString('base64'));
        expect(Array.from(base64ToBytes(encoded))).toEqual(Array.from(bytes));
      }),
    );
  });

  it('keeps __proto__ keys as plain data, never as a prototype', () => {
    const value = decodeWire('{"__proto__":{"polluted":true},"x":{"__proto__":{"p":1}}}') as Record<string, unknown>;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.keys(value)).toContain('__proto__');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('throws on malformed JSON so the transport can answer with a typed error', () => {
    expect(() => decodeWire('{oops')).toThrow(SyntaxError);
  });
});
