import { redact } from './redact';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  debug(event: string, fields?: Record<string, unknown>): void;
  info(event: string, fields?: Record<string, unknown>): void;
  warn(event: string, fields?: Record<string, unknown>): void;
  error(event: string, fields?: Record<string, unknown>): void;
}

export type LogSink = (line: string) => void;

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Structured logs: one JSON object per line, every field passed through redaction. */
export function createLogger(sink: LogSink, minLevel: LogLevel = 'info'): Logger {
  const write = (level: LogLevel, event: string, fields: Record<string, unknown> = {}) => {
    if (ORDER[level] < ORDER[minLevel]) return;
    sink(JSON.stringify({ time: new Date().toISOString(), level, event, ...(redact(fields) as object) }));
  };
  return {
    debug: (event, fields) => write('debug', event, fields),
    info: (event, fields) => write('info', event, fields),
    warn: (event, fields) => write('warn', event, fields),
    error: (event, fields) => write('error', event, fields),
  };
}

/** For tests and tools that want no output. */
export const silentLogger: Logger = createLogger(() => undefined);

export function stderrLogger(minLevel: LogLevel = 'info'): Logger {
  return createLogger((line) => process.stderr.write(`${line}\n`), minLevel);
}
