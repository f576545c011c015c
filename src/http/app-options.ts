/**
 * What createApp takes. Kept apart from app.ts, which speaks express: the package's public types
 * (src/index.ts) name these options, and a consumer must not need express's types to compile them.
 */
import type { Engine } from '../engine/engine.js';
import type { Logger } from '../logger.js';
import type { Provider } from '../providers/provider.js';

export type { ReceivedRequest } from '../control/types.js';

export interface AppOptions {
  engine: Engine;
  providers: readonly Provider[];
  /** Serve this one provider at the root (`/api/v1/...`) instead of under `/<name>`. */
  only?: string;
  logger?: Logger;
  bodyLimit?: string;
  /** Protect /_sim with this token (probes and webhook receivers stay open). */
  adminToken?: string;
  /**
   * Answer browsers' CORS requests: true for any origin, or a list of origins. Off by default, as the live
   * APIs are: their docs tell users never to call them from a browser (the key would be exposed). For a
   * browser app on another port during offline development.
   */
  cors?: boolean | readonly string[];
}
