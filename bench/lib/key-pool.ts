/**
 * How many tenants a send scenario rotates over so that a rate limit counts but never refuses: each of
 * the provider's fixed windows, at CEILING_RPS (far above what one core serves), spread over the pool,
 * stays under its limit. Calendar windows (a day, a month) hold a whole run's requests per key, which
 * MIN_POOL keeps far below any of them. The windows come from the provider itself, for a new tenant.
 */
import { Clock } from '../../src/engine/clock.js';
import { createEngine } from '../../src/engine/engine.js';
import { rateWindowsOf, requestWith, type Provider } from '../../src/providers/provider.js';

const CEILING_RPS = 10_000;
const MIN_POOL = 1_000;

export async function keyPool(provider: Provider, tenantId: (i: number) => string): Promise<number> {
  const engine = await createEngine({ clock: new Clock({ mode: 'manual', start: 0 }) });
  try {
    const { profile } = provider;
    const tenant = provider.authenticate(requestWith(profile.auth(profile.tenant(tenantId(0)))), engine);
    const needed = rateWindowsOf(provider, tenant, engine)
      .filter((w) => w.windowMs !== undefined)
      .map((w) => Math.ceil((CEILING_RPS * w.windowMs!) / 1_000 / w.limit));
    return Math.max(MIN_POOL, ...needed);
  } finally {
    await engine.close();
  }
}
