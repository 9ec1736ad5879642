/**
 * The app's log: redacted JSON lines (logger.ts) into rotating private files (file-sink.ts),
 * optionally echoed elsewhere (stderr in development).
 */
import { createFileSink, type FileSinkOptions } from './file-sink';
import { createLogger, type LogLevel, type LogSink, type Logger } from './logger';

export interface FileLoggerOptions extends FileSinkOptions {
  minLevel?: LogLevel;
  /** Also send every line here, e.g. to stderr while developing. */
  echo?: LogSink;
}

export interface FileLogger extends Logger {
  readonly dir: string;
  readonly currentFile: string;
  /** Forces what was logged to disk: call before the process may end. */
  flush(): void;
  close(): void;
}

export function createFileLogger(options: FileLoggerOptions): FileLogger {
  const sink = createFileSink(options);
  const echo = options.echo;
  const logger = createLogger((line) => {
    sink.write(line);
    if (echo) echo(line);
  }, options.minLevel ?? 'info');
  return {
    ...logger,
    dir: sink.dir,
    get currentFile() {
      return sink.currentFile;
    },
    flush: () => sink.flush(),
    close: () => sink.close(),
  };
}
