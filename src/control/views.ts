/** How engine records look on the control API and in the event stream: `provider` instead of the engine's namespace. */
import type { SimMessage } from '../engine/message.js';
import type { WebhookDelivery } from '../engine/webhooks.js';

export function messageView(message: SimMessage) {
  const { namespace, seq: _seq, ...rest } = message;
  return { provider: namespace, ...rest };
}

export function deliveryView(delivery: WebhookDelivery) {
  const { namespace, ...rest } = delivery;
  return { provider: namespace, ...rest };
}
