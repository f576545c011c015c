/**
 * Checks a state document before anything of it is applied, so that a restore either replaces its scope
 * whole or changes nothing, and so that what it restores cannot break the simulation later (a message
 * without a history, a job of a kind nobody runs, a delivery whose id another one has). Every problem is
 * a 400 naming the field: `collections[12].record.seq`, `scope.provider`, `facts.now`.
 *
 * Records are provider data: beyond their id and insertion number (and, for the engine's own messages,
 * what their lifecycle reads) they are restored as written. A hand-edited record a provider cannot read
 * is the editor's to answer for.
 */
import { SimError } from './errors.js';
import { validateStoredRule, type FaultRule } from './faults.js';
import { entryId } from './idempotency.js';
import { jobId } from './jobs.js';
import type { MagicOutcome } from './magic.js';
import { MESSAGE_STATES, MESSAGES } from './message.js';
import { allowed, count, exact, inspect, invalid, isoTime, list, object, string, stringMap, time } from './state-fields.js';
import { quotaKeyIn, STATE_SECTIONS, type StateDocument, type StateScope } from './state-document.js';

export interface StateCheckContext {
  /** The namespaces (providers) this simulation serves: records of others have nowhere to go. */
  namespaces: readonly string[];
  /** Whether a kind of job can run here. */
  jobKind(kind: string): boolean;
  /** A webhook delivery already in the log, outside the scope being replaced (ids must stay unique). */
  deliveryOutside(id: string, scope: StateScope): boolean;
  /** A fault rule id already used outside the scope being replaced. */
  faultOutside(id: string, scope: StateScope): boolean;
}

const TOP = new Set<string>(['msgsim', 'version', 'scope', ...STATE_SECTIONS, 'facts']);
const OUTCOMES: Record<MagicOutcome, true> = {
  deliver: true,
  invalid: true,
  fail: true,
  undelivered: true,
  read: true,
  rate_limit: true,
  server_error: true,
  slow: true,
  fallback: true,
};
const DELIVERY_STATUSES = new Set(['pending', 'retrying', 'succeeded', 'failed', 'disabled']);
const FACTS = new Set(['now', 'seq', 'seed', 'idPosition', 'faultDice', 'rateLimits', 'timings']);
const TIMINGS = ['sendMs', 'deliverMs', 'readMs', 'slowDeliverMs'];

