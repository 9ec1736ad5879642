/**
 * What a downloaded file must satisfy before it is kept, and what is kept beside it, shared
 * by the prefetcher and the read-through helpers so a file cached either way looks the same
 * offline. Only whole files are stored: the transport fails a body cut off mid-way, and a
 * body whose length differs from what e-RS declared is refused here, so nothing short of
 * the complete file can ever sit in the cache looking whole.
 */
import type { WorklistKind } from '../../../contract';
import type { JsonObject } from '../encrypted-store';
import type { FetchedFile } from './in-flight';
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
  const contentType = GENERIC_TYPES.has(served) && description.declaredContentType ? description.declaredContentType : served || 'application/octet-stream';
  return { bytes: file.bytes, contentType, fileName: file.fileName ?? description.title, fetchedAt };
}

/** Throws unless `file` is whole and within the limit for keeping. */
export function assertKeepable(file: FetchedFile, description: FileDescription, maxBytes: number): void {
  if (!(file.bytes instanceof Uint8Array)) throw prefetchErrors.malformed();
  if (file.bytes.byteLength > maxBytes) throw prefetchErrors.tooLarge(maxBytes);
  if (description.declaredSize !== null && file.bytes.byteLength !== description.declaredSize) throw prefetchErrors.incomplete();
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
