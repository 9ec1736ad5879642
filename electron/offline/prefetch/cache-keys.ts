/**
 * The names cached e-RS data is kept under in the encrypted store, shared by the prefetcher
 * (which fills the cache) and the read-through helpers (which read it back offline), so the
 * two always agree.
 *
 * A name never stands for "the latest": details and summary PDFs are named by the referral
 * version they belong to, attachments by their Binary id (e-RS never changes a file's bytes
 * under its id, so a referral's new version does not fetch its unchanged attachments again).
 * An object under a name therefore never goes out of date, and a resumed or overlapping
 * prefetch can tell what is missing from the names alone.
 *
 * Names hold UBRNs and NHS numbers; the store keeps them only inside its sealed index and as
 * HMACs on disk.
 */
import { ID_TOKEN_MAX_LENGTH, ID_TOKEN_PATTERN, UBRN_PATTERN, VERSION_PATTERN, WorklistKind } from '../../../contract';
import { offlineErrors } from '../offline-errors';

/** Referrals and triage requests are both ReferralRequests; A&G requests are another resource. */
export type ItemFamily = 'referral' | 'advice';

const NHS_NUMBER = /^\d{10}$/;
const WORKLIST_KINDS: readonly WorklistKind[] = WorklistKind.options;
const ITEM_KEY = /^item:(referral|advice):(\d{12})$/;
const VERSIONED_KEY = /\/v(\d{1,9})$/;

export function familyOf(kind: WorklistKind): ItemFamily {
  return kind === 'advice' ? 'advice' : 'referral';
}

/** The worklist kind to fetch an item of this family as (referrals and triage share A005). */
export function kindOfFamily(family: ItemFamily): WorklistKind {
  return family === 'advice' ? 'advice' : 'referrals';
}

export const isUbrn = (value: unknown): value is string => typeof value === 'string' && UBRN_PATTERN.test(value);
export const isVersion = (value: unknown): value is string => typeof value === 'string' && VERSION_PATTERN.test(value);
export const isAttachmentId = (value: unknown): value is string =>
  typeof value === 'string' && value.length <= ID_TOKEN_MAX_LENGTH && ID_TOKEN_PATTERN.test(value);

// A malformed part could make two different things share a name, so it is refused outright.
function ubrn(value: string): string {
  if (!isUbrn(value)) throw offlineErrors.invalidKey();
  return value;
}

function version(value: string): string {
  if (!isVersion(value)) throw offlineErrors.invalidKey();
  return value;
}

export const cacheKeys = {
  /** The last worklist snapshot of one kind. */
  worklist(kind: WorklistKind): string {
    if (!WORKLIST_KINDS.includes(kind)) throw offlineErrors.invalidKey();
    return `worklist/${kind}`;
  },
  /** The referral (or A&G request) view at one version, as JSON. */
  details(family: ItemFamily, id: string, itemVersion: string): string {
    return `${family}/${ubrn(id)}/details/v${version(itemVersion)}`;
  },
  /** Every cached version of one item's details. */
  detailsPrefix(family: ItemFamily, id: string): string {
    return `${family}/${ubrn(id)}/details/`;
  },
  /** The clinical information PDF (A007), or an A&G request's overview (A043), at one version. */
  summary(family: ItemFamily, id: string, itemVersion: string): string {
    return `${family}/${ubrn(id)}/summary/v${version(itemVersion)}`;
  },
  attachment(attachmentId: string): string {
    if (!isAttachmentId(attachmentId)) throw offlineErrors.invalidKey();
    return `attachment/${attachmentId}`;
  },
  /** A patient's details as PDS gave them (electron/pds), by the NHS number e-RS gave: kept beside the referral so its banner opens offline. */
  patient(nhsNumber: string): string {
    if (!NHS_NUMBER.test(nhsNumber)) throw offlineErrors.invalidKey();
    return `patient/${nhsNumber}`;
  },
  /** Not a stored object: names everything of one item, for `prioritise`. */
  item(family: ItemFamily, id: string): string {
    return `item:${family}:${ubrn(id)}`;
  },
};

export function parseItemKey(key: string): { family: ItemFamily; ubrn: string } | null {
  const match = ITEM_KEY.exec(key);
  if (!match?.[1] || !match[2]) return null;
  return { family: match[1] === 'advice' ? 'advice' : 'referral', ubrn: match[2] };
}

/** The version a details or summary name was made for, as a number to compare. */
export function versionOfKey(key: string): number | null {
  const match = VERSIONED_KEY.exec(key);
  return match?.[1] ? Number(match[1]) : null;
}
