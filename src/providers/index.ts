/** The provider registry: adding a provider is one folder and one line here. */
import type { Provider } from './provider.js';
import { msghub } from './msghub/index.js';
import { msgine } from './msgine/index.js';
import { messagehub } from './messagehub/index.js';
import { msgflash } from './msgflash/index.js';
import { sendhub } from './sendhub/index.js';

export const PROVIDERS: readonly Provider[] = [msghub, msgine, messagehub, msgflash, sendhub];

export type { Provider } from './provider.js';
