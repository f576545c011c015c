/** The provider registry: adding a provider is one folder and one line here. */
import type { Provider } from './provider.js';
import { msghub } from './msghub/index.js';

export const PROVIDERS: readonly Provider[] = [msghub];

export type { Provider } from './provider.js';
