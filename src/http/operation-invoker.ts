/**
 * One of a provider's operations run as an authenticated request would be, without a socket: the
 * provider's authentication and authorisation, the spec's validation (defaults filled in), then the
 * handler. A scenario's fixtures are made this way (src/control/scenario-fixtures.ts), so they are what
 * the API would have made. Not on the way: rate limits, fault rules, idempotency and the request log,
 * which are about a client's traffic, not about setting up its account.
 */
import type { OperationCall, OperationInvoker } from '../control/index.js';
import type { Engine } from '../engine/engine.js';
import { kindForStatus, SimError } from '../engine/errors.js';
import { PUBLIC_TENANT, requestWith, type Provider, type ProviderInstance } from '../providers/provider.js';
import { toSimError } from './error-mapping.js';
import { RouteTable } from './route-table.js';
import { loadSpecWithValidators } from './spec.js';

export async function operationInvoker(provider: Provider, instance: ProviderInstance, engine: Engine): Promise<OperationInvoker> {
  const { spec, validator } = await loadSpecWithValidators(provider.specFile);
  const operations = new Map(new RouteTable(spec).operations.map((operation) => [operation.operationId, operation]));

  return async ({ auth, operationId, body, params = {} }: OperationCall) => {
    const operation = operations.get(operationId);
    const handler = instance.operations[operationId];
    if (!operation || !handler) throw new Error(`${provider.name} has no operation ${operationId}`);
    const path = operation.template.replace(/\{(\w+)\}/g, (_all, name: string) => encodeURIComponent(params[name] ?? ''));
    const request = requestWith(auth, operation.method.toUpperCase(), path);
    // The body is handed over as parsed JSON, as the body parser would have.
    if (body !== undefined) request.headers['content-type'] = 'application/json';
    const tenant = operation.public ? PUBLIC_TENANT : provider.authenticate(request, engine);
    if (!operation.public) provider.authorize?.(tenant, operationId, request, engine);
    // The validator fills in defaults in place: the caller's item stays as it was.
    const copy = body === undefined ? undefined : structuredClone(body);
    let query: Record<string, unknown>;
    try {
      query = validator.validate(operation, { query: request.query, headers: request.headers, path: params, body: copy });
    } catch (error) {
      throw toSimError(error, provider);
    }
    const result = await handler({ ...request, query, operationId, tenant, params, body: copy });
    if (result.status >= 400) {
      throw new SimError({
        kind: kindForStatus(result.status),
        status: result.status,
        message: `${operationId} answered ${result.status}: ${JSON.stringify(result.body)}`,
      });
    }
    return result.body;
  };
}
