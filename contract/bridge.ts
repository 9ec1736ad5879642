import type { Channel, ChannelInput, ChannelOutput } from './channels';
import type { ApiErrorShape } from './errors';
import type { EventName, Events } from './events';

/** What crosses the boundary for each call. */
export type CallResult<C extends Channel> = { ok: true; value: ChannelOutput<C> } | { ok: false; error: ApiErrorShape };

/** What the preload exposes as `window.triage`, and what the host client imitates. */
export interface TriageBridge {
  invoke<C extends Channel>(channel: C, input: ChannelInput<C>): Promise<CallResult<C>>;
  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void;
}
