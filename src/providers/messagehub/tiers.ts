/**
 * "Rate Limits: Free 60 req/min, Pro 600 req/min, Enterprise 6,000 req/min", and "Rate limit headers
 * are included in every response": X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset (the
 * doc's example 1707400800 is unix seconds). A key's tier is its registered `tier`, else Pro (the
 * doc's header example shows 600).
 */
import { windowBounds, type RateWindow } from '../../engine/rate-limit.js';
import type { RateLimitInfo, Tenant } from '../provider.js';
import { HubCode } from './errors.js';

export const TIERS = { free: 60, pro: 600, enterprise: 6_000 } as const;
export type Tier = keyof typeof TIERS;
export const DEFAULT_TIER: Tier = 'pro';

const WINDOW_MS = 60_000;

/** A registered `tier` of free, pro or enterprise; anything else is the default. */
export function tierOf(tenant: Tenant): Tier {
  const tier = tenant.properties?.tier;
  return typeof tier === 'string' && Object.hasOwn(TIERS, tier) ? (tier as Tier) : DEFAULT_TIER;
}

/** One fixed one-minute window, aligned to the minute, sized by the tier. */
export function rateWindows(tenant: Tenant): RateWindow[] {
  return [{ name: 'per-minute', limit: TIERS[tierOf(tenant)], windowMs: WINDOW_MS, code: HubCode.rateLimited }];
}

/** End of the minute window that contains `nowMs`. */
export function windowEnd(nowMs: number): number {
  return windowBounds({ name: 'per-minute', limit: 1, windowMs: WINDOW_MS }, nowMs).end;
}

export function headersFor(limit: number, remaining: number, resetAtMs: number): Record<string, string> {
  return {
    'X-RateLimit-Limit': String(limit),
    'X-RateLimit-Remaining': String(Math.max(0, remaining)),
    'X-RateLimit-Reset': String(Math.ceil(resetAtMs / 1000)),
  };
}

/**
 * The headers on every response: the caller's window (src/http/provider-router.ts counts it, or peeks at
 * it when the request was not counted). Without `info` no credential could be read (a missing or
 * malformed key, the public delivery webhook): the Free tier's window is reported, untouched.
 */
export function rateLimitHeaders(info: RateLimitInfo | undefined, nowMs: number): Record<string, string> {
  if (!info) return headersFor(TIERS.free, TIERS.free, windowEnd(nowMs));
  return headersFor(info.limit, info.remaining, info.resetAt);
}
