/**
 * The control API's data types a library user sees (src/simulator.ts): plain data, no express, so the
 * package's published types compile without express's.
 */
export type { ReceivedRequest } from './receiver-store.js';
export type { ScenarioSummary, TenantSummary } from './scenario-summary.js';
