/**
 * The SafeDocument types, from the converter in the main process. Type-only, so nothing
 * of electron/ reaches the renderer bundle. This is the one place to change when the
 * contract (electron/api) re-exports them.
 */
// eslint-disable-next-line no-restricted-imports -- type-only, until electron/api re-exports the SafeDocument types
export type { SafeBlock, SafeDocument, SafeDocumentRemoved, SafeRun } from '../../../electron/convert/safe-document';
