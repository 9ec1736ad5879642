import { describe, expect, it } from 'vitest';
import { AppError } from '../../../electron/app-error';
import { decisionFromStored } from '../../../electron/review/send-decision';

describe('a decision read back from the outbox', () => {
  it('is rebuilt through the channel schema, with the version it was made against', () => {
    const decision = decisionFromStored(
      'referral.reject',
      { ubrn: '000000070000', reasonCode: 'OTHER', comments: 'c', actor: { userId: 'x' } },
      '9',
    );
    expect(decision).toEqual({
      operation: 'referral.reject',
      input: { ubrn: '000000070000', version: '9', reasonCode: 'OTHER', comments: 'c' },
    });
    expect(
      decisionFromStored(
        'advice.reply',
        { ubrn: '000000070000', outcome: 'REQUIRE_FURTHER_INFORMATION', guidance: 'g', priority: 'ROUTINE' },
        '3',
      ).input,
    ).not.toHaveProperty('version');
  });

  it('is refused, in a sentence, when it carries more than the screen may send, or is unknown', () => {
    for (const [operation, stored] of [
      ['referral.accept', { ubrn: '000000070000', surprise: true }],
      ['referral.reject', { ubrn: 'not-a-ubrn', reasonCode: 'OTHER', comments: '' }],
      ['referral.delete', { ubrn: '000000070000' }],
    ] as const) {
      const error = (() => {
        try {
          decisionFromStored(operation, stored, '1');
          return null;
        } catch (e) {
          return e;
        }
      })();
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).message).toMatch(/cancel it and make the decision again\.$/);
    }
  });
});
