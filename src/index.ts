/** msgsim as a library. */
export { createSimulator, type Simulator, type SimulatorOptions } from './simulator.js';
export { createApp, type AppOptions, type MsgsimApp } from './http/app.js';
export { createEngine, type Engine, type EngineOptions } from './engine/engine.js';
export { Clock, type AdvanceResult, type AdvanceTarget, type ClockMode, type SliceOptions } from './engine/clock.js';
export { MAGIC_RECIPIENTS } from './engine/magic.js';
export { PROVIDERS } from './providers/index.js';
export type { Provider } from './providers/provider.js';
export type { StateDocument, StateScope } from './engine/state-document.js';
export type { RuntimeScenario, ScenarioDocument } from './setup/document.js';
export { ConfigError } from './setup/config-file.js';
export type { ScenarioSummary } from './http/app.js';
