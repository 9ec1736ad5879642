/**
 * Every error the offline store, outbox and drafts show a user, in one place so the
 * sentences stay consistent. None carries a key, a file name or patient data.
 */
import { AppError } from '../app-error';

export const offlineErrors = {
  diskFull: (cause?: unknown) =>
    new AppError(
      'OFFLINE_DISK_FULL',
      'The disk on this computer is full, so this could not be saved for offline use; free some disk space and try again.',
      { cause },
    ),
  writeFailed: (cause?: unknown) =>
    new AppError('OFFLINE_WRITE_FAILED', 'The offline data could not be saved to disk; check that the disk is working and try again.', {
      cause,
    }),
  readFailed: (cause?: unknown) =>
    new AppError('OFFLINE_READ_FAILED', 'The offline data could not be read from disk; check that the disk is working and try again.', {
      cause,
    }),
  keyUnavailable: (cause?: unknown) =>
    new AppError(
      'OFFLINE_KEY_UNAVAILABLE',
      "This computer cannot protect offline data for your account, so offline use is turned off; ask your IT team to check the operating system's data protection.",
      { cause },
    ),
  keyRejected: (cause?: unknown) =>
    new AppError(
      'OFFLINE_KEY_REJECTED',
      'The offline data on this computer was saved by another computer account and cannot be unlocked by this one, so it was left untouched; sign in to the account that saved it, or ask your IT team to clear the offline data.',
      { cause },
    ),
  tooLarge: () =>
    new AppError(
      'OFFLINE_TOO_LARGE',
      'This is larger than the space allowed for offline data, so it cannot be kept for offline use; open it while connected instead.',
    ),
  invalidKey: () =>
    new AppError(
      'OFFLINE_INVALID_KEY',
      'The app asked the offline store for an item with an invalid name; restart the app, and report it if it happens again.',
    ),
  invalidValue: () =>
    new AppError(
      'OFFLINE_INVALID_VALUE',
      'The app tried to save something to the offline store that cannot be stored; restart the app, and report it if it happens again.',
    ),
  invalidOptions: (what: string) =>
    new AppError(
      'OFFLINE_INVALID_OPTIONS',
      `The offline store was set up with an invalid ${what}; ask your IT team to check the app's configuration.`,
    ),
  closed: () => new AppError('OFFLINE_STORE_CLOSED', 'The offline data was cleared; sign in again to keep using offline data.'),
  outboxInvalid: (what: string) =>
    new AppError('OUTBOX_INVALID', `This decision could not be queued because ${what}; check the form and try again.`),
  outboxNotFound: () =>
    new AppError('OUTBOX_NOT_FOUND', 'That queued decision is no longer in the outbox; refresh the outbox to see what is left.'),
  outboxSending: () =>
    new AppError(
      'OUTBOX_ITEM_SENDING',
      'This decision is being sent to e-RS right now and can no longer be cancelled; wait a moment, then check the referral.',
    ),
  outboxNotConflict: () =>
    new AppError('OUTBOX_NOT_CONFLICT', 'That queued decision does not need resolving; it will be sent when e-RS is reachable.'),
  draftInvalid: () =>
    new AppError(
      'DRAFT_INVALID',
      'This draft could not be saved because it is too large or holds something that is not form data; shorten it and try again.',
    ),
};
