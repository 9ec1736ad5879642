import type { OfflineStatus, SessionView } from './views';

/** Events pushed from main to the renderer, each with the type of its payload. */
export interface Events {
  'session.changed': SessionView;
  'offline.changed': OfflineStatus;
}
export type EventName = keyof Events;
export const eventNames: readonly EventName[] = ['session.changed', 'offline.changed'];
