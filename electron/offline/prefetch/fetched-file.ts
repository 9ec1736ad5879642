/**
 * What a downloaded file must satisfy before it is kept, and what is kept beside it, shared
 * by the prefetcher and the read-through helpers so a file cached either way looks the same
 * offline. Only whole files are stored, and "whole" is the transport's word: it fails a body
 * cut off mid-way, shorter than its Content-Length or with a broken chunked ending. The size
 * a referral declares for a file is metadata, not a guarantee (NHS's sandbox declares 6
 * bytes for whole PDFs), so a difference is logged, never taken for truncation.
 *
 * One download serves everyone who wants the file (in-flight.ts): keeping it is part of that
 * download, but a copy that cannot be kept never fails it, so a viewer that joined the
 * prefetcher's download gets the same bytes the prefetcher got.
 */
import type { WorklistKind } from '../../../contract';
import { AppError } from '../../app-error';
import type { Logger } from '../../log/logger';
import type { JsonObject } from '../encrypted-store';
import type { FetchedFile, SharedDownload } from './in-flight';
import { prefetchErrors } from './prefetch-errors';

/** The default ceiling for one cached file, as the e-RS transport's own. */
export const DEFAULT_MAX_FILE_BYTES = 50 * 1024 * 1024;

export interface PrefetchFile {
  bytes: Uint8Array;
  contentType: string;
  fileName: string | null;
}

export interface FileDescription {
  type: 'attachment' | 'summary';
  kind: WorklistKind;
  ubrn: string;
  /** The version of the referral (or A&G request) the file was listed on. */
  referralVersion: string;
  attachmentId: string | null;
  /** The size e-RS declared for the file, when it declared one. */
  declaredSize: number | null;
  /** What the referral says the file is, used when the download does not say. */
  title: string | null;
  declaredContentType: string | null;
}

const GENERIC_TYPES = new Set(['application/octet-stream', 'binary/octet-stream', '']);

/** The file as it will be shown and kept: the referral's word for its type and name where the download gives none. */
export function describeFetched(file: PrefetchFile, description: FileDescription, fetchedAt: number): FetchedFile {
  const served = typeof file.contentType === 'string' ? file.contentType.toLowerCase() : '';
  const contentType =
    GENERIC_TYPES.has(served) && description.declaredContentType ? description.declaredContentType : served || 'application/octet-stream';
  return { bytes: file.bytes, contentType, fileName: file.fileName ?? description.title, fetchedAt };
}

/** Throws unless `file` is bytes within the limit for keeping. */
export function assertKeepable(file: FetchedFile, maxBytes: number): void {
  if (!(file.bytes instanceof Uint8Array)) throw prefetchErrors.malformed();
  if (file.bytes.byteLength > maxBytes) throw prefetchErrors.tooLarge(maxBytes);
}

export interface DownloadAndKeepOptions {
  now: () => number;
  maxBytes: number;
  /** Stores the file; its failure (disk full, store closed) is reported, not thrown. */
  put: (bytes: Uint8Array, meta: JsonObject) => Promise<void>;
  logger: Logger;
}

/**
 * The one download of a file that the prefetcher and a viewer share: fetch, describe, keep
 * when it can be kept. Only the download itself can fail it; why it was not kept comes back
 * beside the bytes for the caller who cares (the prefetcher counts it, a viewer does not).
 */
export async function downloadAndKeep(
  download: () => Promise<PrefetchFile>,
  description: FileDescription,
  options: DownloadAndKeepOptions,
): Promise<SharedDownload> {
  const file = describeFetched(await download(), description, options.now());
  if (description.declaredSize !== null && file.bytes instanceof Uint8Array && file.bytes.byteLength !== description.declaredSize) {
    // Sizes only: no name, id or UBRN in the log.
    options.logger.info('offline.file.size-differs-from-declared', {
      type: description.type,
      declared: description.declaredSize,
      received: file.bytes.byteLength,
    });
  }
  try {
    assertKeepable(file, options.maxBytes);
    await options.put(file.bytes, fileMeta(file, description));
  } catch (error) {
    options.logger.warn('offline.file.not-kept', { type: description.type, code: error instanceof AppError ? error.code : 'UNKNOWN' });
    return { file, notKept: error };
  }
  return { file, notKept: null };
}

export function fileMeta(file: FetchedFile, description: FileDescription): JsonObject {
  return {
    type: description.type,
    kind: description.kind,
    ubrn: description.ubrn,
    referralVersion: description.referralVersion,
    attachmentId: description.attachmentId,
    contentType: file.contentType,
    fileName: file.fileName,
    size: file.bytes.byteLength,
    fetchedAt: file.fetchedAt,
  };
}

/** A cached file back as it was fetched; the store's write time stands in for an older object's missing fetch time. */
export function fileFromStored(bytes: Uint8Array, meta: JsonObject | null, storedAt: number): FetchedFile {
  const contentType = typeof meta?.contentType === 'string' ? meta.contentType : 'application/octet-stream';
  const fileName = typeof meta?.fileName === 'string' ? meta.fileName : null;
  const fetchedAt = typeof meta?.fetchedAt === 'number' ? meta.fetchedAt : storedAt;
  return { bytes, contentType, fileName, fetchedAt };
}
