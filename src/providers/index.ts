/** The provider registry: adding a provider is one folder and one line here (README, "Adding a provider"). */
import type { Provider } from './provider.js';
import { msghub } from './msghub/index.js';
import { msgine } from './msgine/index.js';
import { messagehub } from './messagehub/index.js';
import { msgflash } from './msgflash/index.js';
import { sendhub } from './sendhub/index.js';

export const PROVIDERS: readonly Provider[] = [msghub, msgine, messagehub, msgflash, sendhub];

export type { Provider } from './provider.js';
export type { ClientProfile } from './client-profile.js';

/** The registered provider of that name, or an error naming the known ones. */
export function providerNamed(name: string): Provider {
  const found = PROVIDERS.find((p) => p.name === name);
  if (!found) throw new Error(`unknown provider ${name} (known: ${PROVIDERS.map((p) => p.name).join(', ')})`);
  return found;
}
