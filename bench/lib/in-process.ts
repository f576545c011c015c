/**
 * msgsim in this process, as library mode builds it (createEngine + createApp, every provider, a free
 * port, manual clock), and Msghub sends through the handler path: what bench/scale.ts and
 * bench/advance.ts fill their stores with.
 */
import type { AddressInfo } from 'node:net';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { Clock, createEngine, PROVIDERS, type Engine } from '../../src/index.js';
// The internal app (its providers' handlers are called directly), not the package's request-handler wrapper.
import { createApp } from '../../src/http/app.js';
import type { HandlerRequest, OperationHandler } from '../../src/providers/provider.js';

export const START = Date.parse('2026-01-01T00:00:00.000Z');
export const HEAVY = 'mk_live_scale_heavy';

export function tenantKey(i: number): string {
  return `mk_live_scale_${String(i).padStart(5, '0')}`;
}

/** Send i goes to the heavy tenant every 10th time, else round-robin over the other `tenants` - 1. */
export function tenantFor(i: number, tenants: number): string {
  return i % 10 === 0 ? HEAVY : tenantKey(1 + (i % (tenants - 1)));
}

export interface Harness {
  engine: Engine;
  clock: Clock;
  send: OperationHandler;
  base: string;
  close(): Promise<void>;
}

export async function harness(options: { dataFile?: string; onError?: (error: unknown, where: string) => void } = {}): Promise<Harness> {
  const clock = new Clock({ mode: 'manual', start: START });
  const engine = await createEngine({
    clock,
    seed: 1,
    rateLimits: false,
    ...(options.dataFile ? { dataFile: options.dataFile } : {}),
    ...(options.onError ? { onError: options.onError } : {}),
  });
  const { app, providers } = await createApp({ engine, providers: PROVIDERS });
  const server = await new Promise<ReturnType<typeof app.listen>>((ok, fail) => {
    const s = app.listen(0, '127.0.0.1', (error?: Error) => (error ? fail(error) : ok(s)));
  });
  const send = providers.get('msghub')?.instance.operations.sendMessage;
  if (!send) throw new Error('Msghub is not mounted');
  return {
    engine,
    clock,
    send,
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((ok) => server.close(() => ok()));
      await engine.close();
    },
  };
}

export const SEND_BODY = { channel: 'sms', to: '+919876543210', body: 'Hello!' };

export function sendRequest(tenant: string): HandlerRequest {
  return {
    method: 'POST',
    path: '/messages/send',
    headers: { 'content-type': 'application/json', 'x-api-key': tenant },
    query: {},
    operationId: 'sendMessage',
    tenant: { id: tenant },
    params: {},
    body: { ...SEND_BODY },
  };
}

/** Sends number `from` to `from + count - 1`, to the tenants tenantFor picks. */
export async function sendMany(h: Harness, from: number, count: number, tenants: number): Promise<void> {
  for (let i = from; i < from + count; i++) {
    const result = await h.send(sendRequest(tenantFor(i, tenants)));
    if (result.status !== 201) throw new Error(`send ${i} answered ${result.status}`);
    // Let timers (the debounced disk flush) and the HTTP server run, as they would between requests;
    // chunks this short (a few ms) also make any longer event-loop stall attributable to a flush.
    if (i % 100 === 99) await yieldToLoop();
  }
}
