/** /_sim/faults: add fault rules, list them with how often each fired, clear them. */
import type { Router } from 'express';
import type { FaultRuleInput } from '../engine/faults.js';
import type { ControlContext } from './context.js';
import { badRequest, notFound } from './errors.js';
import { optionalString } from './params.js';

export function registerFaultRoutes(router: Router, { engine, providers }: ControlContext): void {
  router.get('/faults', (_req, res) => {
    res.json({ data: engine.faults.list() });
  });

  /**
   * Body: { provider?, method?, path? (glob below the base path, e.g. "/messages/*"), tenant?,
   *         probability?, count?, action: { status?, delay?, fault? } }.
   */
  router.post('/faults', (req, res) => {
    const body = (req.body ?? {}) as FaultRuleInput;
    if (body.provider !== undefined && !providers.has(body.provider)) {
      throw badRequest(`provider must be one of ${[...providers.keys()].join(', ')}`, 'provider', body.provider);
    }
    res.status(201).json(engine.faults.add(body));
  });

  /** Clears every rule, or one provider's with ?provider=. */
  router.delete('/faults', (req, res) => {
    engine.faults.clear(optionalString((req.query as Record<string, unknown>).provider, 'provider'));
    res.status(204).end();
  });

  router.delete('/faults/:id', (req, res) => {
    if (!engine.faults.remove(req.params.id)) throw notFound(`No fault rule ${req.params.id}`);
    res.status(204).end();
  });
}
