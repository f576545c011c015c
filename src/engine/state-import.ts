/**
 * Restores a state document (checked by state-check.ts): the document's scope (everything, one provider
 * or one tenant) is reset and replaced by what the document holds, and what is due is re-armed as after
 * a restart with `--data`: messages resume their lifecycle, jobs and unfinished webhook deliveries their
 * timers. Simulated time moves forward to the document's if it is behind (never back: what the clock
 * scheduled would otherwise lie in its future). With `--data` the file is rewritten as a snapshot.
 */
import type { Engine } from './engine.js';
import { MESSAGES, type SimMessage } from './message.js';
import { checkStateDocument } from './state-check.js';
import type { StateDocument, StateScope } from './state-document.js';
import type { BaseRecord } from './store.js';

export interface ImportOptions {
  /** The namespaces (providers) this simulation serves. */
  namespaces: readonly string[];
}

/** Checks `value` as a state document and restores it; throws a SimError (400 naming the field) and changes nothing if it is not one. */
export function importState(engine: Engine, value: unknown, options: ImportOptions): StateDocument {
  const doc = checkStateDocument(value, {
    namespaces: options.namespaces,
    jobKind: (kind) => engine.jobs.defines(kind),
    deliveryOutside: (id, scope) => {
      const existing = engine.webhooks.get(id);
      return existing !== undefined && !within(scope, existing.namespace, existing.tenant);
    },
    faultOutside: (id, scope) => engine.faults.list().some((rule) => rule.id === id && !(scope.provider === null || rule.provider === scope.provider)),
  });
  applyState(engine, doc);
  return doc;
}

function applyState(engine: Engine, doc: StateDocument): void {
  const { scope, facts } = doc;
  const provider = scope.provider ?? undefined;
  const tenant = scope.tenant ?? undefined;
  if (provider === undefined && facts.seed !== undefined) engine.reseed(facts.seed);
  else engine.reset(provider, tenant);

  if (tenant === undefined) {
    engine.keys.restore(doc.keys, provider);
    engine.faults.restore(doc.faults, provider);
  }
  if (provider === undefined) {
    if (facts.idPosition !== undefined) engine.random.position = facts.idPosition;
    if (facts.faultDice !== undefined) engine.faults.dicePosition = facts.faultDice;
    if (facts.rateLimits !== undefined) engine.settings.rateLimits = facts.rateLimits;
    // Before messages resume: their next steps are timed with these.
    if (facts.timings !== undefined) engine.lifecycle.setTimings(facts.timings);
  }
  engine.clock.resumeFrom(Date.parse(facts.now));
  engine.store.seq = provider === undefined ? facts.seq : Math.max(engine.store.seq, facts.seq);

  const collections = new Map<string, { provider: string; tenant: string; name: string; rows: BaseRecord[] }>();
  for (const entry of doc.collections) {
    const key = JSON.stringify([entry.provider, entry.tenant, entry.collection]);
    let target = collections.get(key);
    if (!target) collections.set(key, (target = { provider: entry.provider, tenant: entry.tenant, name: entry.collection, rows: [] }));
    target.rows.push(entry.record);
  }
  for (const { provider: ns, tenant: t, name, rows } of collections.values()) {
    engine.store.restore(ns, t, name, rows);
    if (name === MESSAGES) engine.lifecycle.resume(rows as SimMessage[]);
  }
  engine.jobs.restore(doc.jobs);
  engine.idempotency.restore(doc.idempotency);
  engine.rateLimiter.restoreQuotas(doc.quotas);
  engine.webhooks.restore(doc.webhookDeliveries);
  // Restored records reached the store without a change of their own: the next write is a whole snapshot.
  engine.store.changed();
}

function within(scope: StateScope, namespace: string, tenant: string): boolean {
  return (scope.provider === null || scope.provider === namespace) && (scope.tenant === null || scope.tenant === tenant);
}
