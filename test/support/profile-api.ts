/** A spec-checked client of a provider with credentials placed as its client profile says (headers, query or both). */
import type { AuthParts } from '../../src/providers/client-profile.js';
import type { Provider } from '../../src/providers/provider.js';
import type { ApiResponse, TestSim } from './harness.js';

export interface Api {
  get(path: string, query?: Record<string, string | number>): Promise<ApiResponse>;
  post(path: string, body: unknown, options?: { headers?: Record<string, string>; raw?: string }): Promise<ApiResponse>;
}

export function apiOf(sim: TestSim, provider: Pick<Provider, 'name'>, auth: AuthParts): Api {
  const client = sim.client(provider.name, auth.headers);
  return {
    get: (path, query = {}) => client.get(path, undefined, { query: { ...auth.query, ...query } }),
    post: (path, body, options = {}) => client.post(path, body, { query: auth.query, ...options }),
  };
}
