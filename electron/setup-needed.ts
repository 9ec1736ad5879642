/**
 * The app on a computer with no trust configuration (a packaged build that IT has not set
 * up yet), or with one it must not run with (`problem`, one sentence for IT: a signing key
 * ordinary users can read, or none at all). It starts no environment and makes no network
 * call: `app.info` says what is wrong and where, and every other channel answers with the
 * same sentence.
 */
import { channelNames, type AppInfo } from '../contract';
import { APP_NAME, type AppShell } from './app';
import { AppError } from './app-error';
import type { AppConfig } from './config';
import { NOT_CONFIGURED_MESSAGE } from './environment';
import { EventHub, type Handlers } from './handlers';
import type { Platform } from './platform/platform';

export function createSetupNeededApp(
  config: AppConfig & { setupNeeded: { expectedPath: string } },
  platform: Pick<Platform, 'appVersion' | 'kind'>,
  problem?: string,
): AppShell {
  const info: AppInfo = {
    name: APP_NAME,
    version: platform.appVersion,
    environment: config.environment,
    environmentLabel: 'Not set up',
    managed: false,
    transport: platform.kind,
    setup: { expectedPath: config.setupNeeded.expectedPath, ...(problem ? { problem } : {}) },
  };
  const refuse = async (): Promise<never> => {
    throw new AppError('NOT_CONFIGURED', problem ?? NOT_CONFIGURED_MESSAGE);
  };
  // Every channel refuses; app.info answers. Built from the contract's list of channels, so a
  // new channel is refused here without anyone remembering to add it.
  const handlers = Object.fromEntries(channelNames.map((name) => [name, refuse])) as unknown as Handlers;
  handlers['app.info'] = async () => info;
  // Nobody can sign in here, so channels that need a session are refused before their handler.
  const session = { get: () => ({ phase: 'signed-out' as const }) };
  return { handlers, session, events: new EventHub(), dispose: async () => undefined };
}
