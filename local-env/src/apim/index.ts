export { startMockApim, TOKEN_PATH, TOKEN_EXCHANGE_GRANT, ACCESS_TOKEN_TYPE, type MockApim, type MockApimOptions } from './start-mock-apim';
export { CLIENT_ASSERTION_TYPE, CLIENT_ASSERTION_ALG, type ApimClientRegistration } from './client-assertion';
export { ID_TOKEN_TYPE, type Cis2Trust } from './subject-token';
export { loadOrCreateLocalClientKey, DEFAULT_APIM_CLIENT_ID, type LocalClientKey } from './local-client-key';
export { AUTHORIZE_PATH, CALLBACK_PATH, type PlatformAtCis2 } from './combined-sign-in';
