/**
 * The last line of defence: an error nothing caught. The process is in an unknown state,
 * so it must not carry on sending decisions; it writes what happened to the (redacted)
 * log, makes sure the log reached the disk, tells the user in plain words, and ends.
 * Decisions and drafts are already on disk (the outbox writes before it sends), so the
 * message can promise they are kept.
 *
 * Plain Node: main.ts passes Electron's `dialog.showErrorBox` as `showFatal` and
 * `app.exit` as `exit`.
 */
import type { Logger } from './log/logger';

/** The part of `process` the handler uses; tests may pass their own emitter. */
export interface CrashSource {
  on(event: 'uncaughtException' | 'unhandledRejection', listener: (reason: unknown) => void): unknown;
  off(event: 'uncaughtException' | 'unhandledRejection', listener: (reason: unknown) => void): unknown;
}

export interface CrashHandlerOptions {
  log: Logger;
  /** Forces the log to disk (FileLogger.flush). */
  flush?: () => void;
  /** Shows the message to the user; it may block until they close it. */
  showFatal: (message: string) => void;
  /** Ends the process. Default `process.exit`. */
  exit?: (code: number) => void;
  now?: () => Date;
  source?: CrashSource;
}

export const CRASH_EXIT_CODE = 70;

/** What the user reads: what happened, that nothing is lost, and what to tell support. */
export function fatalMessage(at: Date): string {
  const time = `${String(at.getHours()).padStart(2, '0')}:${String(at.getMinutes()).padStart(2, '0')}`;
  return `e-RS Triage hit a problem and needs to restart. Your decisions and drafts are saved. If this keeps happening, tell your IT service desk and mention the time: ${time}.`;
}

/** Installs the handlers; returns a function that removes them again. */
export function installCrashHandler(options: CrashHandlerOptions): () => void {
  const source: CrashSource = options.source ?? process;
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const now = options.now ?? (() => new Date());
  let handling = false;

  const flush = () => {
    try {
      options.flush?.();
    } catch {
      // Nothing more can be done for the log; the user still needs the message.
    }
  };
  const logError = (event: string, fields: Record<string, unknown>) => {
    try {
      options.log.error(event, fields);
    } catch {
      // As above.
    }
  };

  const onFatal = (origin: 'uncaughtException' | 'unhandledRejection') => (reason: unknown) => {
    if (handling) {
      // A second failure while the first is being reported: record it and leave now.
      logError('app.crashed_again', { origin, error: reason });
      flush();
      exit(CRASH_EXIT_CODE);
      return;
    }
    handling = true;
    logError('app.crashed', { origin, error: reason });
    flush();
    try {
      options.showFatal(fatalMessage(now()));
    } catch (error) {
      logError('app.crash_message_failed', { error });
      flush();
    }
    exit(CRASH_EXIT_CODE);
  };

  const onException = onFatal('uncaughtException');
  const onRejection = onFatal('unhandledRejection');
  source.on('uncaughtException', onException);
  source.on('unhandledRejection', onRejection);
  return () => {
    source.off('uncaughtException', onException);
    source.off('unhandledRejection', onRejection);
  };
}
