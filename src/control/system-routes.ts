/** /_sim/health, /_sim/ready, /_sim/reset, /_sim/config and per-tenant provider settings. */
import type { Router } from 'express';
import type { LifecycleTimings } from '../engine/lifecycle.js';
import { specPath } from '../paths.js';
import type { ControlContext } from './context.js';
import { badRequest, notFound } from './errors.js';
import { optionalString, parseDuration } from './params.js';

const TIMING_KEYS: readonly (keyof LifecycleTimings)[] = ['sendMs', 'deliverMs', 'readMs', 'slowDeliverMs'];

export function registerSystemRoutes(router: Router, context: ControlContext): void {
  const { engine, providers } = context;

  router.get('/health', (_req, res) => {
    res.json({
      status: 'ok',
      clock: engine.clock.state(),
      providers: [...providers.values()].map((p) => ({ name: p.provider.name, title: p.provider.title, baseUrl: p.apiPrefix })),
    });
  });

  /** Not ready while writes to the data file fail: what a provider accepted could not be saved. */
  router.get('/ready', (_req, res) => {
    const storage = engine.store.health();
    if (storage.ok) {
      res.json({ status: 'ready' });
      return;
    }
    res.status(503).json({ status: 'not_ready', reasons: [{ component: 'storage', path: storage.path, error: storage.error, since: storage.since }] });
  });

  /** Body (all optional): { provider, tenant }. Nothing = everything. */
  router.post('/reset', (req, res) => {
    const body = (req.body ?? {}) as { provider?: unknown; tenant?: unknown };
    const provider = optionalString(body.provider, 'provider');
    const tenant = optionalString(body.tenant, 'tenant');
    if (provider === '') throw badRequest('provider must name a provider (omit it to reset everything)', 'provider', provider);
    if (tenant === '') throw badRequest('tenant must name a tenant (omit it to reset the whole provider)', 'tenant', tenant);
    if (tenant && !provider) throw badRequest('tenant needs provider', 'provider');
    if (provider && !providers.has(provider)) throw notFound(`No provider ${provider}`);
    engine.reset(provider, tenant);
    res.json({ reset: { provider: provider ?? null, tenant: tenant ?? null } });
  });

  router.get('/openapi/:file', (req, res) => {
    const name = req.params.file.replace(/\.ya?ml$/, '');
    if (name === 'control') {
      res.type('application/yaml').sendFile(specPath('control'));
      return;
    }
    const mounted = providers.get(name);
    if (!mounted) throw notFound(`No provider ${name}`);
    res.type('application/yaml').sendFile(mounted.provider.specFile);
  });

  router.get('/config', (_req, res) => {
    res.json(config());
  });

  /** Body (all optional): { rateLimits: boolean, timings: { sendMs: "1s", … } }. */
  router.patch('/config', (req, res) => {
    const body = (req.body ?? {}) as { rateLimits?: unknown; timings?: unknown };
    if (body.rateLimits !== undefined) {
      if (typeof body.rateLimits !== 'boolean') throw badRequest('rateLimits must be a boolean', 'rateLimits', body.rateLimits);
      engine.settings.rateLimits = body.rateLimits;
    }
    if (body.timings !== undefined) {
      if (!body.timings || typeof body.timings !== 'object') throw badRequest('timings must be an object', 'timings');
      const patch: Partial<LifecycleTimings> = {};
      for (const [key, value] of Object.entries(body.timings)) {
        if (!TIMING_KEYS.includes(key as keyof LifecycleTimings)) throw badRequest(`unknown timing ${key}; known: ${TIMING_KEYS.join(', ')}`, `timings.${key}`);
        patch[key as keyof LifecycleTimings] = parseDuration(value, `timings.${key}`);
      }
      engine.lifecycle.setTimings(patch);
    }
    res.json(config());
  });

  router.get('/providers/:provider/tenants/:tenant/settings', (req, res) => {
    res.json(settingsOf(req.params.provider).get(req.params.tenant));
  });

  router.patch('/providers/:provider/tenants/:tenant/settings', (req, res) => {
    res.json(settingsOf(req.params.provider).update(req.params.tenant, req.body ?? {}));
  });

  function settingsOf(name: string) {
    const mounted = providers.get(name);
    if (!mounted) throw notFound(`No provider ${name}`);
    if (!mounted.instance.tenantSettings) throw notFound(`${name} has no per-tenant settings`);
    return mounted.instance.tenantSettings;
  }

  function config() {
    return { rateLimits: engine.settings.rateLimits, timings: engine.lifecycle.timings };
  }
}
