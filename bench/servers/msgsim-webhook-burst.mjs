// msgsim for bench/webhooks.ts: the built library (dist/, as `npm start` runs it) with all providers, a
// manual clock and no rate limits, filled at start with BURST_N Msghub sends through the handler path
// (as bench/scale.ts fills: the provider's sendMessage operation, called as the HTTP layer calls it)
// by one tenant whose message.delivered webhook points at BURST_RECEIVER. Every message is then
// queued; `POST /_sim/clock/advance {"by":"3s"}` takes them all to delivered at once and so releases
// BURST_N webhook deliveries in one go. Listens only once filled, so "answers" means "ready".
//
// GET /__bench/memory answers the V8 heap in use after a full GC (run with --expose-gc). GET /__bench/stalls
// answers the event-loop stalls over 50 ms and the longest gap seen since the last such request (or the
// start), with the GC pauses inside each (lib/stall-watch.mjs, as bench/stalls.ts and bench/advance.ts), and
// starts over.
import { createServer } from 'node:http';
import { Clock, createEngine, PROVIDERS } from '../../dist/index.js';
// The internal app (the express app and the mounted providers' operations), as bench/lib/in-process.ts
// takes it from src/: the public createApp answers a request handler only.
import { createApp } from '../../dist/http/app.js';
import { watchStalls } from '../lib/stall-watch.mjs';

const port = Number(process.argv[2]);
const count = Number(process.env.BURST_N ?? 100_000);
const receiver = process.env.BURST_RECEIVER;
const tenant = process.env.BURST_TENANT ?? 'mk_live_webhook_bench';
if (!receiver) throw new Error('BURST_RECEIVER is not set');

const clock = new Clock({ mode: 'manual', start: Date.parse('2026-01-01T00:00:00.000Z') });
const engine = await createEngine({
  clock,
  seed: 1,
  rateLimits: false,
  onError: (error, where) => process.stderr.write(`engine error (${where}): ${error}\n`),
});
const { app, providers } = await createApp({ engine, providers: PROVIDERS });
const msghub = providers.get('msghub').instance.operations;
const headers = { 'content-type': 'application/json', 'x-api-key': tenant };
const call = (operationId, path, body) =>
  msghub[operationId]({ method: 'POST', path, headers, query: {}, operationId, tenant: { id: tenant }, params: {}, body });

const hook = await call('createWebhook', '/webhooks', { event: 'message.delivered', url: receiver });
if (hook.status !== 201) throw new Error(`webhook: ${hook.status} ${JSON.stringify(hook.body)}`);
for (let i = 0; i < count; i++) {
  const sent = await call('sendMessage', '/messages/send', { channel: 'sms', to: '+919876543210', body: `burst ${i}` });
  if (sent.status !== 201) throw new Error(`send ${i}: ${sent.status} ${JSON.stringify(sent.body)}`);
}

const stalls = watchStalls(50);
const server = createServer((req, res) => {
  if (req.url === '/__bench/stalls') {
    const body = JSON.stringify(stalls.take());
    res.writeHead(200, { 'content-type': 'application/json' }).end(body);
    return;
  }
  if (req.url !== '/__bench/memory') return app(req, res);
  globalThis.gc?.();
  const body = JSON.stringify({ heapUsed: process.memoryUsage().heapUsed, gc: typeof globalThis.gc === 'function' });
  res.writeHead(200, { 'content-type': 'application/json' }).end(body);
});
server.listen(port, '127.0.0.1');
process.on('SIGTERM', () => {
  server.close();
  server.closeAllConnections();
  void engine.close().then(() => process.exit(0));
});
