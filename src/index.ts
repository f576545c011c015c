/** msgsim as a library. */
export { createSimulator, type RequestQuery, type Simulator, type SimulatorOptions } from './simulator.js';
export { createApp, type AppOptions, type MsgsimApp } from './http/app.js';
export { createEngine, type Engine, type EngineOptions } from './engine/engine.js';
export { Clock, type AdvanceResult, type AdvanceTarget, type ClockMode, type SliceOptions } from './engine/clock.js';
export { MAGIC_RECIPIENTS } from './engine/magic.js';
export type { JournalFault, RequestEntry } from './engine/request-journal.js';
export { PROVIDERS } from './providers/index.js';
export type { Provider } from './providers/provider.js';
