/**
 * Structured logs (pino): one line per request at info. Credentials never reach a log line: auth
 * headers are redacted and query strings (SendHub carries api_key there) are not logged.
 */
import { pino, type Logger as PinoLogger, type Level } from 'pino';
import type { RequestHandler } from 'express';
import type { Clock } from '../engine/clock.js';

export type Logger = PinoLogger;
export type LogLevel = Level | 'silent';

export function createLogger(level: LogLevel = 'info'): Logger {
  return pino({
    name: 'msgsim',
    level,
    redact: {
      paths: ['headers.authorization', 'headers["x-api-key"]', 'headers.cookie', '*.secret', 'secret', 'apiKey', 'api_key'],
      censor: '[redacted]',
    },
  });
}

export function requestLogger(logger: Logger, clock: Clock): RequestHandler {
  return (req, res, next) => {
    const started = clock.realNow();
    res.on('finish', () => {
      logger.info(
        { method: req.method, path: req.originalUrl.split('?')[0], status: res.statusCode, ms: Math.round((clock.realNow() - started) * 10) / 10 },
        'request',
      );
    });
    next();
  };
}
