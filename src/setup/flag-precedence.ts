/**
 * The CLI's order of precedence with a set-up file: a flag beats its MSGSIM_* variable, which beats the
 * file, which beats the default. The file is the run's shared set-up (checked in beside the tests);
 * a variable or a flag is what one machine or one run changes (a CI job picking another port), so they
 * win without editing it, as flags and environment win over a config file in most tools (Viper, npm).
 */
import { startUpSettings, type LoadedConfig } from './config-file.js';

/** Where commander found an option's value: 'cli', 'env', 'default'… */
export type ValueSource = string | undefined;

/** The serve flags as commander parses them (`--cors` alone is true; lists are comma-separated). */
export interface ServeFlags {
  port: number;
  host: string;
  provider?: string;
  clock?: 'real' | 'manual' | 'speed';
  speed?: number;
  data?: string;
  fsync?: boolean;
  seed?: number;
  rateLimits: boolean;
  adminToken?: string;
  cors?: boolean | string;
  webhookAllow: string;
  journalSize: number;
  logLevel: string;
}

export function withConfigFile<T extends ServeFlags>(flags: T, sourceOf: (name: string) => ValueSource, config: LoadedConfig, env: NodeJS.ProcessEnv): T {
  const file = startUpSettings(config);
  const out: T = { ...flags };
  const fromFile = (name: keyof ServeFlags, value: unknown): void => {
    const source = sourceOf(name);
    if (value !== undefined && source !== 'cli' && source !== 'env') (out as Record<string, unknown>)[name] = value;
  };
  fromFile('port', file.port);
  fromFile('host', file.host);
  fromFile('provider', file.provider);
  fromFile('clock', file.clock?.mode ?? (file.clock?.speed !== undefined ? 'speed' : undefined));
  fromFile('speed', file.clock?.speed);
  fromFile('data', file.data);
  fromFile('fsync', file.fsync);
  fromFile('seed', file.seed);
  fromFile('adminToken', file.adminToken);
  fromFile('cors', Array.isArray(file.cors) ? file.cors.join(',') : file.cors);
  fromFile('webhookAllow', file.webhookAllow?.join(','));
  fromFile('journalSize', file.journalSize);
  fromFile('logLevel', file.logLevel);
  // --no-rate-limits has no variable of its own in commander: MSGSIM_RATE_LIMITS is read beside it.
  if (env.MSGSIM_RATE_LIMITS === undefined) fromFile('rateLimits', file.rateLimits);
  return out;
}
