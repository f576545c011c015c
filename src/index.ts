/**
 * msgsim as a library. The types named here are all a consumer's compiler reads: none of them needs
 * express's types (a consumer need not install them), only Node's and pino's.
 */
import type { RequestListener } from 'node:http';
import { createApp as assembleApp } from './http/app.js';
import type { AppOptions } from './http/app-options.js';

export { createSimulator, type DeliveryFilter, type RequestQuery, type Simulator, type SimulatorOptions } from './simulator.js';
export type { AppOptions, ReceivedRequest } from './http/app-options.js';
export { createEngine, type Engine, type EngineOptions } from './engine/engine.js';
export { Clock, type AdvanceResult, type AdvanceTarget, type ClockMode, type SliceOptions } from './engine/clock.js';
export type { Duration } from './engine/duration.js';
export type { DeliveryStatus, WebhookDelivery, DeliveryAttempt } from './engine/webhooks.js';
export type { SimMessage, MessageState } from './engine/message.js';
export { MAGIC_RECIPIENTS } from './engine/magic.js';
export type { JournalFault, RequestEntry } from './engine/request-journal.js';
export { PROVIDERS } from './providers/index.js';
export type { Provider } from './providers/provider.js';
export type { StateDocument, StateScope } from './engine/state-document.js';
export type { RuntimeScenario, ScenarioDocument } from './setup/document.js';
export { ConfigError } from './setup/config-file.js';
export type { ScenarioSummary, TenantSummary } from './control/types.js';

/** What `createApp` builds: a request handler that never listens (mount it, or hand it to supertest). */
export interface MsgsimHandler {
  /** `http.createServer(handler)`, `supertest(handler)`, or a route of your own server. */
  handler: RequestListener;
  /** The providers mounted, with the URL prefix of each API (`/msghub/api/v1`). */
  providers: Array<{ name: string; apiPrefix: string }>;
}

/** The msgsim app on an engine you built (createEngine), without a server: for in-process tests. */
export async function createApp(options: AppOptions): Promise<MsgsimHandler> {
  const { app, providers } = await assembleApp(options);
  return { handler: app, providers: [...providers.values()].map(({ provider, apiPrefix }) => ({ name: provider.name, apiPrefix })) };
}
