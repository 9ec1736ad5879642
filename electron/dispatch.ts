import * as v from 'valibot';
import { channels, type ApiErrorShape, type CallResult, type Channel } from '../contract';
import { AppError } from './app-error';
import type { Handlers } from './handlers';
import type { Logger } from './log/logger';

const MAX_ISSUES = 20;

export function isChannel(name: unknown): name is Channel {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(channels, name);
}

/**
 * The single entry point both transports use: check the channel is known, validate the
 * input against its schema, run the handler, and turn every failure into a typed error.
 * Nothing thrown by a handler crosses the boundary raw.
 */
export async function dispatch(
  handlers: Handlers,
  channelName: unknown,
  rawInput: unknown,
  log?: Logger,
): Promise<CallResult<Channel>> {
  if (!isChannel(channelName)) {
    return fail({
      code: 'UNKNOWN_CHANNEL',
      message: 'The app asked for something it does not offer. Restart the app; if this keeps happening, tell your IT service desk.',
    });
  }
  const input = rawInput ?? {};
  // Every channel takes one plain object; arrays, class instances and other shapes never
  // reach a schema, so no schema has to think about them.
  if (!isPlainObject(input)) {
    return fail({
      code: 'INVALID_INPUT',
      message: 'The app sent a request in the wrong shape. Reload the screen and try again.',
      issues: [{ path: '', message: 'Expected an object.' }],
    });
  }
  const def = channels[channelName];
  const parsed = v.safeParse(def.input, input);
  if (!parsed.success) {
    const issues = parsed.issues.slice(0, MAX_ISSUES).map((issue) => ({
      path: v.getDotPath(issue) ?? '',
      message: issue.message,
    }));
    return fail({
      code: 'INVALID_INPUT',
      message: `Some of what was entered is not valid: ${issues[0]?.message ?? 'check the form'} Correct it and try again.`,
      issues,
    });
  }
  try {
    const handler = handlers[channelName] as (input: unknown) => Promise<unknown>;
    const value = await handler(parsed.output);
    return { ok: true, value } as CallResult<Channel>;
  } catch (error) {
    if (error instanceof AppError) return fail(error.toShape());
    log?.error('handler.failed', { channel: channelName, error });
    return fail({
      code: 'INTERNAL',
      message: 'Something went wrong in the app. Your work is kept; try again, and if it keeps happening tell your IT service desk.',
    });
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function fail(error: ApiErrorShape): CallResult<Channel> {
  return { ok: false, error };
}
