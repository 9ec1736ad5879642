import { afterEach, describe, expect, it } from 'vitest';
import { createErsClient, type ErsClientOptions, type ErsRole } from '../../../electron/ers/client';
import { ErsError } from '../../../electron/ers/ers-error';
import { createLogger } from '../../../electron/log/logger';
import { json, noSleep, outcome, referral, startLoopback, type Loopback, type Responder } from './loopback';
import { testFetch } from '../../helpers/fetch';

const UBRN = '000000070000';
let server: Loopback | null = null;

afterEach(async () => {
  await server?.close();
  server = null;
});

async function failure(promise: Promise<unknown>): Promise<ErsError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ErsError) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

/** A token source with a session that can be refreshed; counts refreshes. */
function session(refreshFails = false) {
  const state = { token: 'expired-token', refreshes: 0 };
  return {
    state,
    getAccessToken: async () => state.token,
    refreshSession: async () => {
      state.refreshes += 1;
      if (refreshFails) throw new Error('refresh token rejected');
      state.token = `fresh-token-${state.refreshes}`;
    },
  };
}

/** 401 unless the bearer is a fresh token. */
const acceptsOnlyFresh: Responder = (request, res) => {
  if (!String(request.headers.authorization).startsWith('Bearer fresh-token')) {
    json(res, 401, outcome('NO_ACCESS', 'login'));
    return;
  }
  json(res, 200, referral(UBRN, '8'));
};

async function start(respond: Responder, options: Partial<ErsClientOptions>) {
  server = await startLoopback(respond);
  return createErsClient({
    baseUrl: server.url,
    fetch: testFetch,
    getRole: () => ({ businessFunction: 'SERVICE_PROVIDER_CLINICIAN', organisationOds: 'R69' }),
    sleep: noSleep,
    ...options,
  });
}

describe('401: refresh the session once, retry once', () => {
  it('refreshes and retries a read with the new token', async () => {
    const s = session();
    const client = await start(acceptsOnlyFresh, s);
    const view = await client.getReferral({ ubrn: UBRN });
    expect(view.version).toBe('8');
    expect(s.state.refreshes).toBe(1);
    expect(server?.requests.map((r) => r.headers.authorization)).toEqual(['Bearer expired-token', 'Bearer fresh-token-1']);
  });

  it('refreshes and retries a decision too: a 401 means e-RS did nothing', async () => {
    const s = session();
    const client = await start(acceptsOnlyFresh, s);
    const result = await client.acceptReferral({ ubrn: UBRN, version: '7' });
    expect(result.value?.version).toBe('8');
    expect(server?.requests).toHaveLength(2);
    expect(server?.requests[1]?.headers['if-match']).toBe('W/"7"');
  });

  it('asks the user to sign in again when the second attempt is refused too', async () => {
    const s = session();
    const client = await start((_, res) => json(res, 401, outcome('NO_ACCESS', 'login')), s);
    const error = await failure(client.getReferral({ ubrn: UBRN }));
    expect(error.code).toBe('ERS_401');
    expect(error.message).toBe('Your e-RS session has ended. Sign in again, then try once more.');
    expect(s.state.refreshes).toBe(1);
    expect(server?.requests).toHaveLength(2);
    expect(error.correlationId).toBe(server?.requests[1]?.headers['x-correlation-id']);
  });

  it('asks the user to sign in again when the refresh itself fails', async () => {
    const s = session(true);
    const client = await start(acceptsOnlyFresh, s);
    const error = await failure(client.getReferral({ ubrn: UBRN }));
    expect(error.code).toBe('ERS_401');
    expect(server?.requests).toHaveLength(1);
  });

  it('without a session to refresh, says so at once', async () => {
    const client = await start(acceptsOnlyFresh, { getAccessToken: async () => 'expired-token' });
    const error = await failure(client.getReferral({ ubrn: UBRN }));
    expect(error.code).toBe('ERS_401');
    expect(server?.requests).toHaveLength(1);
  });

  it('sends no Authorization header where there is no token (the open sandbox)', async () => {
    const client = await start((_, res) => json(res, 200, referral(UBRN)), { getAccessToken: async () => null });
    await client.getReferral({ ubrn: UBRN });
    expect(server?.requests[0]?.headers.authorization).toBeUndefined();
  });
});

