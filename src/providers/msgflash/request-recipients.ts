/** Whom a MsgFlash request addresses, for the request journal: a send's or a scheduled send's `to`, a campaign's `recipients`. */
import { field } from '../client-profile.js';
import { recipientList } from '../request-recipients.js';

export function msgflashRecipients(operationId: string, body: unknown): string[] {
  switch (operationId) {
    case 'sendMessage':
    case 'scheduleMessage':
      return recipientList(field(body, 'to'));
    case 'createCampaign':
      return recipientList(field(body, 'recipients'));
    default:
      return [];
  }
}
