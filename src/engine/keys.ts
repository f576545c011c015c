/**
 * Credentials with properties (read-only tokens, scopes, revoked and always-invalid keys, tiers, teams).
 * Providers accept any well-formed key as a tenant; a registered key adds facts their auth rules read.
 * Keys are configuration, not data: a reset of the simulation keeps them.
 */
export interface RegisteredKey {
  provider: string;
  key: string;
  label?: string;
  properties: Record<string, unknown>;
}

/**
 * Why a registered credential is refused whatever the request: `invalid` (a magic key that is always
 * wrong: the provider's 401) or `revoked` (POST /_sim/keys/<provider>/<key>/revoke: each provider's own
 * refusal). Undefined for any other key, registered or not.
 */
export type KeyRefusal = 'invalid' | 'revoked';

export function keyRefusal(entry: Pick<RegisteredKey, 'properties'> | undefined): KeyRefusal | undefined {
  if (entry?.properties.invalid === true) return 'invalid';
  if (entry?.properties.revoked === true) return 'revoked';
  return undefined;
}

export class KeyRegistry {
  private readonly keys = new Map<string, RegisteredKey>();

  register(entry: RegisteredKey): RegisteredKey {
    const stored: RegisteredKey = { ...entry, properties: { ...entry.properties } };
    this.keys.set(mapKey(entry.provider, entry.key), stored);
    return stored;
  }

  get(provider: string, key: string): RegisteredKey | undefined {
    return this.keys.get(mapKey(provider, key));
  }

  list(provider?: string): RegisteredKey[] {
    return [...this.keys.values()].filter((k) => !provider || k.provider === provider);
  }

  remove(provider: string, key: string): boolean {
    return this.keys.delete(mapKey(provider, key));
  }

  /** Keys a state import brings back: they replace every key, or one provider's. */
  restore(entries: readonly RegisteredKey[], provider?: string): void {
    for (const existing of this.list(provider)) this.remove(existing.provider, existing.key);
    for (const entry of entries) this.register(entry);
  }
}

function mapKey(provider: string, key: string): string {
  return `${provider}\u0000${key}`;
}
