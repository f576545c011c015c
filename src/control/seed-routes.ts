/** POST /_sim/seed {seed}: reset everything and restart ids, secrets and fault dice from a seed. */
import type { Router } from 'express';
import type { ControlContext } from './context.js';
import { badRequest } from './errors.js';

export function registerSeedRoutes(router: Router, { engine }: ControlContext): void {
  router.post('/seed', (req, res) => {
    const seed = ((req.body ?? {}) as { seed?: unknown }).seed;
    if (!Number.isInteger(seed) || (seed as number) < 0 || (seed as number) > 0xffffffff)
      throw badRequest('seed must be an integer from 0 to 4294967295', 'seed', seed);
    engine.reseed(seed as number);
    res.json({ seed });
  });
}
