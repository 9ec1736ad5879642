/**
 * What the attachment list offers the viewer: e-RS's own summary PDF (the clinical
 * information for a referral, the overview for an A&G request) and each attachment, with
 * whether it can be opened, e-RS's reason when not, and whether the app has a viewer for
 * its type or must offer "open with another application".
 */
import type { AttachmentView } from '../../contract';
import { declaredKind } from '../viewer/attachment-kind';
import { availabilityText, fileSizeText, formatWhen, unavailableText } from './review-text';

export interface ViewerEntry {
  /** Stable within one item: 'summary', or 'att-<n>-<id>'. */
  key: string;
  label: string;
  /** Type, size and date, for the list. */
  detail: string;
  source: 'summary' | 'attachment';
  attachment: AttachmentView | null;
  contentType: string;
  /** e-RS's reason it cannot be opened, or null when it can. */
  unavailable: string | null;
  status: string;
  /** No viewer for this type: offered to another application instead. */
  external: boolean;
  /** Where it came from, for attachments of an A&G message. */
  origin: string | null;
}

const TYPE_NAMES: Readonly<Record<string, string>> = {
  'application/pdf': 'PDF',
  'application/msword': 'Word (DOC)',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'Word',
  'application/rtf': 'RTF',
  'text/rtf': 'RTF',
  'text/plain': 'Text',
  'text/xml': 'XML',
  'application/xml': 'XML',
  'image/png': 'PNG image',
  'image/jpeg': 'JPEG image',
  'image/gif': 'GIF image',
  'image/tiff': 'TIFF scan',
  'application/dicom': 'DICOM image',
  'audio/basic': 'Audio',
  'audio/mpeg': 'Audio (MP3)',
  'video/mpeg': 'Video',
};

export function typeName(contentType: string, fileName: string): string {
  const type = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  const known = TYPE_NAMES[type];
  if (known) return known;
  const extension = /\.([a-z0-9]{1,8})$/i.exec(fileName)?.[1];
  return extension ? `${extension.toUpperCase()} file` : 'File';
}

export function summaryEntry(label: string): ViewerEntry {
  return {
    key: 'summary',
    label,
    detail: 'PDF made by e-RS',
    source: 'summary',
    attachment: null,
    contentType: 'application/pdf',
    unavailable: null,
    status: 'Available',
    external: false,
    origin: null,
  };
}

export function attachmentEntry(attachment: AttachmentView, index: number, origin: string | null = null): ViewerEntry {
  const canOpen = attachment.available && attachment.id !== null;
  const detail = [
    typeName(attachment.contentType, attachment.title),
    fileSizeText(attachment.size),
    attachment.createdAt ? `attached ${formatWhen(attachment.createdAt)}` : '',
  ]
    .filter(Boolean)
    .join(', ');
  return {
    key: `att-${index}-${attachment.id ?? 'none'}`,
    label: attachment.title || 'Untitled attachment',
    detail,
    source: 'attachment',
    attachment,
    contentType: attachment.contentType,
    unavailable: canOpen ? null : unavailableText(attachment),
    status: availabilityText(attachment),
    external: declaredKind(attachment.contentType, attachment.title) === null,
    origin,
  };
}

/** The first attachment that can be shown here (the letter, usually), else the summary. */
export function firstToShow(entries: readonly ViewerEntry[]): ViewerEntry | null {
  return entries.find((e) => e.source === 'attachment' && e.unavailable === null && !e.external) ?? entries[0] ?? null;
}
