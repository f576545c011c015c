/**
 * GET /_sim/events: Server-Sent Events of everything that happens (messages created and moving,
 * webhook attempts, records, requests to the providers, resets, clock moves), for the dev inbox and for tests that wait on
 * "message X delivered" instead of sleeping. Filters: ?provider=msghub&types=message.status,webhook.delivery
 */
import type { Response, Router } from 'express';
import type { SimEventMap, SimEventName } from '../engine/events.js';
import type { ControlContext } from './context.js';
import { badRequest } from './errors.js';
import { optionalString } from './params.js';
import { deliveryView, messageView } from './views.js';

const STREAMED: readonly SimEventName[] = [
  'message.created',
  'message.status',
  'webhook.delivery',
  'record.created',
  'record.updated',
  'request',
  'reset',
  'clock',
];
const HEARTBEAT_MS = 15_000;
/**
 * A client that stops reading would otherwise keep every later event in memory: ten of them took the
 * server from 190 MB to 651 MB. Its unsent backlog (queued in the server, past what the kernel's socket
 * buffers took) is bounded two ways: past MAX_UNSENT_BYTES it is dropped at once (the memory bound: ten
 * stalled clients hold at most 80 MB), and a backlog that stays above SLOW_UNSENT_BYTES for STALL_MS of
 * wall time is a client that has stopped reading, dropped too. A client that reads but falls behind for
 * a moment (a burst of large events on a busy machine) catches up within the grace and is kept. A
 * dropped EventSource reconnects after `retry`.
 */
export const MAX_UNSENT_BYTES = 8 * 1024 * 1024;
export const SLOW_UNSENT_BYTES = 1024 * 1024;
export const STALL_MS = 10_000;

/** The JSON each event carries, and the provider it concerns (for filtering). */
function describe<K extends SimEventName>(name: K, event: SimEventMap[K]): { provider?: string; data: unknown } {
  switch (name) {
    case 'message.created':
    case 'message.status': {
      const e = event as SimEventMap['message.status'];
      // The transition goes under its own key: the message's own `to` is its recipient.
      return {
        provider: e.message.namespace,
        data: { ...messageView(e.message), ...(name === 'message.status' ? { transition: { from: e.from, to: e.to, forced: e.forced } } : {}) },
      };
    }
    case 'webhook.delivery': {
      const e = event as SimEventMap['webhook.delivery'];
      return { provider: e.delivery.namespace, data: deliveryView(e.delivery) };
    }
    case 'record.created':
    case 'record.updated': {
      const { namespace, ...rest } = event as SimEventMap['record.created'];
      return { provider: namespace, data: { provider: namespace, ...rest } };
    }
    case 'request': {
      const { record } = event as SimEventMap['request'];
      return { provider: record.provider, data: record.view() };
    }
    case 'reset': {
      const e = event as SimEventMap['reset'];
      return { ...(e.namespace ? { provider: e.namespace } : {}), data: { provider: e.namespace ?? null, tenant: e.tenant ?? null } };
    }
    default:
      return { data: event };
  }
}

export function registerEventRoutes(router: Router, { engine }: ControlContext): void {
  let nextId = 1;

  router.get('/events', (req, res: Response) => {
    const q = req.query as Record<string, unknown>;
    const provider = optionalString(q.provider, 'provider');
    const types = optionalString(q.types, 'types')
      ?.split(',')
      .map((t) => t.trim())
      .filter(Boolean) as SimEventName[] | undefined;
    const unknown = types?.filter((t) => !STREAMED.includes(t));
    if (unknown && unknown.length > 0) throw badRequest(`unknown event types ${unknown.join(', ')}; known: ${STREAMED.join(', ')}`, 'types', q.types);

    res
      .status(200)
      .set({ 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache, no-transform', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' });
    res.flushHeaders();
    res.write(`retry: 2000\n: msgsim events\n\n`);

    let open = true;
    let unsubscribe: Array<() => void> = [];
    let cancelHeartbeat = () => {};
    const stop = () => {
      if (!open) return;
      open = false;
      unsubscribe.forEach((off) => off());
      cancelHeartbeat();
    };
    /** When the backlog last rose above SLOW_UNSENT_BYTES without draining below it since (wall time). */
    let behindSince: number | undefined;
    const drop = () => {
      stop();
      res.destroy();
    };
    /** Writes a frame, then holds the client to the bounds above (res.writableLength: ours plus the socket's). */
    const send = (frame: string) => {
      if (!open) return;
      res.write(frame);
      const unsent = res.writableLength;
      if (unsent > MAX_UNSENT_BYTES) return drop();
      if (unsent <= SLOW_UNSENT_BYTES) {
        behindSince = undefined;
        return;
      }
      const now = engine.clock.realNow();
      behindSince ??= now;
      if (now - behindSince >= STALL_MS) drop();
    };
    res.on('drain', () => (behindSince = undefined));
    unsubscribe = (types ?? STREAMED).map((name) =>
      engine.events.on(name, (event) => {
        const { provider: about, data } = describe(name, event);
        if (provider && about && about !== provider) return;
        send(`id: ${nextId++}\nevent: ${name}\ndata: ${JSON.stringify(data)}\n\n`);
      }),
    );
    const beat = () => {
      cancelHeartbeat = engine.clock.realTimeout(HEARTBEAT_MS, () => {
        send(`: ping\n\n`);
        beat();
      });
    };
    beat();
    req.on('close', stop);
    res.on('close', stop);
  });
}
