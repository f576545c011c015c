/**
 * Builds the msgsim express app (never listens: the CLI and createSimulator do). Every provider is
 * mounted under /<name> (or alone at the root), the control API under /_sim, and anything else gets a
 * JSON 404 — never express's HTML page.
 */
import cors from 'cors';
import express, { type Express } from 'express';
import {
  CONTROL_PREFIX,
  controlError,
  controlPathRedaction,
  createControl,
  ReceiverStore,
  type MountedProvider,
  type ScenarioSummary,
} from '../control/index.js';
import { SimError } from '../engine/errors.js';
import { apiBasePaths } from '../providers/provider.js';
import { requestLogger } from '../web/request-logger.js';
import type { AppOptions } from './app-options.js';
import { JournalRecorder } from './journal-recorder.js';
import { operationInvoker } from './operation-invoker.js';
import { createProviderRouter, render, send } from './provider-router.js';

export type { AppOptions } from './app-options.js';

/** Headers a browser app may read of an answer: limits, retries, replays. */
const EXPOSED_HEADERS = [
  'Retry-After',
  'Idempotent-Replayed',
  'X-RateLimit-Limit',
  'X-RateLimit-Remaining',
  'X-RateLimit-Reset',
  'Location',
  'WWW-Authenticate',
];

export type { ScenarioSummary };

export interface MsgsimApp {
  app: Express;
  providers: Map<string, MountedProvider>;
  /** The built-in webhook receivers (/_sim/receivers), for library mode. */
  receivers: ReceiverStore;
  /** Loads a scenario as POST /_sim/scenario does (README, "Set-up from a file"). */
  applyScenario: (scenario: unknown) => Promise<ScenarioSummary>;
}

export async function createApp(options: AppOptions): Promise<MsgsimApp> {
  const { engine, logger } = options;
  const selected = options.only ? options.providers.filter((p) => p.name === options.only) : options.providers;
  if (options.only && selected.length === 0) {
    throw new Error(`unknown provider ${options.only}; known: ${options.providers.map((p) => p.name).join(', ')}`);
  }

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  const mounted = new Map<string, MountedProvider>();
  const servedPrefixes: string[] = [];
  const receivers = new ReceiverStore();
  const { router: control, applyScenario } = createControl({
    engine,
    providers: mounted,
    receivers,
    ...(options.adminToken ? { adminToken: options.adminToken } : {}),
  });
  if (logger) app.use(requestLogger(logger, engine.clock, controlPathRedaction(control)));
  app.use(CONTROL_PREFIX, control);
  // After /_sim, which answers every path under it (so it stays same-origin: the inbox is served from it, and no
  // page elsewhere can read the outbox or the webhook secrets, or reset the simulator, through a browser), and
  // before any provider route: a preflight must be answered before a provider answers OPTIONS with its 405.
  if (options.cors) app.use(cors({ origin: options.cors === true ? true : [...options.cors], exposedHeaders: EXPOSED_HEADERS, maxAge: 600 }));

  for (const provider of selected) {
    for (const fixture of provider.fixtureKeys ?? []) engine.keys.register({ provider: provider.name, ...fixture });
    const mountPath = options.only ? '' : `/${provider.name}`;
    const apiPrefix = `${mountPath}${provider.basePath}`;
    const prefixes = apiBasePaths(provider).map((basePath) => `${mountPath}${basePath}`);
    // The provider's router and the 404 below each open the request's journal record.
    const journal = engine.requests.enabled ? new JournalRecorder(engine, provider, prefixes) : undefined;
    const { router, instance } = await createProviderRouter({
      provider,
      engine,
      mount: { prefix: mountPath },
      ...(journal ? { journal } : {}),
      ...(options.bodyLimit ? { bodyLimit: options.bodyLimit } : {}),
      ...(logger ? { logger } : {}),
    });
    mounted.set(provider.name, { provider, instance, apiPrefix, invoke: await operationInvoker(provider, instance, engine) });
    // One router for the base path and its aliases: the same state, rules and answers on each.
    for (const prefix of prefixes) app.use(prefix, router);
    servedPrefixes.push(...prefixes);
    // Anything else under the provider's prefix is still answered in the provider's envelope.
    app.use(mountPath || '/', (req, res) => {
      journal?.begin(req, res);
      send(res, render(provider, new SimError({ kind: 'route_not_found', message: `No route ${req.method} ${req.originalUrl.split('?')[0]}`, field: 'path' })));
    });
  }

  app.use((req, _res, next) => {
    next(
      new SimError({
        kind: 'route_not_found',
        code: 'not_found',
        message: `No route ${req.method} ${req.path}; providers are served under ${servedPrefixes.join(', ')}`,
      }),
    );
  });
  app.use(controlError);
  return { app, providers: mounted, receivers, applyScenario };
}
