/**
 * Structured logs (pino): one line per request at info. Credentials never reach a log line: auth
 * headers are redacted, query strings (SendHub carries api_key there) are not logged, and paths go
 * through the caller's redaction (keys in control paths).
 */
import { pino, type Logger as PinoLogger, type Level } from 'pino';
import type { RequestHandler } from 'express';
import type { Clock } from '../engine/clock.js';

export type Logger = PinoLogger;
export type LogLevel = Level | 'silent';

export interface LoggerOptions {
  /**
   * Buffer lines and write them to stdout asynchronously, at least 4 KiB at a time or every
   * FLUSH_EVERY_MS: a synchronous write per request line cost a few % of a send (bench finding 6).
   * Whoever creates a buffered logger flushes it before exiting (pino also flushes it on process exit).
   */
  buffered?: boolean;
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

/**
 * `redactPath` hides credentials that travel in a path (the control API's `/_sim/keys/<provider>/<key>`);
 * it sees the path without its query.
 */
export function requestLogger(logger: Logger, clock: Clock, redactPath: (path: string) => string = (path) => path): RequestHandler {
  return (req, res, next) => {
    const started = clock.realNow();
    res.on('finish', () => {
      logger.info(
        { method: req.method, path: redactPath(req.originalUrl.split('?')[0]!), status: res.statusCode, ms: Math.round((clock.realNow() - started) * 10) / 10 },
        'request',
      );
    });
    next();
  };
}
