import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createLocalJWKSet, decodeProtectedHeader, exportJWK, exportPKCS8, generateKeyPair, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { type AppError } from '../../../electron/app-error';
import { ASSERTION_LIFETIME_SECONDS, loadAssertionKey, signClientAssertion } from '../../../electron/auth/client-assertion';

describe('APIM client assertion', () => {
  it('verifies with jose against the public JWKS, with the claims APIM requires', async () => {
    const { privateKey, publicKey } = await generateKeyPair('RS512', { extractable: true });
    const jwks = createLocalJWKSet({ keys: [{ ...(await exportJWK(publicKey)), kid: 'key-1', alg: 'RS512', use: 'sig' }] });
    const tokenEndpoint = 'https://int.api.service.nhs.uk/oauth2/token';
    const now = Math.floor(Date.now() / 1000);
    const assertion = await signClientAssertion({
      clientId: 'client-abc',
      tokenEndpoint,
      signingKey: { key: privateKey, kid: 'key-1' },
      now,
    });

    const header = decodeProtectedHeader(assertion);
    expect(header).toMatchObject({ alg: 'RS512', kid: 'key-1', typ: 'JWT' });
    const { payload } = await jwtVerify(assertion, jwks, {
      algorithms: ['RS512'],
      audience: tokenEndpoint,
      issuer: 'client-abc',
      subject: 'client-abc',
    });
    expect(payload.iss).toBe('client-abc');
    expect(payload.sub).toBe('client-abc');
    expect(payload.aud).toBe(tokenEndpoint);
    expect(typeof payload.jti).toBe('string');
    expect(payload.exp).toBeDefined();
    expect((payload.exp ?? 0) - now).toBeLessThanOrEqual(300);
    expect((payload.exp ?? 0) - now).toBe(ASSERTION_LIFETIME_SECONDS);

    const second = await signClientAssertion({ clientId: 'client-abc', tokenEndpoint, signingKey: { key: privateKey, kid: 'key-1' }, now });
    const { payload: p2 } = await jwtVerify(second, jwks, { algorithms: ['RS512'] });
    expect(p2.jti).not.toBe(payload.jti);
  });

  it('does not verify against another key', async () => {
    const signer = await generateKeyPair('RS512');
    const other = await generateKeyPair('RS512', { extractable: true });
    const jwks = createLocalJWKSet({ keys: [{ ...(await exportJWK(other.publicKey)), kid: 'key-1', alg: 'RS512' }] });
    const assertion = await signClientAssertion({
      clientId: 'c',
      tokenEndpoint: 'https://x/token',
      signingKey: { key: signer.privateKey, kid: 'key-1' },
    });
    await expect(jwtVerify(assertion, jwks)).rejects.toThrow();
  });

  it('loads the key from the configured path and explains a missing or bad key', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'assertion-key-'));
    try {
      const { privateKey } = await generateKeyPair('RS512', { extractable: true });
      const file = path.join(dir, 'key.pem');
      writeFileSync(file, await exportPKCS8(privateKey));
      const loaded = await loadAssertionKey(file, 'k');
      expect(loaded.kid).toBe('k');
      const missing = await loadAssertionKey(path.join(dir, 'nope.pem'), 'k').catch((e: unknown) => e);
      expect((missing as AppError).code).toBe('APIM_KEY_MISSING');
      writeFileSync(file, 'not a key');
      const bad = await loadAssertionKey(file, 'k').catch((e: unknown) => e);
      expect((bad as AppError).code).toBe('APIM_KEY_INVALID');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
