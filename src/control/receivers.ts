/**
 * Built-in webhook receivers (a request bin): point a provider's webhook or callbackUrl at
 * /_sim/receivers/<name>/hook and every request is kept with its raw body for signature checks. QA can
 * make a receiver fail (any status, e.g. 500 or 410), answer slowly, or pause (hold requests until
 * resumed), to exercise the providers' retries without writing a server. What they keep is bounded
 * (receiver-store.ts); a body above the per-request limit is a 413.
 */
import express, { type Request, type Response, type Router } from 'express';
import { jsonBody } from '../web/body.js';
import type { Engine } from '../engine/engine.js';
import { badRequest, notFound } from './errors.js';
import { RECEIVER_LIMITS, ReceiverStore, type Receiver, type ReceiverConfig } from './receiver-store.js';

export type { ReceivedRequest, ReceiverConfig, ReceiverLimits } from './receiver-store.js';

const NAME = /^[A-Za-z0-9_-]{1,64}$/;

/** How a receiver answers, set by PUT /_sim/receivers/<name> and by a scenario's `receivers`. */
export interface ReceiverSettings {
  /** Creates the receiver if needed and applies a partial config; throws a 400 naming the field for a bad one. */
  configure(name: string, config: unknown): Receiver;
}

/**
 * Registered on the control router itself (not a sub-router), so its routes are in the one route table.
 * Returns the receivers' settings, for scenarios.
 */
export function registerReceiverRoutes(router: Router, engine: Engine, store: ReceiverStore = new ReceiverStore(RECEIVER_LIMITS)): ReceiverSettings {
  const { limits } = store;

  const checkName = (name: string): void => {
    if (!NAME.test(name)) throw badRequest('receiver names are 1-64 of [A-Za-z0-9_-]', 'name', name);
  };
  const get = (name: string, create = false): Receiver => {
    checkName(name);
    const receiver = store.use(name, create);
    if (!receiver) throw notFound(`No receiver ${name}`);
    return receiver;
  };
  const summary = (r: Receiver) => ({
    name: r.name,
    config: r.config,
    received: r.kept.length,
    held: r.held.size,
    bytes: r.bytes,
    dropped: r.dropped,
    url: `/_sim/receivers/${r.name}/hook`,
  });

  // Raw bytes, kept as UTF-8 text: a request bin refuses no charset, and signatures are over the bytes.
  const body = express.raw({ type: () => true, limit: limits.requestBytes });

  router.all('/receivers/:name/hook', body, (req: Request, res: Response) => {
    const receiver = get(String(req.params.name), true);
    const entry = {
      method: req.method,
      // The hook route takes the hook itself only: nothing lies below it (see ReceivedRequest.path in the spec).
      path: '/',
      query: req.originalUrl.includes('?') ? req.originalUrl.slice(req.originalUrl.indexOf('?') + 1) : '',
      headers: req.headers,
      body: Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '',
      receivedAt: engine.clock.iso(),
      status: null as number | null,
    };
    store.keep(receiver, entry);
    const answer = () => {
      if (res.writableEnded || res.destroyed) return;
      entry.status = receiver.config.status;
      res.status(receiver.config.status).json({ received: true });
    };
    const respond = () => (receiver.config.delayMs > 0 ? engine.clock.realTimeout(receiver.config.delayMs, answer) : answer());
    if (!receiver.config.paused) return void respond();
    const held = { release: respond, abandon: () => res.destroy() };
    store.hold(receiver, held);
    // A client that gave up is no longer held (nor counted against the bound).
    res.on('close', () => receiver.held.delete(held));
  });

  router.get('/receivers', (_req, res) => {
    res.json({ data: store.list().map(summary), bytes: store.bytes, limits });
  });

  router.get('/receivers/:name', (req, res) => {
    const receiver = get(req.params.name);
    res.json({ ...summary(receiver), requests: store.requests(receiver) });
  });

  /** Body (all optional): { status: 200-599, delayMs: 0-120000, paused: boolean }. Unpausing answers held requests. */
  const configure = (name: string, config: unknown): Receiver => {
    checkName(name);
    const body = (config ?? {}) as Partial<ReceiverConfig>;
    if (typeof body !== 'object' || Array.isArray(body)) throw badRequest('the body must be an object of status, delayMs, paused', 'body');
    const unknown = Object.keys(body).find((k) => !['status', 'delayMs', 'paused'].includes(k));
    if (unknown) throw badRequest(`unknown field ${unknown}; a receiver has status, delayMs, paused`, unknown);
    if (body.status !== undefined && !(Number.isInteger(body.status) && body.status >= 200 && body.status <= 599))
      throw badRequest('status must be an HTTP status from 200 to 599', 'status', body.status);
    if (body.delayMs !== undefined && !(Number.isInteger(body.delayMs) && body.delayMs >= 0 && body.delayMs <= 120_000))
      throw badRequest('delayMs must be an integer from 0 to 120000', 'delayMs', body.delayMs);
    if (body.paused !== undefined && typeof body.paused !== 'boolean') throw badRequest('paused must be a boolean', 'paused', body.paused);
    const receiver = get(name, true);
    receiver.config = { ...receiver.config, ...body };
    if (!receiver.config.paused) store.releaseAll(receiver);
    return receiver;
  };

  router.put('/receivers/:name', jsonBody('1mb'), (req, res) => {
    res.json(summary(configure(String(req.params.name), req.body)));
  });

  router.delete('/receivers/:name', (req, res) => {
    store.remove(get(req.params.name));
    res.status(204).end();
  });

  return { configure };
}
