/**
 * Errors as the NHS API platform's OAuth server gives them: a 400 or 401 with a JSON body
 * `{ error, error_description, message_id }`. The description tells the developer what was
 * wrong with the request; the app maps `error` to what the user sees.
 */
import { randomUUID } from 'node:crypto';

export type OAuthErrorCode = 'invalid_request' | 'invalid_client' | 'invalid_grant' | 'unsupported_grant_type' | 'server_error';

export class OAuthError extends Error {
  constructor(
    readonly status: 400 | 401 | 404 | 405 | 413 | 415 | 500,
    readonly error: OAuthErrorCode,
    readonly description: string,
  ) {
    super(description);
    this.name = 'OAuthError';
  }

  body(): { error: OAuthErrorCode; error_description: string; message_id: string } {
    return { error: this.error, error_description: this.description, message_id: `rrt-${randomUUID()}` };
  }
}

export const invalidRequest = (description: string, status: 400 | 401 = 400) => new OAuthError(status, 'invalid_request', description);
export const invalidClient = (description: string) => new OAuthError(401, 'invalid_client', description);
export const invalidGrant = (description: string) => new OAuthError(400, 'invalid_grant', description);
