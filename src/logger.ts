/**
 * Structured logs (pino), for the CLI, the simulator and the app (one line per request:
 * web/request-logger.ts). Credentials never reach a log line: auth headers and secret fields are redacted.
 */
import { pino, type Logger as PinoLogger, type Level } from 'pino';
import pretty from 'pino-pretty';
import type { Clock } from './engine/clock.js';

export type Logger = PinoLogger;
export type LogLevel = Level | 'silent';
/** `json`: one JSON object a line (for machines, CI logs); `pretty`: one readable line each (for a terminal). */
export type LogFormat = 'json' | 'pretty';

export interface LoggerOptions {
  /**
   * Buffer lines and write them to stdout asynchronously, at least 4 KiB at a time or every
   * FLUSH_EVERY_MS: a synchronous write per request line cost a few % of a send (bench finding 6).
   * Whoever creates a buffered logger flushes it before exiting (pino also flushes it on process exit).
   */
  buffered?: boolean;
  /** Default `json`. */
  format?: LogFormat;
}

/** How stale a buffered line may get when traffic is too light to fill the buffer. */
const FLUSH_EVERY_MS = 250;

export function createLogger(level: LogLevel = 'info', options: LoggerOptions = {}): Logger {
  const settings = {
    name: 'msgsim',
    level,
    redact: {
      paths: ['headers.authorization', 'headers["x-api-key"]', 'headers.cookie', '*.secret', 'secret', 'apiKey', 'api_key'],
      censor: '[redacted]',
    },
  };
  if (options.format === 'pretty') {
    // pino-pretty in this thread (no worker): a terminal reads a few lines a second, not thousands.
    return pino(
      settings,
      pretty({
        colorize: process.stdout.isTTY === true,
        translateTime: 'HH:MM:ss.l',
        // A request line reads as what happened; other lines keep their message and extra fields.
        messageFormat: (log, messageKey) =>
          typeof log.method === 'string'
            ? `${log.method} ${String(log.path)} → ${String(log.status)} (${String(log.ms)} ms)`
            : typeof log[messageKey] === 'string'
              ? log[messageKey]
              : '',
        ignore: 'pid,hostname,name,method,path,status,ms',
        singleLine: true,
        sync: true,
      }),
    );
  }
  if (!options.buffered) return pino(settings);
  return pino(settings, pino.destination({ dest: 1, sync: false, minLength: 4096, periodicFlush: FLUSH_EVERY_MS }));
}

/**
 * Writes out what a buffered logger holds; resolves at once for a synchronous one. Never rejects: the
 * error sonic-boom reports after writing is fsync's on a pipe or terminal (EINVAL), not a lost line,
 * and a stream that never drains (a closed stdout) must not hold a shutdown, hence the time limit.
 */
export function flushLogger(logger: Logger, clock: Pick<Clock, 'realTimeout'>, timeoutMs = 2_000): Promise<void> {
  return new Promise((resolve) => {
    const cancel = clock.realTimeout(timeoutMs, resolve);
    logger.flush(() => {
      cancel();
      resolve();
    });
  });
}
