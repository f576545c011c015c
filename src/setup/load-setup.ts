/**
 * The set-up a simulator starts with (`config` file or inline `scenario`): its start-up options, and
 * how to load its run-time parts once the app exists, with a file's errors placed at their line.
 */
import type { Provider } from '../providers/provider.js';
import { ConfigError, loadConfigFile, parseConfig, startUpSettings, type LoadedConfig } from './config-file.js';
import { runtimePart, type ScenarioDocument } from './document.js';
import { ScenarioError } from './scenario-error.js';
import { checkScenarioDocument } from './schema.js';
import { startUpOptions, type StartUpOptions } from './start-up.js';

export interface SetupSource {
  /** A set-up file, or one `loadConfigFile` has read (the CLI reads it first, to weigh it against its flags). */
  config?: string | LoadedConfig;
  /** The document inline: an object, or its YAML or JSON text. */
  scenario?: ScenarioDocument | string;
}

export interface Setup {
  options: StartUpOptions;
  /** Loads the run-time parts through `applyScenario` (the control API's). */
  apply(applyScenario: (scenario: unknown) => Promise<unknown>): Promise<void>;
}

export async function loadSetup(source: SetupSource, registry: readonly Provider[]): Promise<Setup | undefined> {
  if (source.config !== undefined && source.scenario !== undefined) throw new ConfigError('give config or scenario, not both');
  const loaded: LoadedConfig | { document: ScenarioDocument; explain?: undefined } | undefined =
    typeof source.config === 'string'
      ? await loadConfigFile(source.config)
      : (source.config ??
        (typeof source.scenario === 'string'
          ? parseConfig(source.scenario, 'scenario')
          : source.scenario !== undefined
            ? { document: check(source.scenario) }
            : undefined));
  if (!loaded) return undefined;
  const explain = (error: unknown): unknown => (error instanceof ScenarioError && loaded.explain ? loaded.explain(error) : error);
  let options: StartUpOptions;
  try {
    options = startUpOptions('file' in loaded ? startUpSettings(loaded) : loaded.document, registry);
  } catch (error) {
    throw explain(error);
  }
  const runtime = runtimePart(loaded.document);
  // Weighed against the options at start: what won is an engine option, not loaded again over it.
  delete runtime.rateLimits;
  return {
    options,
    async apply(applyScenario) {
      try {
        await applyScenario(runtime);
      } catch (error) {
        throw explain(error);
      }
    },
  };
}

function check(document: ScenarioDocument): ScenarioDocument {
  try {
    return checkScenarioDocument(document);
  } catch (error) {
    if (error instanceof ScenarioError) throw new ConfigError(`scenario: ${error.message}`, { cause: error });
    throw error;
  }
}
