/**
 * Library mode: a whole msgsim in one call, listening on a port of its own.
 *
 *   const sim = await createSimulator({ clock: 'manual', port: 0 });
 *   sim.url; sim.clock.advance(5_000); sim.messages(); sim.reset(); await sim.close();
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { Clock, type ClockMode } from './engine/clock.js';
import { createEngine, MESSAGES, type Engine } from './engine/engine.js';
import type { LifecycleTimings } from './engine/lifecycle.js';
import type { SimMessage } from './engine/message.js';
import { createApp } from './http/app.js';
import { hungRequests } from './http/fault-actions.js';
import { createLogger, type Logger, type LogLevel } from './http/logger.js';
import { PROVIDERS } from './providers/index.js';
import type { Provider } from './providers/provider.js';

export interface SimulatorOptions {
  port?: number;
  host?: string;
  /** Serve one provider at the root instead of all under /<name>. */
  provider?: string;
  clock?: ClockMode;
  /** Factor for the speed clock. */
  speed?: number;
  /** Simulated start time. */
  start?: Date | number;
  seed?: number;
  /** Persist state to this JSON file. */
  data?: string;
  rateLimits?: boolean;
  timings?: Partial<LifecycleTimings>;
  webhookRetrySchedule?: number[];
  logLevel?: LogLevel;
  logger?: Logger;
  providers?: readonly Provider[];
}

export interface Simulator {
  url: string;
  port: number;
  engine: Engine;
  clock: Clock;
  server: Server;
  /** Every message in the outbox, newest first, optionally for one provider. */
  messages(provider?: string): SimMessage[];
  reset(provider?: string, tenant?: string): void;
  /** Stops accepting connections, waits for in-flight requests and webhooks, flushes state. */
  close(): Promise<void>;
}

export async function createSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const logger = options.logger ?? createLogger(options.logLevel ?? 'silent');
  const clock = new Clock({
    mode: options.clock ?? (options.speed ? 'speed' : 'real'),
    ...(options.speed ? { speed: options.speed } : {}),
    ...(options.start !== undefined ? { start: options.start } : {}),
    onError: (err, label) => logger.error({ err, label }, 'scheduled event failed'),
  });
  const engine = await createEngine({
    clock,
    seed: options.seed ?? 1,
    ...(options.data ? { dataFile: options.data } : {}),
    rateLimits: options.rateLimits ?? true,
    ...(options.timings ? { timings: options.timings } : {}),
    ...(options.webhookRetrySchedule ? { webhookRetrySchedule: options.webhookRetrySchedule } : {}),
    onError: (err, where) => logger.error({ err, where }, 'engine error'),
  });
  const { app } = await createApp({
    engine,
    providers: options.providers ?? PROVIDERS,
    ...(options.provider ? { only: options.provider } : {}),
    logger,
  });
  const host = options.host ?? '127.0.0.1';
  const server = await new Promise<Server>((resolve, reject) => {
    // Express 5 passes listen errors (EADDRINUSE) to this callback instead of emitting them.
    const listening = app.listen(options.port ?? 0, host, (error?: Error) => (error ? reject(error) : resolve(listening)));
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;

  return {
    url: `http://${urlHost}:${port}`,
    port,
    engine,
    clock,
    server,
    messages(provider) {
      return engine.store
        .collections<SimMessage>(MESSAGES, provider)
        .flatMap((ref) => [...ref.collection.all()])
        .sort((a, b) => b.seq - a.seq);
    },
    reset: (provider, tenant) => engine.reset(provider, tenant),
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        // Requests hung on purpose by a TIMEOUT fault would otherwise hold the shutdown forever.
        for (const req of hungRequests) if (req.app === app) req.socket.destroy();
      });
      await engine.close();
    },
  };
}
