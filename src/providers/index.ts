/** The provider registry: adding a provider is one folder and one line here. */
import type { Provider } from './provider.js';
import { msghub } from './msghub/index.js';
import { sendhub } from './sendhub/index.js';

export const PROVIDERS: readonly Provider[] = [msghub, sendhub];

export type { Provider } from './provider.js';
