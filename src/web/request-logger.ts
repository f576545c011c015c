/**
 * One log line per request at info. Credentials never reach it: query strings (SendHub carries api_key
 * there) are not logged, and paths go through the caller's redaction (keys in control paths).
 */
import type { RequestHandler } from 'express';
import type { Clock } from '../engine/clock.js';
import type { Logger } from '../logger.js';

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
