import { channelNames, type SessionPhase } from '../../contract';
import { AppError } from '../../electron/app-error';
import type { DispatchTarget } from '../../electron/dispatch';
import type { Handlers } from '../../electron/handlers';

/** A complete handler object for transport tests: the given handlers, and the rest refusing. */
export function handlersWith(overrides: Partial<Handlers>): Handlers {
  const handlers: Record<string, (input: unknown) => Promise<unknown>> = {};
  for (const name of channelNames) {
    handlers[name] = async () => {
      throw new AppError('NOT_IN_TEST', `${name} is not part of this test.`);
    };
  }
  return { ...(handlers as unknown as Handlers), ...overrides };
}

/** What dispatch() serves, for transport tests: these handlers behind a session in this phase. */
export function dispatchTarget(handlers: Handlers, phase: SessionPhase = 'signed-in'): DispatchTarget {
  return { handlers, session: { get: () => ({ phase }) } };
}
