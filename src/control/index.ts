/** The /_sim control API: steering the simulation from tests and QA, kept apart from provider routes. */
import express, { type Router } from 'express';
import { jsonBody } from '../web/body.js';
import { registerClockRoutes } from './clock-routes.js';
import type { ControlContext } from './context.js';
import { acknowledgeWrites } from './acknowledge-writes.js';
import { requireAdminToken } from './admin-token.js';
import { controlError, notFound } from './errors.js';
import { registerEventRoutes } from './event-routes.js';
import { registerFaultRoutes } from './fault-routes.js';
import { registerInboundRoutes } from './inbound-routes.js';
import { registerKeyRoutes } from './key-routes.js';
import { registerMessageRoutes } from './message-routes.js';
import { controlPathRedactor } from './log-redaction.js';
import { rejectMalformedParams } from './malformed-params.js';
import { registerReceiverRoutes } from './receivers.js';
import { registerRequestRoutes } from './request-routes.js';
import { routeTable } from './route-list.js';
import { applyScenario, type ScenarioSummary } from './scenario-apply.js';
import { registerScenarioRoutes, scenarioFrom } from './scenario-routes.js';
import { registerSeedRoutes } from './seed-routes.js';
import { registerStateRoutes } from './state-routes.js';
import { registerSystemRoutes } from './system-routes.js';
import { registerUiRoutes } from './ui-routes.js';
import { registerWebhookRoutes } from './webhook-routes.js';

export type { ControlContext, MountedProvider, OperationCall, OperationInvoker } from './context.js';
export { ReceiverStore, type ReceivedRequest } from './receiver-store.js';
export type { ScenarioSummary, TenantSummary } from './scenario-summary.js';
/** Also the app's last error handler: an unrouted request outside every provider gets the control envelope. */
export { controlError };
/** `mk_live_…1234`: how a credential is shown in logs and the request journal. */
export { redactSecret } from './log-redaction.js';

export const CONTROL_PREFIX = '/_sim';
export const CONTROL_BODY_LIMIT = '1mb';

/** For the request log: a full request path with the credentials in control paths redacted. */
export function controlPathRedaction(router: Router): (path: string) => string {
  const redact = controlPathRedactor(() => routeTable(router));
  // express matches the mount path case-insensitively, so /_SIM/keys/… reaches the control API too.
  return (path) =>
    path.slice(0, CONTROL_PREFIX.length).toLowerCase() === CONTROL_PREFIX && (path.length === CONTROL_PREFIX.length || path[CONTROL_PREFIX.length] === '/')
      ? path.slice(0, CONTROL_PREFIX.length) + redact(path.slice(CONTROL_PREFIX.length))
      : path;
}

/** The control API's router, and what it does that library mode calls without HTTP. */
export interface ControlApi {
  router: Router;
  /** Loads a scenario (a set-up document without start-up parts, or its YAML/JSON text); throws a 400 SimError naming the field. */
  applyScenario: (scenario: unknown) => Promise<ScenarioSummary>;
}

export function createControlRouter(context: ControlContext): Router {
  return createControl(context).router;
}

export function createControl(context: ControlContext): ControlApi {
  const router = express.Router();
  if (context.adminToken) router.use(requireAdminToken(context.adminToken));
  router.use(rejectMalformedParams(() => routeTable(router)));
  // Receivers take any body as raw text (signatures are checked over the exact bytes), so they come first.
  const receivers = registerReceiverRoutes(router, context.engine, context.receivers);
  const load = (scenario: unknown) => applyScenario({ engine: context.engine, providers: context.providers, receivers }, scenarioFrom(scenario));
  // State snapshots stream past the 1 MB JSON limit below; scenarios take YAML as well.
  registerStateRoutes(router, context);
  registerScenarioRoutes(router, context, load);
  // As the provider routes take bodies: JSON only (another media type is a 415, not a body silently
  // read as empty, which made `POST /reset` with a form body reset everything), bodies on GET/DELETE ignored.
  router.use(jsonBody(CONTROL_BODY_LIMIT), acknowledgeWrites(context.engine));
  registerSystemRoutes(router, context);
  registerClockRoutes(router, context);
  registerMessageRoutes(router, context);
  registerWebhookRoutes(router, context);
  registerRequestRoutes(router, context);
  registerKeyRoutes(router, context);
  registerFaultRoutes(router, context);
  registerEventRoutes(router, context);
  registerSeedRoutes(router, context);
  registerInboundRoutes(router, context);
  registerUiRoutes(router, context);
  router.use((req) => {
    throw notFound(`No control route ${req.method} ${CONTROL_PREFIX}${req.path}`);
  });
  router.use(controlError);
  return { router, applyScenario: load };
}
