/** What loading a scenario made (POST /_sim/scenario, sim.scenario): plain data, no express, for the published types. */
import type { LifecycleTimings } from '../engine/lifecycle.js';

export interface TenantSummary {
  /** The ids made, by kind, in order (generated ones after the declared ones). */
  created: Record<string, string[]>;
  /** The ids of the items named with `ref`. */
  refs: Record<string, string>;
}

export interface ScenarioSummary {
  rateLimits: boolean;
  timings: LifecycleTimings;
  /** How many keys were registered. */
  keys: number;
  receivers: string[];
  /** The ids of the fault rules added, in order. */
  faults: string[];
  /** Provider → account → what was made. */
  tenants: Record<string, Record<string, TenantSummary>>;
}
