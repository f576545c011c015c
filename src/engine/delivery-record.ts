/** A webhook delivery as the dispatcher keeps it in its log (webhooks.ts), shared with the log's queries and persistence. */
import type { TimerHandle } from './clock.js';
import type { DeliveryState, DeliveryStatus, SavedDelivery } from './webhook-delivery.js';
import type { WebhookSigner } from './webhook-signing.js';

export interface DeliveryRecord extends DeliveryState {
  readonly id: string;
  /** Creation order, for the log. */
  readonly seq: number;
  /** Undefined for a delivery loaded from the data file whose signer is not registered (yet). */
  sign: WebhookSigner | undefined;
  /** Its persisted form, when the dispatcher has a table: the same delivery object, so it is written as it now is. */
  saved: SavedDelivery | undefined;
  timer: TimerHandle | undefined;
  /** Set when the delivery is reset: in-flight results are dropped and nothing is rescheduled. */
  cancelled: boolean;
}

/** Succeeded, failed or disabled: it will not change again. */
export function isFinished(status: DeliveryStatus): boolean {
  return status === 'succeeded' || status === 'failed' || status === 'disabled';
}
