import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockCis2, type MockCis2, type NrbacRole } from '../../../local-env/src/cis2';
import { ADMIN_UID, CONSULTANT_UID, SYNTHETIC_USERS } from '../../../local-env/src/users';
import {
  authorizeAs,
  authorizeUrl,
  browse,
  CookieJar,
  discover,
  listenForCallback,
  loginFormAction,
  pkcePair,
  redeemCode,
  signInAtCis2,
  type Cis2Tokens,
} from '../../helpers/local-identity';

describe('signing in at the mock CIS2 (authorization code + PKCE, loopback redirect)', () => {
  let dataDir: string;
  let cis2: MockCis2;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'cis2-sign-in-'));
    cis2 = await startMockCis2({ dataDir });
  });

  afterAll(async () => {
    await cis2.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  async function verifyIdToken(idToken: string) {
    const keys = createRemoteJWKSet(new URL((await discover(cis2)).jwks_uri));
    const { payload, protectedHeader } = await jwtVerify(idToken, keys, {
      issuer: cis2.issuer,
      audience: cis2.clientId,
      algorithms: ['RS256'],
    });
    return { payload, protectedHeader };
  }

  it('shows a sign-in page listing every synthetic user, with labels, a Cancel button and no script', async () => {
    const listener = await listenForCallback();
    try {
      const { challenge } = pkcePair();
      const visit = await browse(
        new CookieJar(),
        authorizeUrl(await discover(cis2), cis2, {
          redirectUri: listener.redirectUri,
          state: 's',
          nonce: 'n',
          codeChallenge: challenge,
          codeChallengeMethod: 'S256',
        }),
      );
      expect(visit.final.status).toBe(200);
      expect(visit.final.headers.get('content-type')).toMatch(/^text\/html/);
      expect(visit.final.headers.get('content-security-policy')).toContain("default-src 'none'");
      expect(visit.visited.at(-1)).toMatch(new RegExp(`^${cis2.issuer}/interaction/`));
      const html = visit.body;
      expect(html).not.toMatch(/<script/i);
      expect(html).toContain('<html lang="en">');
      expect(html).toContain('<h1>Sign in</h1>');
      for (const user of SYNTHETIC_USERS) {
        expect(html).toContain(`id="user-${user.uid}"`);
        expect(html).toContain(`<label class="radio-label" for="user-${user.uid}">${user.displayName}</label>`);
      }
      expect(html).toMatch(/<button[^>]*value="cancel"[^>]*>Cancel<\/button>/);
      expect(loginFormAction(html, visit.visited.at(-1) ?? '')).toBe(visit.visited.at(-1));
      const css = await fetch(`${cis2.issuer}/assets/cis2.css`);
      expect(css.status).toBe(200);
      expect(css.headers.get('content-type')).toMatch(/^text\/css/);
    } finally {
      await listener.close();
    }
  });

  it('sends the consultant back to a loopback callback on the port the app listens on, and the code gives a verified ID token with CIS2 claims', async () => {
    // As the app will ask: an assurance level, and a fresh sign-in even if the browser has a session.
    const outcome = await authorizeAs(cis2, { uid: CONSULTANT_UID }, { extra: { acr_values: 'AAL3_ANY', prompt: 'login' } });
    expect(outcome.callback.origin).toBe(new URL(outcome.redirectUri).origin);
    expect(outcome.callback.port).not.toBe('');
    expect(outcome.callback.searchParams.get('state')).toBe(outcome.state);
    expect(outcome.callback.searchParams.get('iss')).toBe(cis2.issuer);
    expect(outcome.callback.searchParams.get('code')).toBeTruthy();
    expect(outcome.callback.searchParams.has('error')).toBe(false);

    const response = await redeemCode(cis2, outcome);
    expect(response.status).toBe(200);
    const tokens = (await response.json()) as Cis2Tokens;
    expect(tokens.token_type).toBe('Bearer');
    expect(tokens.refresh_token).toBeTruthy();

    const { payload, protectedHeader } = await verifyIdToken(tokens.id_token);
    expect(protectedHeader.alg).toBe('RS256');
    expect(payload.nonce).toBe(outcome.nonce);
    expect(payload).toMatchObject({
      sub: CONSULTANT_UID,
      uid: CONSULTANT_UID,
      nhsid_useruid: CONSULTANT_UID,
      name: 'Dr Amara Okoye',
      given_name: 'Amara',
      family_name: 'Okoye',
      acr: 'AAL3_ANY',
      amr: ['N3_SMARTCARD'],
      authentication_assurance_level: '3',
      id_assurance_level: '3',
    });
    expect(typeof payload.sid).toBe('string');
    expect(typeof payload.auth_time).toBe('number');
    const roles = payload.nhsid_nrbac_roles as NrbacRole[];
    expect(roles.map((role) => role.org_code)).toEqual(['R69', 'R68']);
    for (const role of roles) {
      expect(role.person_roleid).toMatch(/^555\d{9}$/);
      expect(role.role_code).toMatch(/^S\d{4}:G\d{4}:R\d{4}$/);
    }
  });

  it('gives the clinician admin an admin national RBAC role at Riverside', async () => {
    const tokens = await signInAtCis2(cis2, ADMIN_UID, { scope: 'openid profile nationalrbacaccess associatedorgs' });
    const { payload } = await verifyIdToken(tokens.id_token);
    expect(payload.uid).toBe(ADMIN_UID);
    const roles = payload.nhsid_nrbac_roles as NrbacRole[];
    expect(roles).toHaveLength(1);
    expect(roles[0]).toMatchObject({ org_code: 'R69', role_code: 'S8001:G8005:R8008' });
    expect(payload.nhsid_user_orgs).toEqual([{ org_code: 'R69', org_name: 'Riverside University Hospitals NHS Trust (synthetic)' }]);
  });

  it('leaves out the RBAC claims when the app does not ask for the nationalrbacaccess scope', async () => {
    const tokens = await signInAtCis2(cis2, CONSULTANT_UID, { scope: 'openid profile' });
    const { payload } = await verifyIdToken(tokens.id_token);
    expect(payload.uid).toBe(CONSULTANT_UID);
    expect(payload).not.toHaveProperty('nhsid_nrbac_roles');
    expect(payload.acr).toBe('AAL3_ANY');
  });

  it('answers userinfo with the same claims for the CIS2 access token', async () => {
    const tokens = await signInAtCis2(cis2, CONSULTANT_UID);
    const response = await fetch(`${cis2.issuer}/userinfo`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ sub: CONSULTANT_UID, uid: CONSULTANT_UID, family_name: 'Okoye' });
  });

  it('refreshes: a refresh token gives a new ID token for the same user and session', async () => {
    const tokens = await signInAtCis2(cis2, CONSULTANT_UID);
    const first = await verifyIdToken(tokens.id_token);
    const response = await fetch(cis2.tokenEndpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token ?? '', client_id: cis2.clientId }),
    });
    expect(response.status).toBe(200);
    const refreshed = (await response.json()) as Cis2Tokens;
    const second = await verifyIdToken(refreshed.id_token);
    expect(second.payload.sub).toBe(CONSULTANT_UID);
    expect(second.payload.sid).toBe(first.payload.sid);
    expect(second.payload.acr).toBe('AAL3_ANY');
  });

  it('returns access_denied with the state when the user presses Cancel', async () => {
    const outcome = await authorizeAs(cis2, 'cancel');
    expect(outcome.callback.searchParams.get('error')).toBe('access_denied');
    expect(outcome.callback.searchParams.get('state')).toBe(outcome.state);
    expect(outcome.callback.searchParams.has('code')).toBe(false);
  });

  it('asks again, with an error the user can act on, when the form is sent without choosing anyone', async () => {
    const listener = await listenForCallback();
    try {
      const jar = new CookieJar();
      const { challenge } = pkcePair();
      const page = await browse(
        jar,
        authorizeUrl(await discover(cis2), cis2, {
          redirectUri: listener.redirectUri,
          state: 's',
          codeChallenge: challenge,
          codeChallengeMethod: 'S256',
        }),
      );
      const action = loginFormAction(page.body, page.visited.at(-1) ?? '');
      const again = await browse(jar, action, { method: 'POST', form: new URLSearchParams({ action: 'sign-in' }) });
      expect(again.final.status).toBe(400);
      expect(again.body).toContain('There is a problem');
      expect(again.body).toContain('Select who you are signing in as');
      const unknown = await browse(jar, action, { method: 'POST', form: new URLSearchParams({ action: 'sign-in', uid: '999999999999' }) });
      expect(unknown.final.status).toBe(400);
      // The interaction is still usable: choosing someone now completes the sign-in.
      await browse(jar, action, { method: 'POST', form: new URLSearchParams({ action: 'sign-in', uid: CONSULTANT_UID }) });
      const callback = await listener.received;
      expect(callback.searchParams.get('code')).toBeTruthy();
    } finally {
      await listener.close();
    }
  });

  it('says the sign-in has expired when the interaction cookie is missing', async () => {
    const listener = await listenForCallback();
    try {
      const { challenge } = pkcePair();
      const page = await browse(
        new CookieJar(),
        authorizeUrl(await discover(cis2), cis2, {
          redirectUri: listener.redirectUri,
          codeChallenge: challenge,
          codeChallengeMethod: 'S256',
        }),
      );
      const action = loginFormAction(page.body, page.visited.at(-1) ?? '');
      const stranger = await browse(new CookieJar(), action, {
        method: 'POST',
        form: new URLSearchParams({ action: 'sign-in', uid: CONSULTANT_UID }),
      });
      expect(stranger.final.status).toBe(400);
      expect(stranger.body).toContain('This sign-in has expired');
      expect(stranger.body).not.toMatch(/<script/i);
    } finally {
      await listener.close();
    }
  });
});
