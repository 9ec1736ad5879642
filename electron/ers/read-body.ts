/**
 * Reads a response body with a ceiling, so a runaway or hostile answer cannot fill memory:
 * a declared Content-Length over the limit is refused before reading, and a stream that
 * runs past it is cancelled mid-way. A body that ends short of its Content-Length is a
 * transfer cut off, whatever fetch made of it: this is what "the file arrived whole" means
 * to the rest of the app (the size a referral declares for a file is only metadata).
 */
export class BodyTooLarge extends Error {
  constructor(readonly limitBytes: number) {
    super(`Response body exceeds ${limitBytes} bytes.`);
    this.name = 'BodyTooLarge';
  }
}

/** The connection ended before the body its Content-Length announced had arrived. */
export class BodyTruncated extends Error {
  constructor(
    readonly expectedBytes: number,
    readonly receivedBytes: number,
  ) {
    super(`Response body ended after ${receivedBytes} of ${expectedBytes} bytes.`);
    this.name = 'BodyTruncated';
  }
}

export async function readBodyLimited(response: Response, limitBytes: number): Promise<Uint8Array> {
  const declared = response.headers.get('content-length');
  if (declared !== null && /^\d+$/.test(declared) && Number(declared) > limitBytes) {
    await response.body?.cancel().catch(() => undefined);
    throw new BodyTooLarge(limitBytes);
  }
  if (!response.body) return new Uint8Array(0);
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limitBytes) {
      await reader.cancel().catch(() => undefined);
      throw new BodyTooLarge(limitBytes);
    }
    chunks.push(value);
  }
  // Content-Length counts the bytes on the wire; with a content coding fetch hands over
  // the decoded body, whose length is another number.
  const coding = (response.headers.get('content-encoding') ?? 'identity').trim().toLowerCase();
  if (declared !== null && /^\d+$/.test(declared) && (coding === '' || coding === 'identity') && total < Number(declared)) {
    throw new BodyTruncated(Number(declared), total);
  }
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

/** The file name e-RS suggests in Content-Disposition, if any (RFC 6266, both forms). */
export function fileNameFromDisposition(header: string | null): string | null {
  if (!header) return null;
  const extended = /filename\*\s*=\s*(?:UTF-8|utf-8)''([^;]+)/.exec(header);
  if (extended?.[1]) {
    try {
      return decodeURIComponent(extended[1].trim());
    } catch {
      // fall through to the plain form
    }
  }
  const quoted = /filename\s*=\s*"((?:[^"\\]|\\.)*)"/.exec(header);
  if (quoted?.[1] !== undefined) return quoted[1].replace(/\\(.)/g, '$1') || null;
  const bare = /filename\s*=\s*([^;\s]+)/.exec(header);
  return bare?.[1] ?? null;
}
