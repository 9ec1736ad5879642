/**
 * What the user reads when CIS2 sign-in goes wrong: one sentence that says what happened
 * and what to do, and the right one. A wrong issuer is not a network problem, an outage at
 * the token endpoint is not an identity that "could not be verified", and a server error
 * is not an "already used" sign-in. The real `Cis2Client` against the test provider.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { testFetch } from '../../helpers/fetch';
import { AppError } from '../../../electron/app-error';
import { Cis2Client } from '../../../electron/auth/cis2';
import { silentLogger } from '../../../electron/log/logger';
import { startForgedOp, type ForgedOp } from '../../helpers/forged-op';
import { expectOneSentence } from '../../helpers/one-sentence';

let op: ForgedOp | null = null;
afterEach(async () => {
  await op?.close();
  op = null;
});

function client(forged: ForgedOp): Cis2Client {
  return new Cis2Client(
    {
      issuer: forged.issuer,
      clientId: forged.clientId,
      acrValues: 'AAL3_ANY',
      allowInsecureLoopback: true,
      timeoutMs: 10_000,
      fetch: testFetch,
    },
    silentLogger,
  );
}

async function failure(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => {
      throw new Error('expected the sign-in to fail');
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  expectOneSentence((error as AppError).message);
  return error as AppError;
}

async function signIn(cis2: Cis2Client, forged: ForgedOp): Promise<unknown> {
  const pending = await cis2.begin(async (url) => {
    void forged.browse(url);
  });
  return pending.completed;
}

describe('sign-in messages', () => {
  it('says an issuer mismatch is a configuration problem, not a network one', async () => {
    op = await startForgedOp();
    op.discoveryIssuer = 'https://impostor.example/oauth2';
    const error = await failure(client(op).begin(async () => undefined));
    expect(error.code).toBe('CIS2_ISSUER_MISMATCH');
    expect(error.message).not.toMatch(/network/i);
    expect(error.message).toMatch(/different issuer/);
    expect(error.message).toMatch(/IT service desk/);
  });

  it('says the service is down when discovery answers 503, and misconfigured when it answers 404', async () => {
    op = await startForgedOp();
    op.discoveryResponse = { status: 503, body: '<h1>Service Unavailable</h1>' };
    const down = await failure(client(op).begin(async () => undefined));
    expect(down.code).toBe('CIS2_UNAVAILABLE');
    expect(down.message).toMatch(/not working at the moment \(it answered 503\)/);
    op.discoveryResponse = { status: 404, body: '<h1>Not Found</h1>' };
    const wrong = await failure(client(op).begin(async () => undefined));
    expect(wrong.code).toBe('CIS2_MISCONFIGURED');
    expect(wrong.message).not.toMatch(/network/i);
  });

  it('says the network when the provider cannot be reached at all', async () => {
    op = await startForgedOp();
    const forged = op;
    await forged.close();
    op = null;
    const error = await failure(client(forged).begin(async () => undefined));
    expect(error.code).toBe('CIS2_UNREACHABLE');
    expect(error.message).toMatch(/network/);
  });

  it('says an outage at the token endpoint is an outage, not an identity that could not be verified', async () => {
    op = await startForgedOp();
    op.tokenResponse = { status: 503, body: '<html><body>Service Unavailable</body></html>', headers: { 'Retry-After': '30' } };
    const html = await failure(signIn(client(op), op));
    expect(html.code).toBe('CIS2_UNAVAILABLE');
    expect(html.message).not.toMatch(/verified/);
    expect(html.message).toMatch(/503/);

    op.tokenResponse = { status: 500, body: JSON.stringify({ error: 'server_error' }), headers: { 'Content-Type': 'application/json' } };
    const json = await failure(signIn(client(op), op));
    expect(json.code).toBe('CIS2_UNAVAILABLE');
    expect(json.message).not.toMatch(/already been used/);

    op.tokenResponse = { status: 429, body: 'Too Many Requests' };
    expect((await failure(signIn(client(op), op))).code).toBe('CIS2_UNAVAILABLE');
  });

  it('keeps "already used or expired" for invalid_grant, and names any other refusal', async () => {
    op = await startForgedOp();
    op.tokenResponse = { status: 400, body: JSON.stringify({ error: 'invalid_grant' }), headers: { 'Content-Type': 'application/json' } };
    const used = await failure(signIn(client(op), op));
    expect(used.code).toBe('SIGN_IN_INVALID_GRANT');
    op.tokenResponse = { status: 400, body: JSON.stringify({ error: 'invalid_scope' }), headers: { 'Content-Type': 'application/json' } };
    const refused = await failure(signIn(client(op), op));
    expect(refused.code).toBe('SIGN_IN_REFUSED');
    expect(refused.message).toMatch(/invalid_scope/);
  });

  it('explains a refusal in the browser in one sentence', async () => {
    op = await startForgedOp();
    op.authorizeError = 'login_required';
    const error = await failure(signIn(client(op), op));
    expect(error.code).toBe('SIGN_IN_REFUSED');
  });
});
