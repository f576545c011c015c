/** /_sim/keys: credentials with properties (read-only, scopes, revoked, tier, team) per provider. */
import type { Router } from 'express';
import type { ControlContext } from './context.js';
import { badRequest, notFound } from './errors.js';
import { optionalString } from './params.js';

export function registerKeyRoutes(router: Router, { engine, providers }: ControlContext): void {
  router.get('/keys', (req, res) => {
    const provider = optionalString((req.query as Record<string, unknown>).provider, 'provider');
    res.json({ data: engine.keys.list(provider) });
  });

  /** Body: { provider, key, label?, properties? }. Registering an existing key replaces it. */
  router.post('/keys', (req, res) => {
    const body = (req.body ?? {}) as { provider?: unknown; key?: unknown; label?: unknown; properties?: unknown };
    const provider = optionalString(body.provider, 'provider');
    if (!provider || !providers.has(provider)) throw badRequest(`provider must be one of ${[...providers.keys()].join(', ')}`, 'provider', body.provider);
    if (typeof body.key !== 'string' || body.key.length === 0 || body.key.length > 512)
      throw badRequest('key must be a string of 1 to 512 characters', 'key', body.key);
    const label = optionalString(body.label, 'label');
    const properties = body.properties ?? {};
    if (typeof properties !== 'object' || properties === null || Array.isArray(properties))
      throw badRequest('properties must be an object', 'properties', properties);
    const stored = engine.keys.register({ provider, key: body.key, ...(label ? { label } : {}), properties: properties as Record<string, unknown> });
    res.status(201).json(stored);
  });

  /** Marks a key revoked (registering it if needed); each provider refuses it with its own 401 or 403 (engine/keys.ts keyRefusal). */
  router.post('/keys/:provider/:key/revoke', (req, res) => {
    const { provider, key } = req.params;
    if (!providers.has(provider)) throw notFound(`No provider ${provider}`);
    const existing = engine.keys.get(provider, key);
    const stored = engine.keys.register({ ...(existing ?? { provider, key }), properties: { ...existing?.properties, revoked: true } });
    res.json(stored);
  });

  router.delete('/keys/:provider/:key', (req, res) => {
    if (!engine.keys.remove(req.params.provider, req.params.key)) throw notFound(`No ${req.params.provider} key ${req.params.key}`);
    res.status(204).end();
  });
}
