import { redactFields } from './redact';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  debug(event: string, fields?: Record<string, unknown>): void;
  info(event: string, fields?: Record<string, unknown>): void;
  warn(event: string, fields?: Record<string, unknown>): void;
  error(event: string, fields?: Record<string, unknown>): void;
}

export type LogSink = (line: string) => void;

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };
const RESERVED = new Set(['time', 'level', 'event']);

/** Event names are code, but they are strings from callers too: keep them to a safe shape. */
function safeEvent(event: unknown): string {
  return typeof event === 'string' && /^[\w.:-]{1,100}$/.test(event) ? event : 'log.bad_event_name';
}

/**
 * Structured logs: one JSON object per line, every field passed through redaction. A
 * field can never overwrite the line's time, level or event, and a failure to format or
 * write a line never reaches the caller: logging must not take the app down.
 */
export function createLogger(sink: LogSink, minLevel: LogLevel = 'info'): Logger {
  const write = (level: LogLevel, event: string, fields: Record<string, unknown> = {}) => {
    if (ORDER[level] < ORDER[minLevel]) return;
    let line: string;
    try {
      const entry: Record<string, unknown> = { time: new Date().toISOString(), level, event: safeEvent(event) };
      for (const [key, value] of Object.entries(redactFields(fields))) {
        Object.defineProperty(entry, RESERVED.has(key) ? `field.${key}` : key, {
          value,
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      line = JSON.stringify(entry);
    } catch {
      line = JSON.stringify({ time: new Date().toISOString(), level, event: safeEvent(event), logError: 'fields could not be written' });
    }
    try {
      sink(line);
    } catch {
      // The sink reports its own failures (see file-sink.ts); a caller must not see them.
    }
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
