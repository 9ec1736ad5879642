/**
 * The sentences prefetch and offline reads show a user, in one place. None names a patient,
 * a UBRN or a file.
 */
import { AppError } from '../../app-error';

export const prefetchErrors = {
  tooLarge: (limitBytes: number) =>
    new AppError(
      'PREFETCH_TOO_LARGE',
      `This file is larger than the ${Math.round(limitBytes / (1024 * 1024))} MB the app keeps for offline use, so it was not saved; open it while connected instead.`,
    ),
  malformed: () =>
    new AppError('PREFETCH_MALFORMED', 'e-RS sent details the app could not keep for offline use; open the item while connected instead.'),
  notCachedOffline: () =>
    new AppError(
      'OFFLINE_NOT_CACHED',
      'e-RS cannot be reached and this was not saved on this computer for offline use; try again when the connection is back.',
    ),
  listFailed: () =>
    new AppError('PREFETCH_LIST_FAILED', 'The worklists could not be read for offline use; refresh the worklist to try again.'),
  stopped: () =>
    new AppError(
      'PREFETCH_STOPPED',
      'Saving referrals for offline use stopped because of an unexpected problem; refresh the worklist to try again.',
    ),
};
