/**
 * The set-up document (schema/msgsim-config.schema.json): what `--config msgsim.yaml`, createSimulator's
 * `config` and `scenario`, and POST /_sim/scenario read. Start-up parts (port, clock, providers…) are
 * the server's; the rest can be loaded into a running simulator.
 */
import type { FaultRuleInput } from '../engine/faults.js';

export interface ClockSettings {
  mode?: 'real' | 'manual' | 'speed';
  start?: string;
  speed?: number;
}

export interface KeyEntry {
  provider: string;
  key: string;
  label?: string;
  properties?: Record<string, unknown>;
}

export interface ReceiverEntry {
  status?: number;
  delayMs?: number;
  paused?: boolean;
}

/** One item in the provider's own terms; `ref` names it for a later `{ idOf }`. */
export type FixtureItem = Record<string, unknown> & { ref?: string };

export interface TenantFixtures {
  [kind: string]: FixtureItem[] | { contacts?: number } | undefined;
  generate?: { contacts?: number };
}

/** What can be loaded while msgsim runs (POST /_sim/scenario, `sim.scenario()`). */
export interface RuntimeScenario {
  $schema?: string;
  rateLimits?: boolean;
  timings?: Record<string, number | string>;
  keys?: KeyEntry[];
  faults?: FaultRuleInput[];
  receivers?: Record<string, ReceiverEntry>;
  /** Provider → account credential → fixtures. */
  tenants?: Record<string, Record<string, TenantFixtures>>;
}

export interface ScenarioDocument extends RuntimeScenario {
  port?: number;
  host?: string;
  provider?: string;
  providers?: string[];
  clock?: ClockSettings;
  seed?: number;
  data?: string;
  fsync?: boolean;
  cors?: boolean | string[];
  webhookAllow?: string[];
  journalSize?: number;
  logLevel?: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  adminToken?: string;
}

/** Fields only a starting msgsim can honour; a running one answers 400 naming them. */
export const START_UP_FIELDS = [
  'port',
  'host',
  'provider',
  'providers',
  'clock',
  'seed',
  'data',
  'fsync',
  'cors',
  'webhookAllow',
  'journalSize',
  'logLevel',
  'adminToken',
] as const;

/** The document without its start-up parts. */
export function runtimePart(document: ScenarioDocument): RuntimeScenario {
  const runtime: RuntimeScenario & Partial<Record<(typeof START_UP_FIELDS)[number], unknown>> = { ...document };
  for (const field of START_UP_FIELDS) delete runtime[field];
  return runtime;
}
