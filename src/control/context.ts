import type { Engine } from '../engine/engine.js';
import type { Provider, ProviderInstance } from '../providers/provider.js';

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
}
