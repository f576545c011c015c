/**
 * Whom a MessageHub request addresses, for the request journal: a send's `to` and its fallback chain's
 * per-channel recipients, a batch's `messages[].to`, a distribution's `targets[].to`.
 */
import { field } from '../client-profile.js';
import { recipientList, recipientsOfEach } from '../request-recipients.js';

export function messagehubRecipients(operationId: string, body: unknown): string[] {
  switch (operationId) {
    case 'sendMessage':
      return [...recipientList(field(body, 'to')), ...fallbackRecipients(field(body, 'fallback', 'recipients'))];
    case 'sendBatch':
      return recipientsOfEach(field(body, 'messages'), 'to');
    case 'distributeContent':
      return recipientsOfEach(field(body, 'targets'), 'to');
    default:
      return [];
  }
}

function fallbackRecipients(byChannel: unknown): string[] {
  if (byChannel === null || typeof byChannel !== 'object') return [];
  return Object.values(byChannel).flatMap(recipientList);
}
