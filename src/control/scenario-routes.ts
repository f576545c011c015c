/**
 * POST /_sim/scenario: loads the run-time parts of a set-up document (schema/msgsim-config.schema.json)
 * into the running simulation, for per-test set-up. JSON, or the YAML of a set-up file as it is
 * (`Content-Type: application/yaml`); start-up parts (port, clock…) are a 400 naming them.
 */
import express, { type RequestHandler, type Router } from 'express';
import { parse } from 'yaml';
import { jsonBody } from '../web/body.js';
import { mediaType } from '../web/body.js';
import { checkRuntimeScenario } from '../setup/schema.js';
import { acknowledgeWrites } from './acknowledge-writes.js';
import type { ControlContext } from './context.js';
import { badRequest } from './errors.js';
import type { ScenarioSummary } from './scenario-apply.js';

const YAML_TYPES = new Set(['application/yaml', 'application/x-yaml', 'text/yaml', 'text/x-yaml']);
const BODY_LIMIT = '1mb';

export function registerScenarioRoutes(router: Router, context: ControlContext, apply: (scenario: unknown) => Promise<ScenarioSummary>): void {
  router.post('/scenario', scenarioBody(), acknowledgeWrites(context.engine), async (req, res) => {
    res.json({ applied: await apply(req.body ?? {}) });
  });
}

/** YAML as text, parsed here; anything else as the control API reads bodies (JSON, or a 415). */
function scenarioBody(): RequestHandler {
  const json = jsonBody(BODY_LIMIT);
  const text = express.text({ type: () => true, limit: BODY_LIMIT });
  return (req, res, next) => {
    if (!YAML_TYPES.has(mediaType(req.headers['content-type']))) return json(req, res, next);
    text(req, res, (error?: unknown) => {
      if (error) return next(error);
      try {
        req.body = parse(String(req.body ?? ''), { maxAliasCount: 1_000, uniqueKeys: true }) as unknown;
        next();
      } catch (parseError) {
        next(badRequest(`the body is not valid YAML: ${(parseError as Error).message.split('\n')[0]}`, 'body'));
      }
    });
  };
}

/** A scenario as the library takes it: a document, or the text of one (YAML or JSON). */
export function scenarioFrom(value: unknown): ReturnType<typeof checkRuntimeScenario> {
  return checkRuntimeScenario(typeof value === 'string' ? (parse(value, { maxAliasCount: 1_000, uniqueKeys: true }) as unknown) : value);
}
