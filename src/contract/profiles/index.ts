import { messagehubProfile } from './messagehub.js';
import { msgflashProfile } from './msgflash.js';
import { msghubProfile } from './msghub.js';
import { msgineProfile } from './msgine.js';
import { sendhubProfile } from './sendhub.js';
import type { ContractProfile } from './types.js';

export const PROFILES: readonly ContractProfile[] = [msghubProfile, msgineProfile, messagehubProfile, msgflashProfile, sendhubProfile];

export function profileFor(provider: string): ContractProfile {
  const found = PROFILES.find((p) => p.provider === provider);
  if (!found) throw new Error(`no contract profile for provider ${provider} (known: ${PROFILES.map((p) => p.provider).join(', ')})`);
  return found;
}
