import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockCis2, type MockCis2 } from '../../../local-env/src/cis2';
import { discover } from '../../helpers/local-identity';

describe('mock CIS2 discovery and keys', () => {
  let dataDir: string;
  let cis2: MockCis2;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'cis2-discovery-'));
    cis2 = await startMockCis2({ dataDir });
  });

  afterAll(async () => {
    await cis2.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('publishes a loopback issuer whose endpoints follow CIS2 and offer only the code flow with S256 PKCE', async () => {
    const doc = await discover(cis2);
    expect(doc.issuer).toBe(cis2.issuer);
    expect(doc.issuer).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(doc.authorization_endpoint).toBe(`${cis2.issuer}/authorize`);
    expect(doc.token_endpoint).toBe(cis2.tokenEndpoint);
    expect(doc.jwks_uri).toBe(cis2.jwksUri);
    expect(doc.userinfo_endpoint).toBe(`${cis2.issuer}/userinfo`);
    expect(doc.response_types_supported).toEqual(['code']);
    expect(doc.code_challenge_methods_supported).toEqual(['S256']);
    expect(doc.id_token_signing_alg_values_supported).toContain('RS256');
    expect(doc.acr_values_supported).toEqual(expect.arrayContaining(['AAL3_ANY', 'AAL2_OR_AAL3_ANY']));
    expect(doc.scopes_supported).toEqual(expect.arrayContaining(['openid', 'profile', 'nationalrbacaccess']));
    expect(doc.claims_supported).toEqual(
      expect.arrayContaining(['uid', 'name', 'given_name', 'family_name', 'nhsid_nrbac_roles', 'acr', 'amr', 'sid']),
    );
  });

  it('serves only the public half of its RS256 signing key', async () => {
    const response = await fetch(cis2.jwksUri);
    expect(response.status).toBe(200);
    const { keys } = (await response.json()) as { keys: Record<string, unknown>[] };
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig', kid: cis2.jwks().keys[0]?.kid });
    for (const privatePart of ['d', 'p', 'q', 'dp', 'dq', 'qi']) expect(keys[0]).not.toHaveProperty(privatePart);
  });

  it('keeps its signing key in the data directory, so tokens still verify after a restart', async () => {
    const again = await startMockCis2({ dataDir });
    try {
      expect(again.issuer).not.toBe(cis2.issuer);
      expect(again.jwks().keys[0]?.kid).toBe(cis2.jwks().keys[0]?.kid);
    } finally {
      await again.close();
    }
    const elsewhere = await startMockCis2();
    try {
      expect(elsewhere.jwks().keys[0]?.kid).not.toBe(cis2.jwks().keys[0]?.kid);
    } finally {
      await elsewhere.close();
    }
  });

  it('answers unknown paths with 404 and keeps serving', async () => {
    const response = await fetch(`${cis2.issuer}/no-such-endpoint`);
    expect(response.status).toBe(404);
    expect((await fetch(cis2.discoveryUrl)).status).toBe(200);
  });
});
