import { expect } from 'vitest';

/**
 * A message shown to the user is one sentence that says what happened and what to do: it
 * starts with a capital, ends with a full stop, and has no second sentence inside it.
 */
export function expectOneSentence(message: string): void {
  expect(message, message).toMatch(/^[A-Z"'(].*\.$/s);
  expect(message, `${message} — more than one sentence`).not.toMatch(/[.!?]["')]?\s+[A-Z]/);
  expect(message.length, message).toBeLessThan(320);
}
