import type { Engine } from '../engine/engine.js';
import type { Provider, ProviderInstance } from '../providers/provider.js';
import type { ReceiverStore } from './receiver-store.js';

export interface MountedProvider {
  provider: Provider;
  instance: ProviderInstance;
  /** Public URL prefix of the provider's API, e.g. /msghub/api/v1. */
  apiPrefix: string;
}

export interface ControlContext {
  engine: Engine;
  providers: Map<string, MountedProvider>;
  /** When set, every control route but probes and receivers needs this token. */
  adminToken?: string;
  /** The built-in webhook receivers (library mode reads them too); a store of the default limits when absent. */
  receivers?: ReceiverStore;
}
