/**
 * The fetch tests hand to clients they build themselves: the browser host's (Node's HTTP
 * client), going direct whatever proxy the machine's environment names, since the fakes
 * and the local environment are on loopback. tests/e2e/proxy.test.ts goes through a proxy.
 */
import { createNodeFetch } from '../../electron/platform/node-fetch';

export const testFetch = createNodeFetch({});
