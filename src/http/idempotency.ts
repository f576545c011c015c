/**
 * Idempotency-Key handling on the request path, after the IETF httpapi Idempotency-Key draft and Stripe:
 * same key + same request replays the first result (with `Idempotent-Replayed: true`), same key + another
 * body is a 422, a key whose first request is still running is a 409. Only executed requests are kept:
 * this runs after auth, rate limiting and validation, so a rejected request can be retried with its key.
 */
import type { Engine } from '../engine/engine.js';
import { SimError } from '../engine/errors.js';
import { IdempotencyStore, validateIdempotencyKey } from '../engine/idempotency.js';
import type { HandlerRequest, HandlerResult, Provider } from '../providers/provider.js';

export const IDEMPOTENCY_HEADER = 'idempotency-key';

export async function runIdempotent(
  engine: Engine,
  provider: Provider,
  request: HandlerRequest,
  route: string,
  run: () => Promise<HandlerResult & { storable?: boolean }>,
): Promise<HandlerResult> {
  const key = request.headers[IDEMPOTENCY_HEADER];
  if (key === undefined) return run();
  if (!validateIdempotencyKey(key)) {
    throw new SimError({
      kind: 'invalid_request',
      message: 'Idempotency-Key must be 1 to 255 printable ASCII characters',
      field: 'Idempotency-Key',
      value: key,
    });
  }
  const begin = engine.idempotency.begin(
    { namespace: provider.name, tenant: request.tenant.id, method: request.method, route, key },
    IdempotencyStore.fingerprint({ params: request.params, body: request.body ?? null }),
  );
  switch (begin.kind) {
    case 'replay':
      return {
        status: begin.response.status,
        body: begin.response.body,
        headers: { ...begin.response.headers, 'Idempotent-Replayed': 'true' },
      };
    case 'mismatch':
      throw new SimError({
        kind: 'idempotency_mismatch',
        message: 'This Idempotency-Key was already used with a different request body',
        field: 'Idempotency-Key',
        value: key,
      });
    case 'in_flight':
      throw new SimError({
        kind: 'idempotency_in_flight',
        message: 'A request with this Idempotency-Key is still being processed',
        field: 'Idempotency-Key',
        value: key,
      });
    case 'new':
      try {
        const { storable = true, ...result } = await run();
        if (storable) begin.complete({ status: result.status, body: result.body, headers: result.headers ?? {} });
        else begin.abandon();
        return result;
      } catch (error) {
        begin.abandon();
        throw error;
      }
  }
}
