/**
 * A set-up document's start-up parts as createSimulator's options (same names), for library mode and
 * the CLI. Precedence: options given in code (and the CLI's flags and MSGSIM_* variables) beat these,
 * which beat the defaults.
 */
import type { ClockMode } from '../engine/clock.js';
import type { Provider } from '../providers/provider.js';
import type { ScenarioDocument } from './document.js';
import { ScenarioError } from './scenario-error.js';

export interface StartUpOptions {
  port?: number;
  host?: string;
  provider?: string;
  providers?: readonly Provider[];
  clock?: ClockMode;
  speed?: number;
  start?: number;
  seed?: number;
  data?: string;
  fsync?: boolean;
  rateLimits?: boolean;
  cors?: boolean | readonly string[];
  webhookAllow?: readonly string[];
  journalSize?: number;
  logLevel?: ScenarioDocument['logLevel'];
  adminToken?: string;
}

/** `registry`: the providers to choose `providers` from (the package's, or those given in code). */
export function startUpOptions(document: ScenarioDocument, registry: readonly Provider[]): StartUpOptions {
  const { clock } = document;
  const options: StartUpOptions = {};
  const copy = <K extends keyof StartUpOptions & keyof ScenarioDocument>(key: K) => {
    if (document[key] !== undefined) (options as Record<string, unknown>)[key] = document[key];
  };
  (['port', 'host', 'provider', 'seed', 'data', 'fsync', 'rateLimits', 'cors', 'webhookAllow', 'journalSize', 'logLevel', 'adminToken'] as const).forEach(copy);
  if (clock?.mode !== undefined) options.clock = clock.mode;
  else if (clock?.speed !== undefined) options.clock = 'speed';
  if (clock?.speed !== undefined) options.speed = clock.speed;
  if (clock?.start !== undefined) options.start = Date.parse(clock.start);
  if (options.clock === 'speed' && options.speed === undefined) throw new ScenarioError(['clock', 'speed'], 'is required with mode speed');
  if (document.providers) {
    options.providers = document.providers.map((name, i) => {
      const found = registry.find((p) => p.name === name);
      if (!found) throw new ScenarioError(['providers', i], `no provider ${name} (known: ${registry.map((p) => p.name).join(', ')})`, name);
      return found;
    });
    if (document.provider !== undefined && !document.providers.includes(document.provider))
      throw new ScenarioError(['provider'], `${document.provider} is not among providers`, document.provider);
  }
  return options;
}
