/**
 * The SafeDocument types, from the converter in the main process, through the contract.
 * Type-only, so nothing of electron/ reaches the renderer bundle.
 */
export type { SafeBlock, SafeDocument, SafeDocumentRemoved, SafeRun } from '../../contract';
