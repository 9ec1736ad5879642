/**
 * Opening a zip (a DOCX is one) safely: read what the central directory claims before
 * anything is inflated, refuse archives that claim too much, and then inflate only the
 * entries asked for, counting the bytes as they come out, because the claims can lie.
 */
import { Unzip, UnzipInflate, UnzipPassThrough, unzipSync, type UnzipFile } from 'fflate';
import { AppError } from '../app-error';

export interface ZipEntryInfo {
  name: string;
  compressedSize: number;
  /** What the central directory says the entry inflates to. */
  originalSize: number;
  /** 0 stored, 8 deflate; anything else is refused when extracted. */
  compression: number;
}

export interface ZipLimits {
  maxArchiveBytes: number;
  maxEntries: number;
  /** Sum of the declared uncompressed sizes of every entry. */
  maxTotalUncompressed: number;
  /** Largest declared size / compressed size allowed for an entry bigger than ratioFloor. */
  maxRatio: number;
  /** Small entries may compress very well (a run of spaces); the ratio applies above this. */
  ratioFloor: number;
}

const MiB = 1024 * 1024;

export const DEFAULT_ZIP_LIMITS: ZipLimits = {
  maxArchiveBytes: 50 * MiB,
  maxEntries: 5_000,
  maxTotalUncompressed: 256 * MiB,
  maxRatio: 200,
  ratioFloor: 1 * MiB,
};

/**
 * Compressed bytes handed to the inflater at a time. Deflate expands at most ~1032x, so
 * one step yields at most ~4 MB before the byte count is checked again.
 */
const PUSH_CHUNK = 4 * 1024;

function megabytes(bytes: number): string {
  return `${Math.round(bytes / MiB)} MB`;
}

function corrupt(cause?: unknown): AppError {
  return new AppError(
    'DOCUMENT_CORRUPT',
    'This document could not be opened because the file is damaged or is not a Word document. Ask the referrer to send it again.',
    cause === undefined ? {} : { cause },
  );
}

function bomb(detail: string): AppError {
  return new AppError(
    'DOCUMENT_UNSAFE',
    `This document was not opened because ${detail}, which is how a "zip bomb" attack works. Ask the referrer to send it again, ideally as a PDF.`,
  );
}

/**
 * Lists the archive from its central directory without inflating anything, and refuses
 * it if the listing breaks a limit.
 */
export function inspectZip(bytes: Uint8Array, limits: ZipLimits = DEFAULT_ZIP_LIMITS): ZipEntryInfo[] {
  if (bytes.byteLength > limits.maxArchiveBytes) {
    throw new AppError(
      'DOCUMENT_TOO_LARGE',
      `This document is ${megabytes(bytes.byteLength)}, more than the ${megabytes(limits.maxArchiveBytes)} the viewer opens. Ask the referrer to send a smaller copy.`,
    );
  }
  const entries: ZipEntryInfo[] = [];
  let total = 0;
  let refusal: AppError | undefined;
  try {
    unzipSync(bytes, {
      // Called once per central directory record; returning false means nothing is inflated.
      filter(file) {
        if (refusal) return false;
        const info: ZipEntryInfo = {
          name: file.name,
          compressedSize: file.size,
          originalSize: file.originalSize,
          compression: file.compression,
        };
        if (
          !Number.isSafeInteger(info.compressedSize) ||
          !Number.isSafeInteger(info.originalSize) ||
          info.compressedSize < 0 ||
          info.originalSize < 0
        ) {
          refusal = corrupt();
          return false;
        }
        entries.push(info);
        total += info.originalSize;
        if (entries.length > limits.maxEntries) {
          refusal = bomb(`it holds more than ${limits.maxEntries} files`);
        } else if (total > limits.maxTotalUncompressed) {
          refusal = bomb(`it claims to expand to more than ${megabytes(limits.maxTotalUncompressed)}`);
        } else if (info.originalSize > limits.ratioFloor && info.originalSize > limits.maxRatio * Math.max(1, info.compressedSize)) {
          refusal = bomb(`a part of it claims to expand ${Math.round(info.originalSize / Math.max(1, info.compressedSize))} times over`);
        }
        return false;
      },
    });
  } catch (error) {
    throw corrupt(error);
  }
  if (refusal) throw refusal;
  if (entries.length === 0) throw corrupt();
  return entries;
}

/**
 * Inflates the entries `wanted` accepts, streaming the archive through fflate in small
 * chunks and stopping as soon as an entry yields more than its central directory
 * declared (or the declared total is exceeded): a lying archive cannot grow past the
 * limits that inspectZip checked.
 */
export function extractZipEntries(
  bytes: Uint8Array,
  listing: readonly ZipEntryInfo[],
  wanted: (name: string) => boolean,
): Map<string, Uint8Array> {
  const declared = new Map<string, number>();
  for (const entry of listing) {
    if (declared.has(entry.name)) throw corrupt();
    declared.set(entry.name, entry.originalSize);
  }
  const out = new Map<string, Uint8Array>();
  let failure: AppError | undefined;

  const unzipper = new Unzip((file: UnzipFile) => {
    if (failure || !wanted(file.name)) return;
    const limit = declared.get(file.name);
    if (limit === undefined || out.has(file.name)) {
      // A local entry the central directory never listed, or listed twice: a crafted file.
      failure = corrupt();
      return;
    }
    const chunks: Uint8Array[] = [];
    let size = 0;
    file.ondata = (error, data, final) => {
      if (failure) return;
      if (error) {
        failure = corrupt(error);
        return;
      }
      size += data.byteLength;
      if (size > limit) {
        failure = bomb('a part of it expands to more than its header declares');
        file.terminate();
        return;
      }
      chunks.push(data);
      if (final) out.set(file.name, concat(chunks, size));
    };
    try {
      file.start();
    } catch (error) {
      failure = corrupt(error);
    }
  });
  unzipper.register(UnzipInflate);
  unzipper.register(UnzipPassThrough);

  try {
    for (let offset = 0; offset < bytes.byteLength && !failure; offset += PUSH_CHUNK) {
      const end = Math.min(bytes.byteLength, offset + PUSH_CHUNK);
      unzipper.push(bytes.subarray(offset, end), end === bytes.byteLength);
    }
  } catch (error) {
    if (!failure) failure = corrupt(error);
  }
  if (failure) throw failure;
  return out;
}

function concat(chunks: Uint8Array[], size: number): Uint8Array {
  if (chunks.length === 1 && chunks[0]) return chunks[0];
  const joined = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    joined.set(chunk, at);
    at += chunk.byteLength;
  }
  return joined;
}
