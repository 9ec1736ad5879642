export {
  startMockCis2,
  DEFAULT_CIS2_CLIENT_ID,
  CIS2_ACR_VALUES,
  type MockCis2,
  type MockCis2Options,
  type ConfidentialClient,
} from './start-mock-cis2';
export type { Cis2TestHooks } from './id-token-test-hook';
export type { Authentication } from './interaction-routes';
export { CIS2_SCOPES, type NrbacRole, type UserOrganisation } from './cis2-claims';
