/**
 * The composition root: the one place that builds the handler object both transports
 * serve. Handlers hold no transport logic; transports hold no handler logic.
 */
import type { AppInfo } from './api';
import type { AppConfig } from './config';
import { EventHub, type Handlers } from './handlers';
import type { Logger } from './log/logger';
import type { Platform } from './platform/platform';

export interface AppDeps {
  config: AppConfig;
  platform: Platform;
  log: Logger;
}

export interface TriageApp {
  handlers: Handlers;
  events: EventHub;
  dispose(): Promise<void>;
}

export const APP_NAME = 'e-RS Triage';

export async function createApp(deps: AppDeps): Promise<TriageApp> {
  const { config, platform } = deps;
  const events = new EventHub();

  const info: AppInfo = {
    name: APP_NAME,
    version: platform.appVersion,
    environment: config.environment,
    environmentLabel: config.environmentLabel,
    managed: config.managed,
    transport: platform.kind,
  };

  const handlers: Handlers = {
    'app.info': async () => info,
  };

  return {
    handlers,
    events,
    async dispose() {
      // Later issues close their servers and flush their stores here.
    },
  };
}
