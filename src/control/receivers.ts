/**
 * Built-in webhook receivers (a request bin): point a provider's webhook or callbackUrl at
 * /_sim/receivers/<name>/hook and every request is kept with its raw body for signature checks. QA can
 * make a receiver fail (any status, e.g. 500 or 410), answer slowly, or pause (hold requests until
 * resumed), to exercise the providers' retries without writing a server.
 */
import express, { type Request, type Response, type Router } from 'express';
import { rejectPollutingKeys } from '../http/body.js';
import type { Engine } from '../engine/engine.js';
import { badRequest, notFound } from './errors.js';

export interface ReceivedRequest {
  method: string;
  path: string;
  query: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** Simulated time of arrival. */
  receivedAt: string;
  /** What the receiver answered (null while paused). */
  status: number | null;
}

export interface ReceiverConfig {
  status: number;
  delayMs: number;
  paused: boolean;
}

interface Receiver {
  name: string;
  config: ReceiverConfig;
  requests: ReceivedRequest[];
  held: Array<() => void>;
}

const MAX_KEPT = 1_000;
const NAME = /^[A-Za-z0-9_-]{1,64}$/;

/** Registered on the control router itself (not a sub-router), so its routes are in the one route table. */
export function registerReceiverRoutes(router: Router, engine: Engine): void {
  const receivers = new Map<string, Receiver>();

  const get = (name: string, create = false): Receiver => {
    if (!NAME.test(name)) throw badRequest('receiver names are 1-64 of [A-Za-z0-9_-]', 'name', name);
    let receiver = receivers.get(name);
    if (!receiver && create) {
      receiver = { name, config: { status: 200, delayMs: 0, paused: false }, requests: [], held: [] };
      receivers.set(name, receiver);
    }
    if (!receiver) throw notFound(`No receiver ${name}`);
    return receiver;
  };
  const summary = (r: Receiver) => ({ name: r.name, config: r.config, received: r.requests.length, held: r.held.length, url: `/_sim/receivers/${r.name}/hook` });

  router.all('/receivers/:name/hook', express.text({ type: () => true, limit: '5mb' }), (req: Request, res: Response) => {
    const receiver = get(String(req.params.name), true);
    const entry: ReceivedRequest = {
      method: req.method,
      // The hook route takes the hook itself only: nothing lies below it (see ReceivedRequest.path in the spec).
      path: '/',
      query: req.originalUrl.includes('?') ? req.originalUrl.slice(req.originalUrl.indexOf('?') + 1) : '',
      headers: req.headers,
      body: typeof req.body === 'string' ? req.body : '',
      receivedAt: engine.clock.iso(),
      status: null,
    };
    receiver.requests.unshift(entry);
    receiver.requests.length = Math.min(receiver.requests.length, MAX_KEPT);
    const answer = () => {
      if (res.writableEnded || res.destroyed) return;
      entry.status = receiver.config.status;
      res.status(receiver.config.status).json({ received: true });
    };
    const respond = () => (receiver.config.delayMs > 0 ? engine.clock.realTimeout(receiver.config.delayMs, answer) : answer());
    if (receiver.config.paused) receiver.held.push(respond);
    else respond();
  });

  router.get('/receivers', (_req, res) => {
    res.json({ data: [...receivers.values()].map(summary) });
  });

  router.get('/receivers/:name', (req, res) => {
    const receiver = get(req.params.name);
    res.json({ ...summary(receiver), requests: receiver.requests });
  });

  /** Body (all optional): { status: 200-599, delayMs: 0-120000, paused: boolean }. Unpausing answers held requests. */
  router.put('/receivers/:name', express.json({ limit: '1mb' }), rejectPollutingKeys, (req, res) => {
    const receiver = get(String(req.params.name), true);
    const body = (req.body ?? {}) as Partial<ReceiverConfig>;
    const unknown = Object.keys(body).find((k) => !['status', 'delayMs', 'paused'].includes(k));
    if (unknown) throw badRequest(`unknown field ${unknown}; a receiver has status, delayMs, paused`, unknown);
    if (body.status !== undefined && !(Number.isInteger(body.status) && body.status >= 200 && body.status <= 599)) throw badRequest('status must be an HTTP status from 200 to 599', 'status', body.status);
    if (body.delayMs !== undefined && !(Number.isInteger(body.delayMs) && body.delayMs >= 0 && body.delayMs <= 120_000)) throw badRequest('delayMs must be an integer from 0 to 120000', 'delayMs', body.delayMs);
    if (body.paused !== undefined && typeof body.paused !== 'boolean') throw badRequest('paused must be a boolean', 'paused', body.paused);
    receiver.config = { ...receiver.config, ...body };
    if (!receiver.config.paused) receiver.held.splice(0).forEach((release) => release());
    res.json(summary(receiver));
  });

  router.delete('/receivers/:name', (req, res) => {
    const receiver = get(req.params.name);
    receiver.held.splice(0).forEach((release) => release());
    receivers.delete(receiver.name);
    res.status(204).end();
  });
}
