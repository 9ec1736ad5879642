/**
 * How the app starts, for both transports: on a computer IT has not set up, or whose set-up
 * the app must not run with (a signing key ordinary users can read, a key that is missing or
 * broken), it starts as the "not set up" app with one sentence for IT, instead of a dialog
 * and an exit that leave the user nothing to show IT.
 */
import { createApp, type AppDeps, type AppShell } from './app';
import { AppError } from './app-error';
import { KEY_SETUP_PROBLEMS } from './auth/apim-keys';
import { defaultConfigPath } from './config';
import { createSetupNeededApp } from './setup-needed';

export async function startApp(deps: AppDeps, packaged: boolean): Promise<AppShell> {
  const { config, platform, log } = deps;
  if (config.setupNeeded) return createSetupNeededApp({ ...config, setupNeeded: config.setupNeeded }, platform);
  try {
    return await createApp(deps);
  } catch (error) {
    if (!(error instanceof AppError) || !KEY_SETUP_PROBLEMS.has(error.code)) throw error;
    log.error('app.start_refused', { code: error.code });
    const expectedPath = config.configPath ?? defaultConfigPath(process.platform, process.env, packaged);
    return createSetupNeededApp({ ...config, setupNeeded: { expectedPath } }, platform, error.message);
  }
}
