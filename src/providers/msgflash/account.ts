/**
 * Who pays for a request: the account behind a tenant (a personal key, or a team workspace that runs
 * on its owner's plan), its plan and limits, the 10/s and monthly-quota windows, and usage counts
 * taken from what the account actually did (the limiter's monthly counters, the stored messages).
 */
import type { Engine } from '../../engine/engine.js';
import { MESSAGES } from '../../engine/engine.js';
import type { SimMessage } from '../../engine/message.js';
import { windowBounds, type RateWindow } from '../../engine/rate-limit.js';
import type { Tenant } from '../provider.js';
import { MsgflashCode, msgflashError } from './errors.js';
import { defaultPlan, findPlan, type PlanFixture, type PlanLimits } from './fixtures.js';

export const NAMESPACE = 'msgflash';

/** "Requests per second: 10 req/s; Scope: Per API key". */
export const PER_SECOND_LIMIT = 10;
export const MONTHLY_WINDOW = 'monthly-api-requests';

export interface MsgflashTenant {
  kind: 'personal' | 'team';
  /** The credential itself: the 10/s window is per key, even for keys sharing a team workspace. */
  apiKey: string;
  /** The personal key whose plan and monthly quota the request uses. */
  ownerKey: string;
  teamId?: string;
}

export interface Account {
  ownerKey: string;
  plan: PlanFixture;
  limits: PlanLimits;
}

export function tenantInfo(tenant: Tenant): MsgflashTenant {
  return tenant.properties as unknown as MsgflashTenant;
}

export function teamTenantId(teamId: string): string {
  return `team:${teamId}`;
}

/** A registered key's `plan`, checked against the catalog; undefined = the default plan. */
export function planProblem(properties: Record<string, unknown> | undefined): string | undefined {
  const plan = properties?.plan;
  if (plan === undefined || (typeof plan === 'string' && findPlan(plan))) return undefined;
  return `This key is registered with an unknown plan ${JSON.stringify(plan)}`;
}

export function accountOf(engine: Engine, ownerKey: string): Account {
  const properties = engine.keys.get(NAMESPACE, ownerKey)?.properties ?? {};
  const plan = (typeof properties.plan === 'string' ? findPlan(properties.plan) : undefined) ?? defaultPlan();
  return {
    ownerKey,
    plan,
    limits: {
      monthlyApiRequestQuota: override(properties.monthlyApiRequestQuota) ?? plan.limits.monthlyApiRequestQuota,
      monthlyMessages: override(properties.monthlyMessages) ?? plan.limits.monthlyMessages,
    },
  };
}

function override(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : undefined;
}

/** The owner's own workspace and every team workspace registered under it. */
export function tenantsOfOwner(engine: Engine, ownerKey: string): string[] {
  const teams = new Set<string>();
  for (const key of engine.keys.list(NAMESPACE)) {
    const { teamId, ownerKey: owner } = key.properties;
    if (owner === ownerKey && typeof teamId === 'string' && teamId !== '') teams.add(teamTenantId(teamId));
  }
  return [ownerKey, ...teams];
}

/** The calendar month (UTC) that is both the quota window and the billing period. */
export function currentPeriod(nowMs: number): { start: number; end: number } {
  return windowBounds({ name: 'period', limit: 0, calendar: 'month' }, nowMs);
}

/** The limiter's key for a tenant: the HTTP layer counts under `<provider>:<tenant>:`. */
function limiterKey(tenantId: string): string {
  return `${NAMESPACE}:${tenantId}:`;
}

/** Requests counted this month in one workspace's monthly window (0 when rate limits are off). */
export function apiRequestsUsed(engine: Engine, tenantId: string): number {
  const probe: RateWindow = { name: MONTHLY_WINDOW, limit: Number.MAX_SAFE_INTEGER, calendar: 'month' };
  return probe.limit - engine.rateLimiter.peek(limiterKey(tenantId), [probe]).remaining;
}

export function accountApiRequestsUsed(engine: Engine, ownerKey: string): number {
  return tenantsOfOwner(engine, ownerKey).reduce((sum, tenant) => sum + apiRequestsUsed(engine, tenant), 0);
}

/**
 * The windows of one request. Every workspace of an account keeps its own monthly counter, and each
 * one's limit is the plan quota minus what the account's other workspaces used: the counters add up
 * to one shared quota while the limiter still counts all-or-nothing in a single call.
 */
export function msgflashRateLimits(tenant: Tenant, engine: Engine): RateWindow[] {
  const info = tenantInfo(tenant);
  const account = accountOf(engine, info.ownerKey);
  const others = tenantsOfOwner(engine, info.ownerKey)
    .filter((id) => id !== tenant.id)
    .reduce((sum, id) => sum + apiRequestsUsed(engine, id), 0);
  return [
    {
      name: info.kind === 'team' ? `per-second ${info.apiKey}` : 'per-second',
      limit: PER_SECOND_LIMIT,
      windowMs: 1_000,
      code: MsgflashCode.apiRateLimitExceeded,
    },
    {
      name: MONTHLY_WINDOW,
      limit: Math.max(0, account.limits.monthlyApiRequestQuota - others),
      calendar: 'month',
      code: MsgflashCode.monthlyApiQuotaExceeded,
    },
  ];
}

/** Messages the account created this month, in all its workspaces (campaign messages included). */
export function messagesUsed(engine: Engine, ownerKey: string): number {
  const { start } = currentPeriod(engine.clock.now());
  let count = 0;
  for (const tenant of tenantsOfOwner(engine, ownerKey)) {
    for (const message of engine.store.collection<SimMessage>(NAMESPACE, tenant, MESSAGES).all()) {
      if (Date.parse(message.createdAt) >= start) count++;
    }
  }
  return count;
}

/** Refuses a send that would take the account over its plan's monthly messages. */
export function requireMessageAllowance(engine: Engine, tenant: Tenant, count: number): void {
  const { ownerKey } = tenantInfo(tenant);
  const { limits, plan } = accountOf(engine, ownerKey);
  const used = messagesUsed(engine, ownerKey);
  if (used + count > limits.monthlyMessages) {
    throw msgflashError.forbidden(
      MsgflashCode.monthlyMessageLimitExceeded,
      `The ${plan.name} plan allows ${limits.monthlyMessages} messages a month; ${used} are used and this needs ${count}`,
    );
  }
}
