import * as v from 'valibot';
import {
  channels,
  dispatchErrors,
  type ApiErrorShape,
  type CallResult,
  type Channel,
  type SessionPhase,
  type SessionPolicy,
} from '../contract';
import { AppError } from './app-error';
import type { Handlers } from './handlers';
import type { Logger } from './log/logger';

const MAX_ISSUES = 20;

/**
 * What dispatch() serves: the handler for each channel, and the session it holds channels
 * marked `session: 'required'` to. The composition root's TriageApp is one.
 */
export interface DispatchTarget {
  handlers: Handlers;
  session: { get(): { phase: SessionPhase } };
}

export function isChannel(name: unknown): name is Channel {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(channels, name);
}

/** Why a channel with this policy may not run in this session phase, or null when it may. */
export function sessionRefusal(policy: SessionPolicy, phase: SessionPhase): ApiErrorShape | null {
  if (policy === 'none') return null;
  if (phase === 'locked') return { ...dispatchErrors.locked };
  if (phase !== 'signed-in') return { ...dispatchErrors.notSignedIn };
  return null;
}

/**
 * The single entry point both transports use: check the channel is known, validate the
 * input against its schema, hold it to the channel's session policy, run the handler, and
 * turn every failure into a typed error. Nothing thrown by a handler crosses the boundary
 * raw, and no handler runs for a caller its channel does not admit.
 */
export async function dispatch(
  target: DispatchTarget,
  channelName: unknown,
  rawInput: unknown,
  log?: Logger,
): Promise<CallResult<Channel>> {
  if (!isChannel(channelName)) return fail({ ...dispatchErrors.unknownChannel });
  const input = rawInput ?? {};
  // Every channel takes one plain object; arrays, class instances and other shapes never
  // reach a schema, so no schema has to think about them.
  if (!isPlainObject(input)) {
    return fail({ ...dispatchErrors.notAnObject, issues: [{ path: '', message: 'Expected an object.' }] });
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
    const refused = sessionRefusal(def.session, target.session.get().phase);
    if (refused) return fail(refused);
    const handler = target.handlers[channelName] as (input: unknown) => Promise<unknown>;
    const value = await handler(parsed.output);
    return { ok: true, value } as CallResult<Channel>;
  } catch (error) {
    if (error instanceof AppError) return fail(error.toShape());
    log?.error('handler.failed', { channel: channelName, error });
    return fail({ ...dispatchErrors.internal });
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