export function checkStateDocument(value: unknown, context: StateCheckContext): StateDocument {
  const doc = object(value, 'body');
  for (const key of Object.keys(doc)) if (!TOP.has(key)) throw invalid(`unknown field ${key}; a state document has ${[...TOP].join(', ')}`, key);
  if (doc.msgsim !== 'state') throw invalid('msgsim must be "state": this is not a msgsim state document', 'msgsim', doc.msgsim);
  if (doc.version !== 1) throw invalid('version must be 1', 'version', doc.version);
  inspect(doc, '', 0);
  const scope = checkScope(doc.scope, context);
  const sections = Object.fromEntries(STATE_SECTIONS.map((name) => [name, list(doc[name], name)])) as Record<(typeof STATE_SECTIONS)[number], unknown[]>;
  const inScope = (provider: unknown, tenant: unknown, field: string): void => {
    if (typeof provider !== 'string' || !context.namespaces.includes(provider))
      throw invalid(`no provider ${String(provider)} is served here (${context.namespaces.join(', ')})`, field, provider);
    if (scope.provider !== null && provider !== scope.provider)
      throw invalid(`${provider} is outside the document's scope (${scope.provider})`, field, provider);
    if (scope.tenant !== null && tenant !== scope.tenant)
      throw invalid(`tenant ${String(tenant)} is outside the document's scope (${scope.tenant})`, field, tenant);
  };

  const ids = new Set<string>();
  let maxSeq = 0;
  sections.collections.forEach((raw, i) => {
    const at = `collections[${i}]`;
    const entry = exact(raw, at, ['provider', 'tenant', 'collection', 'record']);
    string(entry.tenant, `${at}.tenant`, true);
    inScope(entry.provider, entry.tenant, `${at}.provider`);
    const collection = string(entry.collection, `${at}.collection`);
    const record = object(entry.record, `${at}.record`);
    const id = string(record.id, `${at}.record.id`);
    const seq = count(record.seq, `${at}.record.seq`);
    maxSeq = Math.max(maxSeq, seq);
    const key = JSON.stringify([entry.provider, entry.tenant, collection, id]);
    if (ids.has(key)) throw invalid(`a second record ${id} in the same collection`, `${at}.record.id`, id);
    ids.add(key);
    if (collection === MESSAGES) checkMessage(record, entry.provider as string, entry.tenant as string, `${at}.record`);
  });

  sections.jobs.forEach((raw, i) => {
    const at = `jobs[${i}]`;
    const job = exact(raw, at, ['id', 'namespace', 'tenant', 'kind', 'key', 'at', 'payload']);
    string(job.tenant, `${at}.tenant`, true);
    inScope(job.namespace, job.tenant, `${at}.namespace`);
    const kind = string(job.kind, `${at}.kind`);
    if (!context.jobKind(kind)) throw invalid(`no job kind ${kind} is defined here`, `${at}.kind`, kind);
    const key = string(job.key, `${at}.key`, true);
    time(job.at, `${at}.at`);
    object(job.payload, `${at}.payload`);
    if (job.id !== jobId(kind, job.namespace as string, job.tenant as string, key))
      throw invalid('id does not name this job (kind, namespace, tenant, key)', `${at}.id`, job.id);
  });

  sections.idempotency.forEach((raw, i) => {
    const at = `idempotency[${i}]`;
    const entry = exact(raw, at, ['id', 'scope', 'fingerprint', 'response', 'expiresAt']);
    const s = exact(entry.scope, `${at}.scope`, ['namespace', 'tenant', 'method', 'route', 'key']);
    for (const part of ['tenant', 'method', 'route', 'key'] as const) string(s[part], `${at}.scope.${part}`, part === 'tenant');
    inScope(s.namespace, s.tenant, `${at}.scope.namespace`);
    string(entry.fingerprint, `${at}.fingerprint`);
    const response = object(entry.response, `${at}.response`);
    if (!Number.isInteger(response.status)) throw invalid('response.status must be an HTTP status', `${at}.response.status`, response.status);
    stringMap(response.headers, `${at}.response.headers`);
    time(entry.expiresAt, `${at}.expiresAt`);
    if (entry.id !== entryId(s as never)) throw invalid('id does not name this entry (its scope and key)', `${at}.id`, entry.id);
  });

  sections.quotas.forEach((raw, i) => {
    const at = `quotas[${i}]`;
    const quota = exact(raw, at, ['id', 'key', 'window', 'start', 'end', 'count']);
    const key = string(quota.key, `${at}.key`);
    const owner = context.namespaces.find((ns) => quotaKeyIn(key, ns, null));
    if (!owner || !quotaKeyIn(key, scope.provider ?? owner, scope.tenant))
      throw invalid('key must be <provider>:<tenant>: of a provider in scope', `${at}.key`, key);
    const window = string(quota.window, `${at}.window`);
    if (quota.id !== `${key}\u0000${window}`) throw invalid('id must be the key, a NUL and the window', `${at}.id`, quota.id);
    if (time(quota.start, `${at}.start`) >= time(quota.end, `${at}.end`)) throw invalid('a window ends after it starts', `${at}.end`, quota.end);
    count(quota.count, `${at}.count`);
  });

  const deliveryIds = new Set<string>();
  sections.webhookDeliveries.forEach((raw, i) => {
    const at = `webhookDeliveries[${i}]`;
    const entry = object(raw, at);
    allowed(entry, at, ['id', 'signer', 'delivery', 'rawBody', 'secret', 'headers']);
    const id = string(entry.id, `${at}.id`);
    if (deliveryIds.has(id) || context.deliveryOutside(id, scope)) throw invalid(`a second delivery ${id}`, `${at}.id`, id);
    deliveryIds.add(id);
    if (entry.signer !== undefined) string(entry.signer, `${at}.signer`);
    string(entry.rawBody, `${at}.rawBody`, true);
    string(entry.secret, `${at}.secret`, true);
    if (entry.headers !== undefined) stringMap(entry.headers, `${at}.headers`);
    const delivery = object(entry.delivery, `${at}.delivery`);
    if (delivery.id !== id) throw invalid('delivery.id must be the entry id', `${at}.delivery.id`, delivery.id);
    string(delivery.tenant, `${at}.delivery.tenant`, true);
    inScope(delivery.namespace, delivery.tenant, `${at}.delivery.namespace`);
    for (const field of ['url', 'eventId', 'eventType'] as const) string(delivery[field], `${at}.delivery.${field}`);
    if (!DELIVERY_STATUSES.has(delivery.status as string))
      throw invalid(`status must be one of ${[...DELIVERY_STATUSES].join(', ')}`, `${at}.delivery.status`, delivery.status);
    list(delivery.attempts, `${at}.delivery.attempts`);
    if (delivery.nextAttemptAt !== null) isoTime(delivery.nextAttemptAt, `${at}.delivery.nextAttemptAt`);
    isoTime(delivery.createdAt, `${at}.delivery.createdAt`);
  });

  const keys = new Set<string>();
  if (scope.tenant !== null && sections.keys.length > 0) throw invalid("a tenant's state carries no keys: they belong to the provider", 'keys');
  sections.keys.forEach((raw, i) => {
    const at = `keys[${i}]`;
    const key = object(raw, at);
    allowed(key, at, ['provider', 'key', 'label', 'properties']);
    inScope(key.provider, scope.tenant, `${at}.provider`);
    const name = string(key.key, `${at}.key`);
    if (keys.has(`${key.provider as string}\u0000${name}`)) throw invalid(`a second key ${name}`, `${at}.key`, name);
    keys.add(`${key.provider as string}\u0000${name}`);
    if (key.label !== undefined) string(key.label, `${at}.label`, true);
    object(key.properties, `${at}.properties`);
  });

  const faultIds = new Set<string>();
  if (scope.tenant !== null && sections.faults.length > 0) throw invalid("a tenant's state carries no fault rules: they belong to the provider", 'faults');
  sections.faults.forEach((raw, i) => {
    const at = `faults[${i}]`;
    const rule = object(raw, at) as unknown as FaultRule;
    try {
      validateStoredRule(rule);
    } catch (error) {
      if (error instanceof SimError) throw invalid(error.message, `${at}.${error.field ?? ''}`.replace(/\.$/, ''), error.value);
      throw error;
    }
    if (scope.provider !== null && rule.provider !== scope.provider)
      throw invalid(`a rule of ${scope.provider}'s state names that provider`, `${at}.provider`, rule.provider);
    if (faultIds.has(rule.id) || context.faultOutside(rule.id, scope)) throw invalid(`a second rule ${rule.id}`, `${at}.id`, rule.id);
    faultIds.add(rule.id);
  });

  const facts = checkFacts(doc.facts, scope);
  return {
    msgsim: 'state',
    version: 1,
    scope,
    ...(sections as unknown as Omit<StateDocument, 'msgsim' | 'version' | 'scope' | 'facts'>),
    facts: { ...facts, seq: Math.max(facts.seq, maxSeq) },
  };
}

