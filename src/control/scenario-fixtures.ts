/**
 * A scenario's `tenants`: for each account, the fixtures its provider declares (Provider.scenario), made
 * kind by kind in the provider's order, each by the provider's own handlers or store, so they are what
 * the API would have made. `ref: name` names an item; `{ idOf: name }` in a later item stands for its id.
 * Generated fixtures come right after the declared items of their kind.
 */
import type { Engine } from '../engine/engine.js';
import { SimError } from '../engine/errors.js';
import { requestWith, type FixtureContext, type FixtureKind, type Provider, type Tenant } from '../providers/provider.js';
import type { FixtureItem, TenantFixtures } from '../setup/document.js';
import { generatePeople } from '../setup/people.js';
import { ScenarioError, scenarioErrorAt, type DocumentPath } from '../setup/scenario-error.js';
import type { MountedProvider } from './context.js';
import type { TenantSummary } from './scenario-summary.js';

/** Items made between two turns of the event loop: a set-up of 10,000 contacts does not hold the server for its length. */
const ITEMS_PER_TURN = 256;
/** Generated items in one scenario, all accounts together: memory stays bounded whatever a 1 MB body asks for. */
export const MAX_GENERATED = 100_000;

/** Finds what would fail before anything is made: unknown providers and kinds, kinds that cannot be generated, refs that name nothing. */
export function checkTenants(tenants: Record<string, Record<string, TenantFixtures>>, providers: ReadonlyMap<string, MountedProvider>): void {
  let generated = 0;
  for (const [name, accounts] of Object.entries(tenants)) {
    const mounted = providers.get(name);
    if (!mounted) throw new ScenarioError(['tenants', name], `no provider ${name} is served here (${[...providers.keys()].join(', ') || 'none'})`);
    const kinds = mounted.provider.scenario?.fixtures ?? {};
    for (const [credential, fixtures] of Object.entries(accounts)) {
      const path = ['tenants', name, credential];
      for (const kind of Object.keys(fixtures)) {
        if (kind !== 'generate' && !Object.hasOwn(kinds, kind)) throw unsupported(mounted.provider, [...path, kind], kind, kinds);
      }
      for (const [kind, count] of Object.entries(fixtures.generate ?? {})) {
        if (count && !kinds[kind]?.fromPerson) throw new ScenarioError([...path, 'generate', kind], `${mounted.provider.title} cannot generate ${kind}`);
        generated += count ?? 0;
        if (generated > MAX_GENERATED)
          throw new ScenarioError([...path, 'generate', kind], `a scenario generates at most ${MAX_GENERATED} items in all`, count);
      }
      const names = new Set<string>();
      for (const kind of Object.keys(kinds)) {
        ((fixtures[kind] as FixtureItem[] | undefined) ?? []).forEach((item, i) => {
          refsIn(item, [...path, kind, i]).forEach(({ name: ref, at }) => {
            if (!names.has(ref)) throw new ScenarioError(at, `names no earlier item (ref: ${ref})`);
          });
          if (item.ref === undefined) return;
          if (names.has(item.ref)) throw new ScenarioError([...path, kind, i, 'ref'], `a second item named ${item.ref}`);
          names.add(item.ref);
        });
      }
    }
  }
}

export async function makeTenantFixtures(engine: Engine, mounted: MountedProvider, credential: string, fixtures: TenantFixtures): Promise<TenantSummary> {
  const { provider, invoke } = mounted;
  const path: DocumentPath = ['tenants', provider.name, credential];
  const support = provider.scenario;
  const summary: TenantSummary = { created: {}, refs: {} };
  if (!support || !invoke) return summary;
  const auth = support.auth(credential, engine);
  let tenant: Tenant;
  try {
    tenant = provider.authenticate(requestWith(auth), engine);
  } catch (error) {
    throw scenarioErrorAt(path, error);
  }
  const context: FixtureContext = {
    engine,
    tenant,
    async call(operationId, body, options = {}) {
      try {
        return await invoke({ auth, operationId, body, ...(options.params ? { params: options.params } : {}) });
      } catch (error) {
        throw options.field && error instanceof SimError && error.field ? renamed(error, options.field(error.field)) : error;
      }
    },
  };
  let made = 0;
  const make = async (kind: FixtureKind, item: Record<string, unknown>, at: DocumentPath): Promise<string> => {
    if (++made % ITEMS_PER_TURN === 0) await new Promise<void>((resolve) => engine.clock.realImmediate(resolve));
    try {
      return await kind.create(item, context);
    } catch (error) {
      throw scenarioErrorAt(at, error);
    }
  };
  for (const [name, kind] of Object.entries(support.fixtures)) {
    const ids: string[] = [];
    const items = (fixtures[name] as FixtureItem[] | undefined) ?? [];
    for (const [i, { ref, ...item }] of items.entries()) {
      const id = await make(kind, resolveRefs(item, summary.refs) as Record<string, unknown>, [...path, name, i]);
      ids.push(id);
      if (ref !== undefined) summary.refs[ref] = id;
    }
    const count = fixtures.generate?.[name as 'contacts'] ?? 0;
    if (count > 0 && kind.fromPerson) {
      for (const person of await generatePeople(count, [engine.seed, provider.name, credential, name])) {
        ids.push(await make(kind, kind.fromPerson(person), [...path, 'generate', name]));
      }
    }
    if (ids.length > 0) summary.created[name] = ids;
  }
  return summary;
}

function unsupported(provider: Provider, path: DocumentPath, kind: string, kinds: Readonly<Record<string, FixtureKind>>): ScenarioError {
  const offered = Object.keys(kinds);
  return new ScenarioError(
    path,
    `${provider.title} has no fixtures of kind ${kind} (it has ${offered.length > 0 ? offered.join(', ') : 'none: only its keys can be set up'})`,
  );
}

/** `{ idOf: name }`: not `$ref`, which JSON-reference tools (OpenAPI parsers, some editors) would try to resolve. */
function isRef(value: unknown): value is { idOf: string } {
  return (
    value !== null &&
    typeof value === 'object' &&
    !Array.isArray(value) &&
    Object.keys(value).length === 1 &&
    typeof (value as { idOf?: unknown }).idOf === 'string'
  );
}

function refsIn(value: unknown, at: DocumentPath): Array<{ name: string; at: DocumentPath }> {
  if (isRef(value)) return [{ name: value.idOf, at }];
  if (Array.isArray(value)) return value.flatMap((item, i) => refsIn(item, [...at, i]));
  if (value !== null && typeof value === 'object') return Object.entries(value).flatMap(([key, item]) => refsIn(item, [...at, key]));
  return [];
}

function resolveRefs(value: unknown, refs: Readonly<Record<string, string>>): unknown {
  if (isRef(value)) return refs[value.idOf];
  if (Array.isArray(value)) return value.map((item) => resolveRefs(item, refs));
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, resolveRefs(item, refs)]));
  return value;
}

function renamed(error: SimError, field: string): SimError {
  return new SimError({
    kind: error.kind,
    message: error.message,
    status: error.status,
    field,
    ...(error.code ? { code: error.code } : {}),
    ...(error.value !== undefined ? { value: error.value } : {}),
  });
}
