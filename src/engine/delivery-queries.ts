/**
 * Reading the webhook delivery log: listing by filter newest first, pages with a cursor, counts, and the
 * dispatcher's figures. Plain reads of the log the dispatcher (webhooks.ts) keeps; nothing here changes a
 * delivery.
 */
import type { DeliveryLog } from './delivery-log.js';
import { SimError } from './errors.js';
import { decodeCursor, encodeCursor } from './pagination.js';
import type { DeliveryRecord } from './delivery-record.js';
import type { WebhookDelivery, WebhookDeliveryFilter, WebhookDeliveryPage, WebhookDispatchStats } from './webhook-delivery.js';

type Log = DeliveryLog<DeliveryRecord>;

/** Newest first. */
export function listDeliveries(log: Log, filter: WebhookDeliveryFilter = {}): WebhookDelivery[] {
  const out: WebhookDelivery[] = [];
  for (const { delivery } of log.newestFirst()) {
    if (matches(delivery, filter)) out.push(delivery);
  }
  return out;
}

/**
 * One page, newest first. The cursor is a position in the log (the creation order), not an index:
 * deliveries created since the first page sort before it, so a walk through every page sees each
 * delivery that stayed in the log exactly once, however many arrive meanwhile. A malformed or
 * tampered cursor is a 400 naming `cursor`.
 */
export function pageDeliveries(log: Log, options: { filter?: WebhookDeliveryFilter; limit: number; cursor?: string }): WebhookDeliveryPage {
  const { filter = {}, limit } = options;
  let before: number | undefined;
  if (options.cursor !== undefined) {
    const key = decodeCursor(options.cursor);
    if (key === undefined) {
      throw new SimError({ kind: 'invalid_request', message: 'cursor is not one this list returned', field: 'cursor', value: options.cursor });
    }
    before = key.seq;
  }
  const deliveries: WebhookDelivery[] = [];
  let last: DeliveryRecord | undefined;
  let more = false;
  for (const record of log.newestFirst(before)) {
    if (!matches(record.delivery, filter)) continue;
    if (deliveries.length === limit) {
      more = true;
      break;
    }
    deliveries.push(record.delivery);
    last = record;
  }
  return {
    deliveries,
    total: countDeliveries(log, filter),
    // The log is ordered by seq alone; createdAt is 0 in the shared cursor format (pagination.ts).
    nextCursor: more && last ? encodeCursor({ createdAt: 0, seq: last.seq }) : null,
  };
}

/** How many deliveries in the log match. */
export function countDeliveries(log: Log, filter: WebhookDeliveryFilter = {}): number {
  if (Object.values(filter).every((value) => value === undefined)) return log.size;
  let n = 0;
  for (const { delivery } of log.newestFirst()) if (matches(delivery, filter)) n++;
  return n;
}

/** The log's figures beside the dispatch pool's (`queued`: due and waiting for a slot; `active`: in flight). */
export function dispatchStats(log: Log, pool: { readonly queued: number; readonly active: number }): WebhookDispatchStats {
  return {
    queued: pool.queued,
    inFlight: pool.active,
    unfinished: log.size - log.finishedCount,
    logged: log.size,
  };
}

function matches(delivery: WebhookDelivery, filter: WebhookDeliveryFilter): boolean {
  return (
    (filter.namespace === undefined || delivery.namespace === filter.namespace) &&
    (filter.tenant === undefined || delivery.tenant === filter.tenant) &&
    (filter.eventType === undefined || delivery.eventType === filter.eventType) &&
    (filter.status === undefined || delivery.status === filter.status) &&
    (filter.subject === undefined || delivery.subject === filter.subject) &&
    (filter.endpointId === undefined || delivery.endpointId === filter.endpointId)
  );
}
