/**
 * Loads a scenario into a running simulation (POST /_sim/scenario, `sim.scenario()`, and the run-time
 * parts of a --config file at start): rate limiting and timings, keys, built-in receivers, each
 * account's fixtures, then fault rules (last, so that nothing of the set-up meets them). What can be
 * found wrong without changing anything is checked first; a provider refusing a fixture stops the load
 * there, what came before it staying (reset and load again).
 */
import type { Engine } from '../engine/engine.js';
import { validateRule, type FaultRule } from '../engine/faults.js';
import type { LifecycleTimings } from '../engine/lifecycle.js';
import type { RuntimeScenario } from '../setup/document.js';
import { ScenarioError, scenarioErrorAt } from '../setup/scenario-error.js';
import type { MountedProvider } from './context.js';
import { parseDuration } from './params.js';
import type { ReceiverSettings } from './receivers.js';
import { checkTenants, makeTenantFixtures } from './scenario-fixtures.js';
import type { ScenarioSummary } from './scenario-summary.js';

export type { ScenarioSummary } from './scenario-summary.js';

export interface ScenarioTarget {
  engine: Engine;
  providers: ReadonlyMap<string, MountedProvider>;
  receivers: ReceiverSettings;
}

/** Applies a checked scenario (setup/schema.ts: checkRuntimeScenario); throws a ScenarioError naming the field. */
export async function applyScenario(target: ScenarioTarget, scenario: RuntimeScenario): Promise<ScenarioSummary> {
  const { engine, providers } = target;
  const timings = timingsOf(scenario.timings ?? {});
  const mounted = (name: string, path: ReadonlyArray<string | number>) => {
    if (!providers.has(name)) throw new ScenarioError(path, `no provider ${name} is served here (${[...providers.keys()].join(', ') || 'none'})`, name);
  };
  scenario.keys?.forEach((key, i) => mounted(key.provider, ['keys', i, 'provider']));
  scenario.faults?.forEach((rule, i) => {
    if (rule.provider !== undefined) mounted(rule.provider, ['faults', i, 'provider']);
    try {
      validateRule(rule);
    } catch (error) {
      throw scenarioErrorAt(['faults', i], error);
    }
  });
  checkTenants(scenario.tenants ?? {}, providers);

  if (scenario.rateLimits !== undefined) engine.settings.rateLimits = scenario.rateLimits;
  engine.lifecycle.setTimings(timings);
  for (const { provider, key, label, properties } of scenario.keys ?? []) {
    engine.keys.register({ provider, key, ...(label !== undefined ? { label } : {}), properties: properties ?? {} });
  }
  const receivers = Object.entries(scenario.receivers ?? {}).map(([name, config]) => {
    try {
      return target.receivers.configure(name, config).name;
    } catch (error) {
      throw scenarioErrorAt(['receivers', name], error);
    }
  });
  const tenants: ScenarioSummary['tenants'] = {};
  for (const [name, accounts] of Object.entries(scenario.tenants ?? {})) {
    for (const [credential, fixtures] of Object.entries(accounts)) {
      (tenants[name] ??= {})[credential] = await makeTenantFixtures(engine, providers.get(name)!, credential, fixtures);
    }
  }
  const faults = (scenario.faults ?? []).map((rule, i): FaultRule => {
    try {
      return engine.faults.add(rule);
    } catch (error) {
      throw scenarioErrorAt(['faults', i], error);
    }
  });
  return {
    rateLimits: engine.settings.rateLimits,
    timings: engine.lifecycle.timings,
    keys: scenario.keys?.length ?? 0,
    receivers,
    faults: faults.map((rule) => rule.id),
    tenants,
  };
}

function timingsOf(input: Record<string, number | string>): Partial<LifecycleTimings> {
  const out: Partial<LifecycleTimings> = {};
  for (const [key, value] of Object.entries(input)) {
    try {
      out[key as keyof LifecycleTimings] = parseDuration(value, key);
    } catch (error) {
      throw scenarioErrorAt(['timings'], error);
    }
  }
  return out;
}
