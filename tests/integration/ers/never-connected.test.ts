import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createErsClient } from '../../../electron/ers/client';
import { ErsError } from '../../../electron/ers/ers-error';
import { testFetch } from '../../helpers/fetch';

const role = () => ({ businessFunction: 'SERVICE_PROVIDER_CLINICIAN', organisationOds: 'R69' });

async function closedPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('a decision that never left the machine', () => {
  it('is reported as not sent (safe to queue), not as "may or may not have been recorded"', async () => {
    const client = createErsClient({
      baseUrl: `http://127.0.0.1:${await closedPort()}/referrals`,
      fetch: testFetch,
      getAccessToken: async () => 't',
      getRole: role,
      retry: { maxAttempts: 1 },
    });
    const error = await client.acceptReferral({ ubrn: '000000070000', version: '3' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ErsError);
    expect((error as ErsError).code).toBe('ERS_NETWORK');
    expect((error as ErsError).outcomeUnknown).toBe(false);
    expect((error as ErsError).message).toMatch(/was not sent/);
  });

  it('while a connection cut after sending is still "may or may not have been recorded"', async () => {
    const server = http.createServer((req) => req.socket.destroy());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const client = createErsClient({
        baseUrl: `http://127.0.0.1:${port}/referrals`,
        fetch: testFetch,
        getAccessToken: async () => 't',
        getRole: role,
        retry: { maxAttempts: 1 },
      });
      const error = await client.acceptReferral({ ubrn: '000000070000', version: '3' }).catch((e: unknown) => e);
      expect((error as ErsError).outcomeUnknown).toBe(true);
      expect((error as ErsError).message).toMatch(/may or may not have been recorded/);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
