/** The local e-RS emulator: start it, and the names others need to drive and inspect it. */
export { startErsEmulator, type ErsEmulator, type ErsEmulatorOptions } from './emulator';
export { ERS_OPERATION_IDS, type ErsOperationId, type OperationRecord } from './operation-ids';
export { NO_FAULTS, type FaultConfig } from './faults';
export { ALLOWED_BUSINESS_FUNCTIONS, type TokenVerifier } from './access';
export { STALE_VERSION_STATUS } from './operation-context';
