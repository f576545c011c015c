/** Whom a Msghub request addresses, for the request journal: a send's or a flow trigger's `to`, a campaign's `recipients`. */
import { field } from '../client-profile.js';
import { recipientList } from '../request-recipients.js';

export function msghubRecipients(operationId: string, body: unknown): string[] {
  switch (operationId) {
    case 'sendMessage':
    case 'triggerFlow':
      return recipientList(field(body, 'to'));
    case 'createCampaign':
    case 'updateCampaign':
      return recipientList(field(body, 'recipients'));
    default:
      return [];
  }
}
