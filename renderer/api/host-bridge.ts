/**
 * The browser-host half of the transport: `invoke` over fetch, `on` over a server-sent
 * event stream read with fetch (so the secret travels in a header, never in a URL).
 * The secret arrives once in the URL fragment, is kept in sessionStorage for reloads of
 * this tab, and is removed from the address bar at once.
 */
import type { CallResult, Channel, ChannelInput, EventName, Events, TriageBridge } from '../../contract';
import { decodeWire, encodeWire } from './wire';

const KEY_HEADER = 'X-Triage-Host-Key';
const STORAGE_KEY = 'triage-host-key';
const RECONNECT_MS = 2000;

function takeSecret(location: Location, storage: Storage, history: History): string {
  const match = /(?:^#|&)key=([A-Za-z0-9_-]+)/.exec(location.hash);
  if (match?.[1]) {
    storage.setItem(STORAGE_KEY, match[1]);
    history.replaceState(history.state, '', location.pathname + location.search);
    return match[1];
  }
  return storage.getItem(STORAGE_KEY) ?? '';
}

export function createHostBridge(location: Location, storage: Storage, history: History): TriageBridge {
  const secret = takeSecret(location, storage, history);
  const listeners = new Map<EventName, Set<(payload: unknown) => void>>();
  let streaming = false;

  async function invoke<C extends Channel>(channel: C, input: ChannelInput<C>): Promise<CallResult<C>> {
    const response = await fetch(`/api/invoke/${encodeURIComponent(channel)}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', [KEY_HEADER]: secret },
      body: encodeWire(input),
    });
    if (response.status === 401) {
      return {
        ok: false,
        error: {
          code: 'HOST_KEY',
          message: 'This page is not connected to the app host. Open the address the host printed when it started.',
        },
      };
    }
    if (!response.ok) {
      return {
        ok: false,
        error: { code: 'TRANSPORT', message: `The app host answered with an error (${response.status}). Restart it and reload this page.` },
      };
    }
    return decodeWire(await response.text()) as CallResult<C>;
  }

  async function stream(): Promise<void> {
    for (;;) {
      try {
        const response = await fetch('/api/events', { headers: { [KEY_HEADER]: secret } });
        if (!response.ok || !response.body) throw new Error(`events ${response.status}`);
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value;
          let end: number;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            deliver(buffer.slice(0, end));
            buffer = buffer.slice(end + 2);
          }
        }
      } catch {
        // The host restarted or the connection dropped: try again shortly.
      }
      await new Promise((resolve) => setTimeout(resolve, RECONNECT_MS));
    }
  }

  function deliver(frame: string): void {
    let event = '';
    let data = '';
    for (const line of frame.split('\n')) {
      if (line.startsWith('event: ')) event = line.slice(7);
      else if (line.startsWith('data: ')) data += line.slice(6);
    }
    const set = listeners.get(event as EventName);
    if (!set || data === '') return;
    const payload = decodeWire(data);
    for (const listener of set) listener(payload);
  }

  return {
    invoke,
    on<E extends EventName>(event: E, listener: (payload: Events[E]) => void) {
      if (!streaming) {
        streaming = true;
        void stream();
      }
      const set = listeners.get(event) ?? new Set();
      const wrapped = listener as (payload: unknown) => void;
      set.add(wrapped);
      listeners.set(event, set);
      return () => set.delete(wrapped);
    },
  };
}
