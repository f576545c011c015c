/**
 * Writes a state document (layout and contents: state-document.ts) as a stream of text chunks of about
 * CHUNK_CHARS, yielding to the event loop between chunks, so a million messages are exported without
 * one string holding them and without holding up the requests meanwhile.
 *
 * The simulation keeps running during a long export (as during a compaction of the data file): each
 * collection is copied (references only) when the export reaches it, a record is written as it is then,
 * and the facts come last, so the time, the insertion number and the generators' positions cover every
 * record written. On a manual clock with nothing else going on, two exports are byte for byte the same.
 */
import type { Engine } from './engine.js';
import { CHUNK_CHARS } from './journal.js';
import { quotaKeyIn, stateHead, WHOLE_SCOPE, type StateFacts, type StateScope, type StateSection } from './state-document.js';

export async function* exportStateChunks(engine: Engine, scope: StateScope = WHOLE_SCOPE): AsyncGenerator<string> {
  const { store } = engine;
  const provider = scope.provider ?? undefined;
  const tenant = scope.tenant ?? undefined;
  let buffer = `${stateHead(scope)}\n`;
  let first = true;
  let maxSeq = 0;
  const full = () => buffer.length >= CHUNK_CHARS;
  const add = (entry: unknown): void => {
    buffer += `${first ? '' : ','}${JSON.stringify(entry)}\n`;
    first = false;
  };
  const section = (name: StateSection): void => {
    buffer += `],"${name}":[\n`;
    first = true;
  };
  const spill = async (): Promise<string> => {
    const chunk = buffer;
    buffer = '';
    await new Promise<void>((resolve) => engine.clock.realImmediate(resolve));
    return chunk;
  };

  const namespaces = provider !== undefined ? [provider] : store.namespaces();
  for (const ns of namespaces) {
    const tenants = tenant !== undefined ? [tenant] : store.tenants(ns);
    for (const t of tenants) {
      for (const name of store.collectionNames(ns, t)) {
        // A copy: a removal while the export yields would shift the live array under the loop.
        const rows = store.find(ns, t, name)?.all().slice() ?? [];
        for (const record of rows) {
          maxSeq = Math.max(maxSeq, record.seq);
          add({ provider: ns, tenant: t, collection: name, record });
          if (full()) yield await spill();
        }
      }
    }
  }

  // Engine tables are small beside the records (bounded logs, one job per key): each is written at once.
  const tables: Array<[StateSection, readonly unknown[]]> = [
    ['jobs', engine.jobs.list(provider, tenant)],
    ['idempotency', engine.idempotency.entries(provider, tenant)],
    ['quotas', engine.rateLimiter.quotas().filter((quota) => provider === undefined || quotaKeyIn(quota.key, provider, scope.tenant))],
    ['webhookDeliveries', engine.webhooks.exported(provider, tenant)],
    // A tenant's state carries no keys or rules: they belong to the provider.
    ['keys', tenant !== undefined ? [] : engine.keys.list(provider)],
    ['faults', tenant !== undefined ? [] : engine.faults.list().filter((rule) => provider === undefined || rule.provider === provider)],
  ];
  for (const [name, rows] of tables) {
    section(name);
    for (const row of rows) {
      add(row);
      if (full()) yield await spill();
    }
  }
  buffer += `],"facts":${JSON.stringify(factsOf(engine, scope, maxSeq))}}\n`;
  yield buffer;
}

/**
 * The whole simulation's facts for the whole simulation; for a part of it only the time and the highest
 * insertion number among its records (the store's counter moves with every other tenant's inserts, and a
 * restore needs only a floor for it).
 */
function factsOf(engine: Engine, scope: StateScope, maxSeq: number): StateFacts {
  if (scope.provider !== null) return { now: engine.clock.iso(), seq: maxSeq };
  return {
    now: engine.clock.iso(),
    seq: engine.store.seq,
    seed: engine.seed,
    idPosition: engine.random.position,
    faultDice: engine.faults.dicePosition,
    rateLimits: engine.settings.rateLimits,
    timings: engine.lifecycle.timings,
  };
}
