import type { Channel, ChannelOutput, ChannelParsedInput, EventName, Events } from '../contract';

/** One typed handler per channel: the composition root (app.ts) builds this object. */
export type Handlers = {
  [C in Channel]: (input: ChannelParsedInput<C>) => Promise<ChannelOutput<C>>;
};

export type EventListener = <E extends EventName>(event: E, payload: Events[E]) => void;

/** A tiny typed event hub: handlers emit, transports subscribe. */
export class EventHub {
  private readonly listeners = new Set<EventListener>();

  emit<E extends EventName>(event: E, payload: Events[E]): void {
    for (const listener of this.listeners) listener(event, payload);
  }

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
