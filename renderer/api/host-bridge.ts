/**
 * The browser-host half of the transport: `invoke` over one WebSocket (a message on an open
 * socket costs a fraction of a fetch's round trip through Chromium's network stack), or
 * over fetch while the socket cannot be opened; `on` over a server-sent event stream read
 * with fetch. The secret never travels in a URL: it is a header on fetch, and on the
 * socket a subprotocol offered at the upgrade (electron/host/server.ts checks both).
 * The secret arrives once in the URL fragment, is kept in sessionStorage for reloads of
 * this tab, and is removed from the address bar at once.
 */
import type { CallResult, Channel, ChannelInput, EventName, Events, TriageBridge } from '../../contract';
import { decodeWire, encodeWire } from './wire';

const KEY_HEADER = 'X-Triage-Host-Key';
const STORAGE_KEY = 'triage-host-key';
const RECONNECT_MS = 2000;
const SOCKET_PATH = '/api/socket';
const SOCKET_PROTOCOL = 'triage-host.v1';
const SOCKET_KEY_PREFIX = 'key.';

interface Waiting {
  resolve: (result: CallResult<Channel>) => void;
  reject: (error: Error) => void;
}

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

  let socket: WebSocket | null = null;
  let opening: Promise<WebSocket | null> | null = null;
  let socketRefusedUntil = 0;
  let nextId = 0;
  const waiting = new Map<number, Waiting>();

  /** The open socket, opening it if need be; null when it cannot be had now (then calls go over fetch). */
  function openSocket(): Promise<WebSocket | null> {
    if (socket?.readyState === WebSocket.OPEN) return Promise.resolve(socket);
    if (opening) return opening;
    if (typeof WebSocket === 'undefined' || secret === '' || Date.now() < socketRefusedUntil) return Promise.resolve(null);
    opening = new Promise<WebSocket | null>((resolve) => {
      let ws: WebSocket;
      try {
        const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
        ws = new WebSocket(`${scheme}//${location.host}${SOCKET_PATH}`, [SOCKET_PROTOCOL, `${SOCKET_KEY_PREFIX}${secret}`]);
      } catch {
        resolve(null);
        return;
      }
      let opened = false;
      ws.onopen = () => {
        opened = true;
        socket = ws;
        resolve(ws);
      };
      ws.onmessage = (event: MessageEvent) => {
        if (typeof event.data !== 'string') return;
        const message = decodeWire(event.data) as { id?: unknown; result?: unknown };
        const call = typeof message.id === 'number' ? waiting.get(message.id) : undefined;
        if (!call || typeof message.id !== 'number') return;
        waiting.delete(message.id);
        call.resolve(message.result as CallResult<Channel>);
      };
      ws.onclose = () => {
        if (socket === ws) socket = null;
        if (!opened) {
          // Refused or unreachable: fetch for a while (it says why, e.g. a wrong secret), then try again.
          socketRefusedUntil = Date.now() + RECONNECT_MS;
          resolve(null);
        }
        // As with a fetch whose connection drops: the caller hears that the call may not have arrived.
        const lost = [...waiting.values()];
        waiting.clear();
        for (const call of lost) call.reject(new Error('The connection to the app host was lost.'));
      };
    }).finally(() => {
      opening = null;
    });
    return opening;
  }

  async function invoke<C extends Channel>(channel: C, input: ChannelInput<C>): Promise<CallResult<C>> {
    const ws = await openSocket();
    if (ws === null) return invokeOverHttp(channel, input);
    return new Promise<CallResult<C>>((resolve, reject) => {
      nextId += 1;
      waiting.set(nextId, { resolve: resolve as (result: CallResult<Channel>) => void, reject });
      ws.send(encodeWire({ id: nextId, channel, input }));
    });
  }

  async function invokeOverHttp<C extends Channel>(channel: C, input: ChannelInput<C>): Promise<CallResult<C>> {
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
