/**
 * A control call that changes state (a forced status, a reset, a clock advance) answers once its changes
 * are written, as provider writes do (src/web/acknowledge.ts); if they cannot be, 503 with Retry-After.
 */
import type { RequestHandler } from 'express';
import type { Engine } from '../engine/engine.js';
import { acknowledgement } from '../web/acknowledge.js';

export function acknowledgeWrites(engine: Engine): RequestHandler {
  return (req, res, next) => {
    if (req.method === 'GET' || req.method === 'HEAD' || !engine.store.file) return next();
    const changesBefore = engine.store.changes;
    const json = res.json.bind(res);
    res.json = (body: unknown) => {
      const pending = acknowledgement(engine, changesBefore);
      if (!pending) return json(body);
      void pending.then((unsaved) => {
        if (!unsaved) return json(body);
        res.status(unsaved.status).set(unsaved.headers);
        return json({ error: { code: 'storage_unavailable', message: unsaved.message } });
      });
      return res;
    };
    next();
  };
}
