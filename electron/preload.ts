/**
 * Exposes `window.triage` and nothing else. Channel and event names are checked here as
 * well as in main, so a compromised page cannot reach other IPC messages through us.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import {
  channelNames,
  eventNames,
  type CallResult,
  type Channel,
  type ChannelInput,
  type EventName,
  type Events,
  type TriageBridge,
} from '../contract';

const CHANNELS = new Set<string>(channelNames);
const EVENTS = new Set<string>(eventNames);

const bridge: TriageBridge = {
  invoke<C extends Channel>(channel: C, input: ChannelInput<C>): Promise<CallResult<C>> {
    if (!CHANNELS.has(channel)) {
      return Promise.resolve({
        ok: false,
        error: { code: 'UNKNOWN_CHANNEL', message: 'The app asked for something it does not offer. Restart the app.' },
      });
    }
    return ipcRenderer.invoke('triage:invoke', channel, input) as Promise<CallResult<C>>;
  },
  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void {
    if (!EVENTS.has(event)) return () => undefined;
    const wrapped = (_e: IpcRendererEvent, name: string, payload: unknown) => {
      if (name === event) listener(payload as Events[E]);
    };
    ipcRenderer.on('triage:event', wrapped);
    return () => {
      ipcRenderer.removeListener('triage:event', wrapped);
    };
  },
};

contextBridge.exposeInMainWorld('triage', bridge);
