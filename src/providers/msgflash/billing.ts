/**
 * Billing reads: the compact usage summary, the plan catalog, the subscription, usage with limits and
 * features, and payment history. Plans and prices come from fixtures/msgflash.json; the billing period
 * is the calendar month (UTC), the same window as the monthly API request quota; usage is what the
 * account really did (API requests counted by the limiter, messages and statuses in the store), summed
 * over the owner's workspace and its team workspaces.
 */
import { createHash } from 'node:crypto';
import type { Engine } from '../../engine/engine.js';
import type { HandlerRequest, HandlerResult } from '../provider.js';
import { accountApiRequestsUsed, accountOf, currentPeriod, messagesUsed, tenantInfo, tenantsOfOwner, type Account } from './account.js';
import { contactsOf } from './contacts.js';
import { MSGFLASH_FIXTURES, type PlanFixture } from './fixtures.js';
import { statusesOf } from './statuses.js';

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** A stable UUID-shaped id derived from its parts (ids of derived records must not change per read). */
function derivedId(...parts: string[]): string {
  const h = createHash('sha256').update(parts.join('\u0000')).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** Start of the month `back` months before the one containing `nowMs`. */
function monthStart(nowMs: number, back: number): number {
  const d = new Date(nowMs);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - back, 1);
}

export function planView(plan: PlanFixture) {
  return { id: plan.id, name: plan.name, description: plan.description, price: { ...plan.price }, limits: { ...plan.limits }, features: { ...plan.features } };
}

function meter(used: number, limit: number) {
  return { used, limit, remaining: Math.max(0, limit - used) };
}

function usageOf(engine: Engine, account: Account) {
  return {
    apiRequests: meter(accountApiRequestsUsed(engine, account.ownerKey), account.limits.monthlyApiRequestQuota),
    messages: meter(messagesUsed(engine, account.ownerKey), account.limits.monthlyMessages),
  };
}

function statusesThisMonth(engine: Engine, ownerKey: string): number {
  const { start } = currentPeriod(engine.clock.now());
  return tenantsOfOwner(engine, ownerKey).reduce(
    (sum, t) =>
      sum +
      statusesOf(engine, t)
        .all()
        .filter((s) => Date.parse(s.createdAt) >= start).length,
    0,
  );
}

export function billingHandlers(engine: Engine) {
  const accountFor = (req: HandlerRequest) => accountOf(engine, tenantInfo(req.tenant).ownerKey);
  const period = () => {
    const { start, end } = currentPeriod(engine.clock.now());
    return { start: iso(start), end: iso(end) };
  };

  return {
    getUsage(req: HandlerRequest): HandlerResult {
      const account = accountFor(req);
      return { status: 200, body: { data: { plan: account.plan.id, period: period(), ...usageOf(engine, account) } } };
    },

    listPlans(): HandlerResult {
      return { status: 200, body: { data: MSGFLASH_FIXTURES.plans.map(planView) } };
    },

    getSubscription(req: HandlerRequest): HandlerResult {
      const account = accountFor(req);
      const now = engine.clock.now();
      const { start, end } = currentPeriod(now);
      return {
        status: 200,
        body: {
          data: {
            id: derivedId('subscription', account.ownerKey),
            plan: planView(account.plan),
            status: 'active',
            startedAt: iso(monthStart(now, MSGFLASH_FIXTURES.paymentHistoryMonths - 1)),
            currentPeriodStart: iso(start),
            currentPeriodEnd: iso(end),
            cancelAtPeriodEnd: false,
          },
        },
      };
    },

    getBillingUsage(req: HandlerRequest): HandlerResult {
      const account = accountFor(req);
      const usage = usageOf(engine, account);
      const contacts = tenantsOfOwner(engine, account.ownerKey).reduce((sum, t) => sum + contactsOf(engine, t).size, 0);
      return {
        status: 200,
        body: {
          data: {
            plan: { id: account.plan.id, name: account.plan.name },
            period: period(),
            usage: { apiRequests: usage.apiRequests.used, messages: usage.messages.used, statuses: statusesThisMonth(engine, account.ownerKey), contacts },
            limits: { ...account.limits },
            remaining: { apiRequests: usage.apiRequests.remaining, messages: usage.messages.remaining },
            features: { ...account.plan.features },
          },
        },
      };
    },

    /** One paid invoice per month of the subscription (the current one included); none on a free plan. */
    listPayments(req: HandlerRequest): HandlerResult {
      const account = accountFor(req);
      const now = engine.clock.now();
      const { price } = account.plan;
      if (price.amount === 0) return { status: 200, body: { data: [] } };
      const payments = Array.from({ length: MSGFLASH_FIXTURES.paymentHistoryMonths }, (_, back) => {
        const start = monthStart(now, back);
        const month = iso(start).slice(0, 7);
        return {
          id: derivedId('payment', account.ownerKey, month),
          invoiceNumber: `MF-${month.replace('-', '')}-${derivedId('invoice', account.ownerKey, month).slice(0, 6).toUpperCase()}`,
          amount: price.amount,
          currency: price.currency,
          status: 'succeeded',
          description: `${account.plan.name} plan, ${month}`,
          periodStart: iso(start),
          periodEnd: iso(monthStart(now, back - 1)),
          paidAt: iso(start),
        };
      });
      return { status: 200, body: { data: payments } };
    },
  };
}
