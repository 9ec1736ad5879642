/**
 * Checks on what the app is about to send, before anything is sent: a request e-RS would
 * refuse (or, worse, misread) is stopped here with a sentence naming the field.
 */
import { ID_TOKEN_MAX_LENGTH, ID_TOKEN_PATTERN, UBRN_PATTERN, VERSION_PATTERN } from '../../contract';
import { invalidInputError } from './ers-error';
import type { OperationId } from './operations';

export function ubrn(operation: OperationId, value: unknown, path = 'ubrn'): string {
  if (typeof value !== 'string' || !UBRN_PATTERN.test(value)) {
    throw invalidInputError(operation, 'A UBRN is 12 digits. Check the reference and try again.', path);
  }
  return value;
}

export function version(operation: OperationId, value: unknown, path = 'version'): string {
  if (typeof value !== 'string' || !VERSION_PATTERN.test(value)) {
    throw invalidInputError(operation, 'The item version is missing or not a whole number. Reload the item and try again.', path);
  }
  return value;
}

/** Identifiers that go into a path or a header: letters, digits and a few separators only. */
export function token(operation: OperationId, value: unknown, path: string, label: string, max = ID_TOKEN_MAX_LENGTH): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > max || !ID_TOKEN_PATTERN.test(value)) {
    throw invalidInputError(operation, `The ${label} is not valid. Reload the item and try again.`, path);
  }
  return value;
}

export function text(
  operation: OperationId,
  value: unknown,
  options: { path: string; label: string; max: number; required: boolean },
): string | undefined {
  if (value === undefined || value === null || value === '') {
    if (options.required) throw invalidInputError(operation, `Enter the ${options.label}.`, options.path);
    return undefined;
  }
  if (typeof value !== 'string') throw invalidInputError(operation, `The ${options.label} must be text.`, options.path);
  if (options.required && value.trim().length === 0) throw invalidInputError(operation, `Enter the ${options.label}.`, options.path);
  if (value.length > options.max) {
    throw invalidInputError(operation, `The ${options.label} is too long: e-RS accepts at most ${options.max} characters.`, options.path);
  }
  return value;
}

export function oneOf<T extends string>(operation: OperationId, value: unknown, allowed: readonly T[], path: string, label: string): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw invalidInputError(operation, `Choose a ${label} from the list.`, path);
  }
  return value as T;
}

/** e-RS writes DocumentReference.indexed with microseconds and an explicit UTC offset. */
export function indexedTime(operation: OperationId, value: unknown, path: string): string {
  const at = value instanceof Date ? value.getTime() : typeof value === 'string' ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(at)) throw invalidInputError(operation, 'The time the file was attached is missing or not a date.', path);
  return new Date(at).toISOString().replace(/\.(\d{3})Z$/, '.$1000+00:00');
}
