import type { Engine } from '../engine/engine.js';
import type { AuthParts } from '../providers/client-profile.js';
import type { Provider, ProviderInstance } from '../providers/provider.js';
import type { ReceiverStore } from './receiver-store.js';

/** One operation of a provider, run for the account these credentials name (see src/http/operation-invoker.ts). */
export interface OperationCall {
  auth: AuthParts;
  operationId: string;
  body?: unknown;
  params?: Record<string, string>;
}

/** Resolves to the answer's body; a refusal rejects with the SimError a client would have been answered with. */
export type OperationInvoker = (call: OperationCall) => Promise<unknown>;

export interface MountedProvider {
  provider: Provider;
  instance: ProviderInstance;
  /** Public URL prefix of the provider's API, e.g. /msghub/api/v1. */
  apiPrefix: string;
  /** Runs the provider's operations without a request (a scenario's fixtures); absent where no app built one. */
  invoke?: OperationInvoker;
}

export interface ControlContext {
  engine: Engine;
  providers: Map<string, MountedProvider>;
  /** When set, every control route but probes and receivers needs this token. */
  adminToken?: string;
  /** The built-in webhook receivers (library mode reads them too); a store of the default limits when absent. */
  receivers?: ReceiverStore;
}
