/**
 * The one module that decides how the renderer reaches the main process: through
 * `window.triage` (Electron's preload) when present, otherwise through the browser host.
 * Components and stores use the TriageClient from `useClient()`, never a transport.
 */
import { inject, type InjectionKey } from 'vue';
import type { ApiErrorShape, Channel, ChannelInput, ChannelOutput, EventName, Events, TriageBridge } from '../../contract';
import { createHostBridge } from './host-bridge';

/** A failed call, as the user should see it: a sentence, a code, and a correlation id. */
export class TriageError extends Error implements ApiErrorShape {
  readonly code: string;
  readonly correlationId?: string;
  readonly issues?: ApiErrorShape['issues'];

  constructor(shape: ApiErrorShape) {
    super(shape.message);
    this.name = 'TriageError';
    this.code = shape.code;
    if (shape.correlationId !== undefined) this.correlationId = shape.correlationId;
    if (shape.issues !== undefined) this.issues = shape.issues;
  }
}

/**
 * What the user is shown for a failed call: the app's sentence and, where there was an
 * e-RS call, its reference, so the service desk can find it ("quote the reference").
 */
export function userMessage(error: unknown, fallback: string): string {
  if (!(error instanceof TriageError)) return fallback;
  return error.correlationId ? `${error.message} The reference is ${error.correlationId}.` : error.message;
}

export interface TriageClient {
  call<C extends Channel>(channel: C, input: ChannelInput<C>): Promise<ChannelOutput<C>>;
  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void;
}

export function clientFromBridge(bridge: TriageBridge): TriageClient {
  return {
    async call(channel, input) {
      let result;
      try {
        result = await bridge.invoke(channel, input);
      } catch {
        throw new TriageError({
          code: 'TRANSPORT',
          message: 'The app could not reach its background service. Restart the app; your work is kept.',
        });
      }
      if (result.ok) return result.value;
      throw new TriageError(result.error);
    },
    on: (event, listener) => bridge.on(event, listener),
  };
}

declare global {
  interface Window {
    triage?: TriageBridge;
  }
}

let defaultClient: TriageClient | null = null;

/** The client for this page: Electron's bridge if the preload gave one, else the host's. */
export function getDefaultClient(): TriageClient {
  defaultClient ??= clientFromBridge(window.triage ?? createHostBridge(window.location, window.sessionStorage, window.history));
  return defaultClient;
}

export const CLIENT_KEY: InjectionKey<TriageClient> = Symbol('triage-client');

/** For components and setup stores: the provided client (a fake in tests) or the default. */
export function useClient(): TriageClient {
  return inject(CLIENT_KEY, null) ?? getDefaultClient();
}