function checkScope(value: unknown, context: StateCheckContext): StateScope {
  const scope = exact(value, 'scope', ['provider', 'tenant']);
  if (scope.provider !== null && (typeof scope.provider !== 'string' || !context.namespaces.includes(scope.provider)))
    throw invalid(`scope.provider must be null or a provider served here (${context.namespaces.join(', ')})`, 'scope.provider', scope.provider);
  if (scope.tenant !== null && typeof scope.tenant !== 'string') throw invalid('scope.tenant must be null or a string', 'scope.tenant', scope.tenant);
  if (scope.tenant !== null && scope.provider === null) throw invalid('a tenant scope needs its provider', 'scope.provider');
  return { provider: scope.provider, tenant: scope.tenant };
}

function checkFacts(value: unknown, scope: StateScope): StateDocument['facts'] {
  const facts = object(value, 'facts');
  for (const key of Object.keys(facts)) {
    if (!FACTS.has(key)) throw invalid(`unknown field facts.${key}`, `facts.${key}`);
    // Global facts would change the rest of the simulation: only a whole-simulation document sets them.
    if (scope.provider !== null && key !== 'now' && key !== 'seq')
      throw invalid(`facts.${key} belongs to the whole simulation's state, not one provider's`, `facts.${key}`);
  }
  isoTime(facts.now, 'facts.now');
  count(facts.seq, 'facts.seq');
  for (const key of ['seed', 'idPosition', 'faultDice'] as const) {
    const n = facts[key];
    if (n !== undefined && !(Number.isInteger(n) && (n as number) >= 0 && (n as number) <= 0xffffffff))
      throw invalid(`facts.${key} must be an integer from 0 to 4294967295`, `facts.${key}`, n);
  }
  if (facts.rateLimits !== undefined && typeof facts.rateLimits !== 'boolean')
    throw invalid('facts.rateLimits must be a boolean', 'facts.rateLimits', facts.rateLimits);
  if (facts.timings !== undefined) {
    const timings = exact(facts.timings, 'facts.timings', TIMINGS);
    for (const key of TIMINGS) {
      const ms = timings[key];
      if (!(typeof ms === 'number' && Number.isFinite(ms) && ms >= 0)) throw invalid(`facts.timings.${key} must be milliseconds`, `facts.timings.${key}`, ms);
    }
  }
  return facts as unknown as StateDocument['facts'];
}

/** What the engine's lifecycle reads of a message, so a restored one resumes instead of breaking a timer. */
function checkMessage(record: Record<string, unknown>, provider: string, tenant: string, at: string): void {
  if (record.namespace !== provider) throw invalid('a message names the provider it is stored under', `${at}.namespace`, record.namespace);
  if (record.tenant !== tenant) throw invalid('a message names the tenant it is stored under', `${at}.tenant`, record.tenant);
  if (!MESSAGE_STATES.includes(record.status as never)) throw invalid(`status must be one of ${MESSAGE_STATES.join(', ')}`, `${at}.status`, record.status);
  if (!Object.hasOwn(OUTCOMES, record.outcome as string))
    throw invalid(`outcome must be one of ${Object.keys(OUTCOMES).join(', ')}`, `${at}.outcome`, record.outcome);
  string(record.to, `${at}.to`, true);
  string(record.channel, `${at}.channel`, true);
  isoTime(record.createdAt, `${at}.createdAt`);
  if (record.sendAt !== undefined) isoTime(record.sendAt, `${at}.sendAt`);
  const history = list(record.history, `${at}.history`);
  if (history.length === 0) throw invalid('a message has at least its queued step in its history', `${at}.history`);
  history.forEach((step, i) => {
    const change = object(step, `${at}.history[${i}]`);
    if (!MESSAGE_STATES.includes(change.status as never))
      throw invalid(`status must be one of ${MESSAGE_STATES.join(', ')}`, `${at}.history[${i}].status`, change.status);
    isoTime(change.at, `${at}.history[${i}].at`);
  });
  object(record.data, `${at}.data`);
}
