/**
 * Refresh tokens the mock API platform issued. Each use rotates the token (the old one
 * stops working) and counts, as the platform's `refresh_count` does; the chain keeps the
 * lifetime of the first token, so refreshing cannot extend a sign-in for ever. Held in
 * memory: a restart of the local environment makes the app sign in again.
 */
import { randomBytes } from 'node:crypto';

export interface RefreshGrant {
  clientId: string;
  sub: string;
  sid: string;
  scope: string;
  /** Epoch seconds when the chain ends. */
  expiresAt: number;
  refreshCount: number;
}

export class RefreshTokenStore {
  private readonly grants = new Map<string, RefreshGrant>();

  issue(grant: RefreshGrant): string {
    const token = randomBytes(32).toString('base64url');
    this.grants.set(token, grant);
    return token;
  }

  /** Takes the grant out (rotation); undefined when unknown, expired or another client's. */
  take(token: string, clientId: string, now: number): RefreshGrant | undefined {
    const grant = this.grants.get(token);
    if (!grant) return undefined;
    if (grant.expiresAt <= now) {
      this.grants.delete(token);
      return undefined;
    }
    // A token presented by the wrong client stays valid for its owner.
    if (grant.clientId !== clientId) return undefined;
    this.grants.delete(token);
    return grant;
  }

  /**
   * RFC 7009: the client that holds the token is done with it. True when a live token of
   * that client's was dropped; an unknown token, or another client's, is left as it is.
   */
  revoke(token: string, clientId: string): boolean {
    const grant = this.grants.get(token);
    if (!grant || grant.clientId !== clientId) return false;
    this.grants.delete(token);
    return true;
  }
}