describe('role headers', () => {
  async function headersFor(role: ErsRole | null, call: 'referral' | 'roles' = 'referral') {
    const client = await start(
      (request, res) => {
        if (request.path.endsWith('/PractitionerRole')) json(res, 200, { resourceType: 'Bundle', type: 'searchset', entry: [] });
        else json(res, 200, referral(UBRN));
      },
      { getRole: () => role },
    );
    if (call === 'roles') await client.getBusinessFunctions();
    else await client.getReferral({ ubrn: UBRN });
    const headers = server?.requests[0]?.headers ?? {};
    await server?.close();
    server = null;
    return headers;
  }

  it('sends business function and organisation, and no on-behalf-of, for a clinician', async () => {
    const headers = await headersFor({
      businessFunction: 'SERVICE_PROVIDER_CLINICIAN',
      organisationOds: 'R69',
      onBehalfOfUserId: '555000000101',
    });
    expect(headers['nhsd-ers-business-function']).toBe('SERVICE_PROVIDER_CLINICIAN');
    expect(headers['nhsd-end-user-organisation-ods']).toBe('R69');
    expect(headers['nhsd-ers-on-behalf-of-user-id']).toBeUndefined();
  });

  it('sends on-behalf-of for a clinician admin', async () => {
    const headers = await headersFor({
      businessFunction: 'SERVICE_PROVIDER_CLINICIAN_ADMIN',
      organisationOds: 'R69',
      onBehalfOfUserId: '555000000101',
    });
    expect(headers['nhsd-ers-business-function']).toBe('SERVICE_PROVIDER_CLINICIAN_ADMIN');
    expect(headers['nhsd-ers-on-behalf-of-user-id']).toBe('555000000101');
  });

  it('refuses to send as a clinician admin acting for nobody', async () => {
    const client = await start((_, res) => json(res, 200, referral(UBRN)), {
      getRole: () => ({ businessFunction: 'SERVICE_PROVIDER_CLINICIAN_ADMIN', organisationOds: 'R69' }),
    });
    const error = await failure(client.getReferral({ ubrn: UBRN }));
    expect(error.code).toBe('ERS_NO_ROLE');
    expect(error.message).toMatch(/clinician you are acting for/);
    expect(server?.requests).toHaveLength(0);
  });

  it('refuses to send before a role is chosen', async () => {
    const client = await start((_, res) => json(res, 200, referral(UBRN)), { getRole: () => null });
    const error = await failure(client.getReferral({ ubrn: UBRN }));
    expect(error.code).toBe('ERS_NO_ROLE');
    expect(server?.requests).toHaveLength(0);
  });

  it('sends A030 with no role headers at all, even once a role is chosen', async () => {
    const headers = await headersFor(
      { businessFunction: 'SERVICE_PROVIDER_CLINICIAN_ADMIN', organisationOds: 'R69', onBehalfOfUserId: '555000000101' },
      'roles',
    );
    expect(headers['nhsd-ers-business-function']).toBeUndefined();
    expect(headers['nhsd-end-user-organisation-ods']).toBeUndefined();
    expect(headers['nhsd-ers-on-behalf-of-user-id']).toBeUndefined();
    expect(headers['x-correlation-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('can ask A030 before any role exists', async () => {
    const headers = await headersFor(null, 'roles');
    expect(headers['nhsd-ers-business-function']).toBeUndefined();
  });
});

describe('logging', () => {
  it('logs each call by operation, status and correlation id, and never the token or the patient', async () => {
    const lines: string[] = [];
    const s = session();
    const client = await start(acceptsOnlyFresh, { ...s, log: createLogger((line) => lines.push(line), 'debug') });
    await client.getReferral({ ubrn: UBRN });
    const calls = lines.map((line) => JSON.parse(line) as Record<string, unknown>).filter((entry) => entry.event === 'ers.call');
    expect(calls.map((entry) => [entry.operation, entry.status])).toEqual([
      ['A005', 401],
      ['A005', 200],
    ]);
    expect(calls[0]?.correlationId).toBe(server?.requests[0]?.headers['x-correlation-id']);
    const all = lines.join('\n');
    expect(all).not.toMatch(/expired-token|fresh-token|Bearer|9990000018/);
  });
});
