/**
 * The requests to the NHS API platform's token endpoint, against a loopback stand-in that
 * checks the client assertion as APIM does (tests/helpers/apim-stub.ts): the assertion's
 * lifetime against a computer clock that runs fast, and the sentence for each way the
 * platform says no.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { testFetch } from '../../helpers/fetch';
import { AppError } from '../../../electron/app-error';
import { ApimClient, isTransientApimError } from '../../../electron/auth/apim';
import { ASSERTION_LIFETIME_SECONDS } from '../../../electron/auth/client-assertion';
import { silentLogger } from '../../../electron/log/logger';
import { startApimStub, type ApimStub } from '../../helpers/apim-stub';
import { expectOneSentence } from '../../helpers/one-sentence';

let stub: ApimStub | null = null;
afterEach(async () => {
  await stub?.close();
  stub = null;
});

const realNow = () => Math.floor(Date.now() / 1000);

function clientFor(apim: ApimStub, clockFastBySeconds = 0): ApimClient {
  return new ApimClient(
    { tokenEndpoint: apim.tokenEndpoint, clientId: apim.clientId, signingKey: apim.signingKey, timeoutMs: 5000, fetch: testFetch },
    silentLogger,
    () => realNow() + clockFastBySeconds,
  );
}

async function refusal(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => {
      throw new Error('expected the platform to refuse');
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  expectOneSentence((error as AppError).message);
  return error as AppError;
}

describe('client assertion lifetime against a fast computer clock', () => {
  it('lives about two minutes, so APIM accepts it from a computer clock up to three minutes fast', async () => {
    stub = await startApimStub();
    expect(ASSERTION_LIFETIME_SECONDS).toBeLessThanOrEqual(150);
    expect(ASSERTION_LIFETIME_SECONDS).toBeGreaterThanOrEqual(60);
    for (const fast of [0, 61, 120, 170]) {
      const tokens = await clientFor(stub, fast).exchangeIdToken('an.id.token');
      expect(tokens.accessToken, `clock ${fast} s fast`).toBe(stub.issued.at(-1));
    }
    const assertion = stub.requests.at(-1)?.assertion;
    expect((assertion?.exp ?? 0) - (assertion?.iat ?? 0)).toBe(ASSERTION_LIFETIME_SECONDS);
  });

  it("shows APIM's error_description when it refuses the assertion, and points at the clock", async () => {
    stub = await startApimStub();
    const error = await refusal(clientFor(stub, 250).exchangeIdToken('an.id.token'));
    expect(error.code).toBe('APIM_CLOCK');
    expect(error.message).toContain('Invalid exp claim in JWT - more than 5 minutes in future');
    expect(error.message).toMatch(/clock/);
  });
});

describe('what the platform says, in one sentence', () => {
  it('says 429 is busy and 503 is an outage, never "(unknown)", and keeps Retry-After', async () => {
    stub = await startApimStub();
    const client = clientFor(stub);
    stub.script.push({ status: 429, body: '', headers: { 'Retry-After': '30' } });
    const busy = await refusal(client.refresh('r'));
    expect(busy.code).toBe('APIM_BUSY');
    expect(busy.message).toMatch(/busy/);
    expect(busy.message).toMatch(/429/);
    expect(busy.message).not.toMatch(/unknown/);
    expect(isTransientApimError(busy) && busy.retryAfterMs).toBe(30_000);

    stub.script.push({ status: 503, body: '<html>Service Unavailable</html>', headers: { 'Content-Type': 'text/html' } });
    const down = await refusal(client.exchangeIdToken('an.id.token'));
    expect(down.code).toBe('APIM_UNAVAILABLE');
    expect(down.message).toMatch(/503/);
    expect(down.message).not.toMatch(/unknown/);
    expect(isTransientApimError(down) && down.retryAfterMs).toBeNull();
  });

  it('treats a connection reset as transient', async () => {
    stub = await startApimStub();
    stub.script.push('reset');
    const reset = await refusal(clientFor(stub).refresh('r'));
    expect(reset.code).toBe('APIM_UNREACHABLE');
    expect(isTransientApimError(reset)).toBe(true);
  });

  it('says invalid_grant at the first sign-in is a sign-in that was not accepted, not one that "has ended"', async () => {
    stub = await startApimStub();
    const client = clientFor(stub);
    stub.script.push({ status: 400, json: { error: 'invalid_grant', error_description: 'Provided subject_token is invalid' } });
    const first = await refusal(client.exchangeIdToken('an.id.token'));
    expect(first.code).toBe('APIM_EXCHANGE_REFUSED');
    expect(first.message).not.toMatch(/has ended/);
    expect(first.message).toContain('Provided subject_token is invalid');
    expect(first.message).toMatch(/press Sign in/);

    stub.script.push({ status: 400, json: { error: 'invalid_grant' } });
    const code = await refusal(client.redeemCode('c', 'http://127.0.0.1:1/callback', 'v'));
    expect(code.code).toBe('SIGN_IN_INVALID_GRANT');

    // At refresh it is what it says: the platform's session is over.
    stub.script.push({ status: 400, json: { error: 'invalid_grant' } });
    const ended = await client.refresh('r').catch((e: unknown) => e);
    expect((ended as AppError).code).toBe('SIGN_IN_AGAIN');
    expect(isTransientApimError(ended)).toBe(false);
  });

  it("keeps the platform's words to one sentence, without control characters, and names invalid_client", async () => {
    stub = await startApimStub();
    const client = clientFor(stub);
    stub.script.push({
      status: 401,
      json: { error: 'invalid_client', error_description: 'Unknown key. Register a JWKS.\u0007\r\nThen retry!' },
    });
    const refused = await refusal(client.exchangeIdToken('an.id.token'));
    expect(refused.code).toBe('APIM_CLIENT_REFUSED');
    expect(refused.message).toContain('invalid_client: Unknown key; Register a JWKS; Then retry');
    expect(refused.message).not.toMatch(/\p{Cc}/u);

    stub.script.push({ status: 400, json: { error: 'invalid_request', error_description: 'x'.repeat(500) } });
    const long = await refusal(client.exchangeIdToken('an.id.token'));
    expect(long.code).toBe('APIM_REFUSED');
    expect(long.message).toContain('...');
  });
});
