import { describe, expect, it } from 'vitest';
import { TriageError, userMessage } from '../../renderer/api/client';

describe('the message a user sees for a failed call', () => {
  it('carries the e-RS reference the sentence asks them to quote', () => {
    const error = new TriageError({
      code: 'ERS_500',
      message: 'e-RS failed. Tell your IT service desk and quote the reference shown with this message.',
      correlationId: 'c0ffee00-1111-2222-3333-444455556666',
    });
    expect(userMessage(error, 'fallback')).toBe(
      'e-RS failed. Tell your IT service desk and quote the reference shown with this message. The reference is c0ffee00-1111-2222-3333-444455556666.',
    );
  });

  it('is the sentence alone when there was no e-RS call, and the fallback for anything else', () => {
    expect(userMessage(new TriageError({ code: 'INVALID_INPUT', message: 'Correct the form.' }), 'fallback')).toBe('Correct the form.');
    expect(userMessage(new Error('raw internals'), 'Something went wrong. Try again.')).toBe('Something went wrong. Try again.');
  });
});
